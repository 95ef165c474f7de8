// Orders through the real command side and projections: the order document
// after a sequence of commands (status, per-transition timestamps, history
// newest first, returns and refunds), the lists by status and by customer
// with cursors, the return lookup, the customer's timeline, erasure removing
// the personal parts, and a replay from zero into RocksDB giving identical
// bytes.
#include <boost/test/unit_test.hpp>

#include <future>

#include "domain/ids.hpp"
#include "schemas/order_codec.hpp"
#include "stack.hpp"

using namespace chronicle;
using namespace chronicle::testing;
namespace oc = chronicle::commands::order_commands;
namespace oq = chronicle::projections::order_queries;
namespace codec = chronicle::schemas::order_codec;

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
  v.push_back(projections::make_orders_projection());
  v.push_back(projections::make_timeline_projection());
  return v;
}

std::string id_of(const commands::command_outcome& o) { return o.stream.substr(o.stream.rfind('-') + 1); }

commands::command_outcome ok(commands::executor& ex, commands::command_request req) {
  auto r = run(ex, std::move(req));
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().code + ": " + r.err().message));
  return *r;
}

orders::address street(std::string s) {
  orders::address a;
  a.street = std::move(s);
  a.city = "Springfield";
  a.postal_code = "12345";
  a.country = "US";
  return a;
}

struct shop {
  memory_side& w;
  std::string p1 = make_ulid(1'700'000'000'000, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  std::string p2 = make_ulid(1'700'000'000'000, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2});

  orders::priced_item item(const std::string& p, std::int64_t q, std::int64_t cents = 450) {
    return {p, "SKU-" + p.substr(20), "Pea shoots", "tray", q, {cents, "USD"}};
  }
  std::string place(const std::string& customer, std::string addr = "1 Farm Lane", std::string notes = "") {
    orders::place_order c;
    c.id = w.ex.new_id();
    c.customer_id = customer;
    c.items = {item(p1, 2), item(p2, 1, 1000)};
    c.delivery_address = street(std::move(addr));
    c.notes = std::move(notes);
    c.requested_delivery_date = "2099-01-01";
    ok(w.ex, oc::place(meta(), c));
    return c.id;
  }
  std::string verb(const std::string& id, std::string v, std::string reason = "") {
    return ok(w.ex, oc::transition(meta(), {id, std::move(v), std::move(reason)})).token;
  }
};

codec::order_doc doc_of(projections::kv_store& kv, const std::string& id) {
  auto v = oq::order(kv, "acme", id);
  BOOST_REQUIRE(v.ok() && v->has_value());
  return codec::parse_order_doc(**v).value();
}

