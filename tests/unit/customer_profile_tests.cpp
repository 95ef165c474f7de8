// The customer profile as scenarios: given the events so far, a command, then
// the events it yields or the precise rejection (field and code). Replays
// through the codec must give back the identical state.
#include <boost/test/unit_test.hpp>

#include <functional>

#include "domain/access.hpp"
#include "domain/country.hpp"
#include "domain/customer.hpp"
#include "schemas/access_codec.hpp"
#include "schemas/customer_codec.hpp"

using namespace chronicle;
using namespace chronicle::customers;
namespace codec = chronicle::schemas::customer_codec;

namespace {

const std::string cid = "01JAAAAAAAAAAAAAAAAAAAAAAA";
const std::string addr1 = "01JBBBBBBBBBBBBBBBBBBBBBB1", addr2 = "01JBBBBBBBBBBBBBBBBBBBBBB2",
                  addr3 = "01JBBBBBBBBBBBBBBBBBBBBBB3";
const std::string tag1 = "01JCCCCCCCCCCCCCCCCCCCCCC1", tag2 = "01JCCCCCCCCCCCCCCCCCCCCCC2";
const rules today{"1", "2026-11-22"};

address home(std::string id = addr1, bool is_default = false) {
  address a;
  a.id = std::move(id);
  a.label = "Home";
  a.street = "1 Market St";
  a.city = "San Francisco";
  a.postal_code = "94105";
  a.country = "US";
  a.is_default = is_default;
  return a;
}

register_customer full() {
  register_customer r;
  r.id = cid;
  r.first_name = "Ada";
  r.last_name = "Lovelace";
  r.company = "Green Fork Bistro";
  r.type = "restaurant";
  r.date_of_birth = "1990-12-10";
  r.acquired = acquisition{"2026-03-01", "farmers_market"};
  r.status = "active";
  r.lifecycle_stage = "customer";
  r.marketing_opt_in = true;
  r.emails = {{"Orders@GreenFork.example", "orders", false}, {"ada@greenfork.example", "", true}};
  r.phones = {{"(415) 555-0199", "kitchen", false}};
  r.addresses = {home(addr1), home(addr2, true)};
  r.addresses[1].label = "Restaurant back door";
  r.addresses[1].latitude = 37.79;
  r.addresses[1].longitude = -122.39;
  r.prefs = preferences_patch{};
  r.prefs->product_interests = std::vector<std::string>{"pea_shoots", "sunflower"};
  r.prefs->delivery_days = std::vector<std::string>{"tue", "fri"};
  r.prefs->window = delivery_window{"07:00", "10:30"};
  r.prefs->packaging = std::vector<std::string>{"returnable_crates"};
  r.prefs->channels = std::vector<std::string>{"email", "sms"};
  r.prefs->preferred_contact = "email";
  r.prefs->language = "en-US";
  r.tag_ids = {tag1};
  return r;
}

// Folds the events of a decision into the state (the aggregate's replay).
customer apply(customer s, const std::vector<event>& events, std::int64_t at) {
  for (auto& e : events) s = evolve(std::move(s), e, at);
  return s;
}

customer registered() {
  auto r = decide(customer{}, full(), today);
  BOOST_TEST_REQUIRE(r.ok());
  return apply(customer{}, *r, 1000);
}

// The single field error of a rejection, as "field code".
std::string rejection(const result<std::vector<event>>& r) {
  if (r.ok()) return "accepted";
  std::string out;
  for (auto& f : r.err().fields) out += (out.empty() ? "" : "; ") + f.field + " " + f.code;
  return out.empty() ? r.err().code : out;
}

struct invalid_case {
  std::string label;
  std::function<void(register_customer&)> edit;
  std::string expected;  // "field code"
};

}  // namespace

BOOST_AUTO_TEST_SUITE(customer_profile)

