#pragma once
// End-to-end test support: a real `chronicle serve` process on 127.0.0.1, a
// small blocking HTTP/1.1 client, and JSON field access for assertions.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace chronicle::e2e {

struct response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

// One keep-alive connection. Throws std::runtime_error on transport failure.
class http_client {
 public:
  // `bearer`: an API key sent as "Authorization: Bearer <key>" on every request.
  explicit http_client(std::uint16_t port, std::string bearer = {});
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  response request(const std::string& method, const std::string& target, const std::string& body = {},
                   const std::vector<std::pair<std::string, std::string>>& headers = {});
  response get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& h = {}) {
    return request("GET", target, {}, h);
  }
  response post_json(const std::string& target, const std::string& body,
                     std::vector<std::pair<std::string, std::string>> h = {}) {
    h.emplace_back("Content-Type", "application/json");
    return request("POST", target, body, h);
  }
  // Sends raw bytes and reads one response (for malformed requests).
  response raw(const std::string& bytes);
  bool closed_by_peer();

 private:
  response read_response();
  int fd_ = -1;
  std::uint16_t port_;
  std::string bearer_;
  std::string buf_;
};

// A `chronicle` child process. The destructor kills it if still running.
class server_process {
 public:
  // Starts `chronicle serve --data-dir DIR --listen 127.0.0.1:0 <extra>` and
  // waits until it prints its port and /readyz answers 200.
  // `env`: "NAME=value" entries added to the child's environment.
  server_process(const std::string& data_dir, std::vector<std::string> extra = {},
                 std::vector<std::string> env = {});
  ~server_process();
  std::uint16_t port() const { return port_; }
  int pid() const { return pid_; }
  // The admin key printed on the first start of an empty data directory.
  const std::string& admin_key() const { return admin_key_; }
  // SIGTERM and wait; returns the exit status (or -signal).
  int terminate(std::chrono::seconds within = std::chrono::seconds(20));
  void kill9();
  bool wait_ready(std::chrono::seconds within = std::chrono::seconds(30));

 private:
  int pid_ = -1;
  std::uint16_t port_ = 0;
  std::string admin_key_;
};

// Runs `chronicle ARGS...` to completion; returns its exit code and stdout.
struct run_result {
  int exit_code = -1;
  std::string out;
};
run_result run_chronicle(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

// A helper process printing one line first (the Kafka mock cluster's bootstrap).
class helper_process {
 public:
  explicit helper_process(std::vector<std::string> argv);
  ~helper_process();
  const std::string& first_line() const { return line_; }
  void signal(int sig);

 private:
  int pid_ = -1;
  std::string line_;
};

// Value of a top-level string/number field in a flat JSON object (tests only).
std::optional<std::string> json_field(const std::string& json, const std::string& key);
// The value at a JSON pointer ("/stock/available"): strings bare, anything
// else as JSON text; "" when absent.
std::string json_at(const std::string& json, const std::string& pointer);

using header_list = std::vector<std::pair<std::string, std::string>>;
// One request on a fresh connection (a server that closes after an error
// reply cannot spill into the next one), with a JSON content type when
// there is a body.
response call(std::uint16_t port, const std::string& key, const std::string& method, const std::string& target,
              const std::string& body = {}, header_list headers = {});
std::size_t count_items(const std::string& list_json);
std::vector<std::string> item_field(const std::string& list_json, const std::string& key);
// The value of a Prometheus metric line with exactly this name and labels.
double metric(const std::string& text, const std::string& series);

std::string temp_dir();
void remove_dir(const std::string& path);

// Runs `chronicle ARGS...` capturing stdout and stderr apart; a child still
// running after `within` is killed (exit_code -1000), so a command that should
// have failed but serves instead cannot hang the test.
struct captured_run {
  int exit_code = -1;
  std::string out;
  std::string err;
};
captured_run run_chronicle_captured(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                                    std::chrono::seconds within = std::chrono::seconds(120));

}  // namespace chronicle::e2e
