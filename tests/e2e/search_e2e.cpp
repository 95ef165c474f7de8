// GET /v1/customers search, filters, sorting and cursors, and POST
// /v1/customers/bulk, over HTTP against a real server process: prefix search
// on names, emails and phones in any format; filters combined with q and
// sort; include=total; cursors that stay stable while customers are added;
// what analysts may not search; bulk actions by ids and by filter with a
// result per item, an idempotent retry, and an unknown tag refused whole.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>

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

// The ids of a list answer, in order.
std::vector<std::string> ids_of(const response& r) { return item_field(r.body, "id"); }

struct shop {
  http_client c;
  std::string token;  // of the latest write: lists wait for it
  explicit shop(running_server& s) : c(s.server.port(), s.server.admin_key()) {}

  std::string add(const std::string& body) {
    // After the latest write (a tag it may name), as a client would.
    auto r = c.post_json("/v1/customers", body, {{"Consistency-Token", token}});
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    token = r.header("consistency-token");
    return json_field(r.body, "id").value();
  }
  std::string tag(const std::string& name) {
    auto r = c.post_json("/v1/tags", R"({"name":")" + name + R"("})");
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    token = r.header("consistency-token");
    return json_field(r.body, "id").value();
  }
  response list(const std::string& query) {
    auto r = c.get("/v1/customers?" + query + (query.empty() ? "" : "&") + "consistent_with=" + token);
    BOOST_TEST_REQUIRE(r.status == 200, query << ": " << r.body);
    return r;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(customer_search_over_http, running_server)

BOOST_AUTO_TEST_CASE(search_filters_sorts_and_totals_find_exactly_the_right_customers) {
  shop s(*this);
  auto vip = s.tag("VIP");
  auto ada = s.add(R"({"first_name":"Ada","last_name":"Lovelace","company":"Green Fork Bistro","type":"restaurant",
    "status":"active","emails":[{"address":"Ada@GreenFork.example"}],"phones":[{"number":"(415) 555-0199"}],
    "addresses":[{"label":"Back door","street":"22 Alley Way","city":"San Francisco","postal_code":"94107","country":"US"}],
    "tag_ids":[")" + vip + R"("]})");
  auto bob = s.add(R"({"first_name":"Bob","last_name":"Lovell","type":"household","status":"prospect",
    "emails":[{"address":"bob@home.example"}],"phones":[{"number":"+44 20 7946 0958"}]})");
  auto cy = s.add(R"({"company":"Corner Grocer","type":"retailer","status":"active","marketing_opt_in":true,
    "addresses":[{"label":"Shop","street":"1 Main St","city":"Oakland","postal_code":"94601","country":"US"}],
    "tag_ids":[")" + vip + R"("]})");
  auto dee = s.add(R"({"first_name":"Dée","last_name":"Zuniga","type":"restaurant","status":"churned"})");

  // Prefix search, case- and accent-insensitive, every term must match.
  BOOST_TEST(ids_of(s.list("q=lov&sort=name")) == (std::vector<std::string>{ada, bob}));
  BOOST_TEST(ids_of(s.list("q=LOVELL")) == (std::vector<std::string>{bob}));
  BOOST_TEST(ids_of(s.list("q=ada%20lov")) == (std::vector<std::string>{ada}));
  BOOST_TEST(ids_of(s.list("q=dee")) == (std::vector<std::string>{dee}));
  BOOST_TEST(ids_of(s.list("q=corner")) == (std::vector<std::string>{cy}));
  BOOST_TEST(ids_of(s.list("q=ada%40greenfork")) == (std::vector<std::string>{ada}));
  // A phone typed in any format.
  for (auto q : {"%2B14155550199", "415-555-0199", "(415)%20555", "4155550199", "020%207946", "%2B44%2020"}) {
    auto expected = std::string(q).find("44") != std::string::npos || std::string(q).find("020") == 0 ? bob : ada;
    BOOST_TEST(ids_of(s.list(std::string("q=") + q)) == (std::vector<std::string>{expected}), q);
  }
  // Exact lookups.
  BOOST_TEST(ids_of(s.list("email[eq]=ada%40greenfork.example")) == (std::vector<std::string>{ada}));
  BOOST_TEST(ids_of(s.list("phone[eq]=%2B442079460958")) == (std::vector<std::string>{bob}));
  // Filters, alone and combined with each other, q and sorts.
  BOOST_TEST(ids_of(s.list("type[eq]=restaurant&sort=name")) == (std::vector<std::string>{ada, dee}));
  BOOST_TEST(ids_of(s.list("tags[in]=" + vip + "&sort=-created_at")) == (std::vector<std::string>{cy, ada}));
  BOOST_TEST(ids_of(s.list("tags[in]=" + vip + "&type[eq]=restaurant")) == (std::vector<std::string>{ada}));
  BOOST_TEST(ids_of(s.list("status[in]=active,churned&sort=created_at")) == (std::vector<std::string>{ada, cy, dee}));
  BOOST_TEST(ids_of(s.list("type[ne]=restaurant&sort=created_at")) == (std::vector<std::string>{bob, cy}));
  BOOST_TEST(ids_of(s.list("city[eq]=oakland")) == (std::vector<std::string>{cy}));
  BOOST_TEST(ids_of(s.list("marketing_opt_in[eq]=true")) == (std::vector<std::string>{cy}));
  BOOST_TEST(ids_of(s.list("created_at[gte]=2000-01-01&q=lov&sort=-name")) == (std::vector<std::string>{bob, ada}));
  BOOST_TEST(ids_of(s.list("created_at[lt]=2000-01-01")).empty());
  auto counted = s.list("status[eq]=active&include=total&limit=1");
  BOOST_TEST(json_field(counted.body, "total").value_or("") == "2");
  BOOST_TEST(count_items(counted.body) == 1u);
  BOOST_TEST(json_field(counted.body, "total").has_value());
  BOOST_TEST(!json_field(s.list("status[eq]=active").body, "total").has_value());

  // Bad parameters are named precisely.
  auto bad = s.c.get("/v1/customers?type[gte]=x&colour=red");
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(json_field(bad.body, "code").value_or("") == "invalid_query");
  BOOST_TEST(s.c.get("/v1/customers?sort=shoe").body.find("\"sort\"") != std::string::npos);
  for (auto p : {"type[gte]", "colour"}) BOOST_TEST(bad.body.find(std::string("\"") + p + "\"") != std::string::npos, p << " in " << bad.body);

  // Analysts see pseudonyms, so they may filter but not search personal values.
  auto analyst_key = json_field(s.c.post_json("/v1/api-keys", R"({"role":"analyst"})").body, "key").value();
  http_client analyst(server.port(), analyst_key);
  auto refused = analyst.get("/v1/customers?q=lov");
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(json_field(refused.body, "code").value_or("") == "forbidden_filter");
  BOOST_TEST(analyst.get("/v1/customers?email[eq]=bob%40home.example").status == 403);
  BOOST_TEST(analyst.get("/v1/customers?type[eq]=restaurant&consistent_with=" + s.token).status == 200);

  // An erased customer is no longer found by what was personal.
  auto erased = s.c.post_json("/v1/customers/" + bob + "/erase", "{}");
  BOOST_TEST_REQUIRE(erased.status == 200, erased.body);
  s.token = erased.header("consistency-token");
  BOOST_TEST(ids_of(s.list("q=lovell")).empty());
  BOOST_TEST(ids_of(s.list("phone[eq]=%2B442079460958")).empty());
  BOOST_TEST(ids_of(s.list("type[eq]=household")) == (std::vector<std::string>{bob}));
}

