// Append-to-visible lag of a real `chronicle serve` on 127.0.0.1: C clients
// each register a customer (POST, durable), then read it back at once with the
// consistency token the POST returned (GET waits until the projections have
// folded the write). Baseline in the same run: the same GET of a customer
// written long before, which never waits. The difference between the two GET
// latencies is what read-your-writes costs.
//
//   bench_visibility [--seconds S] [--runs R] [--clients C]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../e2e/support.hpp"

using namespace chronicle::e2e;
using bench_clock = std::chrono::steady_clock;

namespace {

struct options {
  double seconds = 5;
  int runs = 3;
  int clients = 8;
};

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}
double median(std::vector<double> v) { return pct(std::move(v), 0.5); }

double us_since(bench_clock::time_point t) {
  return std::chrono::duration<double, std::micro>(bench_clock::now() - t).count();
}

// VmHWM of a process, in MiB (0 when unreadable).
double peak_rss_mib(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

std::string body(const std::string& tag) {
  return R"({"first_name":"Visible )" + tag + R"(","emails":[{"address":")" + tag + R"(@bench.example"}]})";
}

struct run_figures {
  double post_p50, post_p99, visible_p50, visible_p99, old_p50, old_p99, writes_per_s;
};

run_figures measure(server_process& s, const options& o, int run, const std::string& old_id) {
  std::mutex m;
  std::vector<double> post, visible, old;
  std::atomic<bool> failed{false};
  auto until = bench_clock::now() + std::chrono::duration<double>(o.seconds);
  std::vector<std::thread> ts;
  for (int c = 0; c < o.clients; ++c)
    ts.emplace_back([&, c] {
      std::vector<double> p, v, b;
      try {
        http_client h(s.port(), s.admin_key());
        for (int i = 0; bench_clock::now() < until; ++i) {
          auto t0 = bench_clock::now();
          auto r = h.post_json("/v1/customers", body("r" + std::to_string(run) + "c" + std::to_string(c) + "i" +
                                                     std::to_string(i)));
          if (r.status != 201) throw std::runtime_error("POST answered " + std::to_string(r.status) + ": " + r.body);
          p.push_back(us_since(t0));
          auto id = json_field(r.body, "id").value();
          auto t1 = bench_clock::now();
          auto g = h.get("/v1/customers/" + id, {{"Consistency-Token", r.header("consistency-token")}});
          if (g.status != 200) throw std::runtime_error("GET answered " + std::to_string(g.status) + ": " + g.body);
          v.push_back(us_since(t1));
          auto t2 = bench_clock::now();
          auto o2 = h.get("/v1/customers/" + old_id);
          if (o2.status != 200) throw std::runtime_error("GET of an old customer answered " + std::to_string(o2.status));
          b.push_back(us_since(t2));
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_visibility: client %d: %s\n", c, e.what());
        failed = true;
      }
      std::lock_guard lock(m);
      post.insert(post.end(), p.begin(), p.end());
      visible.insert(visible.end(), v.begin(), v.end());
      old.insert(old.end(), b.begin(), b.end());
    });
  for (auto& t : ts) t.join();
  if (failed) throw std::runtime_error("a client failed");
  return {pct(post, .5), pct(post, .99), pct(visible, .5), pct(visible, .99), pct(old, .5), pct(old, .99),
          static_cast<double>(post.size()) / o.seconds};
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "usage: bench_visibility [--seconds S] [--runs R] [--clients C]\n");
      return 2;
    }
    std::string v = argv[++i];
    if (a == "--seconds") o.seconds = std::stod(v);
    else if (a == "--runs") o.runs = std::stoi(v);
    else if (a == "--clients") o.clients = std::stoi(v);
    else {
      std::fprintf(stderr, "bench_visibility: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (!(o.seconds > 0) || o.runs < 1 || o.clients < 1) return 2;
  auto dir = temp_dir();
  try {
    server_process s(dir);
    std::string old_id;
    {
      http_client h(s.port(), s.admin_key());
      auto r = h.post_json("/v1/customers", body("old"));
      if (r.status != 201) throw std::runtime_error("seeding failed: " + r.body);
      old_id = json_field(r.body, "id").value();
    }
    std::printf("append-to-visible benchmark: %d run(s) x %.1f s, %d clients, one server on 127.0.0.1\n\n", o.runs,
                o.seconds, o.clients);
    std::vector<run_figures> all;
    for (int r = 1; r <= o.runs; ++r) {
      auto f = measure(s, o, r, old_id);
      std::printf("run %d/%d  POST p50 %7.0f µs p99 %7.0f  |  GET after POST (token) p50 %7.0f p99 %7.0f  |  "
                  "GET old p50 %7.0f p99 %7.0f  |  %6.0f writes/s\n",
                  r, o.runs, f.post_p50, f.post_p99, f.visible_p50, f.visible_p99, f.old_p50, f.old_p99,
                  f.writes_per_s);
      std::fflush(stdout);
      all.push_back(f);
    }
    auto col = [&](double run_figures::*field) {
      std::vector<double> v;
      for (auto& f : all) v.push_back(f.*field);
      return median(v);
    };
    std::printf("\nmedians over %d run(s)\n", o.runs);
    std::printf("%-44s %10s %10s\n", "request", "p50 µs", "p99 µs");
    std::printf("%-44s %10.0f %10.0f\n", "POST /v1/customers (durable)", col(&run_figures::post_p50),
                col(&run_figures::post_p99));
    std::printf("%-44s %10.0f %10.0f\n", "GET with its consistency token (visible)", col(&run_figures::visible_p50),
                col(&run_figures::visible_p99));
    std::printf("%-44s %10.0f %10.0f\n", "GET of an old customer (baseline)", col(&run_figures::old_p50),
                col(&run_figures::old_p99));
    std::printf("append-to-visible wait (GET with token - baseline), p50: %.0f µs\n",
                col(&run_figures::visible_p50) - col(&run_figures::old_p50));
    std::printf("server peak RSS: %.1f MiB\n", peak_rss_mib(s.pid()));
    s.terminate();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_visibility: %s\n", e.what());
    remove_dir(dir);
    return 1;
  }
  remove_dir(dir);
  return 0;
}
