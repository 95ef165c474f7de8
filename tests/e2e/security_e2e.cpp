// Tenants, keys and roles, pseudonyms, uniqueness, crypto-shredding, the
// vault's master key and the audit trail, against a real server process and
// the operator CLI (DESIGN.md §5–6, issue 3).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

#include "support.hpp"

using namespace chronicle::e2e;

namespace {

std::string random_hex(std::size_t n) {
  static constexpr char hex[] = "0123456789abcdef";
  std::random_device rd;
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(hex[rd() % 16]);
  return s;
}

std::string random_digits(std::size_t n) {
  std::random_device rd;
  std::string s;
  // A leading 2–9 keeps the number valid in every numbering plan we touch.
  s.push_back(static_cast<char>('2' + rd() % 8));
  while (s.size() < n) s.push_back(static_cast<char>('0' + rd() % 10));
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A key's id is the ULID between "chr_" and the secret.
std::string key_id_of(const std::string& key) { return key.size() > 30 ? key.substr(4, 26) : std::string{}; }

struct issued_key {
  std::string id;
  std::string key;
};

issued_key create_key(std::uint16_t port, const std::string& admin_key, const std::string& body) {
  auto r = call(port, admin_key, "POST", "/v1/api-keys", body);
  BOOST_TEST_REQUIRE(r.status == 201, "POST /v1/api-keys " << body << ": " << r.status << " " << r.body);
  issued_key k{json_field(r.body, "id").value_or(""), json_field(r.body, "key").value_or("")};
  BOOST_TEST_REQUIRE(k.key.rfind("chr_", 0) == 0u, r.body);
  BOOST_TEST(key_id_of(k.key) == k.id);
  return k;
}

struct registered {
  std::string id;
  std::string token;
};

// Registers a customer and waits until the read model shows it.
registered register_visible(std::uint16_t port, const std::string& key, const std::string& body,
                            header_list headers = {}) {
  auto r = call(port, key, "POST", "/v1/customers", body, std::move(headers));
  BOOST_TEST_REQUIRE(r.status == 201, "POST /v1/customers " << body << ": " << r.status << " " << r.body);
  registered c{json_field(r.body, "id").value_or(""), r.header("consistency-token")};
  auto seen = call(port, key, "GET", "/v1/customers/" + c.id + "?consistent_with=" + c.token);
  BOOST_TEST_REQUIRE(seen.status == 200, seen.body);
  return c;
}

// Adds a tenant and an admin key for it with the operator CLI; the server
// must be stopped (the data directory is locked while serving).
std::string add_tenant_with_admin(const std::string& dir, const std::string& tenant) {
  auto t = run_chronicle_captured({"tenant", "create", tenant, "--data-dir", dir});
  BOOST_TEST_REQUIRE(t.exit_code == 0, "tenant create: " << t.out << t.err);
  auto k = run_chronicle_captured({"key", "create", "--tenant", tenant, "--role", "admin", "--data-dir", dir});
  BOOST_TEST_REQUIRE(k.exit_code == 0, "key create: " << k.out << k.err);
  auto key = trim(k.out);
  BOOST_TEST_REQUIRE(key.rfind("chr_", 0) == 0u, "the key alone on stdout, got: " << k.out);
  BOOST_TEST(key.find('\n') == std::string::npos, k.out);
  return key;
}

// Which of `needles` occur in which regular files under `dir`, as raw bytes.
// Files that vanish while we look (a live server compacting) are skipped.
std::map<std::string, std::vector<std::string>> scan_files(const std::string& dir,
                                                           const std::vector<std::string>& needles,
                                                           std::size_t& files_read) {
  std::map<std::string, std::vector<std::string>> found;
  files_read = 0;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code fec;
    if (!it->is_regular_file(fec) || fec) continue;
    std::ifstream in(it->path(), std::ios::binary);
    if (!in) continue;
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ++files_read;
    for (auto& n : needles)
      if (bytes.find(n) != std::string::npos) found[n].push_back(it->path().string());
  }
  return found;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The audit trail of `subject` once it holds at least `want` entries. The
// audit view is fed asynchronously, so this polls for at most ~5 s.
response audit_with(std::uint16_t port, const std::string& key, const std::string& subject, std::size_t want) {
  response r;
  for (int i = 0; i < 100; ++i) {
    r = call(port, key, "GET", "/v1/audit?subject=" + subject + "&limit=200");
    if (r.status != 200 || count_items(r.body) >= want) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return r;
}

// ---- the access matrix ----------------------------------------------------------

enum caller { admin, staff, analyst, auditor, portal_own, portal_other, caller_count };
constexpr std::array<const char*, caller_count> caller_names = {"admin",   "staff",      "analyst",
                                                               "auditor", "portal(own)", "portal(other)"};
// Admin goes last in every row: its writes (erase, revoke) must not change
// what the other callers are refused.
constexpr std::array<caller, caller_count> call_order = {staff, analyst, auditor, portal_own, portal_other, admin};

struct route_case {
  std::string method;
  // "{id}": customer A (B for portal(other)); "{key_id}": a spare key;
  // "{address_id}": an address of A; "{fresh_address}": an address of A
  // added just before each call (for removals); "{tag_id}": a tag id.
  std::string target;
  std::string body;
  bool is_public;
  std::array<int, caller_count> expect;  // admin, staff, analyst, auditor, portal(own), portal(other)
};

// Every route of the route table (api/http/app.cpp). Erase comes last: it is
// the one call that changes what the rows before it would answer.
const std::vector<route_case>& route_cases() {
  static const std::vector<route_case> cases = {
      {"POST", "/v1/customers", R"({"first_name":"Matrix Person"})", false, {201, 201, 403, 403, 403, 403}},
      {"GET", "/v1/customers", "", false, {200, 200, 200, 403, 403, 403}},
      {"POST", "/v1/customers/bulk", R"({"action":"set_status","ids":["{id}"],"status":"active"})", false,
       {200, 200, 403, 403, 403, 403}},
      {"GET", "/v1/customers/{id}", "", false, {200, 200, 200, 403, 200, 403}},
      {"PATCH", "/v1/customers/{id}", R"({"company":"Matrix Co"})", false, {200, 200, 403, 403, 200, 403}},
      {"POST", "/v1/customers/{id}/deactivate", "", false, {200, 200, 403, 403, 403, 403}},
      {"POST", "/v1/customers/{id}/reactivate", "", false, {200, 200, 403, 403, 403, 403}},
      {"GET", "/v1/customers/{id}/addresses", "", false, {200, 200, 200, 403, 200, 403}},
      {"POST", "/v1/customers/{id}/addresses",
       R"({"label":"Matrix","street":"2 Side St","city":"Springfield","postal_code":"12345","country":"US"})", false,
       {201, 201, 403, 403, 201, 403}},
      {"GET", "/v1/customers/{id}/addresses/{address_id}", "", false, {200, 200, 200, 403, 200, 403}},
      {"PATCH", "/v1/customers/{id}/addresses/{address_id}", R"({"city":"Matrix City"})", false,
       {200, 200, 403, 403, 200, 403}},
      {"DELETE", "/v1/customers/{id}/addresses/{fresh_address}", "", false, {200, 200, 403, 403, 200, 403}},
      {"POST", "/v1/customers/{id}/tags", R"({"tag_ids":["{tag_id}"]})", false,
       {200, 200, 403, 403, 403, 403}},
      {"DELETE", "/v1/customers/{id}/tags/{tag_id}", "", false, {200, 200, 403, 403, 403, 403}},
      {"POST", "/v1/api-keys", R"({"role":"staff"})", false, {201, 403, 403, 403, 403, 403}},
      {"GET", "/v1/api-keys", "", false, {200, 403, 403, 403, 403, 403}},
      {"DELETE", "/v1/api-keys/{key_id}", "", false, {200, 403, 403, 403, 403, 403}},
      {"GET", "/v1/audit?subject={id}", "", false, {200, 403, 403, 200, 403, 403}},
      {"GET", "/v1/tags", "", false, {200, 200, 200, 403, 403, 403}},
      {"POST", "/v1/tags", R"({"name":"Matrix {who}"})", false, {201, 201, 403, 403, 403, 403}},
      {"GET", "/v1/tags/{tag_id}", "", false, {200, 200, 200, 403, 403, 403}},
      {"PATCH", "/v1/tags/{tag_id}", R"({"description":"by {who}"})", false, {200, 200, 403, 403, 403, 403}},
      {"GET", "/v1/customers/{id}/notes", "", false, {200, 200, 403, 403, 403, 403}},
      {"POST", "/v1/customers/{id}/notes", R"({"body":"note by {who}"})", false, {201, 201, 403, 403, 403, 403}},
      {"GET", "/v1/customers/{id}/notes/{note_id}", "", false, {200, 200, 403, 403, 403, 403}},
      {"PATCH", "/v1/customers/{id}/notes/{note_id}", R"({"body":"edited by {who}"})", false, {200, 200, 403, 403, 403, 403}},
      {"GET", "/v1/customers/{id}/interactions", "", false, {200, 200, 403, 403, 403, 403}},
      {"POST", "/v1/customers/{id}/interactions", R"({"channel":"chat","direction":"inbound"})", false, {201, 201, 403, 403, 403, 403}},
      {"GET", "/v1/customers/{id}/interactions/{interaction_id}", "", false, {200, 200, 403, 403, 403, 403}},
      {"GET", "/v1/customers/{id}/tasks", "", false, {200, 200, 403, 403, 403, 403}},
      {"POST", "/v1/customers/{id}/tasks", R"({"title":"task by {who}"})", false, {201, 201, 403, 403, 403, 403}},
      {"PATCH", "/v1/customers/{id}/tasks/{task_id}", R"({"assignee":"{who}"})", false, {200, 200, 403, 403, 403, 403}},
      {"GET", "/v1/tasks", "", false, {200, 200, 403, 403, 403, 403}},
      {"GET", "/v1/customers/{id}/timeline", "", false, {200, 200, 403, 403, 403, 403}},
      {"DELETE", "/v1/customers/{id}/notes/{note_id}", "", false, {204, 204, 403, 403, 403, 403}},
      {"DELETE", "/v1/tags/{tag_id}", "", false, {204, 204, 403, 403, 403, 403}},
      {"GET", "/v1/products", "", false, {200, 200, 200, 403, 403, 403}},
      {"POST", "/v1/products", R"({"sku":"M-{who}","name":"Matrix","unit":"tray","price":{"amount":1,"currency":"USD"}})",
       false, {201, 201, 403, 403, 403, 403}},
      {"GET", "/v1/products/{product_id}", "", false, {200, 200, 200, 403, 403, 403}},
      {"PATCH", "/v1/products/{product_id}", R"({"name":"by {who}"})", false, {200, 200, 403, 403, 403, 403}},
      {"POST", "/v1/products/{product_id}/stock", R"({"action":"receive","quantity":1})", false,
       {200, 200, 403, 403, 403, 403}},
      {"GET", "/v1/openapi.json", "", false, {200, 200, 200, 200, 200, 200}},
      {"GET", "/healthz", "", true, {200, 200, 200, 200, 200, 200}},
      {"GET", "/readyz", "", true, {200, 200, 200, 200, 200, 200}},
      {"GET", "/metrics", "", true, {200, 200, 200, 200, 200, 200}},
      {"POST", "/v1/customers/{id}/erase", "", false, {200, 403, 403, 403, 403, 403}},
  };
  return cases;
}

// The ids of a tag and of customer A's note, interaction and task, made
// before the matrix runs.
std::map<std::string, std::string> matrix_ids;

std::string substitute(std::string target, const std::string& customer_id, const std::string& key_id,
                       const std::string& address_id = "01JADDRESSADDRESSADDRESSAD") {
  auto pairs = std::vector<std::pair<std::string, std::string>>{
      {"{id}", customer_id}, {"{key_id}", key_id}, {"{address_id}", address_id}, {"{fresh_address}", address_id}};
  for (auto& [k, v] : matrix_ids) pairs.emplace_back(k, v);
  if (!matrix_ids.count("{tag_id}")) pairs.emplace_back("{tag_id}", "01JTAGTAGTAGTAGTAGTAGTAGTA");
  for (auto& [from, to] : pairs)
    if (auto p = target.find(from); p != std::string::npos) target.replace(p, from.size(), to);
  return target;
}

// A body naming its caller, so each caller's create is new.
std::string body_for(std::string body, const char* who) {
  if (auto p = body.find("{who}"); p != std::string::npos) body.replace(p, 5, who);
  for (auto& [k, v] : matrix_ids)
    if (auto p = body.find(k); p != std::string::npos) body.replace(p, k.size(), v);
  return body;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(security)

BOOST_AUTO_TEST_CASE(every_route_answers_each_role_and_tenant_as_the_route_table_says) {
  auto dir = temp_dir();
  std::string customer_a, customer_b, address_a, staff_key_id, spare_key, spare_key_id, demo_cursor;
  std::string admin_key;
  std::array<std::string, caller_count> keys;
  {
    server_process s(dir);
    admin_key = s.admin_key();
    BOOST_TEST_REQUIRE(!admin_key.empty(), "the first start prints an admin key");
    auto port = s.port();
    customer_a = register_visible(port, admin_key,
                                  R"({"first_name":"Alice","last_name":"Able","emails":[{"address":"alice@able.example"}],)"
                                  R"("addresses":[{"label":"Home","street":"1 Main St","city":"Springfield","postal_code":"12345","country":"US"}]})")
                     .id;
    customer_b = register_visible(port, admin_key, R"({"first_name":"Bob Baker","emails":[{"address":"bob@baker.example"}]})").id;
    auto a_addresses = call(port, admin_key, "GET", "/v1/customers/" + customer_a + "/addresses");
    BOOST_TEST_REQUIRE(a_addresses.status == 200, a_addresses.body);
    address_a = item_field(a_addresses.body, "id").at(0);
    keys[admin] = admin_key;
    auto staff_k = create_key(port, admin_key, R"({"role":"staff"})");
    keys[staff] = staff_k.key;
    staff_key_id = staff_k.id;
    keys[analyst] = create_key(port, admin_key, R"({"role":"analyst"})").key;
    keys[auditor] = create_key(port, admin_key, R"({"role":"auditor"})").key;
    keys[portal_own] = create_key(port, admin_key, R"({"role":"portal","customer_id":")" + customer_a + "\"}").key;
    keys[portal_other] = keys[portal_own];
    auto made = [&](const std::string& target, const std::string& body) {
      auto r = call(port, admin_key, "POST", target, body);
      BOOST_TEST_REQUIRE(r.status == 201, "POST " << target << ": " << r.status << " " << r.body);
      return json_field(r.body, "id").value_or("");
    };
    matrix_ids["{tag_id}"] = made("/v1/tags", R"({"name":"Matrix tag"})");
    matrix_ids["{note_id}"] = made("/v1/customers/" + customer_a + "/notes", R"({"body":"matrix note"})");
    matrix_ids["{interaction_id}"] =
        made("/v1/customers/" + customer_a + "/interactions", R"({"channel":"call","direction":"outbound"})");
    matrix_ids["{product_id}"] =
        made("/v1/products", R"({"sku":"MATRIX","name":"Matrix","unit":"tray","price":{"amount":1,"currency":"USD"}})");
    matrix_ids["{task_id}"] = made("/v1/customers/" + customer_a + "/tasks", R"({"title":"matrix task","due_on":"2020-01-01"})");
    auto spare = create_key(port, admin_key, R"({"role":"staff","label":"to be revoked"})");
    spare_key = spare.key;
    spare_key_id = spare.id;

    // Without a valid key: 401 with a problem and a Bearer challenge on every
    // protected route; public routes answer anyway.
    const std::string unknown_key = "chr_01J" + std::string(23, 'A') + "_" + random_hex(64);
    const std::string wrong_secret = "chr_" + key_id_of(admin_key) + "_" + random_hex(64);
    const std::vector<std::pair<std::string, std::string>> bad_auth = {
        {"malformed key", "Bearer nope"},
        {"unknown key", "Bearer " + unknown_key},
        {"a real key id with a wrong secret", "Bearer " + wrong_secret},
        {"not a Bearer scheme", "Basic " + admin_key},
        {"empty Bearer", "Bearer "},
    };
    for (auto& rc : route_cases()) {
      auto target = substitute(rc.target, customer_a, spare_key_id);
      auto what = rc.method + " " + target;
      auto bare = call(port, "", rc.method, target, rc.body);
      if (rc.is_public) {
        BOOST_TEST(bare.status == 200, what << " without a key: " << bare.status << " " << bare.body);
        continue;
      }
      BOOST_TEST(bare.status == 401, what << " without a key: " << bare.status << " " << bare.body);
      BOOST_TEST(bare.header("content-type") == "application/problem+json", what);
      BOOST_TEST(json_field(bare.body, "code").value_or("") == "unauthenticated", what << ": " << bare.body);
      BOOST_TEST(bare.header("www-authenticate") == "Bearer", what);
      for (auto& [name, header] : bad_auth) {
        auto r = call(port, "", rc.method, target, rc.body, {{"Authorization", header}});
        BOOST_TEST(r.status == 401, what << " with " << name << ": " << r.status << " " << r.body);
        BOOST_TEST(json_field(r.body, "code").value_or("") == "unauthenticated", what << " with " << name);
      }
    }

    for (auto& rc : route_cases())
      for (auto who : call_order) {
        auto address = address_a;
        if (rc.target.find("{fresh_address}") != std::string::npos) {
          auto added = call(port, admin_key, "POST", "/v1/customers/" + customer_a + "/addresses",
                            R"({"label":"Spare","street":"3 Spare St","city":"Springfield","postal_code":"12345","country":"US"})");
          BOOST_TEST_REQUIRE(added.status == 201, added.body);
          address = json_field(added.body, "id").value_or("");
        }
        auto target = substitute(rc.target, who == portal_other ? customer_b : customer_a, spare_key_id, address);
        auto r = call(port, keys[who], rc.method, target, body_for(rc.body, caller_names[who]));
        BOOST_TEST(r.status == rc.expect[who], rc.method << " " << rc.target << " as " << caller_names[who] << ": expected "
                                                         << rc.expect[who] << ", got " << r.status << " " << r.body);
        if (r.status == 403)
          BOOST_TEST(json_field(r.body, "code").value_or("") == "forbidden", rc.target << " " << caller_names[who]);
      }

    // The revoked spare key is refused like an unknown one.
    auto revoked = call(port, spare_key, "GET", "/v1/customers");
    BOOST_TEST(revoked.status == 401, "a revoked key: " << revoked.status << " " << revoked.body);
    BOOST_TEST(json_field(revoked.body, "code").value_or("") == "unauthenticated");

    // The matrix deleted its tag and note (and erased A): fresh ones for the
    // other tenant to miss.
    matrix_ids["{tag_id}"] = made("/v1/tags", R"({"name":"Kept tag"})");
    matrix_ids["{note_id}"] = made("/v1/customers/" + customer_b + "/notes", R"({"body":"kept note"})");
    auto page = call(port, admin_key, "GET", "/v1/customers?limit=1");
    BOOST_TEST_REQUIRE(page.status == 200, page.body);
    demo_cursor = json_field(page.body, "next_cursor").value_or("null");
    BOOST_TEST(s.terminate() == 0);
  }

  auto acme_key = add_tenant_with_admin(dir, "acme");
  server_process s(dir);
  auto port = s.port();
  for (auto& id : {customer_a, customer_b}) {
    auto get = call(port, acme_key, "GET", "/v1/customers/" + id);
    BOOST_TEST(get.status == 404, "acme GET demo customer " << id << ": " << get.status << " " << get.body);
    BOOST_TEST(json_field(get.body, "code").value_or("") == "customer_not_found", get.body);
    auto patch = call(port, acme_key, "PATCH", "/v1/customers/" + id, R"({"company":"Hijack"})");
    BOOST_TEST(patch.status == 404, "acme PATCH demo customer " << id << ": " << patch.status << " " << patch.body);
    auto erase = call(port, acme_key, "POST", "/v1/customers/" + id + "/erase");
    BOOST_TEST(erase.status == 404, "acme erase demo customer " << id << ": " << erase.status << " " << erase.body);
  }
  // Nothing above changed the demo customer B.
  auto b = call(port, admin_key, "GET", "/v1/customers/" + customer_b);
  BOOST_TEST(b.status == 200);
  BOOST_TEST(json_field(b.body, "version").value_or("") == "1", b.body);
  BOOST_TEST(json_field(b.body, "company").value_or("") == "null", b.body);

  auto list = call(port, acme_key, "GET", "/v1/customers?limit=200");
  BOOST_TEST_REQUIRE(list.status == 200, list.body);
  for (auto& id : item_field(list.body, "id"))
    BOOST_TEST((id != customer_a && id != customer_b), "acme's list shows demo customer " << id);
  BOOST_TEST(count_items(list.body) == 0u, list.body);

  // A demo cursor gets acme nothing of demo's.
  if (demo_cursor != "null") {
    auto cur = call(port, acme_key, "GET", "/v1/customers?cursor=" + demo_cursor);
    BOOST_TEST((cur.status == 400 || cur.status == 200), cur.status << " " << cur.body);
    BOOST_TEST(count_items(cur.body) == 0u, "acme with a demo cursor: " << cur.body);
  }

  // Another tenant's tags, notes, interactions, tasks and timelines are not found.
  for (auto [target, owner] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/tags/{tag_id}", ""},
           {"/v1/customers/{id}/notes", customer_b},
           {"/v1/customers/{id}/notes/{note_id}", customer_b},
           {"/v1/customers/{id}/interactions/{interaction_id}", customer_a},
           {"/v1/customers/{id}/tasks", customer_a},
           {"/v1/customers/{id}/timeline", customer_a}}) {
    auto r = call(port, acme_key, "GET", substitute(target, owner, ""));
    BOOST_TEST(r.status == 404, "acme GET " << target << ": " << r.status << " " << r.body);
    // The demo admin still reads it: the 404 is tenant scoping, not absence.
    auto own = call(port, admin_key, "GET", substitute(target, owner, ""));
    BOOST_TEST(own.status == 200, "demo GET " << target << ": " << own.status << " " << own.body);
  }
  auto foreign_note = call(port, acme_key, "POST", "/v1/customers/" + customer_b + "/notes", R"({"body":"planted"})");
  BOOST_TEST(foreign_note.status == 404, foreign_note.body);
  auto foreign_tag = call(port, acme_key, "PATCH", substitute("/v1/tags/{tag_id}", "", ""), R"({"name":"Hijack"})");
  BOOST_TEST(foreign_tag.status == 404, foreign_tag.body);
  auto acme_tasks = call(port, acme_key, "GET", "/v1/tasks?done[eq]=true");
  BOOST_TEST(count_items(acme_tasks.body) == 0u, "acme sees demo tasks: " << acme_tasks.body);
  BOOST_TEST(count_items(call(port, acme_key, "GET", "/v1/tasks").body) == 0u);

  BOOST_TEST(count_items(call(port, acme_key, "GET", "/v1/tags").body) == 0u);

  auto trail = call(port, acme_key, "GET", "/v1/audit?subject=" + customer_b);
  BOOST_TEST(trail.status == 200, trail.body);
  BOOST_TEST(count_items(trail.body) == 0u, "acme sees demo's audit trail: " << trail.body);

  auto revoke = call(port, acme_key, "DELETE", "/v1/api-keys/" + staff_key_id);
  BOOST_TEST(revoke.status == 404, "acme revoking a demo key: " << revoke.status << " " << revoke.body);
  auto acme_keys = call(port, acme_key, "GET", "/v1/api-keys");
  BOOST_TEST(acme_keys.status == 200);
  for (auto& id : item_field(acme_keys.body, "id"))
    BOOST_TEST(id == key_id_of(acme_key), "acme's key list shows another key " << id);

  auto portal = call(port, acme_key, "POST", "/v1/api-keys", R"({"role":"portal","customer_id":")" + customer_b + "\"}");
  BOOST_TEST(portal.status == 400, "acme binding a portal key to a demo customer: " << portal.status << " " << portal.body);

  // The demo staff key survived the restart and acme's attempt; the revoked one stays revoked.
  BOOST_TEST(call(port, keys[staff], "GET", "/v1/customers").status == 200);
  BOOST_TEST(call(port, spare_key, "GET", "/v1/customers").status == 401);
  BOOST_TEST(s.terminate() == 0);
  remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(analysts_see_stable_pseudonyms_and_staff_see_real_values) {
  auto dir = temp_dir();
  server_process s(dir);
  auto port = s.port();
  auto id = register_visible(port, s.admin_key(),
                             R"({"first_name":"Grace","last_name":"Hopper","emails":[{"address":"grace@navy.example"}],)"
                             R"("phones":[{"number":"+1 202 555 0147"}],"date_of_birth":"1906-12-09",)"
                             R"("addresses":[{"label":"Home","street":"9 Navy Yard","city":"Arlington","postal_code":"22202","country":"US","latitude":38.87,"longitude":-77.05}]})")
                .id;
  auto other = register_visible(port, s.admin_key(), R"({"first_name":"Alan Turing","emails":[{"address":"alan@bletchley.example"}]})").id;
  auto analyst_key = create_key(port, s.admin_key(), R"({"role":"analyst"})").key;
  auto staff_key = create_key(port, s.admin_key(), R"({"role":"staff"})").key;

  const std::map<std::string, std::string> real = {
      {"display_name", "Grace Hopper"}, {"first_name", "Grace"}, {"last_name", "Hopper"},
      {"email", "grace@navy.example"},  {"phone", "+12025550147"},  {"date_of_birth", "1906-12-09"}};
  auto first = call(port, analyst_key, "GET", "/v1/customers/" + id);
  auto second = call(port, analyst_key, "GET", "/v1/customers/" + id);
  BOOST_TEST_REQUIRE(first.status == 200, first.body);
  BOOST_TEST_REQUIRE(second.status == 200, second.body);
  for (auto& [field, value] : real) {
    auto token = json_field(first.body, field).value_or("");
    BOOST_TEST(token.rfind("anon_", 0) == 0u, field << " as an analyst: " << token);
    BOOST_TEST(token != value, field);
    BOOST_TEST(first.body.find(value) == std::string::npos, "the analyst's answer holds " << value);
    BOOST_TEST(json_field(second.body, field).value_or("") == token, field << " changed between two reads");
  }
  BOOST_TEST(json_field(first.body, "first_name").value_or("") != json_field(first.body, "email").value_or(""));
  for (auto secret : {"Navy Yard", "Arlington", "22202", "38.87"})
    BOOST_TEST(first.body.find(secret) == std::string::npos, "the analyst's answer holds " << secret << ": " << first.body);
  auto addresses = call(port, analyst_key, "GET", "/v1/customers/" + id + "/addresses");
  BOOST_TEST_REQUIRE(addresses.status == 200, addresses.body);
  BOOST_TEST(addresses.body.find("Navy Yard") == std::string::npos, addresses.body);
  BOOST_TEST(addresses.body.find("anon_") != std::string::npos, addresses.body);

  auto list = call(port, analyst_key, "GET", "/v1/customers?limit=200");
  BOOST_TEST_REQUIRE(list.status == 200, list.body);
  for (auto& n : item_field(list.body, "first_name")) BOOST_TEST(n.rfind("anon_", 0) == 0u, "listed to an analyst: " << n);
  BOOST_TEST(list.body.find("Grace") == std::string::npos, list.body);
  BOOST_TEST(list.body.find("Turing") == std::string::npos, list.body);
  auto names = item_field(list.body, "first_name");
  BOOST_TEST((names.size() == 2u && names[0] != names[1]), "two people, two pseudonyms: " << list.body);

  auto seen = call(port, staff_key, "GET", "/v1/customers/" + id);
  BOOST_TEST_REQUIRE(seen.status == 200, seen.body);
  for (auto& [field, value] : real) BOOST_TEST(json_field(seen.body, field).value_or("") == value, field);
  BOOST_TEST(json_field(call(port, staff_key, "GET", "/v1/customers/" + other).body, "display_name").value_or("") == "Alan Turing");
  BOOST_TEST(s.terminate() == 0);
  remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(a_second_customer_with_the_same_email_or_phone_is_a_conflict_within_a_tenant_only) {
  auto dir = temp_dir();
  std::string admin_key;
  {
    server_process s(dir);
    admin_key = s.admin_key();
    auto port = s.port();
    auto ada = register_visible(port, admin_key,
                                R"({"first_name":"Ada","emails":[{"address":"Ada@X.example"},{"address":"orders@x.example"}],)"
                                R"("phones":[{"number":"(415) 555-0177"}]})")
                   .id;

    auto same_email = call(port, admin_key, "POST", "/v1/customers", R"({"first_name":"Ada Two","emails":[{"address":"ada@x.EXAMPLE"}]})");
    BOOST_TEST(same_email.status == 409, same_email.body);
    BOOST_TEST(same_email.header("content-type") == "application/problem+json");
    BOOST_TEST(json_field(same_email.body, "code").value_or("") == "duplicate_email", same_email.body);
    BOOST_TEST(json_field(same_email.body, "detail").value_or("").find(ada) != std::string::npos, same_email.body);
    BOOST_TEST(json_field(same_email.body, "existing_id").value_or("") == ada, same_email.body);
    // The second email of a customer is claimed as well.
    auto second_email = call(port, admin_key, "POST", "/v1/customers",
                             R"({"first_name":"Ada Five","emails":[{"address":"ORDERS@x.example"}]})");
    BOOST_TEST(second_email.status == 409, second_email.body);
    BOOST_TEST(json_field(second_email.body, "existing_id").value_or("") == ada, second_email.body);

    auto same_phone = call(port, admin_key, "POST", "/v1/customers", R"({"first_name":"Ada Three","phones":[{"number":"+1 415.555.0177"}]})");
    BOOST_TEST(same_phone.status == 409, same_phone.body);
    BOOST_TEST(json_field(same_phone.body, "code").value_or("") == "duplicate_phone", same_phone.body);
    BOOST_TEST(json_field(same_phone.body, "detail").value_or("").find(ada) != std::string::npos, same_phone.body);

    // Taking the address over by a change is refused the same way.
    auto other = register_visible(port, admin_key, R"({"first_name":"Other","emails":[{"address":"other@x.example"}]})").id;
    auto taken = call(port, admin_key, "PATCH", "/v1/customers/" + other,
                      R"({"emails":[{"address":"other@x.example"},{"address":"ADA@x.example"}]})");
    BOOST_TEST(taken.status == 409, taken.body);
    BOOST_TEST(json_field(taken.body, "code").value_or("") == "duplicate_email", taken.body);
    // A portal key gets the conflict without learning who holds the value.
    auto portal = create_key(port, admin_key, R"({"role":"portal","customer_id":")" + other + "\"}");
    auto by_portal = call(port, portal.key, "PATCH", "/v1/customers/" + other, R"({"phones":[{"number":"415-555-0177"}]})");
    BOOST_TEST(by_portal.status == 409, by_portal.body);
    BOOST_TEST(json_field(by_portal.body, "code").value_or("") == "duplicate_phone", by_portal.body);
    BOOST_TEST(by_portal.body.find(ada) == std::string::npos, "the portal learns the holder: " << by_portal.body);
    BOOST_TEST(!json_field(by_portal.body, "existing_id").has_value(), by_portal.body);
    BOOST_TEST(s.terminate() == 0);
  }
  auto acme_key = add_tenant_with_admin(dir, "acme");
  server_process s(dir);
  auto r = call(s.port(), acme_key, "POST", "/v1/customers",
                R"({"first_name":"Acme Ada","emails":[{"address":"Ada@X.example"}],"phones":[{"number":"(415) 555-0177"}]})");
  BOOST_TEST(r.status == 201, "the same email and phone in another tenant: " << r.status << " " << r.body);
  auto again = call(s.port(), admin_key, "POST", "/v1/customers", R"({"first_name":"Ada Four","emails":[{"address":"ada@X.example"}]})");
  BOOST_TEST(again.status == 409, "demo still holds the address after a restart: " << again.body);
  BOOST_TEST(s.terminate() == 0);
  remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(an_erased_person_is_nowhere_on_disk_and_their_contacts_are_free_again) {
  auto dir = temp_dir();
  // The marker is unique to this run. It is searched for on its own too: a
  // compressed storage block may keep a repeated suffix ("@example.org") as a
  // back-reference, but the first copy of a unique string stays literal.
  auto marker = random_hex(12);
  auto name = "Zelda Quux" + marker;
  auto email = "zq" + marker + "@example.org";
  auto new_email = "zqnew" + marker + "@example.org";
  auto second_email = "zqtwo" + marker + "@example.org";
  auto street = "7 Quux Lane " + marker;
  auto subscriber = random_digits(7);
  auto phone_typed = "+1 628 " + subscriber.substr(0, 3) + " " + subscriber.substr(3);
  auto phone_digits = "628" + subscriber;
  // Free text about the person: notes (and their edit history), interactions, tasks.
  auto note_text = "Allergic to cress " + marker + "n1";
  auto note_edit = "Allergic to cress and basil " + marker + "n2";
  auto call_subject = "Missed delivery " + marker + "i1";
  auto call_summary = "Neighbour took the box " + marker + "i2";
  auto task_title = "Refund box " + marker + "t1";
  const std::vector<std::string> personal = {name,      email,        new_email,    second_email, street,
                                             phone_digits, marker,    note_text,    note_edit,    call_subject,
                                             call_summary, task_title};

  std::string admin_key, id;
  {
    server_process s(dir);
    admin_key = s.admin_key();
    auto port = s.port();
    // With idempotency keys: the stored replies hold the plaintext too. The
    // keys themselves are not personal, so they must not carry the marker.
    auto idempotency = "erase-" + random_hex(8);
    id = register_visible(port, admin_key,
                          "{\"first_name\":\"" + name + "\",\"emails\":[{\"address\":\"" + email +
                              "\"},{\"address\":\"" + second_email + "\"}],\"phones\":[{\"number\":\"" + phone_typed +
                              "\"}],\"addresses\":[{\"label\":\"Home\",\"street\":\"" + street +
                              "\",\"city\":\"Springfield\",\"postal_code\":\"12345\",\"country\":\"US\"}]}",
                          {{"Idempotency-Key", idempotency + "-1"}})
             .id;
    auto patched = call(port, admin_key, "PATCH", "/v1/customers/" + id,
                        "{\"emails\":[{\"address\":\"" + new_email + "\"},{\"address\":\"" + second_email + "\"}]}",
                        {{"Idempotency-Key", idempotency + "-2"}});
    BOOST_TEST_REQUIRE(patched.status == 200, patched.body);
    auto read = call(port, admin_key, "GET", "/v1/customers/" + id + "?consistent_with=" + patched.header("consistency-token"));
    BOOST_TEST_REQUIRE(read.status == 200, read.body);
    BOOST_TEST_REQUIRE(json_field(read.body, "email").value_or("") == new_email, read.body);
    BOOST_TEST(json_field(read.body, "phone").value_or("") == "+1" + phone_digits, read.body);
    BOOST_TEST(call(port, admin_key, "GET", "/v1/customers?limit=200").status == 200);
    BOOST_TEST(call(port, admin_key, "GET", "/v1/customers/" + id + "/addresses").status == 200);
    auto note = call(port, admin_key, "POST", "/v1/customers/" + id + "/notes", "{\"body\":\"" + note_text + "\"}",
                     {{"Idempotency-Key", idempotency + "-3"}});
    BOOST_TEST_REQUIRE(note.status == 201, note.body);
    auto note_id = json_field(note.body, "id").value_or("");
    auto edited = call(port, admin_key, "PATCH", "/v1/customers/" + id + "/notes/" + note_id, "{\"body\":\"" + note_edit + "\"}");
    BOOST_TEST_REQUIRE(edited.status == 200, edited.body);
    auto logged = call(port, admin_key, "POST", "/v1/customers/" + id + "/interactions",
                       "{\"channel\":\"call\",\"direction\":\"inbound\",\"subject\":\"" + call_subject +
                           "\",\"summary\":\"" + call_summary + "\",\"follow_up_on\":\"2030-01-01\"}");
    BOOST_TEST_REQUIRE(logged.status == 201, logged.body);
    auto task = call(port, admin_key, "POST", "/v1/customers/" + id + "/tasks", "{\"title\":\"" + task_title + "\"}");
    BOOST_TEST_REQUIRE(task.status == 201, task.body);
    for (auto what : {"notes", "interactions", "tasks", "timeline"})
      BOOST_TEST(call(port, admin_key, "GET", "/v1/customers/" + id + "/" + what).body.find(marker) != std::string::npos, what);

    auto erased = call(port, admin_key, "POST", "/v1/customers/" + id + "/erase");
    BOOST_TEST_REQUIRE(erased.status == 200, erased.status << " " << erased.body);
    for (auto field : {"display_name", "first_name", "email", "phone"})
      BOOST_TEST(json_field(erased.body, field).value_or("") == "[erased]", field << ": " << erased.body);
    BOOST_TEST(erased.body.find(R"("addresses":[])") != std::string::npos, erased.body);
    BOOST_TEST(erased.body.find(R"("emails":[])") != std::string::npos, erased.body);
    BOOST_TEST(json_field(erased.body, "erased").value_or("") == "true", erased.body);

    auto after = call(port, admin_key, "GET", "/v1/customers/" + id + "?consistent_with=" + erased.header("consistency-token"));
    BOOST_TEST(after.status == 200, after.body);
    for (auto field : {"display_name", "first_name", "email", "phone"})
      BOOST_TEST(json_field(after.body, field).value_or("") == "[erased]", field << ": " << after.body);
    for (auto what : {"notes", "interactions", "tasks", "timeline"}) {
      auto r = call(port, admin_key, "GET", "/v1/customers/" + id + "/" + what);
      BOOST_TEST(r.status == 200, what << ": " << r.body);
      BOOST_TEST(r.body.find(marker) == std::string::npos, "after the erasure, " << what << ": " << r.body);
      BOOST_TEST(r.body.find(what == std::string("timeline") ? "\"erased\":true" : "[erased]") != std::string::npos, what << ": " << r.body);
    }
    auto late_note = call(port, admin_key, "POST", "/v1/customers/" + id + "/notes", R"({"body":"after"})");
    BOOST_TEST(late_note.status == 409, late_note.body);
    BOOST_TEST(json_field(late_note.body, "code").value_or("") == "customer_erased", late_note.body);
    auto patch = call(port, admin_key, "PATCH", "/v1/customers/" + id, R"({"first_name":"Back Again"})");
    BOOST_TEST(patch.status == 409, patch.body);
    BOOST_TEST(json_field(patch.body, "code").value_or("") == "customer_erased", patch.body);
    auto twice = call(port, admin_key, "POST", "/v1/customers/" + id + "/erase");
    BOOST_TEST(twice.status == 200, "erasing twice: " << twice.status << " " << twice.body);
    BOOST_TEST(json_field(twice.body, "first_name").value_or("") == "[erased]", twice.body);

    std::size_t files = 0;
    auto found = scan_files(dir, {personal.begin(), personal.end()}, files);
    BOOST_TEST(files > 0u);
    for (auto& p : personal)
      BOOST_TEST(found[p].empty(), "while serving, '" << p << "' is on disk in: " << joined(found[p]));
    BOOST_TEST(s.terminate() == 0);
  }
  {
    std::size_t files = 0;
    auto needles = personal;
    needles.push_back(id);
    auto found = scan_files(dir, needles, files);
    // The id is not personal and stays in the log: seeing it shows the scan reads the stores.
    BOOST_TEST(!found[id].empty(), "the scan of " << files << " files did not even find the customer id");
    for (auto& p : personal)
      BOOST_TEST(found[p].empty(), "after a stop, '" << p << "' is on disk in: " << joined(found[p]));
  }
  {
    server_process s(dir);
    auto r = call(s.port(), admin_key, "GET", "/v1/customers/" + id);
    BOOST_TEST(r.status == 200, r.body);
    BOOST_TEST(json_field(r.body, "first_name").value_or("") == "[erased]", "after a restart: " << r.body);
    // The trail outlives the data it is about, and holds none of it.
    auto trail = audit_with(s.port(), admin_key, id, 1);
    BOOST_TEST(trail.status == 200, trail.body);
    auto actions = item_field(trail.body, "action");
    BOOST_TEST((std::find(actions.begin(), actions.end(), "erase") != actions.end()), "no erase entry: " << trail.body);
    BOOST_TEST(trail.body.find(marker) == std::string::npos, trail.body);
    BOOST_TEST(s.terminate() == 0);
  }
  // Without the state store and read models, both are rebuilt by replaying
  // the log: the replay must meet the destroyed key and render "[erased]".
  remove_dir(dir + "/views");
  remove_dir(dir + "/state");
  server_process s(dir);
  auto port = s.port();
  auto r = call(port, admin_key, "GET", "/v1/customers/" + id);
  BOOST_TEST(r.status == 200, "after a replay: " << r.status << " " << r.body);
  for (auto field : {"display_name", "first_name", "email", "phone"})
    BOOST_TEST(json_field(r.body, field).value_or("") == "[erased]", "after a replay, " << field << ": " << r.body);
  BOOST_TEST(r.body.find(R"("addresses":[])") != std::string::npos, r.body);
  BOOST_TEST(json_field(r.body, "erased").value_or("") == "true", r.body);
  for (auto what : {"notes", "interactions", "tasks", "timeline"}) {
    auto a = call(port, admin_key, "GET", "/v1/customers/" + id + "/" + what);
    BOOST_TEST(a.status == 200, "after a replay, " << what << ": " << a.body);
    BOOST_TEST(a.body.find(marker) == std::string::npos, "after a replay, " << what << ": " << a.body);
  }

  // The email and phone the person held when erased are free again.
  auto reuse = call(port, admin_key, "POST", "/v1/customers",
                    "{\"first_name\":\"New Owner\",\"emails\":[{\"address\":\"" + new_email + "\"},{\"address\":\"" +
                        second_email + "\"}],\"phones\":[{\"number\":\"" + phone_typed + "\"}]}");
  BOOST_TEST(reuse.status == 201, "reusing an erased person's contacts: " << reuse.status << " " << reuse.body);
  auto first_email =
      call(port, admin_key, "POST", "/v1/customers", "{\"first_name\":\"Old Owner\",\"emails\":[{\"address\":\"" + email + "\"}]}");
  BOOST_TEST(first_email.status == 201, first_email.body);
  BOOST_TEST(s.terminate() == 0);
  remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(a_wrong_master_key_fails_closed_and_the_right_one_reopens_the_data) {
  auto dir = temp_dir();
  auto key_a = random_hex(64);
  auto key_b = random_hex(64);
  std::string admin_key, id;
  {
    server_process s(dir, {}, {"CHRONICLE_MASTER_KEY=" + key_a});
    admin_key = s.admin_key();
    id = register_visible(s.port(), admin_key, R"({"first_name":"Kept Secret","emails":[{"address":"kept@secret.example"}]})").id;
    BOOST_TEST(s.terminate() == 0);
  }
  auto mentions_master_key = [](const captured_run& r) {
    auto text = lower(r.out + r.err);
    return text.find("master key") != std::string::npos || text.find("master_key") != std::string::npos;
  };
  const std::vector<std::string> serve = {"serve", "--data-dir", dir, "--listen", "127.0.0.1:0"};
  auto wrong = run_chronicle_captured(serve, {"CHRONICLE_MASTER_KEY=" + key_b}, std::chrono::seconds(60));
  BOOST_TEST(wrong.exit_code == 1, "serving with another master key: exit " << wrong.exit_code << "; " << wrong.out << wrong.err);
  BOOST_TEST(mentions_master_key(wrong), "the error does not name the master key: " << wrong.out << wrong.err);
  BOOST_TEST(wrong.out.find("listening") == std::string::npos, wrong.out);

  auto garbage = run_chronicle_captured(serve, {"CHRONICLE_MASTER_KEY=not-a-key"}, std::chrono::seconds(60));
  BOOST_TEST(garbage.exit_code != 0, "serving with a malformed master key: " << garbage.out << garbage.err);
  BOOST_TEST(mentions_master_key(garbage), garbage.out << garbage.err);

  server_process s(dir, {}, {"CHRONICLE_MASTER_KEY=" + key_a});
  auto r = call(s.port(), admin_key, "GET", "/v1/customers/" + id);
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_field(r.body, "first_name").value_or("") == "Kept Secret", r.body);
  BOOST_TEST(json_field(r.body, "email").value_or("") == "kept@secret.example", r.body);
  BOOST_TEST(s.terminate() == 0);
  remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(the_audit_trail_records_each_read_and_change_newest_first_for_auditors) {
  auto dir = temp_dir();
  server_process s(dir);
  auto port = s.port();
  auto staff = create_key(port, s.admin_key(), R"({"role":"staff"})");
  auto auditor = create_key(port, s.admin_key(), R"({"role":"auditor"})");

  auto c = register_visible(port, staff.key, R"({"first_name":"Trail Person","emails":[{"address":"trail@person.example"}]})");
  auto patched = call(port, staff.key, "PATCH", "/v1/customers/" + c.id, R"({"company":"Trail Co"})");
  BOOST_TEST_REQUIRE(patched.status == 200, patched.body);
  auto list = call(port, staff.key, "GET", "/v1/customers?consistent_with=" + patched.header("consistency-token"));
  BOOST_TEST_REQUIRE(list.status == 200, list.body);
  BOOST_TEST(item_field(list.body, "id") == std::vector<std::string>{c.id}, list.body);

  // register_visible read the customer once: register, read, update, list.
  const std::vector<std::string> expected_actions = {"list", "update", "read", "register"};
  auto trail = audit_with(port, auditor.key, c.id, expected_actions.size());
  BOOST_TEST_REQUIRE(trail.status == 200, trail.body);
  BOOST_TEST(item_field(trail.body, "action") == expected_actions, "newest first: " << trail.body);
  BOOST_TEST(item_field(trail.body, "at").size() == count_items(trail.body), "every entry has \"at\": " << trail.body);
  BOOST_TEST(item_field(trail.body, "actor") == std::vector<std::string>(expected_actions.size(), staff.id), trail.body);
  BOOST_TEST(item_field(trail.body, "role") == std::vector<std::string>(expected_actions.size(), "staff"), trail.body);
  auto routes = item_field(trail.body, "route");
  BOOST_TEST_REQUIRE(routes.size() == expected_actions.size(), trail.body);
  BOOST_TEST(routes[0] == "customers.list");
  BOOST_TEST(routes[2] == "customers.get");
  BOOST_TEST(trail.body.find("Trail Person") == std::string::npos, "the trail holds the person's data: " << trail.body);
  auto at = item_field(trail.body, "at");
  for (std::size_t i = 1; i < at.size(); ++i) BOOST_TEST(at[i - 1] >= at[i], "not newest first: " << trail.body);

  auto profile = call(port, auditor.key, "GET", "/v1/customers/" + c.id);
  BOOST_TEST(profile.status == 403, "an auditor reading the profile: " << profile.body);

  // Pages of one walk the same entries in the same order, then stop.
  std::vector<std::string> walked;
  std::string cursor;
  for (int page = 0; page < 20; ++page) {
    auto r = call(port, auditor.key, "GET", "/v1/audit?subject=" + c.id + "&limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor));
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    BOOST_TEST(count_items(r.body) <= 1u, r.body);
    for (auto& a : item_field(r.body, "action")) walked.push_back(a);
    cursor = json_field(r.body, "next_cursor").value_or("null");
    if (cursor == "null") break;
  }
  BOOST_TEST(walked == item_field(trail.body, "action"));
  BOOST_TEST(cursor == "null", "the walk never ended");

  for (auto forged : {"zzz", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "c1.01JAAAAAAAAAAAAAAAAAAAAAAA%2F..%2F"}) {
    auto r = call(port, auditor.key, "GET", "/v1/audit?subject=" + c.id + "&cursor=" + forged);
    BOOST_TEST(r.status == 400, "cursor " << forged << ": " << r.status << " " << r.body);
    BOOST_TEST(r.header("content-type") == "application/problem+json");
  }
  auto no_subject = call(port, auditor.key, "GET", "/v1/audit");
  BOOST_TEST(no_subject.status == 400, no_subject.body);
  BOOST_TEST(s.terminate() == 0);
  remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(operators_manage_tenants_and_keys_from_the_cli_without_seeing_secrets) {
  auto dir = temp_dir();
  std::string admin_key;
  issued_key staff;
  {
    server_process s(dir);
    admin_key = s.admin_key();
    staff = create_key(s.port(), admin_key, R"({"role":"staff","label":"front desk"})");
    BOOST_TEST(call(s.port(), staff.key, "GET", "/v1/customers").status == 200);
    // The data directory is locked while serving: an operator command fails
    // instead of writing beside the server.
    auto locked = run_chronicle_captured({"key", "create", "--tenant", "demo", "--role", "staff", "--data-dir", dir},
                                         {}, std::chrono::seconds(60));
    BOOST_TEST(locked.exit_code != 0, "key create beside a running server: " << locked.out << locked.err);
    BOOST_TEST(locked.out.find("chr_") == std::string::npos, locked.out);
    BOOST_TEST(s.terminate() == 0);
  }

  auto bad_name = run_chronicle_captured({"tenant", "create", "BAD-NAME", "--data-dir", dir});
  BOOST_TEST(bad_name.exit_code == 2, bad_name.out << bad_name.err);
  BOOST_TEST(!trim(bad_name.err).empty(), "no message for a bad tenant name");

  auto nosuch = run_chronicle_captured({"key", "create", "--tenant", "nosuch", "--role", "staff", "--data-dir", dir});
  BOOST_TEST(nosuch.exit_code == 1, nosuch.out << nosuch.err);
  BOOST_TEST(nosuch.err.find("nosuch") != std::string::npos, "the error does not name the tenant: " << nosuch.err);
  BOOST_TEST(nosuch.out.find("chr_") == std::string::npos, nosuch.out);

  auto wizard = run_chronicle_captured({"key", "create", "--tenant", "demo", "--role", "wizard", "--data-dir", dir});
  BOOST_TEST(wizard.exit_code == 2, wizard.out << wizard.err);
  BOOST_TEST(!trim(wizard.err).empty());

  auto made = run_chronicle_captured({"key", "create", "--tenant", "demo", "--role", "analyst", "--data-dir", dir});
  BOOST_TEST_REQUIRE(made.exit_code == 0, made.out << made.err);
  auto cli_key = trim(made.out);
  BOOST_TEST_REQUIRE(cli_key.rfind("chr_", 0) == 0u, made.out);

  auto listed = run_chronicle_captured({"key", "list", "--tenant", "demo", "--data-dir", dir});
  BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.out << listed.err);
  BOOST_TEST(listed.out.find("chr_") == std::string::npos, "key list shows a secret: " << listed.out);
  for (auto& k : {admin_key, staff.key, cli_key}) {
    BOOST_TEST(listed.out.find(key_id_of(k)) != std::string::npos, "key list misses " << key_id_of(k) << ": " << listed.out);
    BOOST_TEST(listed.out.find(k.substr(31)) == std::string::npos, "key list shows the secret of " << key_id_of(k));
  }
  for (auto role : {"admin", "staff", "analyst"}) BOOST_TEST(listed.out.find(role) != std::string::npos, listed.out);

  auto revoked = run_chronicle_captured({"key", "revoke", staff.id, "--data-dir", dir});
  BOOST_TEST(revoked.exit_code == 0, revoked.out << revoked.err);
  auto unknown = run_chronicle_captured({"key", "revoke", "01J" + std::string(23, 'A'), "--data-dir", dir});
  BOOST_TEST(unknown.exit_code == 1, unknown.out << unknown.err);

  server_process s(dir);
  auto gone = call(s.port(), staff.key, "GET", "/v1/customers");
  BOOST_TEST(gone.status == 401, "a key revoked with the CLI: " << gone.status << " " << gone.body);
  BOOST_TEST(call(s.port(), cli_key, "GET", "/v1/customers").status == 200, "a key made with the CLI works");
  BOOST_TEST(call(s.port(), cli_key, "POST", "/v1/customers", R"({"first_name":"No"})").status == 403, "and has its role");
  BOOST_TEST(s.terminate() == 0);
  remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
