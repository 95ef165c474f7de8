#include "support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simdjson.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace chronicle::e2e {

// ---- HTTP client ------------------------------------------------------------------

http_client::http_client(std::uint16_t port, std::string bearer) : port_(port), bearer_(std::move(bearer)) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd_);
    throw std::runtime_error("connect failed: " + std::string(std::strerror(errno)));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{30, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

http_client::~http_client() {
  if (fd_ >= 0) ::close(fd_);
}

response http_client::request(const std::string& method, const std::string& target, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  bool has_auth = false;
  for (auto& [k, v] : headers) has_auth |= (k == "Authorization");
  if (!bearer_.empty() && !has_auth) req += "Authorization: Bearer " + bearer_ + "\r\n";
  for (auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  return raw(req);
}

response http_client::raw(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    // A server may answer early (413) and close while we still send: read its answer.
    if (n <= 0 && (errno == EPIPE || errno == ECONNRESET)) break;
    if (n <= 0) throw std::runtime_error("send failed: " + std::string(std::strerror(errno)));
    sent += static_cast<std::size_t>(n);
  }
  return read_response();
}

response http_client::read_response() {
  auto fill = [&]() {
    char tmp[16384];
    auto n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) throw std::runtime_error(n == 0 ? "connection closed" : "recv failed: " + std::string(std::strerror(errno)));
    buf_.append(tmp, static_cast<std::size_t>(n));
  };
  std::size_t end;
  while ((end = buf_.find("\r\n\r\n")) == std::string::npos) fill();
  response r;
  std::istringstream head(buf_.substr(0, end));
  std::string line;
  std::getline(head, line);
  if (line.size() < 12) throw std::runtime_error("bad status line: " + line);
  r.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers[name] = value;
  }
  buf_.erase(0, end + 4);
  std::size_t len = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
  while (buf_.size() < len) fill();
  r.body = buf_.substr(0, len);
  buf_.erase(0, len);
  return r;
}

bool http_client::closed_by_peer() {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, 2000) <= 0) return false;
  char c;
  return ::recv(fd_, &c, 1, MSG_PEEK) == 0;
}

// ---- processes ----------------------------------------------------------------------

namespace {
int spawn(const std::vector<std::string>& argv, int& out_fd, const std::vector<std::string>& env = {}) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  int pid = ::fork();
  if (pid == 0) {
    ::dup2(pipefd[1], 1);
    for (auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::perror("execv");
    ::_exit(127);
  }
  ::close(pipefd[1]);
  out_fd = pipefd[0];
  return pid;
}

// Reads the child's stdout until a line containing `marker` (or EOF/timeout).
std::string read_line_with(int fd, const std::string& marker, std::chrono::seconds within) {
  std::string acc;
  auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char c;
    auto n = ::read(fd, &c, 1);
    if (n <= 0) break;
    if (c == '\n') {
      if (marker.empty() || acc.find(marker) != std::string::npos) return acc;
      acc.clear();
    } else {
      acc.push_back(c);
    }
  }
  return {};
}

int wait_exit(int pid, std::chrono::seconds within) {
  auto deadline = std::chrono::steady_clock::now() + within;
  for (;;) {
    int st = 0;
    auto r = ::waitpid(pid, &st, WNOHANG);
    if (r == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &st, 0);
      return -1000;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}
}  // namespace

server_process::server_process(const std::string& data_dir, std::vector<std::string> extra,
                               std::vector<std::string> env) {
  std::vector<std::string> argv = {CHRONICLE_BIN, "serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  int fd = -1;
  pid_ = spawn(argv, fd, env);
  std::string line;
  for (int i = 0; i < 3 && line.find("listening on http://") == std::string::npos; ++i) {
    line = read_line_with(fd, "", std::chrono::seconds(60));
    auto k = line.find("chr_");
    if (line.find("key") != std::string::npos && k != std::string::npos) admin_key_ = line.substr(k);
  }
  ::close(fd);
  if (line.find("listening on http://") == std::string::npos) {
    kill9();
    throw std::runtime_error("chronicle serve did not start");
  }
  auto p = line.find("127.0.0.1:");
  port_ = static_cast<std::uint16_t>(std::stoi(line.substr(p + 10)));
  if (!wait_ready()) throw std::runtime_error("chronicle serve never became ready");
}

server_process::~server_process() {
  if (pid_ > 0) kill9();
}

bool server_process::wait_ready(std::chrono::seconds within) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      http_client c(port_);
      if (c.get("/readyz").status == 200) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int server_process::terminate(std::chrono::seconds within) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  auto st = wait_exit(pid_, within);
  pid_ = -1;
  return st;
}

