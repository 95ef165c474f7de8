// Measures the embedded log's group commit. C threads each append one record
// (about the size of an encoded envelope) and wait for its durable
// acknowledgement before the next, as a command waits before answering. The
// same run also measures the design group commit replaces, one synchronous
// RocksDB Put (one WAL fsync) per event from one thread, so the gain is a
// ratio measured on the same disk at the same moment, not a remembered figure.
//
// Not a test: it prints figures and is run on purpose (tests/bench/README.md).
#include <rocksdb/db.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <latch>
#include <memory>
#include <random>
#include <semaphore>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "infra/log/embedded_log.hpp"

namespace {

namespace fs = std::filesystem;
using bench_clock = std::chrono::steady_clock;

constexpr int default_concurrencies[] = {1, 16, 64};
constexpr std::uint32_t log_partitions = 8;

struct bench_options {
  double seconds = 5;
  int runs = 3;
  std::size_t payload_bytes = 400;
  fs::path base = "/tmp";
  std::vector<int> concurrencies{std::begin(default_concurrencies), std::end(default_concurrencies)};
};

struct sample {
  double per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  std::uint64_t count = 0;
};

// Nearest-rank percentile: the value below which a fraction q of samples lie.
double percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  auto idx = std::min(v.size() - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(idx), v.end());
  return v[idx];
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double micros(bench_clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// A fresh directory per measurement, so no run inherits another's SST files
// or compaction debt.
class temp_dir {
 public:
  explicit temp_dir(const fs::path& base) {
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::ostringstream name;
      name << "chronicle-bench-" << std::hex << rd() << rd();
      auto candidate = base / name.str();
      if (fs::create_directory(candidate)) {
        path_ = candidate;
        return;
      }
    }
    throw std::runtime_error("cannot create a temporary directory under " + base.string());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The file system type holding `dir`, from /proc/mounts: on tmpfs an fsync
// costs nothing and every figure here would be meaningless.
std::string fs_type_of(const fs::path& dir) {
  std::error_code ec;
  auto target = fs::canonical(dir, ec).string();
  if (ec) return "unknown";
  std::ifstream mounts("/proc/mounts");
  std::string device, mount_point, type, rest, best_type = "unknown";
  std::size_t best_len = 0;
  while (mounts >> device >> mount_point >> type && std::getline(mounts, rest)) {
    bool covers = target == mount_point ||
                  (target.starts_with(mount_point) &&
                   (mount_point == "/" || target[mount_point.size()] == '/'));
    if (covers && mount_point.size() >= best_len) {
      best_len = mount_point.size();
      best_type = type;
    }
  }
  return best_type;
}

// An envelope-shaped payload of exactly `bytes` bytes (padding in `data`).
std::string make_payload(std::size_t bytes) {
  std::string head =
      R"({"id":"01J0000000000000000000BENCH","type":"customer.registered","schema_version":1,)"
      R"("tenant":"bench","stream":"customer-bench-0","stream_version":1,)"
      R"("occurred_at":"2024-01-01T00:00:00.000000Z","data":{"pad":")";
  std::string tail = R"("}})";
  std::string p = head;
  if (bytes > head.size() + tail.size()) p.append(bytes - head.size() - tail.size(), 'x');
  p += tail;
  return p;
}

sample summarise(std::vector<double>& latencies_us, bench_clock::duration elapsed) {
  sample s;
  s.count = latencies_us.size();
  auto secs = std::chrono::duration<double>(elapsed).count();
  s.per_second = secs > 0 ? static_cast<double>(s.count) / secs : 0;
  s.p50_us = percentile(latencies_us, 0.50);
  s.p99_us = percentile(latencies_us, 0.99);
  return s;
}

