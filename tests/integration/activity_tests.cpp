// Tags and a customer's activity through the real command side and
// projections: the views after a sequence of commands, the due-date index,
// tag name uniqueness, replays from zero into RocksDB giving identical bytes,
// erasure leaving no personal text in any view, and sealing for an erased
// customer failing closed.
#include <boost/test/unit_test.hpp>

#include <future>

#include "domain/ids.hpp"
#include "infra/crypto/sodium_vault.hpp"
#include "schemas/activity_codec.hpp"
#include "stack.hpp"

using namespace chronicle;
using namespace chronicle::testing;
namespace ac = chronicle::commands::activity_commands;
namespace tc = chronicle::commands::tag_commands;
namespace aq = chronicle::projections::activity_queries;
namespace tq = chronicle::projections::tag_queries;

namespace {

void wait_for(projections::runner& r, const std::string& token) {
  std::promise<void> p;
  auto f = p.get_future();
  r.when_reached(decode_token(token).value(), [&p] { p.set_value(); });
  BOOST_REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
}

std::vector<std::unique_ptr<projections::projection>> my_projections() {
  std::vector<std::unique_ptr<projections::projection>> v;
  v.push_back(projections::make_customers_projection());
  v.push_back(projections::make_tags_projection());
  v.push_back(projections::make_activity_projection());
  v.push_back(projections::make_timeline_projection());
  return v;
}

std::string id_of(const commands::command_outcome& o) { return o.stream.substr(o.stream.rfind('-') + 1); }

std::string last_of(const commands::command_outcome& o) {
  return schemas::activity_codec::decode_state(o.state).value().last;
}

// Runs `req`, requires success, returns the outcome.
commands::command_outcome ok(commands::executor& ex, commands::command_request req) {
  auto r = run(ex, std::move(req));
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().code + ": " + r.err().message));
  return *r;
}

activity::log_interaction interaction(std::string customer, std::string id, std::int64_t at, std::string subject) {
  activity::log_interaction i;
  i.customer_id = std::move(customer);
  i.interaction_id = std::move(id);
  i.channel = "call";
  i.direction = "inbound";
  i.subject = std::move(subject);
  i.occurred_at = at;
  return i;
}

// Every value under `prefix` joined, for searching personal text.
std::string all_values(projections::kv_store& kv, const std::string& prefix) {
  std::string out;
  auto rows = kv.scan(prefix, "", 1 << 20, false);
  BOOST_REQUIRE(rows.ok());
  for (auto& [k, v] : *rows) out += k + "=" + v + "\n";
  return out;
}

