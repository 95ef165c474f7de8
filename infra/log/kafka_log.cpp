#include "infra/log/kafka_log.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "domain/thread_name.hpp"

namespace chronicle::infra {
namespace {

constexpr std::size_t topic_count = std::size(all_topics);
constexpr int end_positions_timeout_ms = 5000;

int topic_index(std::string_view t) {
  for (std::size_t i = 0; i < topic_count; ++i)
    if (all_topics[i] == t) return static_cast<int>(i);
  return -1;
}

error unavailable(std::string message) {
  return error::make(errc::unavailable, "log_unavailable", std::move(message));
}

std::string err_text(rd_kafka_resp_err_t e) { return rd_kafka_err2str(e); }

struct conf_deleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
struct list_deleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
struct metadata_deleter {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
struct queue_deleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct event_deleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct admin_options_deleter {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
using conf_ptr = std::unique_ptr<rd_kafka_conf_t, conf_deleter>;
using list_ptr = std::unique_ptr<rd_kafka_topic_partition_list_t, list_deleter>;
using metadata_ptr = std::unique_ptr<const rd_kafka_metadata_t, metadata_deleter>;
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, queue_deleter>;
using event_ptr = std::unique_ptr<rd_kafka_event_t, event_deleter>;
using admin_options_ptr = std::unique_ptr<rd_kafka_AdminOptions_t, admin_options_deleter>;

// Our defaults first, then the operator's overrides.
result<conf_ptr> make_conf(const kafka_log_options& o,
                           const std::vector<std::pair<std::string, std::string>>& defaults) {
  conf_ptr c(rd_kafka_conf_new());
  char errstr[512];
  auto set = [&](const std::string& k, const std::string& v) -> status {
    if (rd_kafka_conf_set(c.get(), k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
      return error::invalid("invalid_kafka_config", "Kafka property " + k + "=" + v + ": " + errstr);
    return {};
  };
  if (auto s = set("bootstrap.servers", o.bootstrap); !s) return std::move(s).err();
  if (auto s = set("client.id", "chronicle"); !s) return std::move(s).err();
  for (auto& [k, v] : defaults)
    if (auto s = set(k, v); !s) return std::move(s).err();
  for (auto& [k, v] : o.extra)
    if (auto s = set(k, v); !s) return std::move(s).err();
  return c;
}

// Consumer errors that librdkafka recovers from on its own.
bool transient(rd_kafka_resp_err_t e) {
  switch (e) {
    case RD_KAFKA_RESP_ERR__PARTITION_EOF:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__RESOLVE:
      return true;
    default:
      return false;
  }
}

class kafka_cursor final : public log_cursor {
 public:
  kafka_cursor(rd_kafka_t* rk, rd_kafka_queue_t* q, std::string prefix)
      : rk_(rk), q_(q), prefix_(std::move(prefix)) {}

  ~kafka_cursor() override {
    rd_kafka_queue_destroy(q_);
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
  }

  result<std::vector<log_record>> poll(std::size_t max, std::chrono::milliseconds wait) override {
    std::vector<log_record> out;
    if (max == 0) return out;
    buf_.resize(max);
    auto deadline = std::chrono::steady_clock::now() + wait;
    std::optional<error> failure;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      // consume_batch waits until the array is full, so wait for one record only
      // and then take whatever else is already queued.
      auto n = rd_kafka_consume_batch_queue(q_, static_cast<int>(std::max<std::int64_t>(0, left.count())),
                                            buf_.data(), 1);
      if (n < 0) return unavailable("reading from Kafka: " + err_text(rd_kafka_last_error()));
      if (n == 0) break;  // timed out, or wake()
      if (max > 1) {
        auto more = rd_kafka_consume_batch_queue(q_, 0, buf_.data() + 1, max - 1);
        if (more > 0) n += more;
      }
      for (ssize_t i = 0; i < n; ++i) {
        auto* m = buf_[i];
        if (m->err) {
          if (!failure && !transient(m->err)) {
            std::string where;
            if (m->rkt) where = std::string(rd_kafka_topic_name(m->rkt)) + "/" + std::to_string(m->partition) + ": ";
            failure = unavailable("reading from Kafka: " + where + rd_kafka_message_errstr(m));
          }
        } else {
          out.push_back(to_record(*m));
        }
        rd_kafka_message_destroy(m);
      }
      // Only transient errors so far: keep waiting for records.
      if (!out.empty() || failure || std::chrono::steady_clock::now() >= deadline) break;
    }
    if (out.empty() && failure) return std::move(*failure);
    return out;
  }

  void wake() override { rd_kafka_queue_yield(q_); }

 private:
  log_record to_record(const rd_kafka_message_t& m) const {
    log_record r;
    std::string_view topic = rd_kafka_topic_name(m.rkt);
    if (topic.starts_with(prefix_)) topic.remove_prefix(prefix_.size());
    r.tp = {std::string(topic), static_cast<std::uint32_t>(m.partition)};
    r.offset = static_cast<std::uint64_t>(m.offset);
    if (m.key) r.key.assign(static_cast<const char*>(m.key), m.key_len);
    if (m.payload) r.payload.assign(static_cast<const char*>(m.payload), m.len);
    return r;
  }

  rd_kafka_t* rk_;
  rd_kafka_queue_t* q_;
  std::string prefix_;
  std::vector<rd_kafka_message_t*> buf_;
};

}  // namespace

struct kafka_log::impl {
  kafka_log_options opts;