std::vector<std::string> ids_of(const projections::order_page& p) {
  std::vector<std::string> out;
  for (auto& i : p.items) out.push_back(codec::parse_order_doc(i).value().id);
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

BOOST_AUTO_TEST_SUITE(order_views)

BOOST_AUTO_TEST_CASE(the_order_document_follows_lifecycle_changes_returns_and_refunds) {
  memory_side w;
  infra::memory_kv kv;
  projections::runner r(w.log, kv, w.vault, my_projections());
  BOOST_REQUIRE(r.start().ok());
  shop s{w};
  auto ada = id_of(w.add("Ada"));
  auto o = s.place(ada, "1 Farm Lane", "ring twice");
  ok(w.ex, oc::change_items(meta(), {o, {s.item(s.p1, 3)}}));
  ok(w.ex, oc::change_address(meta(), {o, street("2 Barn Road")}));
  ok(w.ex, oc::change_delivery_date(meta(), {o, "2099-01-02", ""}));
  ok(w.ex, oc::change_notes(meta(), {o, "leave at the back"}));
  for (auto v : {"confirm", "process", "ready", "dispatch", "deliver"}) s.verb(o, v);
  auto ret = w.ex.new_id();
  ok(w.ex, oc::request_return(meta(), {o, ret, {{s.p1, 1}}, "wilted"}));
  ok(w.ex, oc::approve_return(meta(), {o, ret}));
  ok(w.ex, oc::receive_return(meta(), {o, ret, true}));
  auto refund = w.ex.new_id();
  auto last = ok(w.ex, oc::issue_refund(meta(), {o, refund, ret, {450, "USD"}, "store_credit", "wilted"}));
  auto over = run(w.ex, oc::issue_refund(meta(), {o, w.ex.new_id(), "", {1000, "USD"}, "original_payment", ""}));
  BOOST_REQUIRE(!over.ok());
  BOOST_TEST(over.err().code == "refund_exceeds_paid");
  wait_for(r, last.token);

  auto d = doc_of(kv, o);
  BOOST_TEST(d.status == "delivered");
  BOOST_TEST(d.customer_id == ada);
  BOOST_TEST(d.lines.size() == 1u);
  BOOST_TEST(d.total == 1350);
  BOOST_TEST(d.refunded == 450);
  BOOST_TEST(d.delivery_address.street == "2 Barn Road");
  BOOST_TEST(d.notes == "leave at the back");
  BOOST_TEST(d.requested_delivery_date == "2099-01-02");
  for (std::size_t i = 0; i < 6; ++i) BOOST_TEST(d.at[i] > 0, codec::stamp_names[i]);
  BOOST_TEST(d.at[6] == 0);
  for (std::size_t i = 1; i < 6; ++i) BOOST_TEST(d.at[i] > d.at[i - 1]);
  BOOST_TEST(d.version == 14u);
  BOOST_REQUIRE_EQUAL(d.history.size(), 14u);
  BOOST_TEST(d.history.front().type == "refund.issued");
  BOOST_TEST(d.history.back().type == "order.placed");
  BOOST_TEST(d.history[1].type == "return.received");
  BOOST_TEST(d.history.back().details.find("Farm Lane") == std::string::npos);
  BOOST_REQUIRE_EQUAL(d.returns.size(), 1u);
  BOOST_TEST(d.returns[0].status == "refunded");
  BOOST_TEST(d.returns[0].restock);
  BOOST_TEST(d.returns[0].received_at > 0);
  BOOST_REQUIRE_EQUAL(d.refunds.size(), 1u);
  BOOST_TEST(d.refunds[0].method == "store_credit");

  BOOST_TEST(oq::order_of_return(kv, "acme", ret).value().value() == o);
  auto rr = oq::return_resource(kv, "acme", ret).value().value();
  BOOST_TEST(rr.find("\"status\":\"refunded\"") != std::string::npos, rr);
  BOOST_TEST(rr.find("\"order_id\":\"" + o + "\"") != std::string::npos, rr);
  BOOST_TEST(!oq::return_resource(kv, "acme", w.ex.new_id()).value().has_value());

  // The customer's timeline holds the order's events too.
  auto tl = projections::timeline_queries::list(kv, "acme", ada, {"order.placed", "refund.issued", "return.requested"}, "", 50)
                .value();
  BOOST_TEST(tl.items.size() == 3u);
  BOOST_TEST(tl.items.front().find("refund.issued") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lists_by_status_and_by_customer_are_newest_first_with_cursors) {
  memory_side w;
  infra::memory_kv kv;
  projections::runner r(w.log, kv, w.vault, my_projections());
  BOOST_REQUIRE(r.start().ok());
  shop s{w};
  auto ada = id_of(w.add("Ada")), bob = id_of(w.add("Bob"));
  std::vector<std::string> adas;
  for (int i = 0; i < 5; ++i) adas.push_back(s.place(ada));
  auto b1 = s.place(bob);
  s.verb(adas[1], "confirm");
  s.verb(adas[3], "confirm");
  auto token = s.verb(adas[3], "cancel", "changed mind");
  wait_for(r, token);

  auto page1 = oq::list(kv, "acme", "", ada, "", 2).value();
  BOOST_TEST((ids_of(page1) == std::vector<std::string>{adas[4], adas[3]}));
  auto page2 = oq::list(kv, "acme", "", ada, page1.next_cursor, 2).value();
  BOOST_TEST((ids_of(page2) == std::vector<std::string>{adas[2], adas[1]}));
  auto page3 = oq::list(kv, "acme", "", ada, page2.next_cursor, 2).value();
  BOOST_TEST((ids_of(page3) == std::vector<std::string>{adas[0]}));
  BOOST_TEST(page3.next_cursor.empty());

  BOOST_TEST((ids_of(oq::list(kv, "acme", "pending", "", "", 50).value()) ==
              std::vector<std::string>{b1, adas[4], adas[2], adas[0]}));
  BOOST_TEST((ids_of(oq::list(kv, "acme", "confirmed", "", "", 50).value()) == std::vector<std::string>{adas[1]}));
  BOOST_TEST((ids_of(oq::list(kv, "acme", "cancelled", ada, "", 50).value()) == std::vector<std::string>{adas[3]}));
  BOOST_TEST((ids_of(oq::list(kv, "acme", "pending", bob, "", 50).value()) == std::vector<std::string>{b1}));
  BOOST_TEST(oq::list(kv, "acme", "", "", "", 50).value().items.size() == 6u);
  BOOST_TEST(oq::list(kv, "other", "", "", "", 50).value().items.empty());
  auto bad = oq::list(kv, "acme", "", "", "o1.nonsense", 50);
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.err().code == "invalid_cursor");
  BOOST_TEST(doc_of(kv, adas[3]).cancel_reason == "changed mind");
}

BOOST_AUTO_TEST_CASE(erasure_removes_the_personal_parts_and_a_replay_from_zero_gives_identical_bytes) {
  temp_dir dir;
  memory_side w;
  rocks_views live(dir.sub("live"));
  projections::runner r(w.log, *live.kv, w.vault, my_projections());
  BOOST_REQUIRE(r.start().ok());
  shop s{w};
  auto ada = id_of(w.add("Ada Quux")), bob = id_of(w.add("Bob Keep"));
  auto o = s.place(ada, "ada-secret-street", "ada-secret-note");
  ok(w.ex, oc::change_address(meta(), {o, street("ada-secret-new-street")}));
  s.verb(o, "confirm");
  auto kept = s.place(bob, "bob-street", "bob-note");
  auto erased = ok(w.ex, commands::customer_commands::erase_customer(meta(), {ada}));
  BOOST_REQUIRE(w.vault.destroy("acme", ada).ok());
  // The order's non-personal life goes on after the erasure.
  auto after = s.verb(o, "process");
  auto late = run(w.ex, oc::change_notes(meta(), {o, "ada-after-erasure"}));
  BOOST_TEST(!late.ok());
  wait_for(r, erased.token);
  wait_for(r, after);
  r.stop();

  std::string views;
  auto rows = live.kv->scan("", "", 1 << 20, false).value();
  for (auto& [k, v] : rows) views += k + "=" + v + "\n";
  for (auto secret : {"ada-secret-street", "ada-secret-note", "ada-secret-new-street", "ada-after-erasure"})
    BOOST_TEST(views.find(secret) == std::string::npos, secret << " is still in the views");
  BOOST_TEST(views.find("bob-street") != std::string::npos);
  auto d = doc_of(*live.kv, o);
  BOOST_TEST(d.delivery_address.street == "[erased]");
  BOOST_TEST(d.notes == "[erased]");
  BOOST_TEST(d.status == "processing");
  BOOST_TEST(d.total == 1900);
  BOOST_TEST(doc_of(*live.kv, kept).notes == "bob-note");
  auto tl = projections::timeline_queries::list(*live.kv, "acme", ada, {}, "", 200).value();
  BOOST_TEST(tl.items.size() == 6u);  // registered, placed, address changed, confirmed, erased, processing

  rocks_views rebuilt(dir.sub("rebuilt"));
  projections::runner r2(w.log, *rebuilt.kv, w.vault, my_projections());
  BOOST_REQUIRE(r2.start().ok());
  wait_for(r2, erased.token);
  wait_for(r2, after);
  r2.stop();
  for (auto prefix : {"orders/", "timeline/", "customers/"}) {
    auto a = live.kv->scan(prefix, "", 1 << 20, false).value();
    auto b = rebuilt.kv->scan(prefix, "", 1 << 20, false).value();
    BOOST_TEST(a.size() > 0u, prefix);
    BOOST_TEST((a == b), prefix << " differs after a replay");
  }
}

BOOST_AUTO_TEST_SUITE_END()
