#include "api/cli/stack.hpp"

#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>

#include "commands/access_commands.hpp"
#include "commands/activity_commands.hpp"
#include "commands/catalog_commands.hpp"
#include "commands/order_commands.hpp"
#include "commands/customer_commands.hpp"
#include "commands/order_template_commands.hpp"
#include "commands/tag_commands.hpp"
#include "infra/crypto/sodium_vault.hpp"
#include "infra/log/embedded_log.hpp"
#include "infra/log/kafka_log.hpp"
#include "infra/store/rocks_stores.hpp"
#include "infra/system.hpp"
#include "projections/access.hpp"
#include "projections/activity.hpp"
#include "projections/products.hpp"
#include "projections/audit.hpp"
#include "projections/customer_index.hpp"
#include "projections/customer_orders.hpp"
#include "projections/customers.hpp"
#include "projections/order_reports.hpp"
#include "projections/order_templates.hpp"
#include "projections/orders.hpp"
#include "projections/tags.hpp"
#include "projections/timeline.hpp"

namespace chronicle::cli {

struct stack::parts {
  std::unique_ptr<commands::event_log> log;
  infra::embedded_log* embedded = nullptr;  // the log, when it is the embedded one
  std::shared_ptr<infra::rocks_db> state_db, views_db;
  std::unique_ptr<infra::rocks_state_store> state;
  std::unique_ptr<infra::rocks_kv> views;
  std::unique_ptr<infra::sodium_vault> vault;
  infra::system_clock clock;
  infra::system_entropy entropy;
  std::unique_ptr<commands::executor> exec;
  std::unique_ptr<projections::runner> runner;
  std::shared_ptr<projections::customer_index> index = std::make_shared<projections::customer_index>();
  std::unique_ptr<commands::audit_trail> audit;
  bool closed = false;
};

result<std::unique_ptr<stack>> stack::open(const stack_options& o) {
  if (sodium_init() < 0) return error::make(errc::internal, "sodium_init", "libsodium failed to initialise");
  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  if (ec) return error::make(errc::unavailable, "data_dir", "cannot create the data directory " + o.data_dir + ": " + ec.message());
  auto p = std::make_unique<parts>();
  auto guard = std::make_shared<infra::disk_guard>(o.data_dir, o.min_free_mb << 20);

  auto master = infra::load_master_key(o.data_dir, o.master_key_file);
  if (!master) return std::move(master).err();
  auto vault = infra::sodium_vault::open(o.data_dir + "/vault", *master);
  sodium_memzero(master->data(), master->size());
  if (!vault) return std::move(vault).err();
  p->vault = std::move(*vault);
  p->vault->set_guard(guard);

  if (o.kafka.empty()) {
    // Audit records may use the disk reserve: reads of personal data need
    // theirs, and go on while commands are refused for lack of space.
    auto l = infra::embedded_log::open({o.data_dir + "/log", o.partitions, true, guard, {"compliance"}});
    if (!l) return std::move(l).err();
    p->embedded = l->get();
    p->log = std::move(*l);
  } else {
    infra::kafka_log_options ko;
    ko.bootstrap = o.kafka;
    ko.topic_prefix = o.kafka_prefix;
    ko.partitions = o.partitions;
    ko.extra = o.kafka_config;
    auto l = infra::kafka_log::open(ko);
    if (!l) return std::move(l).err();
    p->log = std::move(*l);
  }
  auto state_db = infra::rocks_db::open(o.data_dir + "/state");
  if (!state_db) return std::move(state_db).err();
  auto views_db = infra::rocks_db::open(o.data_dir + "/views");
  if (!views_db) return std::move(views_db).err();
  p->state_db = *state_db;
  p->views_db = *views_db;
  p->state_db->set_guard(guard);
  p->views_db->set_guard(guard);
  p->state = std::make_unique<infra::rocks_state_store>(p->state_db);
  p->views = std::make_unique<infra::rocks_kv>(p->views_db);

  p->exec = std::make_unique<commands::executor>(
      *p->log, *p->state, *p->vault, p->clock, p->entropy,
      std::vector<commands::aggregate_kind>{commands::customer_commands::kind(*p->vault),
                                            commands::access_commands::tenant_kind(),
                                            commands::access_commands::key_kind(),
                                            commands::tag_commands::kind(),
                                            commands::activity_commands::kind(),
                                            commands::order_template_commands::kind(),
                                            commands::order_commands::kind(),
                                            commands::catalog_commands::kind()});
  if (auto s = p->exec->start(); !s) return error::make(s.err().kind, s.err().code, "catching up the command side: " + s.err().message);

  // The search index lives in memory: filled from the customers view as it
  // stands, then kept current by the customers projection.
  auto index_started = std::chrono::steady_clock::now();
  auto indexed = projections::customer_queries::load_index(*p->views, *p->index);
  if (!indexed) return error::make(indexed.err().kind, indexed.err().code, "loading the search index: " + indexed.err().message);
  if (*indexed > 0)
    std::fprintf(stderr, "chronicle: search index: %zu customers loaded in %.1f s\n", *indexed,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - index_started).count());
  std::vector<std::unique_ptr<projections::projection>> projs;
  projs.push_back(projections::make_customers_projection(p->index));
  projs.push_back(projections::make_access_projection());
  projs.push_back(projections::make_audit_projection());
  projs.push_back(projections::make_tags_projection());
  projs.push_back(projections::make_activity_projection());
  projs.push_back(projections::make_timeline_projection());
  projs.push_back(projections::make_order_templates_projection());
  projs.push_back(projections::make_customer_orders_projection(p->index));
  projs.push_back(projections::make_order_reports_projection());
  projs.push_back(projections::make_orders_projection());
  projs.push_back(projections::make_products_projection());
  p->runner = std::make_unique<projections::runner>(*p->log, *p->views, *p->vault, std::move(projs));
  if (auto s = p->runner->start(); !s) return error::make(s.err().kind, s.err().code, "starting projections: " + s.err().message);
  p->audit = std::make_unique<commands::audit_trail>(*p->log, p->clock, p->entropy);
  return std::unique_ptr<stack>(new stack(std::move(p)));
}