void server_process::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int st;
  ::waitpid(pid_, &st, 0);
  pid_ = -1;
}

run_result run_chronicle(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<std::string> argv = {CHRONICLE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  int fd = -1;
  int pid = spawn(argv, fd, env);
  run_result r;
  char buf[4096];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    r.out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  r.exit_code = wait_exit(pid, std::chrono::seconds(120));
  return r;
}

helper_process::helper_process(std::vector<std::string> argv) {
  int fd = -1;
  pid_ = spawn(argv, fd);
  line_ = read_line_with(fd, "", std::chrono::seconds(30));
  ::close(fd);
  if (line_.empty()) throw std::runtime_error("helper " + argv[0] + " printed nothing");
}

void helper_process::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

helper_process::~helper_process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    wait_exit(pid_, std::chrono::seconds(10));
  }
}

// ---- JSON and metrics -----------------------------------------------------------------

std::optional<std::string> json_field(const std::string& json, const std::string& key) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(json).get(doc)) return std::nullopt;
  simdjson::dom::element v;
  if (doc[key].get(v)) return std::nullopt;
  if (v.is_string()) return std::string(v.get_string().value());
  if (v.is_null()) return std::string("null");
  return simdjson::minify(v);
}

std::size_t count_items(const std::string& json) {
  simdjson::dom::parser p;
  simdjson::dom::array a;
  if (p.parse(json)["items"].get(a)) return 0;
  return a.size();
}

std::vector<std::string> item_field(const std::string& json, const std::string& key) {
  simdjson::dom::parser p;
  simdjson::dom::array a;
  std::vector<std::string> out;
  if (p.parse(json)["items"].get(a)) return out;
  for (auto item : a) {
    std::string_view s;
    if (!item[key].get(s)) out.emplace_back(s);
  }
  return out;
}

double metric(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

std::string temp_dir() {
  std::random_device rd;
  auto p = std::filesystem::temp_directory_path() / ("chronicle-e2e-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(p);
  return p.string();
}

void remove_dir(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

captured_run run_chronicle_captured(const std::vector<std::string>& args, const std::vector<std::string>& env,
                                    std::chrono::seconds within) {
  std::vector<std::string> argv = {CHRONICLE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw std::runtime_error("pipe failed");
  }
  int pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> cargs;
    for (auto& a : argv) cargs.push_back(const_cast<char*>(a.c_str()));
    cargs.push_back(nullptr);
    ::execv(cargs[0], cargs.data());
    std::perror("execv");
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  captured_run r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  auto deadline = std::chrono::steady_clock::now() + within;
  while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
    if (::poll(fds, 2, 200) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      auto n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - std::chrono::steady_clock::now());
  r.exit_code = wait_exit(pid, left > std::chrono::seconds(1) ? left : std::chrono::seconds(1));
  return r;
}

std::string json_at(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser p;
  simdjson::dom::element doc, v;
  if (p.parse(json).get(doc) || doc.at_pointer(pointer).get(v)) return "";
  std::string_view str;
  if (!v.get(str)) return std::string(str);
  return simdjson::to_string(v);
}

response call(std::uint16_t port, const std::string& key, const std::string& method, const std::string& target,
              const std::string& body, header_list headers) {
  http_client c(port, key);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return c.request(method, target, body, headers);
}

}  // namespace chronicle::e2e