BOOST_AUTO_TEST_CASE(cursors_stay_stable_while_customers_are_added) {
  shop s(*this);
  std::vector<std::string> before;
  for (int i = 0; i < 9; ++i) before.push_back(s.add(R"({"first_name":"Page)" + std::to_string(i) + R"(","type":"household"})"));
  auto first = s.list("type[eq]=household&sort=-created_at&limit=4");
  auto seen = ids_of(first);
  auto cursor = json_field(first.body, "next_cursor").value();
  // New customers between pages: they sort before the cursor and never show up
  // on the following pages, and nothing is skipped or repeated.
  for (int i = 0; i < 3; ++i) s.add(R"({"first_name":"Late)" + std::to_string(i) + R"(","type":"household"})");
  while (cursor != "null") {
    auto page = s.list("type[eq]=household&sort=-created_at&limit=4&cursor=" + cursor);
    for (auto& id : ids_of(page)) seen.push_back(id);
    cursor = json_field(page.body, "next_cursor").value();
  }
  std::vector<std::string> newest_first(before.rbegin(), before.rend());
  BOOST_TEST(seen == newest_first);
  // A cursor belongs to its query.
  auto other = s.c.get("/v1/customers?sort=name&cursor=" + json_field(first.body, "next_cursor").value());
  BOOST_TEST(other.status == 400);
}