  // Guards the handle's lifetime: close() destroys it while end_positions()
  // may be using it on another thread.
  std::shared_mutex handle_m;
  rd_kafka_t* rk = nullptr;
  std::array<rd_kafka_topic_t*, topic_count> topics{};

  struct pending;
  struct slot {
    pending* owner;
    std::size_t index;
  };
  struct pending {
    commands::append_callback done;
    std::size_t ends_slot = 0;
    std::vector<std::uint64_t> offsets;
    std::vector<slot> slots;  // the per-record opaque handed to librdkafka
    std::size_t remaining = 0;
    std::optional<error> failure;
  };

  std::mutex m;  // guards everything below
  std::unordered_map<pending*, std::unique_ptr<pending>> in_flight;
  std::vector<std::uint64_t> acked_end;  // per topic*partitions+partition
  bool closed = false;
  std::string fatal;       // non-empty once the producer hit a fatal error
  std::string last_error;  // the latest error librdkafka reported, for context

  std::mutex close_m;
  bool close_done = false;
  std::atomic<bool> stop_polling{false};
  std::thread poller;
  std::thread::id poller_id;  // readable while another thread joins `poller`

  // How long open() waits for each metadata or admin answer.
  int metadata_timeout_ms() const {
    return static_cast<int>(std::max<std::int64_t>(1000, opts.delivery_timeout.count()));
  }

  std::size_t slot_of(int topic, std::uint32_t p) const {
    return static_cast<std::size_t>(topic) * opts.partitions + p;
  }
  std::string topic_name(std::string_view t) const { return opts.topic_prefix + std::string(t); }

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
    static_cast<impl*>(opaque)->delivered(*msg);
  }
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* d = static_cast<impl*>(opaque);
    std::string text = reason ? reason : err_text(static_cast<rd_kafka_resp_err_t>(err));
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      char buf[512];
      rd_kafka_fatal_error(rk, buf, sizeof buf);
      std::fprintf(stderr, "kafka log: fatal producer error: %s\n", buf);
      std::lock_guard lock(d->m);
      d->fatal = buf;
      return;
    }
    std::lock_guard lock(d->m);
    d->last_error = std::move(text);
  }

  void delivered(const rd_kafka_message_t& msg) {
    auto* s = static_cast<slot*>(msg._private);
    std::unique_ptr<pending> done;
    {
      std::lock_guard lock(m);
      auto& p = *s->owner;
      if (msg.err) {
        if (!p.failure)
          p.failure = unavailable("Kafka did not confirm the append: " + err_text(msg.err) +
                                  (last_error.empty() ? "" : " (last error: " + last_error + ")"));
      } else if (msg.offset < 0) {
        // Written, but without an offset the caller cannot build its position
        // token; it re-reads the log as after any failed append.
        if (!p.failure) p.failure = unavailable("Kafka confirmed the append without reporting its offset");
      } else {
        p.offsets[s->index] = static_cast<std::uint64_t>(msg.offset);
      }
      if (--p.remaining > 0) return;
      auto it = in_flight.find(&p);
      done = std::move(it->second);
      in_flight.erase(it);
      if (!done->failure && !done->offsets.empty())
        acked_end[done->ends_slot] = std::max(acked_end[done->ends_slot], done->offsets.back() + 1);
    }
    finish(*done);
  }