struct rocks_views {
  std::shared_ptr<infra::rocks_db> db;
  std::unique_ptr<infra::rocks_kv> kv;
  explicit rocks_views(const std::string& dir) {
    auto d = infra::rocks_db::open(dir, 8);
    BOOST_REQUIRE(d.ok());
    db = *d;
    kv = std::make_unique<infra::rocks_kv>(db);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(activity_views)

BOOST_AUTO_TEST_CASE(notes_keep_their_edit_history_and_list_newest_first_by_type) {
  memory_side w;
  infra::memory_kv kv;
  projections::runner r(w.log, kv, w.vault, my_projections());
  BOOST_REQUIRE(r.start().ok());
  auto c = id_of(w.add("Ada"));
  auto n1 = w.ex.new_id();
  ok(w.ex, ac::add_note(meta(), {c, n1, "key1", "support", "First words"}));
  auto n2 = w.ex.new_id();
  auto second = ok(w.ex, ac::add_note(meta(), {c, n2, "key1", "general", "Second"}));
  BOOST_TEST(last_of(second) == n2);
  auto edited = ok(w.ex, ac::edit_note(meta(), {c, n1, std::string("sales"), std::string("Changed words")}));
  wait_for(r, edited.token);

  auto note = aq::note(kv, "acme", c, n1).value();
  BOOST_REQUIRE(note);
  auto doc = schemas::activity_codec::parse_note_doc(*note).value();
  BOOST_TEST(doc.body == "Changed words");
  BOOST_TEST(doc.type == "sales");
  BOOST_REQUIRE_EQUAL(doc.edits.size(), 1u);
  BOOST_TEST(doc.edits[0].previous_body == "First words");
  BOOST_TEST(doc.edits[0].previous_type == "support");
  BOOST_TEST(doc.edits[0].author == "test");

  auto all = aq::notes(kv, "acme", c, "", "", 50).value();
  BOOST_REQUIRE_EQUAL(all.items.size(), 2u);
  BOOST_TEST(all.items[0].find(n2) != std::string::npos);  // newest first
  auto sales = aq::notes(kv, "acme", c, "sales", "", 50).value();
  BOOST_REQUIRE_EQUAL(sales.items.size(), 1u);
  BOOST_TEST(sales.items[0].find(n1) != std::string::npos);
  auto page = aq::notes(kv, "acme", c, "", "", 1).value();
  BOOST_REQUIRE_EQUAL(page.items.size(), 1u);
  auto rest = aq::notes(kv, "acme", c, "", page.next_cursor, 1).value();
  BOOST_REQUIRE_EQUAL(rest.items.size(), 1u);
  BOOST_TEST(rest.items[0].find(n1) != std::string::npos);
  BOOST_TEST(rest.next_cursor.empty());
  BOOST_TEST(!aq::notes(kv, "acme", c, "", "n1.bogus", 1).ok());

  auto del = ok(w.ex, ac::delete_note(meta(), {c, n2}));
  wait_for(r, del.token);
  BOOST_TEST(!aq::note(kv, "acme", c, n2).value());
  BOOST_TEST(aq::notes(kv, "acme", c, "", "", 50).value().items.size() == 1u);
  auto again = run(w.ex, ac::delete_note(meta(), {c, n2}));
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->token.empty());  // nothing appended
  auto unknown = run(w.ex, ac::delete_note(meta(), {c, w.ex.new_id()}));
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.err().code == "note_not_found");
  // Another tenant's view of the same customer id is empty.
  BOOST_TEST(aq::notes(kv, "other", c, "", "", 50).value().items.empty());
  r.stop();
}

