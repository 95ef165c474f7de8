#include "infra/memory/memory_log.hpp"

namespace chronicle::infra {
namespace {
class memory_cursor final : public log_cursor {
 public:
  memory_cursor(memory_log::shared& s, positions pos) : s_(s), pos_(std::move(pos)) {}
  result<std::vector<log_record>> poll(std::size_t max, std::chrono::milliseconds wait) override {
    std::unique_lock lock(s_.m);
    auto have = [&] {
      for (auto& [tp, off] : pos_) {
        auto it = s_.data.find(tp);
        if (it != s_.data.end() && it->second.size() > off) return true;
      }
      return false;
    };
    auto gen = s_.generation;
    if (!have() && !woken_) s_.cv.wait_for(lock, wait, [&] { return have() || woken_ || s_.generation != gen; });
    woken_ = false;
    std::vector<log_record> out;
    for (auto& [tp, off] : pos_) {
      auto it = s_.data.find(tp);
      if (it == s_.data.end()) continue;
      while (off < it->second.size() && out.size() < max) out.push_back(it->second[off++]);
    }
    return out;
  }
  void wake() override {
    {
      std::lock_guard lock(s_.m);
      woken_ = true;
      ++s_.generation;
    }
    s_.cv.notify_all();
  }

 private:
  memory_log::shared& s_;
  positions pos_;
  bool woken_ = false;
};
}  // namespace

result<positions> memory_log::end_positions() {
  positions out;
  std::lock_guard lock(s_.m);
  for (auto t : all_topics)
    for (std::uint32_t p = 0; p < parts_; ++p) {
      auto it = s_.data.find({std::string(t), p});
      out[{std::string(t), p}] = it == s_.data.end() ? 0 : it->second.size();
    }
  return out;
}

result<std::unique_ptr<log_cursor>> memory_log::open_cursor(const std::vector<std::string>& topics,
                                                            const positions& from) {
  positions pos;
  for (auto& t : topics)
    for (std::uint32_t p = 0; p < parts_; ++p) {
      auto it = from.find({t, p});
      pos[{t, p}] = it == from.end() ? 0 : it->second;
    }
  return std::unique_ptr<log_cursor>(new memory_cursor(s_, std::move(pos)));
}

void memory_log::append(commands::log_append batch, commands::append_callback done) {
  if (fail_appends.load() || closed_.load()) {
    done(error::make(errc::unavailable, "log_unavailable", "the in-memory log is closed or set to fail"));
    return;
  }
  bool known = false;
  for (auto t : all_topics) known |= (t == batch.tp.topic);
  if (!known || batch.tp.partition >= parts_) {
    done(error::invalid("unknown_topic_partition", "no such topic-partition: " + batch.tp.topic));
    return;
  }
  std::vector<std::uint64_t> offsets;
  {
    std::lock_guard lock(s_.m);
    auto& v = s_.data[batch.tp];
    for (auto& r : batch.records) {
      offsets.push_back(v.size());
      v.push_back({batch.tp, v.size(), std::move(r.key), std::move(r.payload)});
    }
    ++s_.generation;
  }
  s_.cv.notify_all();
  done(std::move(offsets));
}

}  // namespace chronicle::infra