  static void finish(pending& p) {
    if (p.failure) p.done(std::move(*p.failure));
    else p.done(std::move(p.offsets));
  }

  void poll_loop() {
    while (!stop_polling.load()) rd_kafka_poll(rk, 100);
  }

  status ensure_topics() {
    auto parts = static_cast<int>(opts.partitions);
    auto md = fetch_metadata();
    if (!md) return std::move(md).err();
    std::vector<std::string> missing, mismatched;
    check_topics(**md, missing, mismatched);
    if (!mismatched.empty()) {
      std::string list;
      for (auto& t : mismatched) list += (list.empty() ? "" : ", ") + t;
      return error::make(errc::failed_precondition, "kafka_partitions_mismatch",
                         "Kafka topics with the wrong partition count: " + list + "; this deployment expects " +
                             std::to_string(parts) +
                             " partitions per topic (streams are placed by hashing into that many partitions, "
                             "so the count cannot change under existing data)");
    }
    if (missing.empty()) return {};

    int replicas = std::max(1, std::min(3, (*md)->broker_cnt));
    md->reset();
    if (auto s = create_topics(missing, replicas); !s) {
      std::string list;
      for (auto& t : missing) list += (list.empty() ? "" : ", ") + t;
      return error::make(
          errc::failed_precondition, "kafka_topics_missing",
          "Kafka topics are missing and could not be created (" + s.err().message + "): " + list +
              ". Create them with " + std::to_string(parts) +
              " partitions each, cleanup.policy=delete and retention.ms=-1, e.g. kafka-topics.sh --bootstrap-server " +
              opts.bootstrap + " --create --topic " + missing.front() + " --partitions " + std::to_string(parts) +
              " --replication-factor 3 --config retention.ms=-1");
    }
    // Creation is asynchronous on the brokers: wait until metadata shows every topic.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(metadata_timeout_ms());
    for (;;) {
      auto again = fetch_metadata();
      if (!again) return std::move(again).err();
      missing.clear();
      mismatched.clear();
      check_topics(**again, missing, mismatched);
      if (missing.empty() && mismatched.empty()) return {};
      if (std::chrono::steady_clock::now() >= deadline)
        return unavailable("created the Kafka topics but they did not all appear in time");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  result<metadata_ptr> fetch_metadata() {
    const rd_kafka_metadata_t* raw = nullptr;
    // All topics rather than ours by name: a lookup by name may auto-create a
    // topic with the broker's default partition count.
    auto err = rd_kafka_metadata(rk, 1, nullptr, &raw, metadata_timeout_ms());
    if (err) return unavailable("cannot read Kafka metadata from " + opts.bootstrap + ": " + err_text(err));
    return metadata_ptr(raw);
  }

  void check_topics(const rd_kafka_metadata_t& md, std::vector<std::string>& missing,
                    std::vector<std::string>& mismatched) const {
    for (auto t : all_topics) {
      auto name = topic_name(t);
      const rd_kafka_metadata_topic_t* found = nullptr;
      for (int i = 0; i < md.topic_cnt; ++i)
        if (md.topics[i].topic == name) found = &md.topics[i];
      // No partitions yet: being created elsewhere; creating it again is harmless.
      if (!found || found->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || found->partition_cnt == 0)
        missing.push_back(name);
      else if (found->partition_cnt != static_cast<int>(opts.partitions))
        mismatched.push_back(name + " (" + std::to_string(found->partition_cnt) + " partitions)");
    }
  }

  status create_topics(const std::vector<std::string>& names, int replicas) {
    char errstr[512];
    std::vector<rd_kafka_NewTopic_t*> nts;
    auto free_topics = [&] {
      for (auto* nt : nts) rd_kafka_NewTopic_destroy(nt);
    };
    for (auto& n : names) {
      auto* nt = rd_kafka_NewTopic_new(n.c_str(), static_cast<int>(opts.partitions), replicas, errstr, sizeof errstr);
      if (!nt) {
        free_topics();
        return error::invalid("invalid_kafka_topic", errstr);
      }
      // The log is the system of record: never expire events, never compact
      // (compaction by stream key would keep only each stream's last event).
      rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "delete");
      rd_kafka_NewTopic_set_config(nt, "retention.ms", "-1");
      rd_kafka_NewTopic_set_config(nt, "retention.bytes", "-1");
      if (replicas >= 3) rd_kafka_NewTopic_set_config(nt, "min.insync.replicas", "2");
      nts.push_back(nt);
    }
    queue_ptr q(rd_kafka_queue_new(rk));
    admin_options_ptr ao(rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS));
    rd_kafka_AdminOptions_set_request_timeout(ao.get(), metadata_timeout_ms(), errstr, sizeof errstr);
    rd_kafka_AdminOptions_set_operation_timeout(ao.get(), metadata_timeout_ms(), errstr, sizeof errstr);
    rd_kafka_CreateTopics(rk, nts.data(), nts.size(), ao.get(), q.get());
    free_topics();
    event_ptr ev(rd_kafka_queue_poll(q.get(), 2 * metadata_timeout_ms() + 1000));
    if (!ev) return unavailable("CreateTopics timed out");
    if (rd_kafka_event_error(ev.get())) return unavailable(rd_kafka_event_error_string(ev.get()));
    auto* res = rd_kafka_event_CreateTopics_result(ev.get());
    if (!res) return unavailable("unexpected reply to CreateTopics");
    std::size_t cnt = 0;
    auto** topics = rd_kafka_CreateTopics_result_topics(res, &cnt);
    for (std::size_t i = 0; i < cnt; ++i) {
      auto e = rd_kafka_topic_result_error(topics[i]);
      if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        auto* why = rd_kafka_topic_result_error_string(topics[i]);
        return unavailable(std::string(rd_kafka_topic_result_name(topics[i])) + ": " +
                           (why ? why : err_text(e)));
      }
    }
    return {};
  }
};