BOOST_AUTO_TEST_CASE(bulk_actions_report_each_item_and_retry_idempotently) {
  shop s(*this);
  auto weekly = s.tag("Weekly box");
  std::vector<std::string> households;
  for (int i = 0; i < 5; ++i) households.push_back(s.add(R"({"first_name":"House)" + std::to_string(i) + R"(","type":"household"})"));
  auto chef = s.add(R"({"first_name":"Chef","type":"restaurant"})");
  BOOST_TEST_REQUIRE(s.c.post_json("/v1/customers/" + chef + "/deactivate", "{}").status == 200);

  // By ids: one unknown id and one deactivated customer fail, the rest succeed.
  std::string ids = "\"" + households[0] + "\",\"" + households[1] + "\",\"01JAAAAAAAAAAAAAAAAAAAAAAA\",\"" + chef + "\"";
  auto body = R"({"action":"tag","tag_ids":[")" + weekly + R"("],"ids":[)" + ids + "]}";
  auto r = s.c.post_json("/v1/customers/bulk", body, {{"Idempotency-Key", "bulk-1"}});
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  BOOST_TEST(json_field(r.body, "matched").value() == "4");
  BOOST_TEST(json_field(r.body, "succeeded").value() == "2");
  auto failed_ids = item_field("{\"items\":" + json_field(r.body, "failed").value() + "}", "id");
  auto failed_codes = item_field("{\"items\":" + json_field(r.body, "failed").value() + "}", "code");
  BOOST_TEST(failed_ids == (std::vector<std::string>{"01JAAAAAAAAAAAAAAAAAAAAAAA", chef}));
  BOOST_TEST(failed_codes == (std::vector<std::string>{"customer_not_found", "customer_inactive"}));
  // Its Consistency-Token covers every item's write.
  auto written = r.header("consistency-token");
  BOOST_TEST_REQUIRE(!written.empty());
  auto tagged = s.c.get("/v1/customers/" + households[0] + "?consistent_with=" + written);
  BOOST_TEST(json_field(tagged.body, "version").value() == "2");
  // The same request again replays: nothing is applied twice.
  auto again = s.c.post_json("/v1/customers/bulk", body, {{"Idempotency-Key", "bulk-1"}});
  BOOST_TEST(again.status == 200);
  BOOST_TEST(json_field(again.body, "succeeded").value() == "2");
  BOOST_TEST(json_field(s.c.get("/v1/customers/" + households[0]).body, "version").value() == "2");

  // By filter: every household gets the status; the list filter agrees.
  auto by_filter = s.c.post_json("/v1/customers/bulk?consistent_with=" + written,
                                 R"({"action":"set_status","status":"active","filter":{"type[eq]":"household"}})");
  BOOST_TEST_REQUIRE(by_filter.status == 200, by_filter.body);
  BOOST_TEST(json_field(by_filter.body, "matched").value() == "5");
  BOOST_TEST(json_field(by_filter.body, "succeeded").value() == "5");
  BOOST_TEST(json_field(by_filter.body, "failed").value() == "[]");
  // Status changes are visible once the views pass the bulk answer's token.
  auto statuses = by_filter.header("consistency-token");
  BOOST_TEST_REQUIRE(!statuses.empty());
  for (auto& id : households) {
    auto c = s.c.get("/v1/customers/" + id + "?consistent_with=" + statuses);
    BOOST_TEST(json_field(c.body, "status").value_or("") == "active", id);
  }

  // Refused whole: an unknown tag, a bad filter, both ids and filter, no action.
  auto unknown_tag = s.c.post_json("/v1/customers/bulk",
                                   R"({"action":"tag","tag_ids":["01JTAGAAAAAAAAAAAAAAAAAAAA"],"ids":[")" + chef + "\"]}");
  BOOST_TEST(unknown_tag.status == 400);
  BOOST_TEST(json_field(unknown_tag.body, "code").value_or("") == "unknown_tag");
  auto bad_filter = s.c.post_json("/v1/customers/bulk", R"({"action":"set_status","status":"active","filter":{"colour":"red"}})");
  BOOST_TEST(bad_filter.status == 400);
  BOOST_TEST(bad_filter.body.find("filter.colour") != std::string::npos, bad_filter.body);
  auto both = s.c.post_json("/v1/customers/bulk", R"({"action":"set_status","status":"active","ids":["x"],"filter":{}})");
  BOOST_TEST(both.status == 400);
  auto no_action = s.c.post_json("/v1/customers/bulk", R"({"ids":["x"]})");
  BOOST_TEST(no_action.status == 400);
  BOOST_TEST(no_action.body.find("\"action\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_write_carrying_a_new_tags_token_can_name_the_tag) {
  shop s(*this);
  for (int i = 0; i < 20; ++i) {
    auto t = s.tag("Round " + std::to_string(i));
    auto r = s.c.post_json("/v1/customers", R"({"first_name":"Rena","tag_ids":[")" + t + R"("]})",
                           {{"Consistency-Token", s.token}});
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
  }
  // A token this server never issued is refused on writes as on reads.
  auto bad = s.c.post_json("/v1/customers", R"({"first_name":"Rena"})", {{"Consistency-Token", "nonsense"}});
  BOOST_TEST(bad.status == 400, bad.body);
  BOOST_TEST(json_field(bad.body, "code").value_or("") == "invalid_consistency_token");
}

BOOST_AUTO_TEST_SUITE_END()
