// The full customer profile over HTTP against a real server process: a whole
// profile in one request, merge patches of preferences and status, the
// address sub-resource, tags, deactivation, what a portal key may change,
// national phones of a non-US tenant, precise field errors for bad input
// (with nothing appended) and the erasure of a full profile.
#include <boost/test/unit_test.hpp>

#include <map>
#include <simdjson.h>

#include "support.hpp"

using namespace chronicle::e2e;

namespace {

// Tags must exist in the tenant before a customer carries them: the fixture
// creates three and T() puts their ids where a test names the placeholders
// 01JTAGAAAA…, 01JTAGBBBB…, 01JTAGCCCC….
std::map<std::string, std::string> tag_alias;

std::string T(std::string s) {
  for (auto& [from, to] : tag_alias)
    for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

struct running_server {
  std::string dir = temp_dir();
  server_process server{dir};
  running_server() {
    http_client c(server.port(), server.admin_key());
    std::string token;
    for (auto [alias, name] : {std::pair{"01JTAGAAAAAAAAAAAAAAAAAAAA", "Restaurant"},
                               std::pair{"01JTAGBBBBBBBBBBBBBBBBBBBB", "Weekly box"},
                               std::pair{"01JTAGCCCCCCCCCCCCCCCCCCCC", "VIP"}}) {
      auto r = c.post_json("/v1/tags", std::string(R"({"name":")") + name + "\"}");
      BOOST_TEST_REQUIRE(r.status == 201, r.body);
      tag_alias[alias] = json_field(r.body, "id").value();
      token = r.header("consistency-token");
    }
    BOOST_TEST_REQUIRE(c.get("/v1/tags?consistent_with=" + token).status == 200);
  }
  ~running_server() {
    server.kill9();
    remove_dir(dir);
  }
};

// The value at a JSON pointer ("/addresses/0/id"): strings bare, anything else minified.
std::string at(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser p;
  simdjson::dom::element doc, v;
  if (p.parse(json).get(doc) || doc.at_pointer(pointer).get(v)) return "<absent>";
  if (v.is_string()) return std::string(v.get_string().value());
  return simdjson::minify(v);
}

// The field errors of a problem as "field code; field code".
std::string field_errors(const std::string& json) {
  simdjson::dom::parser p;
  simdjson::dom::array a;
  std::string out;
  if (p.parse(json)["errors"].get(a)) return out;
  for (auto e : a) {
    std::string_view f, c;
    if (e["field"].get(f) || e["code"].get(c)) continue;
    out += (out.empty() ? "" : "; ") + std::string(f) + " " + std::string(c);
  }
  return out;
}

response send(http_client& c, const std::string& method, const std::string& target, const std::string& body,
              header_list h = {}) {
  if (!body.empty()) h.emplace_back("Content-Type", "application/json");
  return c.request(method, target, body, h);
}

const std::string full_profile = R"({
  "first_name": "Ada", "last_name": "Lovelace", "company": "Green Fork Bistro", "type": "restaurant",
  "date_of_birth": "1990-12-10", "acquisition": {"date": "2026-03-01", "source": "farmers_market"},
  "status": "active", "lifecycle_stage": "customer", "marketing_opt_in": true,
  "emails": [{"address": "Orders@GreenFork.Example", "label": "orders"}, {"address": "ada@greenfork.example", "primary": true}],
  "phones": [{"number": "(415) 555-0199", "label": "kitchen"}],
  "addresses": [
    {"label": "Home", "street": "1 Market St", "city": "San Francisco", "postal_code": "94105", "country": "US"},
    {"label": "Restaurant back door", "street": "22 Alley Way", "city": "San Francisco", "region": "CA",
     "postal_code": "94107", "country": "US", "latitude": 37.77, "longitude": -122.39,
     "delivery_instructions": "Crates by the walk-in", "default": true}],
  "preferences": {"product_interests": ["pea_shoots", "sunflower"], "delivery_days": ["tue", "fri"],
                  "delivery_window": {"from": "07:00", "to": "10:30"}, "packaging": ["returnable_crates"],
                  "preferred_contact": "email", "channels": ["email", "sms"], "language": "en-US"},
  "tag_ids": ["01JTAGAAAAAAAAAAAAAAAAAAAA"]})";