kafka_log::kafka_log(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

kafka_log::~kafka_log() { close(); }

result<std::unique_ptr<kafka_log>> kafka_log::open(const kafka_log_options& o) {
  if (o.bootstrap.empty()) return error::invalid("invalid_kafka_bootstrap", "the Kafka bootstrap servers are empty");
  if (o.partitions == 0 || o.partitions > 1024)
    return error::invalid("invalid_partitions", "partitions must be between 1 and 1024");
  if (o.delivery_timeout.count() <= 0)
    return error::invalid("invalid_delivery_timeout", "the delivery timeout must be positive");

  auto d = std::make_unique<impl>();
  d->opts = o;
  d->acked_end.assign(topic_count * o.partitions, 0);
  auto conf = make_conf(o, {
                               {"enable.idempotence", "true"},
                               {"acks", "all"},
                               {"linger.ms", "2"},
                               {"message.timeout.ms", std::to_string(o.delivery_timeout.count())},
                               {"queue.buffering.max.messages", "1000000"},
                           });
  if (!conf) return std::move(conf).err();
  rd_kafka_conf_set_opaque(conf->get(), d.get());
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &impl::on_delivery);
  rd_kafka_conf_set_error_cb(conf->get(), &impl::on_error);
  char errstr[512];
  d->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof errstr);
  // librdkafka refuses a handle for contradictory or unknown settings.
  if (!d->rk) return error::invalid("invalid_kafka_config", std::string("cannot create the Kafka producer: ") + errstr);
  conf->release();  // owned by the handle now

  auto* dp = d.get();
  d->poller = std::thread([dp] {
    name_this_thread("chronicle-kafka");
    dp->poll_loop();
  });
  d->poller_id = d->poller.get_id();
  // From here on the log's destructor cleans up whatever fails below.
  std::unique_ptr<kafka_log> log(new kafka_log(std::move(d)));
  if (auto s = dp->ensure_topics(); !s) return std::move(s).err();
  for (std::size_t t = 0; t < topic_count; ++t) {
    dp->topics[t] = rd_kafka_topic_new(dp->rk, dp->topic_name(all_topics[t]).c_str(), nullptr);
    if (!dp->topics[t]) return unavailable("cannot create the Kafka topic handle for " + dp->topic_name(all_topics[t]));
  }
  return log;
}

