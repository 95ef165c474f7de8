// Products and stock over HTTP against a real server process: create with a
// normalised unique SKU, read, merge-patch with If-Match, lists by SKU and
// name with the active filter and cursors, the SKU lookup, stock receive and
// adjust (never below zero), bad input with precise field errors, and roles.
#include <boost/test/unit_test.hpp>

#include <simdjson.h>

#include <atomic>
#include <thread>

#include <fstream>

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

// The problem's errors[] as "field:code".
std::vector<std::string> field_errors(const std::string& body) {
  std::vector<std::string> out;
  for (int i = 0;; ++i) {
    auto f = json_at(body, "/errors/" + std::to_string(i) + "/field");
    if (f.empty()) break;
    out.push_back(f + ":" + json_at(body, "/errors/" + std::to_string(i) + "/code"));
  }
  return out;
}

std::vector<std::string> skus(const std::string& page) { return item_field(page, "sku"); }

struct fixture : running_server {
  std::uint16_t port = server.port();
  std::string key = server.admin_key();

  response create(const std::string& body) { return call(port, key, "POST", "/v1/products", body); }
  // Creates a product and waits until the views show it.
  std::string add(const std::string& sku, const std::string& name, bool active = true) {
    auto r = create(R"({"sku":")" + sku + R"(","name":")" + name +
                    R"(","unit":"tray","price":{"amount":450,"currency":"USD"},"active":)" + (active ? "true" : "false") +
                    "}");
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    auto id = json_field(r.body, "id").value();
    auto seen = call(port, key, "GET", "/v1/products/" + id + "?consistent_with=" + r.header("consistency-token"));
    BOOST_TEST_REQUIRE(seen.status == 200, seen.body);
    return id;
  }
  response stock(const std::string& id, const std::string& body) {
    return call(port, key, "POST", "/v1/products/" + id + "/stock", body);
  }
  response visible(const response& write, const std::string& target) {
    return call(port, key, "GET", target + (target.find('?') == std::string::npos ? "?" : "&") +
                                      "consistent_with=" + write.header("consistency-token"));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(products_over_http, fixture)

BOOST_AUTO_TEST_CASE(a_product_is_created_read_and_patched_with_if_match) {
  auto r = create(R"({"sku":" mg-pea-100 ","name":"Pea shoots","unit":"100 g tray",)"
                  R"("price":{"amount":450,"currency":"USD"},"unavailable":[{"from":"12-01","to":"02-28"}],)"
                  R"("description":"Sweet and crunchy"})");
  BOOST_TEST_REQUIRE(r.status == 201, r.body);
  auto id = json_field(r.body, "id").value();
  BOOST_TEST(json_at(r.body, "/sku") == "MG-PEA-100");
  BOOST_TEST(json_at(r.body, "/price/amount") == "450");
  BOOST_TEST(json_at(r.body, "/price/currency") == "USD");
  BOOST_TEST(json_at(r.body, "/active") == "true");
  BOOST_TEST(json_at(r.body, "/unavailable/0/from") == "12-01");
  BOOST_TEST(json_at(r.body, "/stock/on_hand") == "0");
  BOOST_TEST(json_at(r.body, "/stock/available") == "0");
  BOOST_TEST(r.header("etag") == "\"1\"");
  BOOST_TEST(r.header("location") == "/v1/products/" + id);

  auto got = visible(r, "/v1/products/" + id);
  BOOST_TEST_REQUIRE(got.status == 200, got.body);
  BOOST_TEST(json_at(got.body, "/name") == "Pea shoots");
  BOOST_TEST(json_at(got.body, "/version") == "1");

  auto patched = call(port, key, "PATCH", "/v1/products/" + id,
                      R"({"price":{"amount":500,"currency":"USD"},"active":false,"unavailable":null,"description":null})",
                      {{"If-Match", "\"1\""}});
  BOOST_TEST_REQUIRE(patched.status == 200, patched.body);
  BOOST_TEST(json_at(patched.body, "/price/amount") == "500");
  BOOST_TEST(json_at(patched.body, "/active") == "false");
  BOOST_TEST(json_at(patched.body, "/unavailable") == "[]");
  BOOST_TEST(json_at(patched.body, "/description") == "null");
  BOOST_TEST(patched.header("etag") == "\"2\"");

  auto stale = call(port, key, "PATCH", "/v1/products/" + id, R"({"name":"Peas"})", {{"If-Match", "\"1\""}});
  BOOST_TEST(stale.status == 412, stale.body);
  BOOST_TEST(json_field(stale.body, "code").value_or("") == "version_conflict");

  auto sku = call(port, key, "PATCH", "/v1/products/" + id, R"({"sku":"OTHER","unit":""})");
  BOOST_TEST(sku.status == 400, sku.body);
  BOOST_TEST(field_errors(sku.body) == (std::vector<std::string>{"sku:immutable"}), boost::test_tools::per_element());
  auto unit = call(port, key, "PATCH", "/v1/products/" + id, R"({"unit":" "})");
  BOOST_TEST(unit.status == 400, unit.body);
  BOOST_TEST(field_errors(unit.body) == (std::vector<std::string>{"unit:required"}), boost::test_tools::per_element());

  auto again = visible(patched, "/v1/products/" + id);
  BOOST_TEST(json_at(again.body, "/version") == "2");
  BOOST_TEST(call(port, key, "GET", "/v1/products/01JZZZZZZZZZZZZZZZZZZZZZZZ").status == 404);
  BOOST_TEST(call(port, key, "GET", "/v1/products/not-an-id").status == 404);
  BOOST_TEST(call(port, key, "PATCH", "/v1/products/01JZZZZZZZZZZZZZZZZZZZZZZZ", R"({"name":"x"})").status == 404);
}

BOOST_AUTO_TEST_CASE(a_duplicate_sku_is_a_conflict_naming_the_holder) {
  auto first = add("MG-RAD-1", "Radish");
  auto dup = create(R"({"sku":"mg-rad-1","name":"Other radish","unit":"tray","price":{"amount":1,"currency":"USD"}})");
  BOOST_TEST(dup.status == 409, dup.body);
  BOOST_TEST(json_field(dup.body, "code").value_or("") == "duplicate_sku");
  BOOST_TEST(json_field(dup.body, "existing_id").value_or("") == first);
  BOOST_TEST(field_errors(dup.body) == (std::vector<std::string>{"sku:duplicate"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(creating_rejects_each_bad_field_precisely) {
  auto unknown = create(R"({"sku":"A","name":"n","unit":"u","price":{"amount":1,"currency":"USD"},"colour":"red"})");
  BOOST_TEST(unknown.status == 400, unknown.body);
  BOOST_TEST(field_errors(unknown.body) == (std::vector<std::string>{"colour:unknown_field"}),
             boost::test_tools::per_element());
  auto missing = create(R"({"name":"n"})");
  BOOST_TEST(missing.status == 400, missing.body);
  BOOST_TEST(field_errors(missing.body) == (std::vector<std::string>{"sku:required", "unit:required", "price:required"}),
             boost::test_tools::per_element());
  auto floating = create(R"({"sku":"A","name":"n","unit":"u","price":{"amount":4.5,"currency":"USD","cents":1}})");
  BOOST_TEST(floating.status == 400, floating.body);
  BOOST_TEST(field_errors(floating.body) == (std::vector<std::string>{"price.amount:invalid_type", "price.cents:unknown_field"}),
             boost::test_tools::per_element());
  auto values = create(R"({"sku":"a b","name":"n","unit":"u","price":{"amount":-1,"currency":"usd"},)"
                       R"("unavailable":[{"from":"02-30","to":"12-31"}]})");
  BOOST_TEST(values.status == 400, values.body);
  BOOST_TEST(field_errors(values.body) == (std::vector<std::string>{"sku:invalid_format", "price.amount:negative",
                                                                     "price.currency:invalid_currency",
                                                                     "unavailable[0].from:invalid_format"}),
             boost::test_tools::per_element());
  auto not_json = create("{");
  BOOST_TEST(not_json.status == 400);
  BOOST_TEST(json_field(not_json.body, "code").value_or("") == "malformed_json");
}

BOOST_AUTO_TEST_CASE(stock_is_received_and_adjusted_but_never_below_zero) {
  auto id = add("MG-SUN-1", "Sunflower");
  auto in = stock(id, R"({"action":"receive","quantity":5,"reason":"harvest"})");
  BOOST_TEST_REQUIRE(in.status == 200, in.body);
  BOOST_TEST(json_at(in.body, "/stock/on_hand") == "5");
  BOOST_TEST(json_at(in.body, "/stock/available") == "5");
  auto out = stock(id, R"({"action":"adjust","quantity":-2,"reason":"wilted"})");
  BOOST_TEST_REQUIRE(out.status == 200, out.body);
  BOOST_TEST(json_at(out.body, "/stock/on_hand") == "3");

  auto below = stock(id, R"({"action":"adjust","quantity":-4,"reason":"count"})");
  BOOST_TEST(below.status == 409, below.body);
  BOOST_TEST(json_field(below.body, "code").value_or("") == "stock_below_zero");
  BOOST_TEST(json_at(below.body, "/available") == "3");
  BOOST_TEST(json_at(below.body, "/detail").find("MG-SUN-1") != std::string::npos);
  BOOST_TEST(field_errors(below.body) == (std::vector<std::string>{"quantity:stock_below_zero"}),
             boost::test_tools::per_element());

  auto negative = stock(id, R"({"action":"receive","quantity":-1})");
  BOOST_TEST(negative.status == 400, negative.body);
  BOOST_TEST(field_errors(negative.body) == (std::vector<std::string>{"quantity:not_positive"}),
             boost::test_tools::per_element());
  auto no_reason = stock(id, R"({"action":"adjust","quantity":1})");
  BOOST_TEST(no_reason.status == 400, no_reason.body);
  BOOST_TEST(field_errors(no_reason.body) == (std::vector<std::string>{"reason:required"}),
             boost::test_tools::per_element());
  auto zero = stock(id, R"({"action":"adjust","quantity":0,"reason":"nothing"})");
  BOOST_TEST(zero.status == 400, zero.body);
  BOOST_TEST(field_errors(zero.body) == (std::vector<std::string>{"quantity:zero"}), boost::test_tools::per_element());
  auto bad = stock(id, R"({"action":"sell","quantity":1.5,"extra":true})");
  BOOST_TEST(bad.status == 400, bad.body);
  BOOST_TEST(field_errors(bad.body) ==
                 (std::vector<std::string>{"quantity:invalid_type", "extra:unknown_field", "action:invalid_value"}),
             boost::test_tools::per_element());
  auto huge = stock(id, R"({"action":"receive","quantity":99999999999999999999})");
  BOOST_TEST(huge.status == 400, huge.body);
  BOOST_TEST(call(port, key, "POST", "/v1/products/01JZZZZZZZZZZZZZZZZZZZZZZZ/stock",
                  R"({"action":"receive","quantity":1})").status == 404);

  auto seen = visible(out, "/v1/products/" + id);
  BOOST_TEST(json_at(seen.body, "/stock/on_hand") == "3");
  BOOST_TEST(json_at(seen.body, "/version") == "3");
}

BOOST_AUTO_TEST_CASE(lists_sort_by_sku_or_name_filter_by_active_and_page_with_cursors) {
  add("SKU-A", "Zucchini flowers");
  add("SKU-B", "Yellow beet", false);
  add("SKU-C", "Amaranth");
  auto all = call(port, key, "GET", "/v1/products?limit=2");
  BOOST_TEST_REQUIRE(all.status == 200, all.body);
  BOOST_TEST(skus(all.body) == (std::vector<std::string>{"SKU-A", "SKU-B"}), boost::test_tools::per_element());
  auto cursor = json_field(all.body, "next_cursor").value_or("");
  BOOST_TEST_REQUIRE(!cursor.empty());
  auto rest = call(port, key, "GET", "/v1/products?limit=2&cursor=" + cursor);
  BOOST_TEST(skus(rest.body) == (std::vector<std::string>{"SKU-C"}), boost::test_tools::per_element());
  BOOST_TEST(json_at(rest.body, "/next_cursor") == "null");

  auto by_name = call(port, key, "GET", "/v1/products?sort=name");
  BOOST_TEST(skus(by_name.body) == (std::vector<std::string>{"SKU-C", "SKU-B", "SKU-A"}),
             boost::test_tools::per_element());
  auto active = call(port, key, "GET", "/v1/products?sort=name&active=true");
  BOOST_TEST(skus(active.body) == (std::vector<std::string>{"SKU-C", "SKU-A"}), boost::test_tools::per_element());
  auto inactive = call(port, key, "GET", "/v1/products?active=false");
  BOOST_TEST(skus(inactive.body) == (std::vector<std::string>{"SKU-B"}), boost::test_tools::per_element());
  auto lookup = call(port, key, "GET", "/v1/products?sku=sku-b");
  BOOST_TEST(skus(lookup.body) == (std::vector<std::string>{"SKU-B"}), boost::test_tools::per_element());
  BOOST_TEST(count_items(call(port, key, "GET", "/v1/products?sku=NOPE").body) == 0u);

  auto bad = call(port, key, "GET", "/v1/products?sort=price&active=yes&colour=red");
  BOOST_TEST(bad.status == 400, bad.body);
  auto wrong_cursor = call(port, key, "GET", "/v1/products?sort=name&cursor=" + cursor);
  BOOST_TEST(wrong_cursor.status == 400, wrong_cursor.body);
  BOOST_TEST(json_field(wrong_cursor.body, "code").value_or("") == "invalid_cursor");
}

BOOST_AUTO_TEST_CASE(analysts_read_products_and_only_admin_and_staff_write) {
  auto id = add("ROLE-1", "Basil");
  auto make_key = [&](const std::string& role) {
    auto r = call(port, key, "POST", "/v1/api-keys", R"({"role":")" + role + "\"}");
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return json_field(r.body, "key").value();
  };
  auto staff = make_key("staff"), analyst = make_key("analyst"), auditor = make_key("auditor");
  BOOST_TEST(call(port, analyst, "GET", "/v1/products").status == 200);
  BOOST_TEST(call(port, analyst, "GET", "/v1/products/" + id).status == 200);
  BOOST_TEST(call(port, analyst, "POST", "/v1/products/" + id + "/stock", R"({"action":"receive","quantity":1})").status ==
             403);
  BOOST_TEST(call(port, analyst, "PATCH", "/v1/products/" + id, R"({"name":"x"})").status == 403);
  BOOST_TEST(call(port, auditor, "GET", "/v1/products").status == 403);
  BOOST_TEST(call(port, staff, "POST", "/v1/products/" + id + "/stock", R"({"action":"receive","quantity":1})").status ==
             200);
  BOOST_TEST(call(port, staff, "POST", "/v1/products",
                  R"({"sku":"ROLE-2","name":"Dill","unit":"tray","price":{"amount":1,"currency":"EUR"}})")
                 .status == 201);
  BOOST_TEST(call(port, "", "GET", "/v1/products").status == 401);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(products_over_http_races_and_tenants)

BOOST_AUTO_TEST_CASE(concurrent_adjustments_for_the_last_unit_exactly_one_wins) {
  running_server s;
  auto port = s.server.port();
  auto key = s.server.admin_key();
  auto r = call(port, key, "POST", "/v1/products",
                R"({"sku":"LAST","name":"Last tray","unit":"tray","price":{"amount":900,"currency":"USD"}})");
  BOOST_TEST_REQUIRE(r.status == 201, r.body);
  auto id = json_field(r.body, "id").value();
  for (int round = 0; round < 5; ++round) {
    auto in = call(port, key, "POST", "/v1/products/" + id + "/stock", R"({"action":"receive","quantity":1})");
    BOOST_TEST_REQUIRE(in.status == 200, in.body);
    std::atomic<int> ok{0}, refused{0}, other{0};
    std::vector<std::thread> racers;
    for (int i = 0; i < 4; ++i)
      racers.emplace_back([&] {
        auto a = call(port, key, "POST", "/v1/products/" + id + "/stock",
                      R"({"action":"adjust","quantity":-1,"reason":"sold at the market"})");
        if (a.status == 200) ++ok;
        else if (a.status == 409 && json_field(a.body, "code").value_or("") == "stock_below_zero") ++refused;
        else ++other;
      });
    for (auto& t : racers) t.join();
    BOOST_TEST(ok.load() == 1);
    BOOST_TEST(refused.load() == 3);
    BOOST_TEST(other.load() == 0);
  }
  auto last = call(port, key, "POST", "/v1/products/" + id + "/stock", R"({"action":"receive","quantity":2})");
  BOOST_TEST(json_at(last.body, "/stock/on_hand") == "2");
}

BOOST_AUTO_TEST_CASE(products_survive_a_restart_and_stay_in_their_tenant) {
  auto dir = temp_dir();
  std::string id;
  {
    server_process s(dir);
    auto key = s.admin_key();
    auto r = call(s.port(), key, "POST", "/v1/products",
                  R"({"sku":"KEEP-1","name":"Kept","unit":"tray","price":{"amount":100,"currency":"USD"}})");
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    id = json_field(r.body, "id").value();
    BOOST_TEST_REQUIRE(call(s.port(), key, "POST", "/v1/products/" + id + "/stock", R"({"action":"receive","quantity":7})")
                           .status == 200);
    std::ofstream(dir + "/admin_key") << key;
    BOOST_TEST(s.terminate() == 0);
  }
  std::string admin;
  {
    std::ifstream in(dir + "/admin_key");
    std::getline(in, admin);
  }
  auto t = run_chronicle_captured({"tenant", "create", "globex", "--data-dir", dir});
  BOOST_TEST_REQUIRE(t.exit_code == 0, t.out << t.err);
  auto k = run_chronicle_captured({"key", "create", "--tenant", "globex", "--role", "admin", "--data-dir", dir});
  BOOST_TEST_REQUIRE(k.exit_code == 0, k.out << k.err);
  auto other = k.out.substr(0, k.out.find_first_of("\r\n"));
  server_process s(dir);
  auto again = call(s.port(), admin, "GET", "/v1/products/" + id);
  BOOST_TEST_REQUIRE(again.status == 200, again.body);
  BOOST_TEST(json_at(again.body, "/stock/on_hand") == "7");
  BOOST_TEST(call(s.port(), other, "GET", "/v1/products/" + id).status == 404);
  BOOST_TEST(count_items(call(s.port(), other, "GET", "/v1/products").body) == 0u);
  BOOST_TEST(call(s.port(), other, "POST", "/v1/products/" + id + "/stock", R"({"action":"receive","quantity":1})")
                 .status == 404);
  // The SKU is unique per tenant only.
  auto same = call(s.port(), other, "POST", "/v1/products",
                   R"({"sku":"keep-1","name":"Theirs","unit":"tray","price":{"amount":1,"currency":"USD"}})");
  BOOST_TEST(same.status == 201, same.body);
  s.kill9();
  remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
