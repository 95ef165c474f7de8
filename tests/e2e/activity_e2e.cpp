// Tags, notes, interactions, tasks and the timeline over HTTP against a real
// server process: CRUD with If-Match and duplicate names, edit history,
// follow-ups, the due/overdue list, timeline order and pages, bad input with
// precise field errors, and the audit trail of reads.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

#include "support.hpp"

using namespace chronicle::e2e;

namespace {

struct running_server {
  std::string dir = temp_dir();
  server_process server{dir};
  ~running_server() {
    server.kill9();
    remove_dir(dir);
  }
};

// UTC date shifted by `days`, "YYYY-MM-DD".
std::string utc_date(int days) {
  using namespace std::chrono;
  year_month_day d{floor<std::chrono::days>(system_clock::now()) + std::chrono::days(days)};
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return b;
}

// The `field` of each problem's errors[], as "field:code".
std::vector<std::string> field_errors(const std::string& body) {
  std::vector<std::string> out;
  auto fields = item_field("{\"items\":" + body.substr(body.find("\"errors\":") + 9), "field");
  auto codes = item_field("{\"items\":" + body.substr(body.find("\"errors\":") + 9), "code");
  for (std::size_t i = 0; i < fields.size() && i < codes.size(); ++i) out.push_back(fields[i] + ":" + codes[i]);
  return out;
}

struct fixture : running_server {
  std::uint16_t port = server.port();
  std::string key = server.admin_key();
  std::string customer;
  fixture() {
    auto r = call(port, key, "POST", "/v1/customers", R"({"first_name":"Ada","company":"Ada Farm"})");
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    customer = json_field(r.body, "id").value();
    BOOST_TEST_REQUIRE(call(port, key, "GET", "/v1/customers/" + customer + "?consistent_with=" +
                                               r.header("consistency-token")).status == 200);
  }
  std::string base() const { return "/v1/customers/" + customer; }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(activity_over_http, fixture)

BOOST_AUTO_TEST_CASE(tags_are_created_listed_by_name_renamed_with_if_match_and_deleted) {
  auto vip = call(port, key, "POST", "/v1/tags", R"({"name":"VIP","colour":"#2E7D32","description":"Best"})");
  BOOST_TEST_REQUIRE(vip.status == 201, vip.body);
  auto vip_id = json_field(vip.body, "id").value();
  BOOST_TEST(json_field(vip.body, "colour").value() == "#2e7d32");
  BOOST_TEST(vip.header("etag") == "\"1\"");
  BOOST_TEST(vip.header("location") == "/v1/tags/" + vip_id);

  auto dup = call(port, key, "POST", "/v1/tags", R"({"name":" vip "})");
  BOOST_TEST(dup.status == 409, dup.body);
  BOOST_TEST(json_field(dup.body, "code").value_or("") == "duplicate_tag_name");
  BOOST_TEST(json_field(dup.body, "existing_id").value_or("") == vip_id, "names the existing tag: " << dup.body);
  BOOST_TEST(field_errors(dup.body) == (std::vector<std::string>{"name:duplicate"}), boost::test_tools::per_element());

  auto bad = call(port, key, "POST", "/v1/tags", R"({"name":"","colour":"green","size":3})");
  BOOST_TEST(bad.status == 400, bad.body);
  BOOST_TEST(field_errors(bad.body) == (std::vector<std::string>{"size:unknown_field"}), boost::test_tools::per_element());
  auto bad_values = call(port, key, "POST", "/v1/tags", R"({"name":"","colour":"green"})");
  BOOST_TEST(bad_values.status == 400, bad_values.body);
  BOOST_TEST(field_errors(bad_values.body) == (std::vector<std::string>{"name:required", "colour:invalid_format"}),
             boost::test_tools::per_element());

  auto apple = call(port, key, "POST", "/v1/tags", R"({"name":"apple"})");
  BOOST_TEST_REQUIRE(apple.status == 201, apple.body);
  BOOST_TEST(json_field(apple.body, "colour").value() == "#9e9e9e");
  auto list = call(port, key, "GET", "/v1/tags?limit=1&consistent_with=" + apple.header("consistency-token"));
  BOOST_TEST_REQUIRE(list.status == 200, list.body);
  BOOST_TEST(item_field(list.body, "name") == (std::vector<std::string>{"apple"}), boost::test_tools::per_element());
  auto next = json_field(list.body, "next_cursor").value();
  auto second = call(port, key, "GET", "/v1/tags?limit=1&cursor=" + next);
  BOOST_TEST(item_field(second.body, "name") == (std::vector<std::string>{"VIP"}), boost::test_tools::per_element());
  BOOST_TEST(json_field(second.body, "next_cursor").value() == "null");
  BOOST_TEST(call(port, key, "GET", "/v1/tags?cursor=zzz").status == 400);

  auto renamed = call(port, key, "PATCH", "/v1/tags/" + vip_id, R"({"name":"Gold","description":null})", {{"If-Match", "\"1\""}});
  BOOST_TEST_REQUIRE(renamed.status == 200, renamed.body);
  BOOST_TEST(renamed.header("etag") == "\"2\"");
  BOOST_TEST(json_field(renamed.body, "description").value() == "null");
  auto stale = call(port, key, "PATCH", "/v1/tags/" + vip_id, R"({"name":"Late"})", {{"If-Match", "\"1\""}});
  BOOST_TEST(stale.status == 412, stale.body);
  auto got = call(port, key, "GET", "/v1/tags/" + vip_id + "?consistent_with=" + renamed.header("consistency-token"));
  BOOST_TEST(json_field(got.body, "name").value() == "Gold");
  BOOST_TEST(got.header("etag") == "\"2\"");
  // The old name is free again.
  BOOST_TEST(call(port, key, "POST", "/v1/tags", R"({"name":"VIP"})").status == 201);

  auto del = call(port, key, "DELETE", "/v1/tags/" + vip_id, "", {{"If-Match", "\"2\""}});
  BOOST_TEST_REQUIRE(del.status == 204, del.body);
  BOOST_TEST(call(port, key, "DELETE", "/v1/tags/" + vip_id).status == 204);
  auto gone = call(port, key, "GET", "/v1/tags/" + vip_id + "?consistent_with=" + del.header("consistency-token"));
  BOOST_TEST(gone.status == 404);
  BOOST_TEST(json_field(gone.body, "code").value_or("") == "tag_not_found");
  BOOST_TEST(call(port, key, "PATCH", "/v1/tags/" + vip_id, R"({"name":"Back"})").status == 404);
  BOOST_TEST(call(port, key, "GET", "/v1/tags/not-an-id").status == 404);
  auto names = item_field(call(port, key, "GET", "/v1/tags").body, "name");
  BOOST_TEST(names == (std::vector<std::string>{"apple", "VIP"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(notes_keep_their_edit_history_and_every_read_is_audited) {
  auto added = call(port, key, "POST", base() + "/notes", R"({"type":"support","body":"Box arrived crushed"})",
                    {{"Idempotency-Key", "note-1"}});
  BOOST_TEST_REQUIRE(added.status == 201, added.body);
  auto id = json_field(added.body, "id").value();
  BOOST_TEST(json_field(added.body, "author").value() == key.substr(4, 26));
  BOOST_TEST(added.header("location") == base() + "/notes/" + id);
  auto replay = call(port, key, "POST", base() + "/notes", R"({"type":"support","body":"Box arrived crushed"})",
                     {{"Idempotency-Key", "note-1"}});
  BOOST_TEST(replay.status == 200, replay.body);
  BOOST_TEST(replay.header("idempotent-replayed") == "true");
  BOOST_TEST(json_field(replay.body, "id").value() == id);

  auto edited = call(port, key, "PATCH", base() + "/notes/" + id, R"({"body":"Box arrived crushed; refunded","type":"billing"})");
  BOOST_TEST_REQUIRE(edited.status == 200, edited.body);
  BOOST_TEST(json_field(edited.body, "type").value() == "billing");
  BOOST_TEST(edited.body.find(R"("previous_type":"support","previous_body":"Box arrived crushed")") != std::string::npos,
             edited.body);
  auto other = call(port, key, "POST", base() + "/notes", R"({"body":"General remark"})");
  BOOST_TEST_REQUIRE(other.status == 201, other.body);
  BOOST_TEST(json_field(other.body, "type").value() == "general");

  auto list = call(port, key, "GET", base() + "/notes");
  BOOST_TEST(item_field(list.body, "id") == (std::vector<std::string>{json_field(other.body, "id").value(), id}),
             boost::test_tools::per_element());
  auto billing = call(port, key, "GET", base() + "/notes?type[eq]=billing");
  BOOST_TEST(item_field(billing.body, "id") == (std::vector<std::string>{id}), boost::test_tools::per_element());
  auto bad_type = call(port, key, "GET", base() + "/notes?type[eq]=gossip");
  BOOST_TEST(bad_type.status == 400);
  BOOST_TEST(field_errors(bad_type.body) == (std::vector<std::string>{"type[eq]:invalid_value"}), boost::test_tools::per_element());
  BOOST_TEST(call(port, key, "GET", base() + "/notes/" + id).status == 200);

  auto empty = call(port, key, "POST", base() + "/notes", R"({"body":"   ","type":"rumour"})");
  BOOST_TEST(empty.status == 400, empty.body);
  BOOST_TEST(field_errors(empty.body) == (std::vector<std::string>{"type:invalid_value", "body:required"}),
             boost::test_tools::per_element());
  BOOST_TEST(call(port, key, "POST", base() + "/notes", R"({"body":"x","author":"me"})").status == 400);
  BOOST_TEST(call(port, key, "POST", base() + "/notes", "not json").status == 400);
  BOOST_TEST(call(port, key, "POST", "/v1/customers/01JZZZZZZZZZZZZZZZZZZZZZZZ/notes", R"({"body":"x"})").status == 404);
  BOOST_TEST(call(port, key, "GET", base() + "/notes/01JZZZZZZZZZZZZZZZZZZZZZZZ").status == 404);

  auto del = call(port, key, "DELETE", base() + "/notes/" + id);
  BOOST_TEST(del.status == 204, del.body);
  auto after = call(port, key, "GET", base() + "/notes/" + id + "?consistent_with=" + del.header("consistency-token"));
  BOOST_TEST(after.status == 404);
  BOOST_TEST(json_field(after.body, "code").value_or("") == "note_not_found");

  // Reads of notes are on the customer's trail, with their route.
  response trail;
  for (int i = 0; i < 100; ++i) {
    trail = call(port, key, "GET", "/v1/audit?subject=" + customer + "&limit=200");
    if (trail.body.find("notes.get") != std::string::npos && trail.body.find("note_delete") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto route : {"notes.list", "notes.get", "note.added", "note.edited", "note.deleted"})
    BOOST_TEST(trail.body.find(route) != std::string::npos, route << " not in " << trail.body);
}

BOOST_AUTO_TEST_CASE(interactions_list_by_occurrence_and_open_follow_up_tasks) {
  auto older = call(port, key, "POST", base() + "/interactions",
                    R"({"channel":"email","direction":"outbound","subject":"Invoice","occurred_at":"2026-01-02T10:00:00+01:00"})");
  BOOST_TEST_REQUIRE(older.status == 201, older.body);
  BOOST_TEST(json_field(older.body, "occurred_at").value() == "2026-01-02T09:00:00.000000Z");
  auto newer = call(port, key, "POST", base() + "/interactions",
                    R"({"channel":"call","direction":"inbound","summary":"Asked for more basil","outcome":"Added to box","follow_up_on":"2030-05-05"})");
  BOOST_TEST_REQUIRE(newer.status == 201, newer.body);
  auto task_id = json_field(newer.body, "follow_up_task_id").value();
  auto list = call(port, key, "GET", base() + "/interactions?limit=1");
  BOOST_TEST(item_field(list.body, "id") == (std::vector<std::string>{json_field(newer.body, "id").value()}),
             boost::test_tools::per_element());
  auto rest = call(port, key, "GET", base() + "/interactions?limit=1&cursor=" + json_field(list.body, "next_cursor").value());
  BOOST_TEST(item_field(rest.body, "id") == (std::vector<std::string>{json_field(older.body, "id").value()}),
             boost::test_tools::per_element());
  auto one = call(port, key, "GET", base() + "/interactions/" + json_field(older.body, "id").value());
  BOOST_TEST(json_field(one.body, "subject").value() == "Invoice");
  auto tasks = call(port, key, "GET", base() + "/tasks");
  BOOST_TEST(item_field(tasks.body, "id") == (std::vector<std::string>{task_id}), boost::test_tools::per_element());
  BOOST_TEST(item_field(tasks.body, "due_on") == (std::vector<std::string>{"2030-05-05"}), boost::test_tools::per_element());

  auto future = call(port, key, "POST", base() + "/interactions",
                     R"({"channel":"call","direction":"inbound","occurred_at":"2999-01-01T00:00:00Z"})");
  BOOST_TEST(future.status == 400);
  BOOST_TEST(field_errors(future.body) == (std::vector<std::string>{"occurred_at:too_far_in_future"}), boost::test_tools::per_element());
  auto wrong = call(port, key, "POST", base() + "/interactions",
                    R"({"channel":"fax","direction":"up","occurred_at":"soon","follow_up_on":"2026-02-30"})");
  BOOST_TEST(wrong.status == 400, wrong.body);
  BOOST_TEST(field_errors(wrong.body) == (std::vector<std::string>{"occurred_at:invalid_format"}), boost::test_tools::per_element());
  auto wrong_values = call(port, key, "POST", base() + "/interactions", R"({"channel":"fax","direction":"up","follow_up_on":"2026-02-30"})");
  BOOST_TEST(field_errors(wrong_values.body) ==
                 (std::vector<std::string>{"channel:invalid_value", "direction:invalid_value", "follow_up_on:invalid_format"}),
             boost::test_tools::per_element());
  BOOST_TEST(call(port, key, "GET", base() + "/interactions/01JZZZZZZZZZZZZZZZZZZZZZZZ").status == 404);
}

BOOST_AUTO_TEST_CASE(the_due_list_shows_overdue_today_and_upcoming_open_tasks_in_date_order) {
  auto make = [&](const std::string& body) {
    auto r = call(port, key, "POST", base() + "/tasks", body);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return json_field(r.body, "id").value();
  };
  auto overdue = make(R"({"title":"Chase payment","due_on":")" + utc_date(-3) + R"(","assignee":"sam"})");
  auto today = make(R"({"title":"Call back","due_on":")" + utc_date(0) + R"("})");
  auto upcoming = make(R"({"title":"Plan spring boxes","due_on":")" + utc_date(20) + R"(","assignee":"sam"})");
  auto someday = make(R"({"title":"Someday"})");
  auto ids = [&](const std::string& query) {
    auto r = call(port, key, "GET", "/v1/tasks" + query);
    BOOST_TEST(r.status == 200, query << ": " << r.body);
    return item_field(r.body, "id");
  };
  BOOST_TEST(ids("") == (std::vector<std::string>{overdue, today, upcoming, someday}), boost::test_tools::per_element());
  BOOST_TEST(ids("?due=overdue") == (std::vector<std::string>{overdue}), boost::test_tools::per_element());
  BOOST_TEST(ids("?due=today") == (std::vector<std::string>{today}), boost::test_tools::per_element());
  BOOST_TEST(ids("?due=upcoming") == (std::vector<std::string>{upcoming}), boost::test_tools::per_element());
  BOOST_TEST(ids("?due_on[lte]=" + utc_date(0)) == (std::vector<std::string>{overdue, today}), boost::test_tools::per_element());
  BOOST_TEST(ids("?assignee[eq]=sam") == (std::vector<std::string>{overdue, upcoming}), boost::test_tools::per_element());
  auto first = call(port, key, "GET", "/v1/tasks?limit=2");
  BOOST_TEST(item_field(first.body, "id") == (std::vector<std::string>{overdue, today}), boost::test_tools::per_element());
  BOOST_TEST(ids("?limit=2&cursor=" + json_field(first.body, "next_cursor").value()) ==
                 (std::vector<std::string>{upcoming, someday}),
             boost::test_tools::per_element());

  auto done = call(port, key, "PATCH", base() + "/tasks/" + overdue, R"({"done":true})");
  BOOST_TEST_REQUIRE(done.status == 200, done.body);
  BOOST_TEST(json_field(done.body, "done").value() == "true");
  BOOST_TEST(json_field(done.body, "done_at").value() != "null");
  BOOST_TEST(ids("?due=overdue").empty());
  BOOST_TEST(ids("?done[eq]=true") == (std::vector<std::string>{overdue}), boost::test_tools::per_element());
  auto reopened = call(port, key, "PATCH", base() + "/tasks/" + overdue, R"({"done":false,"due_on":null,"title":"Chase again"})");
  BOOST_TEST_REQUIRE(reopened.status == 200, reopened.body);
  BOOST_TEST(json_field(reopened.body, "due_on").value() == "null");
  BOOST_TEST(json_field(reopened.body, "title").value() == "Chase again");
  // Without a due date it sorts last, among those without one by id (creation order).
  BOOST_TEST(ids("") == (std::vector<std::string>{today, upcoming, overdue, someday}), boost::test_tools::per_element());

  auto bad = call(port, key, "GET", "/v1/tasks?due=yesterday&done[eq]=maybe&due_on[lte]=tomorrow&sort=x");
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(field_errors(bad.body) == (std::vector<std::string>{"sort:unknown_parameter"}), boost::test_tools::per_element());
  auto bad_values = call(port, key, "GET", "/v1/tasks?due=yesterday&done[eq]=maybe&due_on[lte]=tomorrow");
  BOOST_TEST(field_errors(bad_values.body) ==
                 (std::vector<std::string>{"due:invalid_value", "due_on[lte]:invalid_format", "done[eq]:invalid_value"}),
             boost::test_tools::per_element());
  auto bad_task = call(port, key, "POST", base() + "/tasks", R"({"title":"","due_on":"2026-13-40","assignee":5})");
  BOOST_TEST(field_errors(bad_task.body) == (std::vector<std::string>{"assignee:invalid_type"}), boost::test_tools::per_element());
  auto bad_task_values = call(port, key, "POST", base() + "/tasks", R"({"title":"","due_on":"2026-13-40"})");
  BOOST_TEST(field_errors(bad_task_values.body) == (std::vector<std::string>{"title:required", "due_on:invalid_format"}),
             boost::test_tools::per_element());
  BOOST_TEST(call(port, key, "PATCH", base() + "/tasks/01JZZZZZZZZZZZZZZZZZZZZZZZ", R"({"done":true})").status == 404);
}

BOOST_AUTO_TEST_CASE(the_timeline_lists_every_event_of_the_customer_newest_first_in_pages) {
  BOOST_TEST_REQUIRE(call(port, key, "PATCH", base(), R"({"company":"Ada Greens"})").status == 200);
  BOOST_TEST_REQUIRE(call(port, key, "POST", base() + "/notes", R"({"body":"one"})").status == 201);
  BOOST_TEST_REQUIRE(call(port, key, "POST", base() + "/interactions",
                          R"({"channel":"chat","direction":"inbound","follow_up_on":"2031-01-01"})").status == 201);
  auto last = call(port, key, "POST", base() + "/tasks", R"({"title":"two"})");
  BOOST_TEST_REQUIRE(last.status == 201);
  auto all = call(port, key, "GET", base() + "/timeline?consistent_with=" + last.header("consistency-token"));
  BOOST_TEST_REQUIRE(all.status == 200, all.body);
  BOOST_TEST(item_field(all.body, "type") ==
                 (std::vector<std::string>{"task.created", "task.created", "interaction.logged", "note.added",
                                           "customer.updated", "customer.registered"}),
             boost::test_tools::per_element());
  BOOST_TEST(all.body.find("\"summary\":\"Note added\"") != std::string::npos);
  BOOST_TEST(all.body.find("\"personal\":{\"body\":\"one\"}") != std::string::npos, all.body);
  std::vector<std::string> paged;
  std::string cursor;
  do {
    auto p = call(port, key, "GET", base() + "/timeline?limit=4" + (cursor.empty() ? "" : "&cursor=" + cursor));
    BOOST_TEST_REQUIRE(p.status == 200, p.body);
    for (auto& t : item_field(p.body, "type")) paged.push_back(t);
    cursor = json_field(p.body, "next_cursor").value();
    if (cursor == "null") cursor.clear();
  } while (!cursor.empty());
  BOOST_TEST(paged == item_field(all.body, "type"), boost::test_tools::per_element());
  auto some = call(port, key, "GET", base() + "/timeline?type[in]=note.added,customer.registered");
  BOOST_TEST(item_field(some.body, "type") == (std::vector<std::string>{"note.added", "customer.registered"}),
             boost::test_tools::per_element());
  BOOST_TEST(call(port, key, "GET", base() + "/timeline?type[in]=Bad!").status == 400);
  BOOST_TEST(call(port, key, "GET", base() + "/timeline?cursor=l1.nope").status == 400);
  BOOST_TEST(call(port, key, "GET", "/v1/customers/01JZZZZZZZZZZZZZZZZZZZZZZZ/timeline").status == 404);
}

BOOST_AUTO_TEST_SUITE_END()