// The "one fsync per event" design: each record its own synchronous write.
sample measure_raw_put(const bench_options& o, const std::string& payload) {
  temp_dir dir(o.base);
  rocksdb::Options opts;  // as the embedded log opens its database
  opts.create_if_missing = true;
  opts.max_background_jobs = 2;
  opts.write_buffer_size = 64 << 20;
  rocksdb::DB* raw = nullptr;
  auto st = rocksdb::DB::Open(opts, dir.path().string(), &raw);
  if (!st.ok()) throw std::runtime_error("opening RocksDB: " + st.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);

  rocksdb::WriteOptions wo;
  wo.sync = true;
  std::vector<double> lat;
  auto start = bench_clock::now();
  auto deadline = start + std::chrono::duration_cast<bench_clock::duration>(
                              std::chrono::duration<double>(o.seconds));
  auto finished = start;
  for (std::uint64_t offset = 0; finished < deadline; ++offset) {
    std::string key(1, '\0');
    for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>((offset >> (8 * i)) & 0xff));
    auto t0 = bench_clock::now();
    st = db->Put(wo, key, payload);
    finished = bench_clock::now();
    if (!st.ok()) throw std::runtime_error("RocksDB Put: " + st.ToString());
    lat.push_back(micros(finished - t0));
  }
  auto s = summarise(lat, finished - start);
  st = db->Close();
  if (!st.ok()) throw std::runtime_error("closing RocksDB: " + st.ToString());
  return s;
}

sample measure_embedded(const bench_options& o, const std::string& payload, int concurrency) {
  temp_dir dir(o.base);
  auto opened = chronicle::infra::embedded_log::open(
      {.dir = dir.path().string(), .partitions = log_partitions, .sync = true});
  if (!opened) throw std::runtime_error("opening the embedded log: " + opened.err().message);
  auto& log = *opened.value();

  std::vector<std::vector<double>> lat(static_cast<std::size_t>(concurrency));
  std::vector<bench_clock::time_point> finished(static_cast<std::size_t>(concurrency));
  std::atomic<bool> failed = false;
  std::string failure;  // written by the first thread that sets `failed`
  bench_clock::time_point start, deadline;
  std::latch start_line(concurrency + 1);

  // One per appender thread, owned here rather than on the thread's stack:
  // the committer thread may still be inside release() when the appender
  // returns from acquire(), so the semaphore must outlive log.close().
  struct appender {
    std::binary_semaphore acked{0};
    bool ok = true;
    chronicle::error last_error;
  };
  std::vector<std::unique_ptr<appender>> appenders;
  for (int t = 0; t < concurrency; ++t) appenders.push_back(std::make_unique<appender>());

  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(concurrency));
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      auto& mine = lat[static_cast<std::size_t>(t)];
      auto& self = *appenders[static_cast<std::size_t>(t)];
      std::string key = "customer-bench-" + std::to_string(t);
      chronicle::topic_partition tp{"customers", static_cast<std::uint32_t>(t) % log_partitions};
      start_line.arrive_and_wait();
      auto now = bench_clock::now();
      while (now < deadline && !failed.load(std::memory_order_relaxed)) {
        chronicle::commands::log_append a{tp, {{key, payload}}};
        auto t0 = bench_clock::now();
        log.append(std::move(a), [&self](chronicle::result<std::vector<std::uint64_t>> r) {
          self.ok = r.ok();
          if (!self.ok) self.last_error = std::move(r).err();
          self.acked.release();
        });
        self.acked.acquire();
        now = bench_clock::now();
        if (!self.ok) {
          if (!failed.exchange(true)) failure = self.last_error.code + ": " + self.last_error.message;
          break;
        }
        mine.push_back(micros(now - t0));
      }
      finished[static_cast<std::size_t>(t)] = now;
    });
  }
  start = bench_clock::now();
  deadline = start + std::chrono::duration_cast<bench_clock::duration>(
                         std::chrono::duration<double>(o.seconds));
  start_line.arrive_and_wait();
  for (auto& th : threads) th.join();
  log.close();
  if (failed) throw std::runtime_error("append failed: " + failure);

  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  auto last = *std::max_element(finished.begin(), finished.end());
  return summarise(all, last - start);
}

void print_sample(int run, int runs, const char* what, int concurrency, const sample& s) {
  std::printf("run %d/%d  %-22s C=%-3d %10.0f /s  p50 %8.0f µs  p99 %8.0f µs  (%llu)\n", run, runs,
              what, concurrency, s.per_second, s.p50_us, s.p99_us,
              static_cast<unsigned long long>(s.count));
  std::fflush(stdout);
}

[[noreturn]] void usage(const char* argv0, int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: %s [--seconds S] [--runs R] [--dir DIR] [--payload BYTES]\n"
               "  --seconds S      duration of each measurement (default 5)\n"
               "  --runs R         repetitions; figures are medians over runs (default 3)\n"
               "  --dir DIR        where the temporary databases go (default /tmp)\n"
               "  --payload BYTES  record size (default 400)\n"
               "  --concurrency L  comma-separated appender counts (default 1,16,64)\n",
               argv0);
  std::exit(code);
}