BOOST_AUTO_TEST_CASE(registering_a_full_profile_normalises_and_keeps_every_part) {
  auto r = decide(customer{}, full(), today);
  BOOST_TEST_REQUIRE(r.ok(), rejection(r));
  BOOST_TEST_REQUIRE(r->size() == 1u);
  auto s = apply(customer{}, *r, 1000);
  BOOST_TEST(s.display_name() == "Ada Lovelace");
  BOOST_TEST(s.emails.at(0).address == "Orders@greenfork.example");
  BOOST_TEST(!s.emails.at(0).primary);
  BOOST_TEST(s.primary_email()->address == "ada@greenfork.example");
  BOOST_TEST(s.primary_phone()->number == "+14155550199");
  BOOST_TEST(s.addresses.size() == 2u);
  BOOST_TEST(!s.addresses[0].is_default);
  BOOST_TEST(s.addresses[1].is_default);
  BOOST_TEST(s.prefs.language == "en-US");
  BOOST_TEST(s.tags == std::vector<std::string>{tag1});
  BOOST_TEST(s.status == "active");
  BOOST_TEST(s.lifecycle_stage == "customer");
  BOOST_TEST(s.marketing_opt_in);
  BOOST_TEST(s.active);
}

BOOST_AUTO_TEST_CASE(a_minimal_profile_gets_the_defaults) {
  register_customer r;
  r.id = cid;
  r.company = "Green Fork Ltd";
  r.emails = {{"a@b.example", "", false}, {"c@d.example", "", false}};
  r.addresses = {home(addr1), home(addr2)};
  auto d = decide(customer{}, r, today);
  BOOST_TEST_REQUIRE(d.ok(), rejection(d));
  auto s = apply(customer{}, *d, 1);
  BOOST_TEST(s.display_name() == "Green Fork Ltd");
  BOOST_TEST(s.status == "prospect");
  BOOST_TEST(s.lifecycle_stage == "lead");
  BOOST_TEST(!s.marketing_opt_in);
  BOOST_TEST(s.emails[0].primary);  // none flagged: the first is primary
  BOOST_TEST(!s.emails[1].primary);
  BOOST_TEST(s.addresses[0].is_default);
  BOOST_TEST(!s.addresses[1].is_default);
}

BOOST_AUTO_TEST_CASE(display_name_uses_whichever_names_are_set) {
  customer c;
  c.company = "Co";
  BOOST_TEST(c.display_name() == "Co");
  c.last_name = "King";
  BOOST_TEST(c.display_name() == "King");
  c.first_name = "Ada";
  BOOST_TEST(c.display_name() == "Ada King");
}