std::string create(http_client& c, const std::string& body = full_profile) {
  auto r = c.post_json("/v1/customers", T(body));
  BOOST_TEST_REQUIRE(r.status == 201, r.body);
  auto id = at(r.body, "/id");
  // Reads that follow (sub-resources) see the customer: wait for the views.
  BOOST_TEST_REQUIRE(c.get("/v1/customers/" + id + "?consistent_with=" + r.header("consistency-token")).status == 200);
  return id;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(customer_profile_over_http, running_server)

BOOST_AUTO_TEST_CASE(a_full_profile_is_created_read_back_and_patched) {
  http_client c(server.port(), server.admin_key());
  auto created = c.post_json("/v1/customers", T(full_profile));
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  auto id = at(created.body, "/id");
  auto b = created.body;
  BOOST_TEST(at(b, "/display_name") == "Ada Lovelace");
  BOOST_TEST(at(b, "/email") == "ada@greenfork.example");
  BOOST_TEST(at(b, "/emails/0/address") == "Orders@greenfork.example");
  BOOST_TEST(at(b, "/emails/0/primary") == "false");
  BOOST_TEST(at(b, "/phone") == "+14155550199");
  BOOST_TEST(at(b, "/phones/0/label") == "kitchen");
  BOOST_TEST(at(b, "/addresses/0/default") == "false");
  BOOST_TEST(at(b, "/addresses/1/default") == "true");
  BOOST_TEST(at(b, "/addresses/1/latitude") == "37.77");
  BOOST_TEST(at(b, "/addresses/0/region") == "null");
  BOOST_TEST(at(b, "/preferences/delivery_window/from") == "07:00");
  BOOST_TEST(at(b, "/tags/0") == T("01JTAGAAAAAAAAAAAAAAAAAAAA"));
  BOOST_TEST(at(b, "/type") == "restaurant");
  BOOST_TEST(at(b, "/acquisition/source") == "farmers_market");
  BOOST_TEST(at(b, "/active") == "true");
  BOOST_TEST(created.header("etag") == "\"1\"");

  auto read = c.get("/v1/customers/" + id + "?consistent_with=" + created.header("consistency-token"));
  BOOST_TEST_REQUIRE(read.status == 200, read.body);
  BOOST_TEST(read.body == created.body, "the read model renders what the write answered");

  // Preferences are merged; status and stage are their own fields of the update.
  auto patched = send(c, "PATCH", "/v1/customers/" + id,
                      R"({"status":"churned","lifecycle_stage":"lost","preferences":{"delivery_days":["mon"],"delivery_window":null}})",
                      {{"If-Match", "\"1\""}});
  BOOST_TEST_REQUIRE(patched.status == 200, patched.body);
  BOOST_TEST(patched.header("etag") == "\"3\"", "an update and a preferences event");
  BOOST_TEST(at(patched.body, "/status") == "churned");
  BOOST_TEST(at(patched.body, "/lifecycle_stage") == "lost");
  BOOST_TEST(at(patched.body, "/preferences/delivery_days") == R"(["mon"])");
  BOOST_TEST(at(patched.body, "/preferences/delivery_window") == "null");
  BOOST_TEST(at(patched.body, "/preferences/channels") == R"(["email","sms"])");
  // The same patch again changes nothing and appends nothing.
  auto again = send(c, "PATCH", "/v1/customers/" + id, R"({"status":"churned","preferences":{"delivery_days":["mon"]}})");
  BOOST_TEST(again.status == 200);
  BOOST_TEST(again.header("etag") == "\"3\"");
  // emails replace the list; null clears optional fields.
  auto contacts = send(c, "PATCH", "/v1/customers/" + id,
                       R"({"emails":[{"address":"new@greenfork.example"}],"date_of_birth":null,"type":null,"acquisition":null})");
  BOOST_TEST_REQUIRE(contacts.status == 200, contacts.body);
  BOOST_TEST(at(contacts.body, "/email") == "new@greenfork.example");
  BOOST_TEST(at(contacts.body, "/emails/1") == "<absent>");
  BOOST_TEST(at(contacts.body, "/date_of_birth") == "null");
  BOOST_TEST(at(contacts.body, "/acquisition") == "null");
  // The dropped addresses are free for another customer.
  auto other = c.post_json("/v1/customers", R"({"company":"Other","emails":[{"address":"orders@greenfork.example"}]})");
  BOOST_TEST(other.status == 201, other.body);
}

BOOST_AUTO_TEST_CASE(addresses_are_a_sub_resource_with_one_default) {
  http_client c(server.port(), server.admin_key());
  auto id = create(c);
  auto base = "/v1/customers/" + id + "/addresses";
  auto list = c.get(base);
  BOOST_TEST_REQUIRE(list.status == 200, list.body);
  BOOST_TEST(count_items(list.body) == 2u);
  auto first = at(list.body, "/items/0/id"), second = at(list.body, "/items/1/id");

  auto added = send(c, "POST", base,
                    R"({"label":"Office","street":"5 Pine St","city":"Oakland","postal_code":"94607","country":"US","default":true})",
                    {{"Idempotency-Key", "addr-1"}});
  BOOST_TEST_REQUIRE(added.status == 201, added.body);
  auto third = at(added.body, "/id");
  BOOST_TEST(added.header("location") == base + "/" + third);
  BOOST_TEST(at(added.body, "/default") == "true");
  BOOST_TEST(at(added.body, "/version") == "2");
  auto replayed = send(c, "POST", base,
                       R"({"label":"Office","street":"5 Pine St","city":"Oakland","postal_code":"94607","country":"US","default":true})",
                       {{"Idempotency-Key", "addr-1"}});
  BOOST_TEST(replayed.status == 201);
  BOOST_TEST(at(replayed.body, "/id") == third, "a retried add answers with the same address");

  auto after = c.get(base + "?consistent_with=" + added.header("consistency-token"));
  BOOST_TEST(count_items(after.body) == 3u, after.body);
  BOOST_TEST(at(after.body, "/items/1/default") == "false", "the old default is cleared");
  BOOST_TEST(at(after.body, "/items/2/default") == "true");

  auto one = c.get(base + "/" + first + "?consistent_with=" + added.header("consistency-token"));
  BOOST_TEST_REQUIRE(one.status == 200, one.body);
  BOOST_TEST(at(one.body, "/label") == "Home");

  auto moved = send(c, "PATCH", base + "/" + first, R"({"city":"Berkeley","latitude":37.87,"longitude":-122.27})",
                    {{"If-Match", "\"2\""}});
  BOOST_TEST_REQUIRE(moved.status == 200, moved.body);
  BOOST_TEST(at(moved.body, "/city") == "Berkeley");
  BOOST_TEST(at(moved.body, "/longitude") == "-122.27");
  BOOST_TEST(moved.header("etag") == "\"3\"");
  auto unset = send(c, "PATCH", base + "/" + third, R"({"default":false})");
  BOOST_TEST(unset.status == 400, unset.body);
  BOOST_TEST(field_errors(unset.body) == "default default_required");
  auto bad = send(c, "POST", base, R"({"label":"X","street":"1 A St","city":"Y","postal_code":"","country":"ZZ"})");
  BOOST_TEST(bad.status == 400, bad.body);
  BOOST_TEST(field_errors(bad.body) == "postal_code required; country invalid_value");

  auto removed = c.request("DELETE", base + "/" + third);
  BOOST_TEST_REQUIRE(removed.status == 200, removed.body);
  BOOST_TEST(at(removed.body, "/addresses/0/id") == first);
  BOOST_TEST(at(removed.body, "/addresses/0/default") == "true", "the first remaining address becomes the default");
  BOOST_TEST(at(removed.body, "/addresses/1/id") == second);
  auto gone = c.get(base + "/" + third + "?consistent_with=" + removed.header("consistency-token"));
  BOOST_TEST(gone.status == 404);
  BOOST_TEST(json_field(gone.body, "code").value_or("") == "address_not_found");
  BOOST_TEST(c.request("DELETE", base + "/" + third).status == 404);
  BOOST_TEST(c.request("DELETE", base + "/not-an-id").status == 404);
}

BOOST_AUTO_TEST_CASE(tags_are_added_and_removed_by_id) {
  http_client c(server.port(), server.admin_key());
  auto id = create(c);
  auto tags = "/v1/customers/" + id + "/tags";
  auto added = send(c, "POST", tags, T(R"({"tag_ids":["01JTAGAAAAAAAAAAAAAAAAAAAA","01JTAGBBBBBBBBBBBBBBBBBBBB"]})"));
  BOOST_TEST_REQUIRE(added.status == 200, added.body);
  BOOST_TEST(at(added.body, "/tags") == T(R"(["01JTAGAAAAAAAAAAAAAAAAAAAA","01JTAGBBBBBBBBBBBBBBBBBBBB"])"));
  BOOST_TEST(added.header("etag") == "\"2\"");
  auto held = send(c, "POST", tags, T(R"({"tag_ids":["01JTAGBBBBBBBBBBBBBBBBBBBB"]})"));
  BOOST_TEST(held.header("etag") == "\"2\"", "a tag already held appends nothing");
  auto removed = c.request("DELETE", T(tags + "/01JTAGAAAAAAAAAAAAAAAAAAAA"));
  BOOST_TEST_REQUIRE(removed.status == 200, removed.body);
  BOOST_TEST(at(removed.body, "/tags") == T(R"(["01JTAGBBBBBBBBBBBBBBBBBBBB"])"));
  BOOST_TEST(c.request("DELETE", T(tags + "/01JTAGAAAAAAAAAAAAAAAAAAAA")).header("etag") == "\"3\"");
  auto bad = c.request("DELETE", tags + "/tag-1");
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(field_errors(bad.body) == "tag_id invalid_format");
  auto bad_body = send(c, "POST", tags, T(R"({"tag_ids":["01JTAGAAAAAAAAAAAAAAAAAAAA","vip"]})"));
  BOOST_TEST(field_errors(bad_body.body) == "tag_ids[1] invalid_format");
}

BOOST_AUTO_TEST_CASE(a_deactivated_customer_is_readable_but_not_changeable_until_reactivated) {
  http_client c(server.port(), server.admin_key());
  auto id = create(c);
  auto off = c.request("POST", "/v1/customers/" + id + "/deactivate");
  BOOST_TEST_REQUIRE(off.status == 200, off.body);
  BOOST_TEST(at(off.body, "/active") == "false");
  BOOST_TEST(c.request("POST", "/v1/customers/" + id + "/deactivate").header("etag") == off.header("etag"));
  auto read = c.get("/v1/customers/" + id + "?consistent_with=" + off.header("consistency-token"));
  BOOST_TEST(read.status == 200);
  BOOST_TEST(at(read.body, "/active") == "false");
  auto patch = send(c, "PATCH", "/v1/customers/" + id, R"({"status":"inactive"})");
  BOOST_TEST(patch.status == 409, patch.body);
  BOOST_TEST(json_field(patch.body, "code").value_or("") == "customer_inactive");
  auto addr = send(c, "POST", "/v1/customers/" + id + "/addresses",
                   R"({"label":"X","street":"1 A St","city":"Y","postal_code":"1","country":"US"})");
  BOOST_TEST(addr.status == 409, addr.body);
  auto on = c.request("POST", "/v1/customers/" + id + "/reactivate");
  BOOST_TEST_REQUIRE(on.status == 200, on.body);
  BOOST_TEST(at(on.body, "/active") == "true");
  BOOST_TEST(send(c, "PATCH", "/v1/customers/" + id, R"({"status":"inactive"})").status == 200);
}

BOOST_AUTO_TEST_CASE(a_portal_key_changes_its_own_profile_but_not_how_the_business_classifies_it) {
  http_client admin(server.port(), server.admin_key());
  auto id = create(admin);
  auto k = admin.post_json("/v1/api-keys", R"({"role":"portal","customer_id":")" + id + "\"}");
  BOOST_TEST_REQUIRE(k.status == 201, k.body);
  http_client portal(server.port(), json_field(k.body, "key").value_or(""));
  auto denied = send(portal, "PATCH", "/v1/customers/" + id, R"({"status":"active","type":"other","first_name":"Ada"})");
  BOOST_TEST(denied.status == 403, denied.body);
  BOOST_TEST(json_field(denied.body, "code").value_or("") == "forbidden_field");
  BOOST_TEST(field_errors(denied.body) == "status not_allowed; type not_allowed");
  auto own = send(portal, "PATCH", "/v1/customers/" + id,
                  R"({"marketing_opt_in":false,"preferences":{"language":"nl"},"phones":[{"number":"415 555 0100"}]})");
  BOOST_TEST_REQUIRE(own.status == 200, own.body);
  BOOST_TEST(at(own.body, "/preferences/language") == "nl");
  BOOST_TEST(at(own.body, "/phone") == "+14155550100");
  auto addr = send(portal, "POST", "/v1/customers/" + id + "/addresses",
                   R"({"label":"Cabin","street":"1 Lake Rd","city":"Tahoe","postal_code":"96150","country":"US"})");
  BOOST_TEST(addr.status == 201, addr.body);
  BOOST_TEST(send(portal, "POST", "/v1/customers/" + id + "/tags", T(R"({"tag_ids":["01JTAGCCCCCCCCCCCCCCCCCCCC"]})")).status == 403);
  BOOST_TEST(portal.request("POST", "/v1/customers/" + id + "/deactivate").status == 403);
}

