// Domain behaviour: customer decisions as scenarios (given state, a command,
// then events or a rejection), value normalisation, ids and position tokens.
#include <boost/test/unit_test.hpp>

#include "domain/contact.hpp"
#include "domain/customer.hpp"
#include "domain/ids.hpp"
#include "domain/log.hpp"

using namespace chronicle;
using namespace chronicle::customers;

namespace {
const std::string cid = "01JAAAAAAAAAAAAAAAAAAAAAAA";

customer registered_state() {
  customer_registered e;
  e.id = cid;
  e.first_name = "Ada Farm";
  e.company = "Greens Ltd";
  e.emails = {{"ada@farm.example", "", true}};
  e.phones = {{"+14155550123", "", true}};
  return evolve(customer{}, e, 1000);
}

register_customer named(std::string first) {
  register_customer r;
  r.id = cid;
  r.first_name = std::move(first);
  return r;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(customer_scenarios)

BOOST_AUTO_TEST_CASE(registering_normalises_email_and_phone) {
  auto cmd = named("  Ada  ");
  cmd.emails = {{"Ada@Farm.EXAMPLE", "", false}};
  cmd.phones = {{"(415) 555-0123", "", false}};
  auto r = decide(customer{}, cmd);
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->size(), 1u);
  auto& e = std::get<customer_registered>(r->front());
  BOOST_TEST(e.first_name == "Ada");
  BOOST_TEST(e.emails.at(0).address == "Ada@farm.example");
  BOOST_TEST(e.emails.at(0).primary);
  BOOST_TEST(e.phones.at(0).number == "+14155550123");
  BOOST_TEST(e.company == "");
}

BOOST_AUTO_TEST_CASE(registering_without_name_is_rejected_per_field) {
  auto cmd = named("   ");
  cmd.emails = {{"not-an-email", "", false}};
  cmd.phones = {{"12", "", false}};
  auto r = decide(customer{}, cmd);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().kind == errc::invalid_argument);
  BOOST_REQUIRE_EQUAL(r.err().fields.size(), 3u);
  BOOST_TEST(r.err().fields[0].field == "first_name");
  BOOST_TEST(r.err().fields[1].field == "emails[0].address");
  BOOST_TEST(r.err().fields[2].field == "phones[0].number");
}

BOOST_AUTO_TEST_CASE(registering_twice_is_rejected) {
  auto r = decide(registered_state(), named("Ada"));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().kind == errc::already_exists);
}

BOOST_AUTO_TEST_CASE(names_longer_than_200_characters_are_rejected) {
  std::string name;
  for (int i = 0; i < 201; ++i) name += "é";  // 201 code points, 402 bytes
  auto r = decide(customer{}, named(name));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().fields.at(0).code == "too_long");
  name.resize(name.size() - 2);
  BOOST_TEST(decide(customer{}, named(name)).ok());
}

BOOST_AUTO_TEST_CASE(updating_emits_only_the_changed_fields) {
  update_customer u;
  u.id = cid;
  u.first_name = "Ada Farm";
  u.company = "";
  u.emails = std::vector<email_input>{{"new@farm.example", "", false}};
  auto r = decide(registered_state(), u);
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->size(), 1u);
  auto& e = std::get<customer_updated>(r->front());
  BOOST_TEST(!e.first_name.has_value());  // unchanged
  BOOST_TEST(e.company.value() == "");    // cleared
  BOOST_TEST(e.emails.value().at(0).address == "new@farm.example");
  BOOST_TEST(!e.phones.has_value());
}

BOOST_AUTO_TEST_CASE(an_update_that_changes_nothing_emits_no_event) {
  update_customer u;
  u.id = cid;
  u.first_name = "Ada Farm";
  u.emails = std::vector<email_input>{{"ada@FARM.example", "", true}};
  auto r = decide(registered_state(), u);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->empty());
}

BOOST_AUTO_TEST_CASE(updating_an_unknown_customer_is_not_found) {
  update_customer u;
  u.id = cid;
  u.first_name = "X";
  auto r = decide(customer{}, u);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().kind == errc::not_found);
}

BOOST_AUTO_TEST_CASE(clearing_every_name_is_rejected) {
  update_customer u;
  u.id = cid;
  u.first_name = "";
  u.company = "";
  auto r = decide(registered_state(), u);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().fields.at(0).field == "first_name");
  BOOST_TEST(r.err().fields.at(0).code == "required");
}