BOOST_AUTO_TEST_CASE(every_validation_rule_names_its_field_and_code) {
  std::string long201(201, 'a'), long61(61, 'l'), long501(501, 'd');
  const std::vector<invalid_case> cases = {
      {"no name at all", [](auto& r) { r.first_name = "  "; r.last_name.reset(); r.company = ""; }, "first_name required"},
      {"last name too long", [&](auto& r) { r.last_name = long201; }, "last_name too_long"},
      {"company too long", [&](auto& r) { r.company = long201; }, "company too_long"},
      {"unknown type", [](auto& r) { r.type = "farm"; }, "type invalid_value"},
      {"unknown status", [](auto& r) { r.status = "gone"; }, "status invalid_value"},
      {"unknown stage", [](auto& r) { r.lifecycle_stage = "vip"; }, "lifecycle_stage invalid_value"},
      {"birth date not a date", [](auto& r) { r.date_of_birth = "1990-02-30"; }, "date_of_birth invalid_format"},
      {"birth date badly written", [](auto& r) { r.date_of_birth = "10/12/1990"; }, "date_of_birth invalid_format"},
      {"birth date in the future", [](auto& r) { r.date_of_birth = "2026-11-23"; }, "date_of_birth in_future"},
      {"acquisition date", [](auto& r) { r.acquired->date = "2026-13-01"; }, "acquisition.date invalid_format"},
      {"acquisition source upper case", [](auto& r) { r.acquired->source = "Market"; }, "acquisition.source invalid_format"},
      {"acquisition source too long", [](auto& r) { r.acquired->source = std::string(41, 'a'); }, "acquisition.source invalid_format"},
      {"bad email", [](auto& r) { r.emails[1].address = "nope"; }, "emails[1].address invalid_format"},
      {"email label too long", [&](auto& r) { r.emails[0].label = long61; }, "emails[0].label too_long"},
      {"two primary emails", [](auto& r) { r.emails[0].primary = true; }, "emails multiple_primary"},
      {"the same email twice", [](auto& r) { r.emails[1].address = "orders@GREENFORK.example"; }, "emails[1].address duplicate"},
      {"eleven emails", [](auto& r) {
         r.emails.clear();
         for (int i = 0; i < 11; ++i) r.emails.push_back({"e" + std::to_string(i) + "@x.example", "", false});
       }, "emails too_many"},
      {"bad phone", [](auto& r) { r.phones[0].number = "12"; }, "phones[0].number invalid_format"},
      {"two primary phones", [](auto& r) { r.phones = {{"+14155550100", "", true}, {"+14155550101", "", true}}; }, "phones multiple_primary"},
      {"the same phone twice", [](auto& r) { r.phones = {{"+14155550100", "", false}, {"(415) 555-0100", "", false}}; }, "phones[1].number duplicate"},
      {"address without label", [](auto& r) { r.addresses[1].label = " "; }, "addresses[1].label required"},
      {"address label too long", [&](auto& r) { r.addresses[0].label = long61; }, "addresses[0].label too_long"},
      {"address without postal code", [](auto& r) { r.addresses[1].postal_code = ""; }, "addresses[1].postal_code required"},
      {"address without street", [](auto& r) { r.addresses[0].street = ""; }, "addresses[0].street required"},
      {"address in no known country", [](auto& r) { r.addresses[0].country = "XX"; }, "addresses[0].country invalid_value"},
      {"latitude without longitude", [](auto& r) { r.addresses[1].longitude.reset(); }, "addresses[1].longitude required"},
      {"latitude out of range", [](auto& r) { r.addresses[1].latitude = 91; }, "addresses[1].latitude out_of_range"},
      {"longitude out of range", [](auto& r) { r.addresses[1].longitude = -180.5; }, "addresses[1].longitude out_of_range"},
      {"instructions too long", [&](auto& r) { r.addresses[0].delivery_instructions = long501; }, "addresses[0].delivery_instructions too_long"},
      {"two default addresses", [](auto& r) { r.addresses[0].is_default = true; }, "addresses multiple_default"},
      {"21 addresses", [](auto& r) { r.addresses.assign(21, home()); }, "addresses too_many"},
      {"unknown weekday", [](auto& r) { r.prefs->delivery_days = std::vector<std::string>{"tue", "funday"}; }, "preferences.delivery_days[1] invalid_value"},
      {"weekday twice", [](auto& r) { r.prefs->delivery_days = std::vector<std::string>{"tue", "tue"}; }, "preferences.delivery_days[1] duplicate"},
      {"window backwards", [](auto& r) { r.prefs->window = delivery_window{"10:00", "07:00"}; }, "preferences.delivery_window.to not_after_from"},
      {"window not a time", [](auto& r) { r.prefs->window = delivery_window{"24:00", "25:00"}; }, "preferences.delivery_window.from invalid_format; preferences.delivery_window.to invalid_format"},
      {"unknown packaging", [](auto& r) { r.prefs->packaging = std::vector<std::string>{"glass"}; }, "preferences.packaging[0] invalid_value"},
      {"unknown channel", [](auto& r) { r.prefs->channels = std::vector<std::string>{"email", "fax"}; }, "preferences.channels[1] invalid_value"},
      {"preferred contact not allowed", [](auto& r) { r.prefs->preferred_contact = "phone"; }, "preferences.preferred_contact not_allowed"},
      {"unknown preferred contact", [](auto& r) { r.prefs->preferred_contact = "pigeon"; }, "preferences.preferred_contact invalid_value"},
      {"interest not a token", [](auto& r) { r.prefs->product_interests = std::vector<std::string>{"Pea Shoots"}; }, "preferences.product_interests[0] invalid_value"},
      {"31 interests", [](auto& r) {
         r.prefs->product_interests = std::vector<std::string>{};
         for (int i = 0; i < 31; ++i) r.prefs->product_interests->push_back("p" + std::to_string(i));
       }, "preferences.product_interests too_many"},
      {"bad language", [](auto& r) { r.prefs->language = "english"; }, "preferences.language invalid_format"},
      {"bad tag id", [](auto& r) { r.tag_ids = {"tag-1"}; }, "tag_ids[0] invalid_format"},
      {"51 tags", [](auto& r) { r.tag_ids.assign(51, tag1); }, "tag_ids too_many"},
  };
  for (auto& c : cases) {
    BOOST_TEST_CONTEXT(c.label) {
      auto cmd = full();
      c.edit(cmd);
      auto r = decide(customer{}, cmd, today);
      BOOST_TEST(rejection(r) == c.expected);
      if (!r.ok()) BOOST_TEST(r.err().code == "validation_failed");
    }
  }
}