std::uint32_t kafka_log::partitions() const { return impl_->opts.partitions; }

result<positions> kafka_log::end_positions() {
  auto& d = *impl_;
  std::shared_lock handle(d.handle_m);
  if (!d.rk) return error::make(errc::unavailable, "log_closed", "the event log is closed");
  list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(topic_count * d.opts.partitions)));
  for (auto t : all_topics)
    for (std::uint32_t p = 0; p < d.opts.partitions; ++p)
      // As a ListOffsets "timestamp", OFFSET_END (-1) asks for the end of the
      // partition; one request per broker, sent in parallel.
      rd_kafka_topic_partition_list_add(list.get(), d.topic_name(t).c_str(), static_cast<std::int32_t>(p))->offset =
          RD_KAFKA_OFFSET_END;
  auto err = rd_kafka_offsets_for_times(d.rk, list.get(), end_positions_timeout_ms);
  if (err) return unavailable("querying the end of the Kafka log: " + err_text(err));
  positions out;
  std::lock_guard lock(d.m);
  for (int i = 0; i < list->cnt; ++i) {
    auto& e = list->elems[i];
    std::string_view topic = e.topic;
    topic.remove_prefix(d.opts.topic_prefix.size());
    if (e.err)
      return unavailable("querying the end of " + std::string(e.topic) + "/" + std::to_string(e.partition) + ": " +
                         err_text(e.err));
    auto p = static_cast<std::uint32_t>(e.partition);
    // Never report less than this process has already acknowledged.
    auto acked = d.acked_end[d.slot_of(topic_index(topic), p)];
    auto queried = e.offset < 0 ? 0 : static_cast<std::uint64_t>(e.offset);
    out[{std::string(topic), p}] = std::max(acked, queried);
  }
  return out;
}

result<std::unique_ptr<log_cursor>> kafka_log::open_cursor(const std::vector<std::string>& topics,
                                                           const positions& from) {
  auto& d = *impl_;
  for (auto& t : topics)
    if (topic_index(t) < 0) return error::invalid("unknown_topic", "no such topic: " + t);
  // The group id is required by rd_kafka_assign() but unused: no subscribe,
  // no commits, positions are the caller's.
  auto conf = make_conf(d.opts, {
                                    {"group.id", "chronicle-cursor"},
                                    {"enable.auto.commit", "false"},
                                    {"enable.auto.offset.store", "false"},
                                    {"isolation.level", "read_committed"},
                                    {"enable.partition.eof", "false"},
                                    {"auto.offset.reset", "earliest"},
                                });
  if (!conf) return std::move(conf).err();
  char errstr[512];
  auto* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr);
  if (!rk) return error::invalid("invalid_kafka_config", std::string("cannot create a Kafka consumer: ") + errstr);
  conf->release();
  // Errors and logs arrive on the queue poll() serves, not on a queue nobody drains.
  rd_kafka_poll_set_consumer(rk);
  list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size() * d.opts.partitions)));
  for (auto& t : topics)
    for (std::uint32_t p = 0; p < d.opts.partitions; ++p) {
      auto it = from.find({t, p});
      rd_kafka_topic_partition_list_add(list.get(), d.topic_name(t).c_str(), static_cast<std::int32_t>(p))->offset =
          it == from.end() ? 0 : static_cast<std::int64_t>(it->second);
    }
  auto* q = rd_kafka_queue_get_consumer(rk);
  auto cursor = std::make_unique<kafka_cursor>(rk, q, d.opts.topic_prefix);
  if (auto err = rd_kafka_assign(rk, list.get()))
    return unavailable("assigning Kafka partitions to a cursor: " + err_text(err));
  return std::unique_ptr<log_cursor>(std::move(cursor));
}