BOOST_AUTO_TEST_CASE(interactions_list_by_when_they_happened_and_follow_ups_open_tasks) {
  memory_side w;
  infra::memory_kv kv;
  projections::runner r(w.log, kv, w.vault, my_projections());
  BOOST_REQUIRE(r.start().ok());
  auto c = id_of(w.add("Ada"));
  auto early = w.ex.new_id(), late = w.ex.new_id();
  // Logged in the opposite order of when they happened.
  ok(w.ex, ac::log_interaction(meta(), interaction(c, late, 1'780'000'000'000'000, "late one")));
  auto i = interaction(c, early, 1'770'000'000'000'000, "early one");
  i.follow_up_on = "2026-03-01";
  i.follow_up_task_id = w.ex.new_id();
  auto o = ok(w.ex, ac::log_interaction(meta(), i));
  BOOST_TEST(last_of(o) == early);
  wait_for(r, o.token);
  auto page = aq::interactions(kv, "acme", c, "", 50).value();
  BOOST_REQUIRE_EQUAL(page.items.size(), 2u);
  BOOST_TEST(page.items[0].find(late) != std::string::npos);
  BOOST_TEST(aq::interaction(kv, "acme", c, early).value().value().find(i.follow_up_task_id) != std::string::npos);
  auto task = aq::task(kv, "acme", c, i.follow_up_task_id).value();
  BOOST_REQUIRE(task);
  BOOST_TEST(task->find("Follow up: early one") != std::string::npos, *task);
  BOOST_TEST(task->find(early) != std::string::npos);
  r.stop();
}

BOOST_AUTO_TEST_CASE(the_due_index_orders_open_tasks_by_date_and_follows_changes) {
  memory_side w;
  infra::memory_kv kv;
  projections::runner r(w.log, kv, w.vault, my_projections());
  BOOST_REQUIRE(r.start().ok());
  auto c1 = id_of(w.add("Ada")), c2 = id_of(w.add("Bob"));
  auto t_late = w.ex.new_id(), t_early = w.ex.new_id(), t_none = w.ex.new_id(), t_sam = w.ex.new_id();
  ok(w.ex, ac::create_task(meta(), {c1, t_late, "late", std::string("2026-05-01"), std::nullopt}));
  ok(w.ex, ac::create_task(meta(), {c2, t_early, "early", std::string("2026-01-10"), std::nullopt}));
  ok(w.ex, ac::create_task(meta(), {c1, t_none, "whenever", std::nullopt, std::nullopt}));
  auto last = ok(w.ex, ac::create_task(meta(), {c2, t_sam, "sam's", std::string("2026-03-03"), std::string("sam")}));
  wait_for(r, last.token);
  auto ids = [](const projections::activity_page& p) {
    std::vector<std::string> out;
    for (auto& item : p.items) out.push_back(schemas::activity_codec::parse_task_doc(item).value().id);
    return out;
  };
  projections::task_filter open;
  BOOST_TEST(ids(aq::due_tasks(kv, "acme", open, "", 50).value()) ==
                 (std::vector<std::string>{t_early, t_sam, t_late, t_none}),
             boost::test_tools::per_element());
  projections::task_filter overdue{false, "", "2026-03-03", true, std::nullopt};
  auto od = aq::due_tasks(kv, "acme", overdue, "", 50).value();
  BOOST_TEST(ids(od) == (std::vector<std::string>{t_early, t_sam}), boost::test_tools::per_element());
  BOOST_TEST(od.customers == (std::vector<std::string>{c2, c2}), boost::test_tools::per_element());
  projections::task_filter upcoming{false, "2026-03-04", "", true, std::nullopt};
  BOOST_TEST(ids(aq::due_tasks(kv, "acme", upcoming, "", 50).value()) == (std::vector<std::string>{t_late}),
             boost::test_tools::per_element());
  projections::task_filter sams{false, "", "", false, std::string("sam")};
  BOOST_TEST(ids(aq::due_tasks(kv, "acme", sams, "", 50).value()) == (std::vector<std::string>{t_sam}),
             boost::test_tools::per_element());
  // Pages of one with a cursor walk the same order.
  std::vector<std::string> walked;
  std::string cursor;
  do {
    auto p = aq::due_tasks(kv, "acme", open, cursor, 1).value();
    for (auto& id : ids(p)) walked.push_back(id);
    cursor = p.next_cursor;
  } while (!cursor.empty());
  BOOST_TEST(walked == (std::vector<std::string>{t_early, t_sam, t_late, t_none}), boost::test_tools::per_element());
  BOOST_TEST(!aq::due_tasks(kv, "acme", open, "d1.2026-01-01/nope", 1).ok());

  // Completing moves a task to the done side; moving its date re-sorts it;
  // clearing the assignee drops it from the assignee index.
  ok(w.ex, ac::update_task(meta(), {c2, t_early, std::nullopt, std::nullopt, std::nullopt, true}));
  ok(w.ex, ac::update_task(meta(), {c1, t_late, std::nullopt, std::string("2026-01-01"), std::nullopt, std::nullopt}));
  auto cleared = ok(w.ex, ac::update_task(meta(), {c2, t_sam, std::nullopt, std::nullopt, std::string(""), std::nullopt}));
  wait_for(r, cleared.token);
  BOOST_TEST(ids(aq::due_tasks(kv, "acme", open, "", 50).value()) == (std::vector<std::string>{t_late, t_sam, t_none}),
             boost::test_tools::per_element());
  projections::task_filter done{true, "", "", false, std::nullopt};
  BOOST_TEST(ids(aq::due_tasks(kv, "acme", done, "", 50).value()) == (std::vector<std::string>{t_early}),
             boost::test_tools::per_element());
  BOOST_TEST(aq::due_tasks(kv, "acme", sams, "", 50).value().items.empty());
  auto t = schemas::activity_codec::parse_task_doc(aq::task(kv, "acme", c2, t_early).value().value()).value();
  BOOST_TEST(t.done);
  BOOST_TEST(t.done_at > 0);
  BOOST_TEST(aq::due_tasks(kv, "other", open, "", 50).value().items.empty());
  r.stop();
}

BOOST_AUTO_TEST_CASE(tag_names_are_unique_per_tenant_ignoring_case_until_renamed_or_deleted) {
  memory_side w;
  infra::memory_kv kv;
  projections::runner r(w.log, kv, w.vault, my_projections());
  BOOST_REQUIRE(r.start().ok());
  auto vip = w.ex.new_id();
  ok(w.ex, tc::create_tag(meta(), {vip, "VIP", "#aabbcc", std::nullopt}));
  auto dup = run(w.ex, tc::create_tag(meta(), {w.ex.new_id(), " vip ", "#000000", std::nullopt}));
  BOOST_REQUIRE(!dup.ok());
  BOOST_TEST(dup.err().code == "duplicate_tag_name");
  BOOST_TEST(dup.err().message.find(vip) != std::string::npos, dup.err().message);
  auto other = meta();
  other.tenant = "other";
  BOOST_TEST(run(w.ex, tc::create_tag(other, {w.ex.new_id(), "VIP", "#000000", std::nullopt})).ok());

  ok(w.ex, tc::update_tag(meta(), {vip, std::string("Gold"), std::nullopt, std::nullopt}, 1));
  auto stale = run(w.ex, tc::update_tag(meta(), {vip, std::string("Old"), std::nullopt, std::nullopt}, 1));
  BOOST_REQUIRE(!stale.ok());
  BOOST_TEST(stale.err().kind == errc::version_conflict);
  auto reuse = w.ex.new_id();
  ok(w.ex, tc::create_tag(meta(), {reuse, "vip", "#000000", std::nullopt}));
  auto apple = w.ex.new_id();
  auto last = ok(w.ex, tc::create_tag(meta(), {apple, "apple", "#00ff00", std::nullopt}));
  wait_for(r, last.token);
  auto page = tq::list(kv, "acme", "", 2).value();
  BOOST_REQUIRE_EQUAL(page.items.size(), 2u);
  BOOST_TEST(page.items[0].tag.name == "apple");
  BOOST_TEST(page.items[1].tag.name == "Gold");
  auto rest = tq::list(kv, "acme", page.next_cursor, 2).value();
  BOOST_REQUIRE_EQUAL(rest.items.size(), 1u);
  BOOST_TEST(rest.items[0].tag.name == "vip");
  BOOST_TEST(rest.next_cursor.empty());

  auto gone = ok(w.ex, tc::delete_tag(meta(), {vip}, std::nullopt));
  wait_for(r, gone.token);
  BOOST_TEST(!tq::get(kv, "acme", vip).value());
  auto shown = tq::resolve(kv, "acme", {apple, vip, apple, "01JZZZZZZZZZZZZZZZZZZZZZZZ", reuse}).value();
  BOOST_REQUIRE_EQUAL(shown.size(), 2u);  // the deleted and the unknown id are skipped
  BOOST_TEST(shown[0].tag.id == apple);
  BOOST_TEST(shown[1].tag.id == reuse);
  auto gold = run(w.ex, tc::create_tag(meta(), {w.ex.new_id(), "GOLD", "#000000", std::nullopt}));
  BOOST_REQUIRE(gold.ok());
  wait_for(r, gold->token);
  BOOST_TEST(tq::list(kv, "acme", "", 50).value().items.size() == 3u);  // apple, GOLD, vip
  r.stop();
}

BOOST_AUTO_TEST_CASE(a_batch_prefix_scan_sees_its_own_pending_writes_and_deletes) {
  infra::memory_kv kv;
  BOOST_REQUIRE(kv.write({{"p/a", "1"}, {"p/b", "2"}, {"q/c", "3"}}).ok());
  projections::view_batch b(kv);
  b.put("p/c", "new");
  b.del("p/a");
  b.put("p/b", "changed");
  b.put("pz", "outside");
  auto rows = b.scan_prefix("p/").value();
  BOOST_REQUIRE_EQUAL(rows.size(), 2u);
  BOOST_TEST(rows[0].first == "p/b");
  BOOST_TEST(rows[0].second == "changed");
  BOOST_TEST(rows[1].first == "p/c");
  BOOST_TEST(b.scan_prefix("p/", 1).value().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(activity_erasure)

BOOST_AUTO_TEST_CASE(erasure_leaves_no_personal_text_and_a_replay_from_zero_gives_identical_bytes) {
  temp_dir dir;
  memory_side w;
  rocks_views live(dir.sub("live"));
  projections::runner r(w.log, *live.kv, w.vault, my_projections());
  BOOST_REQUIRE(r.start().ok());
  auto ada = id_of(w.add("Ada Quux"));
  auto bob = id_of(w.add("Bob Keep"));
  auto note = w.ex.new_id();
  ok(w.ex, ac::add_note(meta(), {ada, note, "k", "support", "ada-secret-note"}));
  ok(w.ex, ac::edit_note(meta(), {ada, note, std::nullopt, std::string("ada-secret-edit")}));
  auto i = interaction(ada, w.ex.new_id(), 1'770'000'000'000'000, "ada-secret-subject");
  i.summary = "ada-secret-summary";
  i.follow_up_on = "2026-02-02";
  i.follow_up_task_id = w.ex.new_id();
  ok(w.ex, ac::log_interaction(meta(), i));
  auto task = w.ex.new_id();
  ok(w.ex, ac::create_task(meta(), {ada, task, "ada-secret-task", std::string("2026-01-01"), std::string("sam")}));
  ok(w.ex, ac::update_task(meta(), {ada, task, std::string("ada-secret-retitled"), std::nullopt, std::nullopt, true}));
  ok(w.ex, ac::add_note(meta(), {bob, w.ex.new_id(), "k", "general", "bob-keeps-this"}));
  auto tag = w.ex.new_id(), doomed = w.ex.new_id();
  ok(w.ex, tc::create_tag(meta(), {tag, "Regulars", "#123456", std::string("weekly boxes")}));
  ok(w.ex, tc::create_tag(meta(), {doomed, "Trial", "#654321", std::nullopt}));
  ok(w.ex, tc::update_tag(meta(), {tag, std::string("Regular"), std::nullopt, std::string("")}, std::nullopt));
  auto tags_done = ok(w.ex, tc::delete_tag(meta(), {doomed}, std::nullopt)).token;
  auto erased = ok(w.ex, commands::customer_commands::erase_customer(meta(), {ada}));
  BOOST_REQUIRE(w.vault.destroy("acme", ada).ok());
  // Nothing can be written about the erased customer any more.
  auto late = run(w.ex, ac::add_note(meta(), {ada, w.ex.new_id(), "k", "general", "ada-after-erasure"}));
  BOOST_REQUIRE(!late.ok());
  BOOST_TEST(late.err().code == "subject_erased");
  wait_for(r, erased.token);
  wait_for(r, tags_done);
  r.stop();

  auto views = all_values(*live.kv, "");
  for (auto secret : {"ada-secret-note", "ada-secret-edit", "ada-secret-subject", "ada-secret-summary",
                      "ada-secret-task", "ada-secret-retitled", "Follow up: ada", "ada-after-erasure", "Ada Quux"})
    BOOST_TEST(views.find(secret) == std::string::npos, secret << " is still in the views");
  BOOST_TEST(views.find("bob-keeps-this") != std::string::npos);
  // The skeleton stays: the note, its edit, the task and its due entry.
  auto n = schemas::activity_codec::parse_note_doc(aq::note(*live.kv, "acme", ada, note).value().value()).value();
  BOOST_TEST(n.body == "[erased]");
  BOOST_REQUIRE_EQUAL(n.edits.size(), 1u);
  BOOST_TEST(n.edits[0].previous_body == "[erased]");
  projections::task_filter done{true, "", "", false, std::nullopt};
  BOOST_TEST(aq::due_tasks(*live.kv, "acme", done, "", 50).value().items.size() == 1u);
  auto timeline = projections::timeline_queries::list(*live.kv, "acme", ada, {}, "", 200).value();
  BOOST_TEST(timeline.items.size() == 9u);  // registered, 6 activity events (one follow-up), erased... and the task update
  BOOST_TEST(timeline.items.front().find("subject.erased") != std::string::npos);

  // Rebuilding every view from offset 0 meets the destroyed key and yields
  // exactly the bytes the live views hold.
  rocks_views rebuilt(dir.sub("rebuilt"));
  projections::runner r2(w.log, *rebuilt.kv, w.vault, my_projections());
  BOOST_REQUIRE(r2.start().ok());
  wait_for(r2, erased.token);
  wait_for(r2, tags_done);
  r2.stop();
  for (auto prefix : {"activity/", "timeline/", "customers/", "tags/"}) {
    auto a = live.kv->scan(prefix, "", 1 << 20, false).value();
    auto b = rebuilt.kv->scan(prefix, "", 1 << 20, false).value();
    BOOST_TEST(a.size() > 0u, prefix);
    BOOST_TEST((a == b), prefix << " differs after a replay");
  }
}

BOOST_AUTO_TEST_CASE(activity_that_arrives_after_the_erasure_is_stored_erased) {
  // Between the subject.erased append and the key's destruction a command
  // can still be sealed; the views must not keep its text even if they open it.
  infra::memory_kv kv;
  auto activity = projections::make_activity_projection();
  auto timeline = projections::make_timeline_projection();
  const std::string c = "01JAAAAAAAAAAAAAAAAAAAAAAA", note = "01JBBBBBBBBBBBBBBBBBBBBBBB";
  auto envelope = [&](std::string type, std::string stream, std::uint64_t version, std::string data, std::string pii) {
    event_envelope e;
    e.id = make_uuid_v7(1'780'000'000'000 + version, {static_cast<std::uint8_t>(version), 1, 2, 3, 4, 5, 6, 7, 8, 9});
    e.type = std::move(type);
    e.tenant = "acme";
    e.stream = std::move(stream);
    e.stream_version = version;
    e.occurred_at = 1'780'000'000'000'000 + static_cast<std::int64_t>(version);
    e.actor = "key1";
    e.data = std::move(data);
    e.pii = std::move(pii);
    return e;
  };
  auto erased = envelope("subject.erased", "customer-acme-" + c, 2,
                         R"({"customer_id":")" + c + R"(","subject":")" + c + R"("})", "{}");
  auto late = envelope("note.added", "activity-acme-" + c, 1,
                       R"({"customer_id":")" + c + R"(","note_id":")" + note + R"(","type":"general","author":"key1"})",
                       R"({"body":"late-plaintext"})");
  late.occurred_at += 10;  // after the erasure
  projections::view_batch batch(kv);
  for (auto* e : {&erased, &late}) {
    BOOST_REQUIRE(activity->apply(*e, batch).ok());
    BOOST_REQUIRE(timeline->apply(*e, batch).ok());
  }
  BOOST_REQUIRE(kv.write(batch.take()).ok());
  auto views = all_values(kv, "");
  BOOST_TEST(views.find("late-plaintext") == std::string::npos, views);
  BOOST_TEST(aq::note(kv, "acme", c, note).value().value().find("[erased]") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_libsodium_vault_refuses_to_seal_for_an_erased_customer_and_nothing_is_appended) {
  temp_dir dir;
  std::array<unsigned char, 32> master{};
  for (std::size_t i = 0; i < master.size(); ++i) master[i] = static_cast<unsigned char>(i * 7 + 1);
  auto vault = infra::sodium_vault::open(dir.sub("vault"), master);
  BOOST_REQUIRE(vault.ok());
  infra::memory_log log{2};
  infra::memory_state_store state;
  step_clock clock;
  infra::system_entropy entropy;
  commands::executor ex{log, state, **vault, clock, entropy,
                        {commands::customer_commands::kind(**vault), commands::activity_commands::kind()}};
  BOOST_REQUIRE(ex.start().ok());
  auto c = ok(ex, commands::customer_commands::register_customer(meta(), new_customer(ex, "Ada")));
  auto ada = id_of(c);
  auto note = ok(ex, ac::add_note(meta(), {ada, ex.new_id(), "k", "general", "before"}));
  BOOST_TEST(note.version == 1u);
  BOOST_REQUIRE(ok(ex, commands::customer_commands::erase_customer(meta(), {ada})).version == 2u);
  BOOST_REQUIRE((*vault)->destroy("acme", ada).ok());
  auto end_before = log.end_positions().value();
  for (auto req : {ac::add_note(meta(), {ada, ex.new_id(), "k", "general", "after"}),
                   ac::create_task(meta(), {ada, ex.new_id(), "after", std::nullopt, std::nullopt}),
                   ac::log_interaction(meta(), interaction(ada, ex.new_id(), 1'780'000'000'000'000, "after"))}) {
    auto r = run(ex, std::move(req));
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.err().code == "subject_erased");
    BOOST_TEST(r.err().kind == errc::failed_precondition);
  }
  BOOST_TEST((log.end_positions().value() == end_before));
  // An event without personal text (a deletion) needs no key and still goes through.
  auto first = schemas::activity_codec::decode_state(note.state).value().notes.at(0).id;
  BOOST_TEST(run(ex, ac::delete_note(meta(), {ada, first})).ok());
  ex.stop();
}

BOOST_AUTO_TEST_SUITE_END()