BOOST_AUTO_TEST_CASE(national_phones_take_the_tenants_country_code) {
  auto cmd = full();
  cmd.phones = {{"020 7946 0958", "", false}};
  auto gb = decide(customer{}, cmd, rules{std::string(*calling_code("GB")), "2026-11-22"});
  BOOST_TEST_REQUIRE(gb.ok());
  BOOST_TEST(std::get<customer_registered>(gb->front()).phones.at(0).number == "+442079460958");
  cmd.phones = {{"030 1234567", "", false}};
  auto de = decide(customer{}, cmd, rules{std::string(*calling_code("DE")), ""});
  BOOST_TEST_REQUIRE(de.ok());
  BOOST_TEST(std::get<customer_registered>(de->front()).phones.at(0).number == "+49301234567");
  BOOST_TEST(!calling_code("XX").has_value());
  BOOST_TEST(!calling_code("us").has_value());
}

BOOST_AUTO_TEST_CASE(status_stage_and_opt_in_changes_are_one_update_event) {
  auto s = registered();
  update_customer u;
  u.id = cid;
  u.status = "churned";
  u.lifecycle_stage = "lost";
  u.marketing_opt_in = false;
  auto r = decide(s, u, today);
  BOOST_TEST_REQUIRE(r.ok(), rejection(r));
  BOOST_TEST_REQUIRE(r->size() == 1u);
  auto& e = std::get<customer_updated>(r->front());
  BOOST_TEST(e.status.value() == "churned");
  BOOST_TEST(e.lifecycle_stage.value() == "lost");
  BOOST_TEST(e.marketing_opt_in.value() == false);
  BOOST_TEST(!e.first_name.has_value());
  auto next = apply(s, *r, 2000);
  BOOST_TEST(next.status == "churned");
  BOOST_TEST(!next.marketing_opt_in);
  // The same values again: nothing to record.
  BOOST_TEST(decide(next, u, today)->empty());
  u.status = "archived";
  BOOST_TEST(rejection(decide(next, u, today)) == "status invalid_value");
}

BOOST_AUTO_TEST_CASE(null_clears_optional_profile_fields) {
  auto s = registered();
  update_customer u;
  u.id = cid;
  u.type = "";
  u.date_of_birth = "";
  u.acquired = acquisition{};
  u.last_name = "";
  auto r = decide(s, u, today);
  BOOST_TEST_REQUIRE(r.ok(), rejection(r));
  auto next = apply(s, *r, 2);
  BOOST_TEST(next.type.empty());
  BOOST_TEST(next.date_of_birth.empty());
  BOOST_TEST(!next.acquired.has_value());
  BOOST_TEST(next.display_name() == "Ada");
}

BOOST_AUTO_TEST_CASE(preferences_are_merged_and_recorded_whole) {
  auto s = registered();
  update_customer u;
  u.id = cid;
  u.prefs = preferences_patch{};
  u.prefs->delivery_days = std::vector<std::string>{"mon"};
  u.prefs->window = delivery_window{};  // null: clear
  auto r = decide(s, u, today);
  BOOST_TEST_REQUIRE(r.ok(), rejection(r));
  BOOST_TEST_REQUIRE(r->size() == 1u);
  auto& e = std::get<preferences_updated>(r->front());
  BOOST_TEST(e.prefs.delivery_days == std::vector<std::string>{"mon"});
  BOOST_TEST(!e.prefs.window.has_value());
  BOOST_TEST(e.prefs.channels == (std::vector<std::string>{"email", "sms"}));  // kept
  auto next = apply(s, *r, 2);
  BOOST_TEST(decide(next, u, today)->empty());
  // Taking away the preferred channel is refused.
  update_customer v;
  v.id = cid;
  v.prefs = preferences_patch{};
  v.prefs->channels = std::vector<std::string>{"sms"};
  BOOST_TEST(rejection(decide(next, v, today)) == "preferences.preferred_contact not_allowed");
}

BOOST_AUTO_TEST_CASE(replacing_the_emails_keeps_one_primary) {
  auto s = registered();
  update_customer u;
  u.id = cid;
  u.emails = std::vector<email_input>{{"a@x.example", "", true}, {"b@x.example", "", true}};
  BOOST_TEST(rejection(decide(s, u, today)) == "emails multiple_primary");
  u.emails = std::vector<email_input>{};
  auto r = decide(s, u, today);
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(apply(s, *r, 2).emails.empty());
}