stack::stack(std::unique_ptr<parts> p) : p_(std::move(p)) {}
stack::~stack() { close(); }

commands::executor& stack::exec() { return *p_->exec; }
projections::runner& stack::runner() { return *p_->runner; }
projections::customer_index& stack::customers_index() { return *p_->index; }
projections::kv_store& stack::views() { return *p_->views; }
commands::pii_vault& stack::vault() { return *p_->vault; }
commands::audit_trail& stack::audit() { return *p_->audit; }
commands::entropy& stack::entropy() { return p_->entropy; }

status stack::purge_storage() {
  if (auto s = p_->state->compact(); !s) return s;
  if (auto s = p_->views->compact(); !s) return s;
  return p_->vault->compact();
}

std::vector<std::pair<std::string, std::uint64_t>> stack::background_jobs() {
  std::vector<std::pair<std::string, std::uint64_t>> jobs;
  if (p_->embedded) jobs.emplace_back("log", p_->embedded->background_jobs());
  jobs.emplace_back("state", p_->state_db->background_jobs());
  jobs.emplace_back("views", p_->views_db->background_jobs());
  return jobs;
}

status stack::wait_caught_up(std::chrono::seconds within) {
  auto deadline = std::chrono::steady_clock::now() + within;
  for (;;) {
    auto st = p_->runner->current();
    if (!st.failure.empty()) return error::make(errc::internal, "projections_failed", st.failure);
    if (st.caught_up) return {};
    if (std::chrono::steady_clock::now() > deadline)
      return error::make(errc::timeout, "catching_up", "projections are still catching up");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

result<commands::command_outcome> stack::run(commands::command_request req) {
  std::promise<result<commands::command_outcome>> done;
  auto f = done.get_future();
  p_->exec->submit(std::move(req), [&done](result<commands::command_outcome> r) { done.set_value(std::move(r)); });
  auto r = f.get();
  if (!r || r->token.empty()) return r;
  std::promise<void> reached;
  auto rf = reached.get_future();
  auto id = p_->runner->when_reached(decode_token(r->token).value(), [&reached] { reached.set_value(); });
  if (rf.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    p_->runner->cancel(id);
    return error::make(errc::timeout, "catching_up", "the command is stored but the views did not catch up in time");
  }
  return r;
}

void stack::close() {
  if (!p_ || p_->closed) return;
  p_->closed = true;
  p_->audit->stop();
  p_->exec->stop();
  if (!p_->runner->drain(std::chrono::seconds(10)))
    std::fprintf(stderr, "chronicle: projections did not catch up before stopping; they resume at the next start\n");
  p_->runner->stop();
  p_->log->close();
}

}  // namespace chronicle::cli
