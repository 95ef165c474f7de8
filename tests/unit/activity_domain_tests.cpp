// Domain scenarios of tags and of a customer's activity (notes, interactions,
// tasks): given a state, a command, then the events or the rejection with its
// precise field errors.
#include <boost/test/unit_test.hpp>

#include "domain/activity.hpp"
#include "domain/tag.hpp"

using namespace chronicle;

namespace {

const std::string cust = "01JAAAAAAAAAAAAAAAAAAAAAAA";
const std::string id1 = "01JBBBBBBBBBBBBBBBBBBBBBBB";
const std::string id2 = "01JCCCCCCCCCCCCCCCCCCCCCCC";
constexpr std::int64_t now = 1'780'000'000'000'000;

// The field errors of a rejection as "field:code" strings, in order.
std::vector<std::string> fields_of(const error& e) {
  std::vector<std::string> out;
  for (auto& f : e.fields) out.push_back(f.field + ":" + f.code);
  return out;
}

template <class T>
std::vector<std::string> rejection(const result<T>& r) {
  BOOST_REQUIRE(!r.ok());
  return fields_of(r.err());
}

tags::tag existing_tag() {
  return tags::evolve(tags::tag{}, tags::tag_created{id1, "VIP", "#aabbcc", "best customers"}, 1000);
}

activity::state with_note_and_task() {
  activity::state s;
  s = activity::evolve(s, activity::note_added{cust, id1, "general", "key1", "hello"});
  s = activity::evolve(s, activity::task_created{cust, id2, "2026-01-31", "", "", "call back"});
  return s;
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tag_scenarios)

BOOST_AUTO_TEST_CASE(creating_a_tag_trims_the_name_and_lower_cases_the_colour) {
  auto r = tags::decide(tags::tag{}, tags::create_tag{id1, "  VIP  ", "#AaBb0C", std::nullopt});
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->size(), 1u);
  auto& e = std::get<tags::tag_created>(r->front());
  BOOST_TEST(e.name == "VIP");
  BOOST_TEST(e.colour == "#aabb0c");
  BOOST_TEST(e.description == "");
}

BOOST_AUTO_TEST_CASE(creating_a_tag_rejects_each_bad_field) {
  BOOST_TEST(rejection(tags::decide(tags::tag{}, tags::create_tag{id1, "   ", "red", repeat("d", 201)})) ==
                 (std::vector<std::string>{"name:required", "colour:invalid_format", "description:too_long"}),
             boost::test_tools::per_element());
  BOOST_TEST(rejection(tags::decide(tags::tag{}, tags::create_tag{id1, repeat("é", 41), "#000000", std::nullopt})) ==
                 (std::vector<std::string>{"name:too_long"}),
             boost::test_tools::per_element());
  // 40 code points is the limit, however many bytes they take.
  BOOST_TEST(tags::decide(tags::tag{}, tags::create_tag{id1, repeat("é", 40), "#000000", std::nullopt}).ok());
  BOOST_TEST(rejection(tags::decide(tags::tag{}, tags::create_tag{id1, "x", "#12345g", std::nullopt})) ==
                 (std::vector<std::string>{"colour:invalid_format"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(creating_an_existing_tag_is_a_conflict) {
  auto r = tags::decide(existing_tag(), tags::create_tag{id1, "Other", "#000000", std::nullopt});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().kind == errc::already_exists);
}

BOOST_AUTO_TEST_CASE(an_update_emits_only_what_changed_and_nothing_when_nothing_did) {
  auto r = tags::decide(existing_tag(), tags::update_tag{id1, "VIP", "#AABBCC", std::string("")});
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->size(), 1u);
  auto& u = std::get<tags::tag_updated>(r->front());
  BOOST_TEST(!u.name);
  BOOST_TEST(!u.colour);
  BOOST_TEST(u.description.value_or("x") == "");
  auto same = tags::decide(existing_tag(), tags::update_tag{id1, " VIP ", std::nullopt, std::nullopt});
  BOOST_REQUIRE(same.ok());
  BOOST_TEST(same->empty());
}

BOOST_AUTO_TEST_CASE(a_deleted_tag_cannot_be_updated_and_deleting_twice_emits_nothing) {
  auto deleted = tags::evolve(existing_tag(), tags::tag_deleted{id1}, 2000);
  BOOST_TEST(deleted.deleted);
  auto u = tags::decide(deleted, tags::update_tag{id1, "New", std::nullopt, std::nullopt});
  BOOST_REQUIRE(!u.ok());
  BOOST_TEST(u.err().code == "tag_not_found");
  auto again = tags::decide(deleted, tags::delete_tag{id1});
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->empty());
  auto missing = tags::decide(tags::tag{}, tags::delete_tag{id1});
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.err().kind == errc::not_found);
}