BOOST_AUTO_TEST_CASE(the_first_address_is_the_default_and_a_new_default_clears_the_others) {
  auto s = apply(customer{}, *decide(customer{}, [] {
    auto r = full();
    r.addresses.clear();
    return r;
  }(), today), 1);
  auto first = decide(s, add_address{cid, home(addr1)}, today);
  BOOST_TEST_REQUIRE(first.ok(), rejection(first));
  BOOST_TEST(std::get<address_added>(first->front()).addr.is_default);
  s = apply(s, *first, 2);
  auto second = decide(s, add_address{cid, home(addr2, true)}, today);
  BOOST_TEST_REQUIRE(second.ok());
  s = apply(s, *second, 3);
  BOOST_TEST(!s.addresses[0].is_default);
  BOOST_TEST(s.addresses[1].is_default);
  auto third = decide(s, add_address{cid, home(addr3)}, today);
  s = apply(s, *third, 4);
  BOOST_TEST(!s.addresses[2].is_default);
}

BOOST_AUTO_TEST_CASE(address_updates_record_the_address_and_default_changes_separately) {
  auto s = registered();  // addr2 is the default
  update_address u{cid, addr1, {}};
  u.patch.city = "Oakland";
  u.patch.is_default = true;
  auto r = decide(s, u, today);
  BOOST_TEST_REQUIRE(r.ok(), rejection(r));
  BOOST_TEST_REQUIRE(r->size() == 2u);
  BOOST_TEST(std::get<address_updated>(r->at(0)).addr.city == "Oakland");
  BOOST_TEST(std::get<default_address_changed>(r->at(1)).address_id == addr1);
  s = apply(s, *r, 2);
  BOOST_TEST(s.addresses[0].is_default);
  BOOST_TEST(!s.addresses[1].is_default);
  BOOST_TEST(decide(s, u, today)->empty());  // the same patch again changes nothing

  update_address unset{cid, addr1, {}};
  unset.patch.is_default = false;
  BOOST_TEST(rejection(decide(s, unset, today)) == "default default_required");
  update_address bad{cid, addr1, {}};
  bad.patch.postal_code = "";
  bad.patch.latitude = std::optional(95.0);
  bad.patch.longitude = std::optional(0.0);
  BOOST_TEST(rejection(decide(s, bad, today)) == "postal_code required; latitude out_of_range");
  update_address missing{cid, addr3, {}};
  BOOST_TEST(decide(s, missing, today).err().code == "address_not_found");
}

BOOST_AUTO_TEST_CASE(removing_the_default_address_makes_the_first_remaining_one_default) {
  auto s = registered();
  auto r = decide(s, remove_address{cid, addr2}, today);
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST_REQUIRE(r->size() == 2u);
  BOOST_TEST(std::get<default_address_changed>(r->at(1)).address_id == addr1);
  s = apply(s, *r, 2);
  BOOST_TEST(s.addresses.size() == 1u);
  BOOST_TEST(s.addresses[0].is_default);
  auto last = decide(s, remove_address{cid, addr1}, today);
  BOOST_TEST(last->size() == 1u);
  BOOST_TEST(apply(s, *last, 3).addresses.empty());
  BOOST_TEST(decide(s, remove_address{cid, addr3}, today).err().code == "address_not_found");
}

BOOST_AUTO_TEST_CASE(a_twenty_first_address_is_refused) {
  auto s = registered();
  for (int i = s.addresses.size(); i < 20; ++i) s = apply(s, *decide(s, add_address{cid, home(addr3)}, today), 2);
  BOOST_TEST(s.addresses.size() == 20u);
  BOOST_TEST(decide(s, add_address{cid, home(addr3)}, today).err().code == "too_many_addresses");
}

BOOST_AUTO_TEST_CASE(tagging_records_only_new_tags_and_untagging_only_held_ones) {
  auto s = registered();  // holds tag1
  auto r = decide(s, tag_customer{cid, {tag1, tag2, tag2}}, today);
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(std::get<customer_tagged>(r->front()).tag_ids == std::vector<std::string>{tag2});
  s = apply(s, *r, 2);
  BOOST_TEST(s.tags == (std::vector<std::string>{tag1, tag2}));
  BOOST_TEST(decide(s, tag_customer{cid, {tag1}}, today)->empty());
  auto u = decide(s, untag_customer{cid, {tag1}}, today);
  BOOST_TEST(std::get<customer_untagged>(u->front()).tag_ids == std::vector<std::string>{tag1});
  s = apply(s, *u, 3);
  BOOST_TEST(s.tags == std::vector<std::string>{tag2});
  BOOST_TEST(decide(s, untag_customer{cid, {tag1}}, today)->empty());
  BOOST_TEST(rejection(decide(s, tag_customer{cid, {"nope"}}, today)) == "tag_ids[0] invalid_format");
}