void kafka_log::append(commands::log_append batch, commands::append_callback done) {
  auto& d = *impl_;
  int t = topic_index(batch.tp.topic);
  if (t < 0 || batch.tp.partition >= d.opts.partitions) {
    done(error::invalid("unknown_topic_partition",
                        "no such topic-partition: " + batch.tp.topic + "/" + std::to_string(batch.tp.partition)));
    return;
  }
  if (batch.records.empty()) {
    done(std::vector<std::uint64_t>{});
    return;
  }
  auto p = std::make_unique<impl::pending>();
  p->done = std::move(done);
  p->ends_slot = d.slot_of(t, batch.tp.partition);
  p->offsets.resize(batch.records.size());
  p->slots.reserve(batch.records.size());
  for (std::size_t i = 0; i < batch.records.size(); ++i) p->slots.push_back({p.get(), i});

  std::optional<error> refused;
  {
    // Producing under the lock keeps the records of one append adjacent in
    // their partition's queue, so they land contiguously.
    std::lock_guard lock(d.m);
    if (d.closed) {
      refused = error::make(errc::unavailable, "log_unavailable", "the event log is closed");
    } else if (!d.fatal.empty()) {
      refused = unavailable("the Kafka producer failed and must be restarted: " + d.fatal);
    } else {
      std::size_t produced = 0;
      for (auto& r : batch.records) {
        auto err = rd_kafka_producev(
            d.rk, RD_KAFKA_V_RKT(d.topics[t]), RD_KAFKA_V_PARTITION(static_cast<std::int32_t>(batch.tp.partition)),
            RD_KAFKA_V_KEY(r.key.data(), r.key.size()),
            RD_KAFKA_V_VALUE(const_cast<char*>(r.payload.data()), r.payload.size()),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(&p->slots[produced]), RD_KAFKA_V_END);
        if (err) {
          p->failure = unavailable("Kafka refused the append: " + err_text(err));
          break;
        }
        ++produced;
      }
      if (produced == 0) {
        refused = std::move(p->failure);
      } else {
        // Records already handed over still get delivery reports; the append
        // completes (failed, if one was refused) once they all arrived.
        p->remaining = produced;
        auto* key = p.get();
        d.in_flight.emplace(key, std::move(p));
      }
    }
  }
  if (refused) p->done(std::move(*refused));
}

void kafka_log::close() {
  auto& d = *impl_;
  {
    std::lock_guard lock(d.m);
    d.closed = true;
  }
  // Called from an append callback: the poller cannot join itself, so only
  // refuse new appends here; the next close() or the destructor finishes.
  if (std::this_thread::get_id() == d.poller_id) return;
  std::lock_guard closing(d.close_m);
  if (d.close_done) return;
  d.stop_polling = true;
  if (d.poller.joinable()) {
    queue_ptr main(rd_kafka_queue_get_main(d.rk));
    rd_kafka_queue_yield(main.get());
    d.poller.join();
  }
  if (d.rk) {
    // Delivery reports are served on this thread from here on.
    auto bound = static_cast<int>(d.opts.delivery_timeout.count()) + 1000;
    if (rd_kafka_flush(d.rk, bound) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_purge(d.rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      rd_kafka_flush(d.rk, 2000);
    }
    std::unique_lock handle(d.handle_m);
    for (auto*& t : d.topics)
      if (t) rd_kafka_topic_destroy(std::exchange(t, nullptr));
    rd_kafka_destroy(std::exchange(d.rk, nullptr));
  }
  // The handle is gone, so no delivery report can come for what is left.
  std::unordered_map<impl::pending*, std::unique_ptr<impl::pending>> left;
  {
    std::lock_guard lock(d.m);
    left.swap(d.in_flight);
  }
  for (auto& [_, p] : left) {
    if (!p->failure) p->failure = unavailable("the event log closed before Kafka confirmed the append");
    impl::finish(*p);
  }
  d.close_done = true;
}

}  // namespace chronicle::infra
