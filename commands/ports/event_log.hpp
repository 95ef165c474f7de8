#pragma once
// Port: the durable, ordered event log the command side appends to.
// Implemented by infra/log (embedded RocksDB, Kafka) and an in-memory fake.
//
// Contract: `done` is called exactly once, after the records are durable (or
// with an error, in which case none of them may be assumed written: the
// caller re-reads the log). Records of one append land contiguously and in
// order in their partition. Thread-safety: append() may be called from any
// thread; callbacks run on a log thread and must not block for long.
#include <functional>

#include "domain/log.hpp"

namespace chronicle::commands {

struct log_append {
  topic_partition tp;
  struct record {
    std::string key;      // the stream
    std::string payload;  // the encoded envelope
  };
  std::vector<record> records;
};

using append_callback = std::function<void(result<std::vector<std::uint64_t>> offsets)>;

class event_log : public log_reader {
 public:
  virtual void append(log_append batch, append_callback done) = 0;
  // Flush pending work and stop background threads; appends after close fail.
  virtual void close() = 0;
};

}  // namespace chronicle::commands