bench_options parse(int argc, char** argv) {
  bench_options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") usage(argv[0], 0);
    if (i + 1 >= argc) usage(argv[0], 2);
    std::string v = argv[++i];
    try {
      if (a == "--seconds") o.seconds = std::stod(v);
      else if (a == "--runs") o.runs = std::stoi(v);
      else if (a == "--dir") o.base = v;
      else if (a == "--payload") o.payload_bytes = std::stoul(v);
      else if (a == "--concurrency") {
        o.concurrencies.clear();
        std::size_t pos = 0;
        while (pos <= v.size()) {
          auto comma = v.find(',', pos);
          auto part = v.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
          std::size_t used = 0;
          auto c = std::stoi(part, &used);
          if (used != part.size() || c < 1 || c > 1024) usage(argv[0], 2);
          o.concurrencies.push_back(c);
          if (comma == std::string::npos) break;
          pos = comma + 1;
        }
      }
      else usage(argv[0], 2);
    } catch (const std::logic_error&) {
      usage(argv[0], 2);
    }
  }
  if (!(o.seconds > 0) || o.runs < 1 || o.payload_bytes == 0) usage(argv[0], 2);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  auto payload = make_payload(o.payload_bytes);
  auto fs_type = fs_type_of(o.base);

  std::printf("embedded log append benchmark: %d run(s) x %.1f s per measurement, %zu-byte records,\n"
              "sync=true, %u partitions, databases under %s (%s), %u hardware threads\n",
              o.runs, o.seconds, payload.size(), log_partitions, o.base.c_str(), fs_type.c_str(),
              std::thread::hardware_concurrency());
  if (fs_type == "tmpfs" || fs_type == "ramfs")
    std::printf("WARNING: %s makes fsync free; these figures say nothing about durability cost\n",
                fs_type.c_str());
  std::printf("\n");

  const auto& concurrencies = o.concurrencies;
  const std::size_t n_conc = concurrencies.size();
  std::vector<sample> raw(static_cast<std::size_t>(o.runs));
  std::vector<std::vector<sample>> emb(n_conc, std::vector<sample>(static_cast<std::size_t>(o.runs)));
  try {
    for (int r = 0; r < o.runs; ++r) {
      auto ri = static_cast<std::size_t>(r);
      raw[ri] = measure_raw_put(o, payload);
      print_sample(r + 1, o.runs, "rocksdb put sync", 1, raw[ri]);
      for (std::size_t c = 0; c < n_conc; ++c) {
        emb[c][ri] = measure_embedded(o, payload, concurrencies[c]);
        print_sample(r + 1, o.runs, "embedded_log append", concurrencies[c], emb[c][ri]);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_log_append: %s\n", e.what());
    return 1;
  }

  // Ratios are taken within each run, then the median over runs, so a disk
  // that slows down between runs does not skew the comparison.
  auto column = [&](const std::vector<sample>& v, double sample::*field) {
    std::vector<double> out;
    for (auto& s : v) out.push_back(s.*field);
    return median(out);
  };
  auto ratio = [&](const std::vector<sample>& num, const std::vector<sample>& den) {
    std::vector<double> out;
    for (std::size_t i = 0; i < num.size(); ++i)
      out.push_back(den[i].per_second > 0 ? num[i].per_second / den[i].per_second : 0);
    return median(out);
  };

  std::printf("\nmedians over %d run(s); ratios are per run, then the median\n", o.runs);
  auto vs_first = "vs C=" + std::to_string(concurrencies[0]);
  std::printf("%-28s %5s %12s %11s %11s %8s %11s\n", "writer", "C", "appends/s", "p50 µs",
              "p99 µs", vs_first.c_str(), "vs raw put");
  auto row = [&](const char* what, int c, const std::vector<sample>& v) {
    std::printf("%-28s %5d %12.0f %10.0f %10.0f %7.2fx %10.2fx\n", what, c,
                column(v, &sample::per_second), column(v, &sample::p50_us),
                column(v, &sample::p99_us), ratio(v, emb[0]), ratio(v, raw));
  };
  row("rocksdb put, sync, 1 thread", 1, raw);
  for (std::size_t c = 0; c < n_conc; ++c) row("embedded_log, group commit", concurrencies[c], emb[c]);
  return 0;
}
