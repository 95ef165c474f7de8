// The contracts of the command side's state store (commands/ports/state_store.hpp)
// and the read-model store (projections/ports/kv_store.hpp), written once and
// run against the in-memory fakes and the RocksDB adapters.
#include <algorithm>
#include <tuple>

#include <boost/test/unit_test.hpp>

#include "contract/support.hpp"
#include "infra/memory/memory_stores.hpp"
#include "infra/store/rocks_stores.hpp"

namespace chronicle::contract {
namespace {

// ---- adapters ---------------------------------------------------------------

struct memory_state {
  infra::memory_state_store store_;
  commands::state_store& store() { return store_; }
};

struct rocks_state {
  temp_dir dir;
  std::unique_ptr<infra::rocks_state_store> store_;
  rocks_state() {
    auto db = infra::rocks_db::open(dir.sub("state"), 8);
    BOOST_REQUIRE_MESSAGE(db.ok(), (db.ok() ? "" : db.err().message));
    store_ = std::make_unique<infra::rocks_state_store>(std::move(db).value());
  }
  commands::state_store& store() { return *store_; }
};

struct memory_kv_adapter {
  infra::memory_kv kv_;
  projections::kv_store& kv() { return kv_; }
};

struct rocks_kv_adapter {
  temp_dir dir;
  std::unique_ptr<infra::rocks_kv> kv_;
  rocks_kv_adapter() {
    auto db = infra::rocks_db::open(dir.sub("views"), 8);
    BOOST_REQUIRE_MESSAGE(db.ok(), (db.ok() ? "" : db.err().message));
    kv_ = std::make_unique<infra::rocks_kv>(std::move(db).value());
  }
  projections::kv_store& kv() { return *kv_; }
};

using state_adapters = std::tuple<memory_state, rocks_state>;
using kv_adapters = std::tuple<memory_kv_adapter, rocks_kv_adapter>;

// ---- helpers ----------------------------------------------------------------

void commit_ok(commands::state_store& s, const commands::state_batch& b) {
  auto r = s.commit(b);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
}

void commit_snapshots(commands::state_store& s,
                      std::vector<std::pair<std::string, commands::stream_snapshot>> snapshots) {
  commands::state_batch b;
  b.snapshots = std::move(snapshots);
  commit_ok(s, b);
}

void commit_checkpoint(commands::state_store& s, positions checkpoint) {
  commands::state_batch b;
  b.checkpoint = std::move(checkpoint);
  commit_ok(s, b);
}

void write_ok(projections::kv_store& kv, const std::vector<projections::kv_write>& batch) {
  auto r = kv.write(batch);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
}

void put_all(projections::kv_store& kv, const std::vector<std::string>& keys) {
  std::vector<projections::kv_write> batch;
  for (auto& k : keys) batch.push_back({k, "v:" + k});
  write_ok(kv, batch);
}

std::vector<std::string> scan_keys(projections::kv_store& kv, std::string_view prefix, std::string_view after,
                                   std::size_t limit, bool reverse) {
  auto r = kv.scan(prefix, after, limit, reverse);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  std::vector<std::string> keys;
  for (auto& [k, v] : *r) {
    BOOST_TEST(v == "v:" + k);
    keys.push_back(k);
  }
  return keys;
}

using keys = std::vector<std::string>;

}  // namespace

// ---- state store --------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(state_store_contract)

BOOST_AUTO_TEST_CASE_TEMPLATE(loading_a_stream_without_a_snapshot_is_empty, A, state_adapters) {
  A a;
  auto s = a.store().load("customer-acme-none");
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(!s->has_value());
  auto i = a.store().find_idempotency("acme/key-none");
  BOOST_REQUIRE(i.ok());
  BOOST_TEST(!i->has_value());
  auto c = a.store().checkpoint();
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(a_committed_snapshot_is_loaded_back_and_replaced_by_a_later_one, A, state_adapters) {
  A a;
  const auto state = bytes("\x00{\"name\":\"\xc3\xa9\"}\xff");
  commit_snapshots(a.store(), {{"customer-acme-1", {3, state}}, {"customer-acme-2", {1, ""}}});
  auto one = a.store().load("customer-acme-1");
  BOOST_REQUIRE(one.ok() && one->has_value());
  BOOST_TEST((*one)->version == 3u);
  BOOST_TEST((*one)->state == state);
  auto two = a.store().load("customer-acme-2");
  BOOST_REQUIRE(two.ok() && two->has_value());
  BOOST_TEST((*two)->version == 1u);
  BOOST_TEST((*two)->state.empty());

  commit_snapshots(a.store(), {{"customer-acme-1", {4, "later"}}});
  auto again = a.store().load("customer-acme-1");
  BOOST_REQUIRE(again.ok() && again->has_value());
  BOOST_TEST((*again)->version == 4u);
  BOOST_TEST((*again)->state == "later");
  // A stream whose name extends another's is a different stream.
  auto prefix_only = a.store().load("customer-acme-");
  BOOST_REQUIRE(prefix_only.ok());
  BOOST_TEST(!prefix_only->has_value());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(idempotency_records_round_trip_every_field, A, state_adapters) {
  A a;
  commands::idempotency_record created{"sha256:abc", "customer-acme-1", 1, "t1.customers.3.17",
                                       bytes("{\"x\":1}\x00\xff"), true};
  commands::idempotency_record updated{"sha256:def", "order-acme-9", 12, "", "", false};
  commands::state_batch b;
  b.idempotency = {{"acme/key-1", created}, {"acme/key-2", updated}};
  commit_ok(a.store(), b);

  auto one = a.store().find_idempotency("acme/key-1");
  BOOST_REQUIRE(one.ok() && one->has_value());
  BOOST_TEST((*one)->request_hash == created.request_hash);
  BOOST_TEST((*one)->stream == created.stream);
  BOOST_TEST((*one)->version == created.version);
  BOOST_TEST((*one)->token == created.token);
  BOOST_TEST((*one)->state == created.state);
  BOOST_TEST((*one)->created == true);

  auto two = a.store().find_idempotency("acme/key-2");
  BOOST_REQUIRE(two.ok() && two->has_value());
  BOOST_TEST((*two)->request_hash == updated.request_hash);
  BOOST_TEST((*two)->stream == updated.stream);
  BOOST_TEST((*two)->version == updated.version);
  BOOST_TEST((*two)->token.empty());
  BOOST_TEST((*two)->state.empty());
  BOOST_TEST((*two)->created == false);

  // Idempotency keys and stream names live apart.
  auto as_stream = a.store().load("acme/key-1");
  BOOST_REQUIRE(as_stream.ok());
  BOOST_TEST(!as_stream->has_value());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(checkpoint_commits_merge_their_entries, A, state_adapters) {
  A a;
  commit_checkpoint(a.store(), {{{"customers", 0}, 5}, {{"customers", 1}, 2}});
  commit_checkpoint(a.store(), {{{"customers", 1}, 7}, {{"orders", 3}, 1}});
  commit_snapshots(a.store(), {{"customer-acme-1", {1, "s"}}});  // no checkpoint entries: none change
  auto c = a.store().checkpoint();
  BOOST_REQUIRE(c.ok());
  positions expected{{{"customers", 0}, 5}, {{"customers", 1}, 7}, {{"orders", 3}, 1}};
  BOOST_TEST((*c == expected));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(uniqueness_claims_are_found_until_released, A, state_adapters) {
  A a;
  commands::state_batch claim;
  claim.claims = {{"acme/email/ab12", "customer-acme-1"}, {"acme/phone/cd34", "customer-acme-1"}};
  commit_ok(a.store(), claim);
  auto email = a.store().find_claim("acme/email/ab12");
  BOOST_REQUIRE(email.ok() && email->has_value());
  BOOST_TEST(**email == "customer-acme-1");
  auto other = a.store().find_claim("globex/email/ab12");
  BOOST_REQUIRE(other.ok());
  BOOST_TEST(!other->has_value());

  commands::state_batch release;
  release.released = {"acme/email/ab12"};
  commit_ok(a.store(), release);
  auto freed = a.store().find_claim("acme/email/ab12");
  BOOST_REQUIRE(freed.ok());
  BOOST_TEST(!freed->has_value());
  auto kept = a.store().find_claim("acme/phone/cd34");
  BOOST_REQUIRE(kept.ok() && kept->has_value());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(purging_a_stream_drops_only_its_idempotency_records, A, state_adapters) {
  A a;
  commands::state_batch b;
  b.idempotency = {{"acme/k1", {"h1", "customer-acme-1", 1, "t", "s", true}},
                   {"acme/k2", {"h2", "customer-acme-1", 2, "t", "s", false}},
                   {"acme/k3", {"h3", "customer-acme-2", 1, "t", "s", true}}};
  commit_ok(a.store(), b);
  commands::state_batch purge;
  purge.purged_streams = {"customer-acme-1"};
  commit_ok(a.store(), purge);
  for (auto key : {"acme/k1", "acme/k2"}) {
    auto r = a.store().find_idempotency(key);
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(!r->has_value(), key);
  }
  auto kept = a.store().find_idempotency("acme/k3");
  BOOST_REQUIRE(kept.ok());
  BOOST_TEST(kept->has_value());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(compaction_keeps_every_live_value, A, state_adapters) {
  A a;
  commit_snapshots(a.store(), {{"customer-acme-1", {1, "old"}}});
  commit_snapshots(a.store(), {{"customer-acme-1", {2, "new"}}});
  commit_checkpoint(a.store(), {{{"customers", 0}, 9}});
  auto c = a.store().compact();
  BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.err().message));
  auto s = a.store().load("customer-acme-1");
  BOOST_REQUIRE(s.ok() && s->has_value());
  BOOST_TEST((*s)->state == "new");
  auto ck = a.store().checkpoint();
  BOOST_REQUIRE(ck.ok());
  BOOST_TEST(((*ck)[{"customers", 0}] == 9u));
}

BOOST_AUTO_TEST_SUITE_END()

// ---- read-model store -------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(kv_store_contract)

BOOST_AUTO_TEST_CASE_TEMPLATE(written_values_are_read_back_and_deletes_remove_them, A, kv_adapters) {
  A a;
  auto missing = a.kv().get("customers/acme/1");
  BOOST_REQUIRE(missing.ok());
  BOOST_TEST(!missing->has_value());

  const auto binary = bytes("\x00\x01\xff");
  write_ok(a.kv(), {{"customers/acme/1", "one"}, {"customers/acme/2", binary}, {"customers/acme/3", ""}});
  auto one = a.kv().get("customers/acme/1");
  BOOST_REQUIRE(one.ok() && one->has_value());
  BOOST_TEST(**one == "one");
  auto two = a.kv().get("customers/acme/2");
  BOOST_REQUIRE(two.ok() && two->has_value());
  BOOST_TEST(**two == binary);
  auto three = a.kv().get("customers/acme/3");
  BOOST_REQUIRE(three.ok());
  BOOST_TEST(three->has_value());  // present with an empty value, not absent

  write_ok(a.kv(), {{"customers/acme/1", std::nullopt}, {"customers/acme/2", "replaced"}});
  auto gone = a.kv().get("customers/acme/1");
  BOOST_REQUIRE(gone.ok());
  BOOST_TEST(!gone->has_value());
  auto replaced = a.kv().get("customers/acme/2");
  BOOST_REQUIRE(replaced.ok() && replaced->has_value());
  BOOST_TEST(**replaced == "replaced");
}

BOOST_AUTO_TEST_CASE_TEMPLATE(later_writes_in_one_batch_win, A, kv_adapters) {
  A a;
  write_ok(a.kv(), {{"k", "first"}, {"k", std::nullopt}, {"j", std::nullopt}, {"j", "last"}});
  auto k = a.kv().get("k");
  BOOST_REQUIRE(k.ok());
  BOOST_TEST(!k->has_value());
  auto j = a.kv().get("j");
  BOOST_REQUIRE(j.ok() && j->has_value());
  BOOST_TEST(**j == "last");
}

BOOST_AUTO_TEST_CASE_TEMPLATE(scans_return_only_prefixed_keys_in_order_up_to_the_limit, A, kv_adapters) {
  A a;
  put_all(a.kv(), {"idx/a", "idx/b/1", "idx/b/2", "idx/c", "idw", "idy", "id", "idx"});
  BOOST_TEST(scan_keys(a.kv(), "idx/", "", 10, false) == (keys{"idx/a", "idx/b/1", "idx/b/2", "idx/c"}),
             boost::test_tools::per_element());
  BOOST_TEST(scan_keys(a.kv(), "idx/", "", 10, true) == (keys{"idx/c", "idx/b/2", "idx/b/1", "idx/a"}),
             boost::test_tools::per_element());
  BOOST_TEST(scan_keys(a.kv(), "idx/", "", 2, false) == (keys{"idx/a", "idx/b/1"}), boost::test_tools::per_element());
  BOOST_TEST(scan_keys(a.kv(), "idx/", "", 2, true) == (keys{"idx/c", "idx/b/2"}), boost::test_tools::per_element());
  BOOST_TEST(scan_keys(a.kv(), "idx/b/", "", 10, false) == (keys{"idx/b/1", "idx/b/2"}),
             boost::test_tools::per_element());
  BOOST_TEST(scan_keys(a.kv(), "idx/", "", 0, false).empty());
  BOOST_TEST(scan_keys(a.kv(), "nothing/", "", 10, false).empty());
  BOOST_TEST(scan_keys(a.kv(), "nothing/", "", 10, true).empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(scans_continue_strictly_after_the_given_key_in_both_directions, A, kv_adapters) {
  A a;
  put_all(a.kv(), {"p/1", "p/2", "p/3", "p/4", "p/5", "q/1"});
  BOOST_TEST(scan_keys(a.kv(), "p/", "p/2", 10, false) == (keys{"p/3", "p/4", "p/5"}),
             boost::test_tools::per_element());
  BOOST_TEST(scan_keys(a.kv(), "p/", "p/4", 10, true) == (keys{"p/3", "p/2", "p/1"}),
             boost::test_tools::per_element());
  // `after` need not exist.
  BOOST_TEST(scan_keys(a.kv(), "p/", "p/2x", 10, false) == (keys{"p/3", "p/4", "p/5"}),
             boost::test_tools::per_element());
  BOOST_TEST(scan_keys(a.kv(), "p/", "p/2x", 10, true) == (keys{"p/2", "p/1"}), boost::test_tools::per_element());
  BOOST_TEST(scan_keys(a.kv(), "p/", "p/5", 10, false).empty());
  BOOST_TEST(scan_keys(a.kv(), "p/", "p/1", 10, true).empty());

  // Paging with the last key of each page visits every key exactly once.
  for (bool reverse : {false, true}) {
    keys all, page;
    std::string after;
    do {
      page = scan_keys(a.kv(), "p/", after, 2, reverse);
      all.insert(all.end(), page.begin(), page.end());
      if (!page.empty()) after = page.back();
    } while (!page.empty());
    keys expected{"p/1", "p/2", "p/3", "p/4", "p/5"};
    if (reverse) std::reverse(expected.begin(), expected.end());
    BOOST_TEST(all == expected, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(deleted_keys_are_not_scanned, A, kv_adapters) {
  A a;
  put_all(a.kv(), {"d/1", "d/2", "d/3"});
  write_ok(a.kv(), {{"d/2", std::nullopt}, {"d/3", std::nullopt}});
  BOOST_TEST(scan_keys(a.kv(), "d/", "", 10, false) == (keys{"d/1"}), boost::test_tools::per_element());
  BOOST_TEST(scan_keys(a.kv(), "d/", "", 10, true) == (keys{"d/1"}), boost::test_tools::per_element());
  BOOST_TEST(scan_keys(a.kv(), "d/", "d/1", 10, false).empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(compaction_keeps_every_live_value_and_no_deleted_one, A, kv_adapters) {
  A a;
  put_all(a.kv(), {"c/1", "c/2", "c/3"});
  write_ok(a.kv(), {{"c/2", std::nullopt}, {"c/3", "v:c/3"}});
  auto c = a.kv().compact();
  BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.err().message));
  BOOST_TEST(scan_keys(a.kv(), "c/", "", 10, false) == (keys{"c/1", "c/3"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(keys_with_ff_bytes_at_the_prefix_boundary_are_scanned_exactly, A, kv_adapters) {
  A a;
  // Keys inside and just outside "a\xff": the classic off-by-one of a prefix's
  // upper bound when its last byte is 0xff.
  put_all(a.kv(), {"a", "a\xfe", "a\xfe\xff", "a\xff", bytes("a\xff\x00"), "a\xff\x01", "a\xff\xff",
                   "a\xff\xff\xff", "b", bytes("b\x00")});
  keys inside{"a\xff", bytes("a\xff\x00"), "a\xff\x01", "a\xff\xff", "a\xff\xff\xff"};
  BOOST_TEST(scan_keys(a.kv(), "a\xff", "", 10, false) == inside, boost::test_tools::per_element());
  keys inside_reversed(inside.rbegin(), inside.rend());
  BOOST_CHECK(scan_keys(a.kv(), "a\xff", "", 10, true) == inside_reversed);
  BOOST_TEST(scan_keys(a.kv(), "a\xff", "a\xff\x01", 10, false) == (keys{"a\xff\xff", "a\xff\xff\xff"}),
             boost::test_tools::per_element());
  BOOST_TEST(scan_keys(a.kv(), "a\xff", "a\xff\x01", 10, true) == (keys{bytes("a\xff\x00"), "a\xff"}),
             boost::test_tools::per_element());
  BOOST_CHECK(scan_keys(a.kv(), "a\xfe", "", 10, true) == (keys{"a\xfe\xff", "a\xfe"}));

  // A prefix of only 0xff bytes has no upper bound below "every key".
  put_all(a.kv(), {"\xff", "\xff\xff", "\xff\xff\x01"});
  BOOST_TEST(scan_keys(a.kv(), "\xff\xff", "", 10, false) == (keys{"\xff\xff", "\xff\xff\x01"}),
             boost::test_tools::per_element());
  BOOST_CHECK(scan_keys(a.kv(), "\xff\xff", "", 10, true) == (keys{"\xff\xff\x01", "\xff\xff"}));
  // The empty prefix covers every key, 0xff-led ones included.
  BOOST_CHECK(scan_keys(a.kv(), "", "", 1, true) == (keys{"\xff\xff\x01"}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace chronicle::contract