BOOST_AUTO_TEST_CASE(bad_input_names_each_field_and_appends_nothing) {
  http_client c(server.port(), server.admin_key());
  auto id = create(c);
  auto appended_before = metric(c.get("/metrics").body, "chronicle_appended_events_total");
  struct bad_case {
    std::string label, method, target, body, fields;
  };
  auto cust = "/v1/customers/" + id;
  const std::vector<bad_case> cases = {
      {"no name", "POST", "/v1/customers", R"({"type":"household"})", "first_name required"},
      {"bad type and status", "POST", "/v1/customers", R"({"company":"X","type":"farm","status":"gone"})",
       "type invalid_value; status invalid_value"},
      {"future birth date", "POST", "/v1/customers", R"({"company":"X","date_of_birth":"2999-01-01"})", "date_of_birth in_future"},
      {"impossible birth date", "POST", "/v1/customers", R"({"company":"X","date_of_birth":"2001-02-29"})",
       "date_of_birth invalid_format"},
      {"two primary emails", "POST", "/v1/customers",
       R"({"company":"X","emails":[{"address":"a@x.example","primary":true},{"address":"b@x.example","primary":true}]})",
       "emails multiple_primary"},
      {"bad second email", "POST", "/v1/customers", R"({"company":"X","emails":[{"address":"a@x.example"},{"address":"nope"}]})",
       "emails[1].address invalid_format"},
      {"bad phone", "POST", "/v1/customers", R"({"company":"X","phones":[{"number":"12"}]})", "phones[0].number invalid_format"},
      {"address without postal code", "POST", "/v1/customers",
       R"({"company":"X","addresses":[{"label":"A","street":"1 A St","city":"Y","postal_code":"1","country":"US"},{"label":"B","street":"2 B St","city":"Y","country":"US"}]})",
       "addresses[1].postal_code required"},
      {"half a coordinate", "POST", "/v1/customers",
       R"({"company":"X","addresses":[{"label":"A","street":"1 A St","city":"Y","postal_code":"1","country":"US","latitude":10}]})",
       "addresses[0].longitude required"},
      {"unknown preference", "POST", "/v1/customers", R"({"company":"X","preferences":{"colour":"green"}})",
       "preferences.colour unknown_field"},
      {"backwards window", "PATCH", cust, R"({"preferences":{"delivery_window":{"from":"10:00","to":"09:00"}}})",
       "preferences.delivery_window.to not_after_from"},
      {"preferred channel not allowed", "PATCH", cust, R"({"preferences":{"preferred_contact":"phone"}})",
       "preferences.preferred_contact not_allowed"},
      {"bad weekday", "PATCH", cust, R"({"preferences":{"delivery_days":["mon","someday"]}})",
       "preferences.delivery_days[1] invalid_value"},
      {"bad source", "PATCH", cust, R"({"acquisition":{"date":"2026-01-01","source":"Word of mouth"}})",
       "acquisition.source invalid_format"},
      {"null status", "PATCH", cust, R"({"status":null})", "status invalid_type"},
      {"addresses in a patch", "PATCH", cust, R"({"addresses":[]})", "addresses unknown_field"},
      {"every name cleared", "PATCH", cust, R"({"first_name":null,"last_name":null,"company":null})", "first_name required"},
      {"address out of range", "POST", cust + "/addresses",
       R"({"label":"A","street":"1 A St","city":"Y","postal_code":"1","country":"US","latitude":91,"longitude":0})",
       "latitude out_of_range"},
      {"long instructions", "POST", cust + "/addresses",
       R"({"label":"A","street":"1 A St","city":"Y","postal_code":"1","country":"US","delivery_instructions":")" +
           std::string(501, 'x') + "\"}",
       "delivery_instructions too_long"},
      {"no tag ids", "POST", cust + "/tags", R"({})", "tag_ids required"},
  };
  for (auto& bc : cases) {
    auto r = send(c, bc.method, bc.target, bc.body);
    BOOST_TEST(r.status == 400, bc.label << ": " << r.status << " " << r.body);
    BOOST_TEST(r.header("content-type") == "application/problem+json", bc.label);
    BOOST_TEST(json_field(r.body, "code").value_or("") == "validation_failed", bc.label << ": " << r.body);
    BOOST_TEST(field_errors(r.body) == bc.fields, bc.label << ": " << r.body);
  }
  BOOST_TEST(metric(c.get("/metrics").body, "chronicle_appended_events_total") == appended_before);
}