BOOST_AUTO_TEST_CASE(names_compare_trimmed_and_ignoring_ascii_case) {
  BOOST_TEST(tags::name_key("  Vip ") == tags::name_key("vIP"));
  BOOST_TEST(tags::name_key("Vip") != tags::name_key("Vips"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(activity_scenarios)

BOOST_AUTO_TEST_CASE(adding_a_note_keeps_the_author_and_trims_the_body) {
  auto r = activity::decide(activity::state{}, activity::add_note{cust, id1, "key1", "support", "  Called.  "});
  BOOST_REQUIRE(r.ok());
  auto& n = std::get<activity::note_added>(r->front());
  BOOST_TEST(n.body == "Called.");
  BOOST_TEST(n.type == "support");
  BOOST_TEST(n.author == "key1");
  auto s = activity::evolve(activity::state{}, n);
  BOOST_TEST(s.notes.size() == 1u);
  BOOST_TEST(s.last == id1);
}

BOOST_AUTO_TEST_CASE(a_note_needs_a_known_type_and_a_body_of_at_most_ten_thousand_characters) {
  BOOST_TEST(rejection(activity::decide(activity::state{}, activity::add_note{cust, id1, "k", "gossip", "  "})) ==
                 (std::vector<std::string>{"type:invalid_value", "body:required"}),
             boost::test_tools::per_element());
  BOOST_TEST(rejection(activity::decide(activity::state{}, activity::add_note{cust, id1, "k", "general", repeat("ü", 10001)})) ==
                 (std::vector<std::string>{"body:too_long"}),
             boost::test_tools::per_element());
  BOOST_TEST(activity::decide(activity::state{}, activity::add_note{cust, id1, "k", "billing", repeat("ü", 10000)}).ok());
}

BOOST_AUTO_TEST_CASE(editing_a_note_emits_what_was_given_and_refuses_unknown_or_deleted_notes) {
  auto s = with_note_and_task();
  auto r = activity::decide(s, activity::edit_note{cust, id1, std::string("sales"), std::nullopt});
  BOOST_REQUIRE(r.ok());
  auto& e = std::get<activity::note_edited>(r->front());
  BOOST_TEST(e.type.value_or("") == "sales");
  BOOST_TEST(!e.body);
  auto empty = activity::decide(s, activity::edit_note{cust, id1, std::nullopt, std::string(" ")});
  BOOST_TEST(rejection(empty) == (std::vector<std::string>{"body:required"}), boost::test_tools::per_element());
  auto nothing = activity::decide(s, activity::edit_note{cust, id1, std::nullopt, std::nullopt});
  BOOST_REQUIRE(nothing.ok());
  BOOST_TEST(nothing->empty());
  auto unknown = activity::decide(s, activity::edit_note{cust, id2, std::nullopt, std::string("x")});
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.err().code == "note_not_found");
  auto deleted = activity::evolve(s, activity::note_deleted{cust, id1});
  auto edit_gone = activity::decide(deleted, activity::edit_note{cust, id1, std::nullopt, std::string("x")});
  BOOST_REQUIRE(!edit_gone.ok());
  BOOST_TEST(edit_gone.err().kind == errc::not_found);
  auto twice = activity::decide(deleted, activity::delete_note{cust, id1});
  BOOST_REQUIRE(twice.ok());
  BOOST_TEST(twice->empty());
  auto never = activity::decide(deleted, activity::delete_note{cust, id2});
  BOOST_REQUIRE(!never.ok());
  BOOST_TEST(never.err().code == "note_not_found");
}

BOOST_AUTO_TEST_CASE(an_interaction_defaults_to_now_and_may_not_be_more_than_a_day_ahead) {
  activity::log_interaction cmd{cust, id1, "call", "inbound", std::string("Late box"), std::nullopt, std::nullopt,
                                std::nullopt, std::nullopt, ""};
  auto r = activity::decide(activity::state{}, cmd, now);
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->size(), 1u);
  auto& i = std::get<activity::interaction_logged>(r->front());
  BOOST_TEST(i.occurred_at == now);
  BOOST_TEST(i.subject == "Late box");
  BOOST_TEST(i.follow_up_task_id.empty());
  cmd.occurred_at = now + 86'400'000'000;
  BOOST_TEST(activity::decide(activity::state{}, cmd, now).ok());
  cmd.occurred_at = now + 86'400'000'001;
  BOOST_TEST(rejection(activity::decide(activity::state{}, cmd, now)) ==
                 (std::vector<std::string>{"occurred_at:too_far_in_future"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_interaction_rejects_unknown_channels_and_directions_long_texts_and_bad_dates) {
  activity::log_interaction cmd{cust, id1, "pigeon", "sideways", repeat("s", 201), repeat("s", 10001), repeat("o", 501),
                                std::nullopt, std::string("2026-02-30"), id2};
  BOOST_TEST(rejection(activity::decide(activity::state{}, cmd, now)) ==
                 (std::vector<std::string>{"channel:invalid_value", "direction:invalid_value", "subject:too_long",
                                           "summary:too_long", "outcome:too_long", "follow_up_on:invalid_format"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_interaction_with_a_follow_up_date_also_opens_a_task_titled_after_it) {
  activity::log_interaction cmd{cust, id1, "email", "outbound", std::string("Invoice"), std::nullopt, std::nullopt,
                                std::nullopt, std::string("2028-02-29"), id2};
  auto r = activity::decide(activity::state{}, cmd, now);
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->size(), 2u);
  BOOST_TEST(std::get<activity::interaction_logged>((*r)[0]).follow_up_task_id == id2);
  auto& t = std::get<activity::task_created>((*r)[1]);
  BOOST_TEST(t.task_id == id2);
  BOOST_TEST(t.due_on == "2028-02-29");
  BOOST_TEST(t.source_interaction == id1);
  BOOST_TEST(t.title == "Follow up: Invoice");
  // The interaction stays the answer of the command (an Idempotency-Key replay).
  auto s = activity::state{};
  for (auto& e : *r) s = activity::evolve(s, e);
  BOOST_TEST(s.last == id1);
  BOOST_TEST(s.tasks.size() == 1u);
  BOOST_TEST(activity::follow_up_title("call", "") == "Follow up on the call");
  BOOST_TEST(activity::follow_up_title("call", repeat("é", 200)).size() == 11 + 189 * 2);
}

BOOST_AUTO_TEST_CASE(a_task_needs_a_title_a_real_date_and_a_short_assignee) {
  BOOST_TEST(rejection(activity::decide(activity::state{}, activity::create_task{cust, id1, " ", std::string("2026-13-01"),
                                                                              repeat("a", 101)})) ==
                 (std::vector<std::string>{"title:required", "due_on:invalid_format", "assignee:too_long"}),
             boost::test_tools::per_element());
  auto r = activity::decide(activity::state{}, activity::create_task{cust, id1, "Call back", std::string("2024-02-29"),
                                                                    std::string(" sam ")});
  BOOST_REQUIRE(r.ok());
  auto& t = std::get<activity::task_created>(r->front());
  BOOST_TEST(t.assignee == "sam");
  BOOST_TEST(t.due_on == "2024-02-29");
}

BOOST_AUTO_TEST_CASE(updating_a_task_completes_and_reopens_it_only_when_the_flag_changes) {
  auto s = with_note_and_task();
  auto done = activity::decide(s, activity::update_task{cust, id2, std::nullopt, std::nullopt, std::nullopt, true});
  BOOST_REQUIRE(done.ok());
  BOOST_REQUIRE_EQUAL(done->size(), 1u);
  BOOST_TEST(std::holds_alternative<activity::task_completed>(done->front()));
  s = activity::evolve(s, done->front());
  auto twice = activity::decide(s, activity::update_task{cust, id2, std::nullopt, std::nullopt, std::nullopt, true});
  BOOST_REQUIRE(twice.ok());
  BOOST_TEST(twice->empty());
  auto reopen = activity::decide(s, activity::update_task{cust, id2, std::string("New"), std::string(""), std::nullopt, false});
  BOOST_REQUIRE(reopen.ok());
  BOOST_REQUIRE_EQUAL(reopen->size(), 2u);
  auto& u = std::get<activity::task_updated>((*reopen)[0]);
  BOOST_TEST(u.title.value_or("") == "New");
  BOOST_TEST(u.due_on.value_or("x") == "");
  BOOST_TEST(std::holds_alternative<activity::task_reopened>((*reopen)[1]));
  auto unknown = activity::decide(s, activity::update_task{cust, id1, std::nullopt, std::nullopt, std::nullopt, true});
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.err().code == "task_not_found");
  BOOST_TEST(rejection(activity::decide(s, activity::update_task{cust, id2, std::string(""), std::string("tomorrow"),
                                                                 std::nullopt, std::nullopt})) ==
                 (std::vector<std::string>{"title:required", "due_on:invalid_format"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(dates_must_exist_on_the_calendar) {
  for (auto d : {"2024-02-29", "2000-02-29", "2026-12-31", "0001-01-01"}) BOOST_TEST(activity::is_date(d), d);
  for (auto d : {"2026-02-29", "1900-02-29", "2026-04-31", "2026-00-10", "2026-1-01", "2026-01-01T00:00", "0000-01-01", ""})
    BOOST_TEST(!activity::is_date(d), d);
}

BOOST_AUTO_TEST_SUITE_END()
