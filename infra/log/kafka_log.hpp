#pragma once
// The event log on Kafka (librdkafka): one topic per category, records keyed
// by stream and produced by an idempotent producer (acks=all) to the partition
// the command side chose; cursors are manually assigned read_committed consumers.
//
// Thread-safety: all methods may be called from any thread; a cursor belongs
// to one thread at a time, except wake(), which any thread may call.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "commands/ports/event_log.hpp"

namespace chronicle::infra {

struct kafka_log_options {
  std::string bootstrap;                              // "host:port,..."
  std::string topic_prefix = "chronicle.";            // topic = prefix + category topic
  std::uint32_t partitions = 8;                       // must match the topics' partition count
  // An append fails (unavailable) after this; also bounds each of open()'s
  // metadata and topic-creation requests (at least 1 s).
  std::chrono::milliseconds delivery_timeout{10000};
  std::map<std::string, std::string> extra;           // librdkafka properties, applied last
};

class kafka_log final : public commands::event_log {
 public:
  // Checks (or creates) every topic of `all_topics` with `partitions` partitions.
  static result<std::unique_ptr<kafka_log>> open(const kafka_log_options& opts);
  ~kafka_log() override;

  std::uint32_t partitions() const override;
  result<positions> end_positions() override;
  result<std::unique_ptr<log_cursor>> open_cursor(const std::vector<std::string>& topics,
                                                  const positions& from) override;
  void append(commands::log_append batch, commands::append_callback done) override;
  void close() override;

  struct impl;

 private:
  explicit kafka_log(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

}  // namespace chronicle::infra