BOOST_AUTO_TEST_CASE(a_deactivated_customer_is_read_only_until_reactivated) {
  auto s = registered();
  auto d = decide(s, deactivate_customer{cid}, today);
  BOOST_TEST_REQUIRE(d->size() == 1u);
  s = apply(s, *d, 2);
  BOOST_TEST(!s.active);
  BOOST_TEST(decide(s, deactivate_customer{cid}, today)->empty());
  update_customer u;
  u.id = cid;
  u.status = "inactive";
  BOOST_TEST(decide(s, u, today).err().code == "customer_inactive");
  BOOST_TEST(decide(s, add_address{cid, home(addr3)}, today).err().code == "customer_inactive");
  BOOST_TEST(decide(s, tag_customer{cid, {tag2}}, today).err().code == "customer_inactive");
  BOOST_TEST(decide(s, remove_address{cid, addr1}, today).err().code == "customer_inactive");
  BOOST_TEST(decide(s, erase_customer{cid}, today)->size() == 1u);  // erasure is never blocked
  auto re = decide(s, reactivate_customer{cid}, today);
  BOOST_TEST_REQUIRE(re->size() == 1u);
  s = apply(s, *re, 3);
  BOOST_TEST(s.active);
  BOOST_TEST(decide(s, reactivate_customer{cid}, today)->empty());
  BOOST_TEST(decide(s, u, today)->size() == 1u);
}

BOOST_AUTO_TEST_CASE(erasure_clears_personal_data_and_refuses_changes) {
  auto s = apply(registered(), *decide(registered(), erase_customer{cid}, today), 5);
  BOOST_TEST(s.erased);
  BOOST_TEST(s.display_name() == "[erased]");
  BOOST_TEST(s.first_name == "[erased]");
  BOOST_TEST(s.company == "[erased]");
  BOOST_TEST(s.date_of_birth.empty());
  BOOST_TEST(s.emails.empty());
  BOOST_TEST(s.phones.empty());
  BOOST_TEST(s.addresses.empty());
  BOOST_TEST(s.tags == std::vector<std::string>{tag1});  // not personal: kept
  BOOST_TEST(decide(s, erase_customer{cid}, today)->empty());
  BOOST_TEST(decide(s, reactivate_customer{cid}, today).err().code == "customer_erased");
  BOOST_TEST(decide(s, add_address{cid, home(addr3)}, today).err().code == "customer_erased");
}

BOOST_AUTO_TEST_CASE(replaying_the_events_through_the_codec_yields_the_identical_state) {
  std::vector<event> history;
  customer live;
  std::int64_t at = 1'700'000'000'000'000;
  auto run = [&](auto cmd) {
    auto r = decide(live, cmd, today);
    BOOST_TEST_REQUIRE(r.ok(), rejection(r));
    for (auto& e : *r) {
      live = evolve(std::move(live), e, ++at);
      history.push_back(e);
    }
  };
  run(full());
  update_customer u;
  u.id = cid;
  u.last_name = "King";
  u.status = "inactive";
  u.phones = std::vector<phone_input>{{"+442079460958", "london", true}};
  u.prefs = preferences_patch{};
  u.prefs->language = "";
  run(u);
  run(add_address{cid, home(addr3, true)});
  update_address ua{cid, addr1, {}};
  ua.patch.latitude = std::optional(51.5);
  ua.patch.longitude = std::optional(-0.12);
  ua.patch.region = "CA";
  run(ua);
  run(remove_address{cid, addr3});
  run(tag_customer{cid, {tag2}});
  run(untag_customer{cid, {tag1}});
  run(deactivate_customer{cid});
  run(reactivate_customer{cid});
  BOOST_TEST(history.size() == 11u);

  // Replay from zero, each event through its wire form as the log holds it.
  customer replayed;
  std::int64_t t = 1'700'000'000'000'000;
  for (auto& e : history) {
    auto enc = codec::encode_event(e);
    chronicle::event_envelope env;
    env.type = enc.type;
    env.schema_version = enc.schema_version;
    env.data = enc.data;
    env.pii = enc.pii;
    auto back = codec::decode_event(env);
    BOOST_TEST_REQUIRE(back.ok(), enc.type);
    replayed = evolve(std::move(replayed), *back, ++t);
  }
  BOOST_TEST(codec::encode_state(replayed) == codec::encode_state(live));
  BOOST_TEST(codec::render(replayed, 11) == codec::render(live, 11));
  // And the snapshot round-trips too.
  BOOST_TEST(codec::encode_state(*codec::decode_state(codec::encode_state(live))) == codec::encode_state(live));
}