BOOST_AUTO_TEST_CASE(evolve_applies_updates_and_timestamps) {
  auto s = registered_state();
  customer_updated u;
  u.id = s.id;
  u.first_name = "B";
  u.company = "";
  u.phones = std::vector<phone_entry>{};
  s = evolve(s, u, 2000);
  BOOST_TEST(s.first_name == "B");
  BOOST_TEST(s.company == "");
  BOOST_TEST(s.primary_email()->address == "ada@farm.example");
  BOOST_TEST(s.phones.empty());
  BOOST_TEST(s.created_at == 1000);
  BOOST_TEST(s.updated_at == 2000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(contact_values)

BOOST_AUTO_TEST_CASE(emails_are_validated_and_domain_lower_cased) {
  BOOST_TEST(normalize_email(" Ada.Lovelace@Example.ORG ").value() == "Ada.Lovelace@example.org");
  for (auto bad : {"", "a", "a@", "@b.c", "a@b", "a@@b.c", "a b@c.d", "a@-b.c", "a@b-.c", "a..b@c.d", "a@b..c", ".a@b.c"})
    BOOST_TEST(!normalize_email(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(phones_in_any_common_format_normalise_to_e164) {
  BOOST_TEST(normalize_phone("+1 (415) 555-0123").value() == "+14155550123");
  BOOST_TEST(normalize_phone("415.555.0123").value() == "+14155550123");
  BOOST_TEST(normalize_phone("1 415 555 0123").value() == "+14155550123");
  BOOST_TEST(normalize_phone("0044 20 7946 0958").value() == "+442079460958");
  BOOST_TEST(normalize_phone("020 7946 0958", "44").value() == "+442079460958");
  for (auto bad : {"", "12345", "+0123456789", "abc", "+1 415 555 0123 ext 5", "1234567890123456"})
    BOOST_TEST(!normalize_phone(bad).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(identifiers)

BOOST_AUTO_TEST_CASE(ulids_sort_by_time_and_validate) {
  std::array<std::uint8_t, 10> r{};
  auto a = make_ulid(1700000000000, r), b = make_ulid(1700000000001, r);
  BOOST_TEST(a.size() == 26u);
  BOOST_TEST(a < b);
  BOOST_TEST(is_ulid(a));
  BOOST_TEST(!is_ulid("01JAAAAAAAAAAAAAAAAAAAAAAU"));  // U is not Crockford
  BOOST_TEST(!is_ulid("short"));
  BOOST_TEST(!is_ulid("81JAAAAAAAAAAAAAAAAAAAAAAA"));  // overflows 128 bits
}

BOOST_AUTO_TEST_CASE(uuid_v7_has_version_and_variant_bits) {
  std::array<std::uint8_t, 10> r;
  r.fill(0xff);
  auto u = make_uuid_v7(1700000000000, r);
  BOOST_TEST(u.size() == 36u);
  BOOST_TEST(u[14] == '7');
  BOOST_TEST((u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b'));
}

BOOST_AUTO_TEST_CASE(partitions_are_stable_and_spread) {
  BOOST_TEST(partition_of("acme", "01JAAAAAAAAAAAAAAAAAAAAAAA", 8) == partition_of("acme", "01JAAAAAAAAAAAAAAAAAAAAAAA", 8));
  BOOST_TEST(stable_hash("ab", "c") != stable_hash("a", "bc"));
  std::array<int, 8> seen{};
  std::array<std::uint8_t, 10> r{};
  for (int i = 0; i < 800; ++i) {
    r[0] = static_cast<std::uint8_t>(i);
    r[1] = static_cast<std::uint8_t>(i >> 8);
    ++seen[partition_of("acme", make_ulid(1700000000000 + i, r), 8)];
  }
  for (int n : seen) BOOST_TEST(n > 50);
}

BOOST_AUTO_TEST_CASE(position_tokens_round_trip_and_reject_garbage) {
  positions p{{{"customers", 3}, 1042}, {{"orders", 0}, 7}};
  auto t = encode_token(p);
  BOOST_TEST(decode_token(t).value() == p);
  for (auto bad : {"", "t1", "t1.", "t2.customers.1.1", "t1.nosuch.1.1", "t1.customers.x.1", "t1.customers.1.",
                   "t1.customers.1.1~", "t1.customers.99999.1"})
    BOOST_TEST(!decode_token(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(reached_compares_every_entry) {
  positions token{{{"customers", 1}, 10}, {{"customers", 2}, 5}};
  BOOST_TEST(!reached({{{"customers", 1}, 10}}, token));
  BOOST_TEST(reached({{{"customers", 1}, 10}, {{"customers", 2}, 5}}, token));
  BOOST_TEST(!reached({{{"customers", 1}, 9}, {{"customers", 2}, 9}}, token));
}

BOOST_AUTO_TEST_SUITE_END()