BOOST_AUTO_TEST_CASE(erasing_a_full_profile_empties_its_contacts_and_addresses_and_frees_them) {
  http_client c(server.port(), server.admin_key());
  auto id = create(c);
  auto erased = c.request("POST", "/v1/customers/" + id + "/erase");
  BOOST_TEST_REQUIRE(erased.status == 200, erased.body);
  for (auto p : {"/display_name", "/first_name", "/last_name", "/company", "/email", "/phone"})
    BOOST_TEST(at(erased.body, p) == "[erased]", p << ": " << erased.body);
  BOOST_TEST(at(erased.body, "/date_of_birth") == "null");
  BOOST_TEST(at(erased.body, "/emails") == "[]");
  BOOST_TEST(at(erased.body, "/addresses") == "[]");
  BOOST_TEST(at(erased.body, "/status") == "active", "non-personal fields stay");
  auto addresses = c.get("/v1/customers/" + id + "/addresses?consistent_with=" + erased.header("consistency-token"));
  BOOST_TEST(addresses.status == 200);
  BOOST_TEST(count_items(addresses.body) == 0u, addresses.body);
  BOOST_TEST(send(c, "POST", "/v1/customers/" + id + "/addresses",
                  R"({"label":"X","street":"1 A St","city":"Y","postal_code":"1","country":"US"})")
                 .status == 409);
  // Both emails and the phone are free again.
  auto reuse = c.post_json("/v1/customers",
                           R"({"first_name":"Next","emails":[{"address":"orders@greenfork.example"},{"address":"ada@greenfork.example"}],)"
                           R"("phones":[{"number":"+14155550199"}]})");
  BOOST_TEST(reuse.status == 201, reuse.body);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(customer_profile_per_tenant)

BOOST_AUTO_TEST_CASE(national_phones_take_the_tenants_default_country) {
  auto dir = temp_dir();
  {
    server_process s(dir);
    BOOST_TEST(s.terminate() == 0);
  }
  auto bad = run_chronicle_captured({"tenant", "create", "atlantis", "--country", "XX", "--data-dir", dir});
  BOOST_TEST(bad.exit_code != 0, "an unknown country is refused: " << bad.out << bad.err);
  auto t = run_chronicle_captured({"tenant", "create", "londonfarm", "--country", "GB", "--data-dir", dir});
  BOOST_TEST_REQUIRE(t.exit_code == 0, t.out << t.err);
  auto k = run_chronicle_captured({"key", "create", "--tenant", "londonfarm", "--role", "admin", "--data-dir", dir});
  BOOST_TEST_REQUIRE(k.exit_code == 0, k.out << k.err);
  auto key = k.out.substr(0, k.out.find('\n'));
  server_process s(dir);
  http_client gb(s.port(), key);
  auto r = gb.post_json("/v1/customers", R"({"company":"Borough Greens","phones":[{"number":"020 7946 0958"}]})");
  BOOST_TEST_REQUIRE(r.status == 201, r.body);
  BOOST_TEST(at(r.body, "/phone") == "+442079460958");
  auto p = send(gb, "PATCH", "/v1/customers/" + at(r.body, "/id"), R"({"phones":[{"number":"07700 900123"}]})");
  BOOST_TEST(at(p.body, "/phone") == "+447700900123", p.body);
  BOOST_TEST(s.terminate() == 0);
  remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