BOOST_AUTO_TEST_CASE(version_1_events_still_fold_with_the_name_as_first_name) {
  chronicle::event_envelope reg;
  reg.type = "customer.registered";
  reg.schema_version = 1;
  reg.data = R"({"customer_id":")" + cid + R"(","company":"Green Fork Ltd"})";
  reg.pii = R"({"name":"Ada","email":"ada@farm.example","phone":"+14155550123"})";
  chronicle::event_envelope upd = reg;
  upd.type = "customer.updated";
  upd.data = R"({"customer_id":")" + cid + R"(","company":null})";
  upd.pii = R"({"name":"Ada King","email":null,"phone":"+14155550124"})";
  customer s;
  for (auto* env : {&reg, &upd}) {
    auto e = codec::decode_event(*env);
    BOOST_TEST_REQUIRE(e.ok(), env->type);
    s = evolve(std::move(s), *e, 1);
  }
  BOOST_TEST(s.first_name == "Ada King");
  BOOST_TEST(s.last_name.empty());
  BOOST_TEST(s.company.empty());
  BOOST_TEST(s.emails.empty());
  BOOST_TEST_REQUIRE(s.phones.size() == 1u);
  BOOST_TEST(s.phones[0].number == "+14155550124");
  BOOST_TEST(s.phones[0].primary);
  // A v1 registration whose subject was erased reads as "[erased]".
  reg.pii = R"({"erased":true})";
  auto erased = codec::decode_event(reg);
  BOOST_TEST_REQUIRE(erased.ok());
  BOOST_TEST(std::get<customer_registered>(*erased).first_name == "[erased]");
}

BOOST_AUTO_TEST_CASE(civil_dates_and_date_validation) {
  BOOST_TEST(civil_date(0) == "1970-01-01");
  BOOST_TEST(civil_date(1'700'000'000'000'000) == "2023-11-14");
  BOOST_TEST(is_date("2024-02-29"));
  BOOST_TEST(!is_date("2023-02-29"));
  BOOST_TEST(!is_date("2023-2-01"));
  BOOST_TEST(!is_date("1700-01-01"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tenant_country)

BOOST_AUTO_TEST_CASE(a_tenant_has_a_known_default_country_and_old_tenants_are_us) {
  namespace access = chronicle::access;
  auto gb = access::decide(access::tenant{}, access::create_tenant{"londonfarm", "London Farm", "GB"});
  BOOST_TEST_REQUIRE(gb.ok());
  BOOST_TEST(std::get<access::tenant_created>(gb->front()).default_country == "GB");
  auto bad = access::decide(access::tenant{}, access::create_tenant{"atlantis", "", "XX"});
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.err().fields.at(0).field == "default_country");
  BOOST_TEST(bad.err().fields.at(0).code == "invalid_value");

  auto enc = chronicle::schemas::access_codec::encode_event(gb->front());
  BOOST_TEST(enc.schema_version == 2);
  chronicle::event_envelope env;
  env.type = enc.type;
  env.schema_version = enc.schema_version;
  env.data = enc.data;
  auto back = chronicle::schemas::access_codec::decode_event(env);
  BOOST_TEST_REQUIRE(back.ok());
  BOOST_TEST(std::get<access::tenant_created>(*back).default_country == "GB");
  // Version 1 had no country: those tenants read national numbers as US ones.
  env.schema_version = 1;
  env.data = R"({"tenant_id":"demo","name":"Demo"})";
  auto old = chronicle::schemas::access_codec::decode_event(env);
  BOOST_TEST_REQUIRE(old.ok());
  BOOST_TEST(std::get<access::tenant_created>(*old).default_country == "US");
}

BOOST_AUTO_TEST_SUITE_END()
