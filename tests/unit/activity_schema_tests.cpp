// The schema files of tags and of a customer's activity against the codecs:
// every event the codecs write validates against schemas/events (and edited
// copies do not), bodies the parsers accept validate against
// schemas/commands and the OpenAPI request bodies (and nothing the schemas
// forbid gets past the server), and every resource the codecs and the
// timeline render validates against its OpenAPI component.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "domain/activity.hpp"
#include "domain/ids.hpp"
#include "domain/pii.hpp"
#include "domain/tag.hpp"
#include "projections/ports/kv_store.hpp"
#include "projections/projection.hpp"
#include "projections/timeline.hpp"
#include "schemas/activity_codec.hpp"
#include "schemas/envelope_codec.hpp"
#include "schemas/openapi.hpp"
#include "schemas/tag_codec.hpp"
#include "unit/support/mini_schema.hpp"

namespace {

using chronicle::test::mini_schema;
namespace activity = chronicle::activity;
namespace tags = chronicle::tags;
namespace acodec = chronicle::schemas::activity_codec;
namespace tcodec = chronicle::schemas::tag_codec;

const mini_schema& schema_file(const std::string& relative) {
  static std::map<std::string, mini_schema> cache;
  auto it = cache.find(relative);
  if (it == cache.end())
    it = cache.emplace(relative, mini_schema::from_file(std::string(CHRONICLE_SOURCE_DIR) + "/" + relative)).first;
  return it->second;
}
const mini_schema& openapi() {
  static const mini_schema doc{chronicle::schemas::openapi_document()};
  return doc;
}
std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (auto& e : errors) out += (out.empty() ? "" : "; ") + e;
  return out;
}
void check_valid(const mini_schema& s, std::string_view instance, std::string_view ref = "#") {
  auto errors = s.validate(instance, ref);
  BOOST_CHECK_MESSAGE(errors.empty(), instance << " should be valid against " << ref << ": " << joined(errors));
}
void check_invalid(const mini_schema& s, std::string_view instance, std::string_view ref = "#") {
  BOOST_CHECK_MESSAGE(!s.validate(instance, ref).empty(), instance << " should be rejected by " << ref);
}

const std::string cust = chronicle::make_ulid(1'700'000'000'000, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
const std::string id1 = chronicle::make_ulid(1'700'000'000'100, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
const std::string id2 = chronicle::make_ulid(1'700'000'000'200, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2});

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<std::pair<std::string, activity::event>> activity_events() {
  using namespace activity;
  return {
      {"note added", note_added{cust, id1, "support", "key1", "Called about the late box"}},
      {"note added with the longest body", note_added{cust, id1, "general", "key1", repeat("ü", 10000)}},
      {"note edited: type and body", note_edited{cust, id1, std::string("sales"), std::string("Now a sale")}},
      {"note edited: type only", note_edited{cust, id1, std::string("billing"), std::nullopt}},
      {"note deleted", note_deleted{cust, id1}},
      {"interaction with every text", interaction_logged{cust, id1, "call", "inbound", 1'700'000'000'123'456, id2, "Late",
                                                         "Box came late", "Refunded"}},
      {"interaction without texts", interaction_logged{cust, id1, "order", "outbound", 0, "", "", "", ""}},
      {"task with everything", task_created{cust, id2, "2026-01-31", "sam", id1, "Follow up: Late"}},
      {"task with a title only", task_created{cust, id2, "", "", "", "Call back"}},
      {"task updated: clears", task_updated{cust, id2, std::string(""), std::string(""), std::nullopt}},
      {"task updated: sets", task_updated{cust, id2, std::string("2027-03-01"), std::string("kim"), std::string("New")}},
      {"task completed", task_completed{cust, id2}},
      {"task reopened", task_reopened{cust, id2}},
  };
}

std::vector<std::pair<std::string, tags::event>> tag_events() {
  using namespace tags;
  return {
      {"created", tag_created{id1, "VIP", "#aabbcc", "Best customers"}},
      {"created without description", tag_created{id1, repeat("é", 40), "#000000", ""}},
      {"updated: all", tag_updated{id1, std::string("Gold"), std::string("#ffffff"), std::string("Top")}},
      {"updated: description cleared", tag_updated{id1, std::nullopt, std::nullopt, std::string("")}},
      {"deleted", tag_deleted{id1}},
  };
}

std::string path_of(const chronicle::schemas::encoded_event& e) {
  return "schemas/events/" + e.type + ".v" + std::to_string(e.schema_version) + ".json";
}
std::string data_and_pii(const chronicle::schemas::encoded_event& e) {
  return "{\"data\":" + e.data + ",\"pii\":" + e.pii + "}";
}
chronicle::event_envelope envelope_for(const chronicle::schemas::encoded_event& ev, std::string stream) {
  chronicle::event_envelope e;
  e.id = chronicle::make_uuid_v7(1'700'000'000'123, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0});
  e.type = ev.type;
  e.tenant = "acme_farm";
  e.stream = std::move(stream);
  e.stream_version = 4;
  e.occurred_at = 1'700'000'000'123'456;
  e.actor = "key_01";
  e.actor_role = "staff";
  e.command_id = chronicle::make_uuid_v7(1'700'000'000'120, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  e.data = ev.data;
  e.pii = ev.pii;
  return e;
}

// A std::map kv_store, enough to run a projection in a unit test.
struct map_kv final : chronicle::projections::kv_store {
  std::map<std::string, std::string> m;
  chronicle::result<std::optional<std::string>> get(std::string_view k) override {
    auto it = m.find(std::string(k));
    return it == m.end() ? std::optional<std::string>{} : std::optional<std::string>{it->second};
  }
  chronicle::status write(const std::vector<chronicle::projections::kv_write>& b) override {
    for (auto& w : b) {
      if (w.value) m[w.key] = *w.value;
      else m.erase(w.key);
    }
    return {};
  }
  chronicle::result<chronicle::projections::kv_pairs> scan(std::string_view prefix, std::string_view after,
                                                           std::size_t limit, bool reverse) override {
    chronicle::projections::kv_pairs out;
    for (auto& [k, v] : m) {
      if (!k.starts_with(prefix)) continue;
      if (!after.empty() && (reverse ? k >= after : k <= after)) continue;
      out.emplace_back(k, v);
    }
    if (reverse) std::reverse(out.begin(), out.end());
    if (out.size() > limit) out.resize(limit);
    return out;
  }
  chronicle::status compact() override { return {}; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(activity_event_schemas)

BOOST_AUTO_TEST_CASE(every_encoded_activity_event_validates_against_its_schema_and_the_envelope) {
  for (auto& [label, ev] : activity_events()) {
    BOOST_TEST_CONTEXT(label) {
      auto enc = acodec::encode_event(ev);
      check_valid(schema_file(path_of(enc)), data_and_pii(enc));
      auto env = envelope_for(enc, chronicle::stream_name(activity::category, "acme_farm", cust));
      check_valid(schema_file("schemas/events/envelope.v1.json"), chronicle::schemas::encode_envelope(env));
    }
  }
}

BOOST_AUTO_TEST_CASE(every_encoded_tag_event_validates_against_its_schema_and_holds_no_personal_data) {
  for (auto& [label, ev] : tag_events()) {
    BOOST_TEST_CONTEXT(label) {
      auto enc = tcodec::encode_event(ev);
      check_valid(schema_file(path_of(enc)), data_and_pii(enc));
      BOOST_TEST(enc.pii == "{}");
      BOOST_TEST(enc.subject.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(free_text_is_only_in_pii_and_names_the_customer_as_subject) {
  for (auto& [label, ev] : activity_events()) {
    BOOST_TEST_CONTEXT(label) {
      auto enc = acodec::encode_event(ev);
      if (enc.pii == "{}") BOOST_TEST(enc.subject.empty());
      else BOOST_TEST(enc.subject == cust);
      for (auto text : {"Called about", "Box came late", "Refunded", "Follow up", "Call back", "Now a sale"})
        BOOST_TEST(enc.data.find(text) == std::string::npos, text << " in data: " << enc.data);
    }
  }
}

BOOST_AUTO_TEST_CASE(encoded_events_decode_to_themselves_and_erased_ones_to_erased_texts) {
  for (auto& [label, ev] : activity_events()) {
    BOOST_TEST_CONTEXT(label) {
      auto enc = acodec::encode_event(ev);
      auto env = envelope_for(enc, "activity-acme_farm-" + cust);
      auto back = acodec::decode_event(env);
      BOOST_REQUIRE(back.ok());
      BOOST_TEST(acodec::encode_event(*back).data == enc.data);
      BOOST_TEST(acodec::encode_event(*back).pii == enc.pii);
      if (enc.pii == "{}") continue;
      env.pii = std::string(chronicle::erased_pii);
      auto erased = acodec::decode_event(env);
      BOOST_REQUIRE(erased.ok());
      auto again = acodec::encode_event(*erased);
      BOOST_TEST(again.data == enc.data);
      BOOST_TEST(again.pii.find("[erased]") != std::string::npos, again.pii);
    }
  }
}

BOOST_AUTO_TEST_CASE(edited_events_fail_their_schemas) {
  auto note = acodec::encode_event(activity::note_added{cust, id1, "support", "key1", "x"});
  auto& ns = schema_file("schemas/events/note.added.v1.json");
  check_invalid(ns, R"({"data":{"customer_id":")" + cust + R"(","note_id":")" + id1 + R"(","type":"gossip","author":"k"},"pii":{"body":"x"}})");
  check_invalid(ns, R"({"data":{"customer_id":")" + cust + R"(","note_id":")" + id1 + R"(","type":"general","author":"k","body":"x"},"pii":{"body":"x"}})");
  check_invalid(ns, R"({"data":{"customer_id":")" + cust + R"(","note_id":")" + id1 + R"(","type":"general","author":"k"},"pii":{}})");
  auto& is = schema_file("schemas/events/interaction.logged.v1.json");
  check_invalid(is, R"({"data":{"customer_id":")" + cust + R"(","interaction_id":")" + id1 +
                        R"(","channel":"call","direction":"in","occurred_at":"2026-01-01T00:00:00Z"},"pii":{"subject":"","summary":"","outcome":""}})");
  auto& ts = schema_file("schemas/events/task.created.v1.json");
  check_invalid(ts, R"({"data":{"customer_id":")" + cust + R"(","task_id":")" + id1 + R"(","due_on":"31/01/2026"},"pii":{"title":"x"}})");
  check_invalid(ts, R"({"data":{"customer_id":")" + cust + R"(","task_id":")" + id1 + R"(","title":"x"},"pii":{"title":"x"}})");
  auto& gs = schema_file("schemas/events/tag.created.v1.json");
  check_invalid(gs, R"({"data":{"tag_id":")" + id1 + R"(","name":"x","colour":"#AABBCC"},"pii":{}})");
  check_invalid(gs, R"({"data":{"tag_id":")" + id1 + R"(","name":"x","colour":"#aabbcc"},"pii":{"name":"x"}})");
}

BOOST_AUTO_TEST_CASE(every_ref_in_the_new_schemas_resolves) {
  for (auto name : {"note.added", "note.edited", "note.deleted", "interaction.logged", "task.created", "task.updated",
                    "task.completed", "task.reopened", "tag.created", "tag.updated", "tag.deleted"}) {
    auto path = "schemas/events/" + std::string(name) + ".v1.json";
    for (auto& ref : schema_file(path).refs()) BOOST_TEST(schema_file(path).resolves(ref), path << " " << ref);
  }
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

struct body_case {
  std::string body;
  bool valid;  // the schema accepts it; then the parser must too, and the reverse
};

template <class Parse>
void check_bodies(const std::vector<body_case>& cases, Parse parse, const std::string& command, const std::string& component) {
  for (auto& c : cases) {
    BOOST_TEST_CONTEXT(command << " " << c.body.substr(0, 80)) {
      auto file = schema_file("schemas/commands/" + command + ".v1.json").validate(c.body);
      auto api = openapi().validate(c.body, "#/components/schemas/" + component);
      BOOST_TEST(file.empty() == c.valid, joined(file));
      BOOST_TEST(api.empty() == c.valid, joined(api));
      bool parsed = parse(c.body).ok();
      // The parser checks the shape; values (lengths, enums, dates) are the
      // domain's. A schema-valid body always parses; a shape error never does.
      if (c.valid) BOOST_TEST(parsed);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(activity_command_schemas)

BOOST_AUTO_TEST_CASE(tag_bodies) {
  check_bodies({{R"({"name":"VIP"})", true},
                {R"({"name":"VIP","colour":"#AaBbCc","description":null})", true},
                {R"({"name":"VIP","colour":"red"})", false},
                {R"({"colour":"#aabbcc"})", false},
                {R"({"name":"VIP","extra":1})", false},
                {R"({"name":""})", false}},
               tcodec::parse_create, "tags.create", "CreateTag");
  check_bodies({{R"({})", true}, {R"({"description":null})", true}, {R"({"name":null})", false}, {R"({"name":1})", false}},
               tcodec::parse_update, "tags.update", "UpdateTag");
  BOOST_TEST(!tcodec::parse_create(R"({"colour":"#aabbcc"})").ok());
  BOOST_TEST(!tcodec::parse_create(R"({"name":"VIP","extra":1})").ok());
  BOOST_TEST(!tcodec::parse_update(R"({"name":null})").ok());
}

BOOST_AUTO_TEST_CASE(note_bodies) {
  check_bodies({{R"({"body":"hi"})", true},
                {R"({"type":"billing","body":"hi"})", true},
                {R"({"type":"gossip","body":"hi"})", false},
                {R"({"type":"general"})", false},
                {R"({"body":"hi","author":"me"})", false}},
               acodec::parse_add_note, "notes.add", "AddNote");
  check_bodies({{R"({})", true}, {R"({"type":"sales"})", true}, {R"({"body":null})", false}},
               acodec::parse_edit_note, "notes.edit", "EditNote");
  for (auto bad : {R"({"type":"general"})", R"({"body":"hi","author":"me"})", R"({"body":5})"})
    BOOST_TEST(!acodec::parse_add_note(bad).ok(), bad);
}

BOOST_AUTO_TEST_CASE(interaction_bodies) {
  check_bodies({{R"({"channel":"call","direction":"inbound"})", true},
                {R"({"channel":"email","direction":"outbound","subject":"s","summary":"m","outcome":"o","occurred_at":"2026-01-02T03:04:05Z","follow_up_on":"2026-01-09"})", true},
                {R"({"channel":"call"})", false},
                {R"({"channel":"call","direction":"inbound","occurred_at":"yesterday"})", false},
                {R"({"channel":"call","direction":"inbound","follow_up_on":"next week"})", false},
                {R"({"channel":"call","direction":"inbound","subject":null})", false}},
               acodec::parse_log_interaction, "interactions.log", "LogInteraction");
  auto bad_time = acodec::parse_log_interaction(R"({"channel":"call","direction":"inbound","occurred_at":"yesterday"})");
  BOOST_REQUIRE(!bad_time.ok());
  BOOST_TEST(bad_time.err().fields.at(0).field == "occurred_at");
  BOOST_TEST(bad_time.err().fields.at(0).code == "invalid_format");
}

BOOST_AUTO_TEST_CASE(task_bodies) {
  check_bodies({{R"({"title":"Call"})", true},
                {R"({"title":"Call","due_on":"2026-01-31","assignee":"sam"})", true},
                {R"({"due_on":"2026-01-31"})", false},
                {R"({"title":"Call","due_at":"2026-01-31T10:00:00Z"})", false}},
               acodec::parse_create_task, "tasks.create", "CreateTask");
  check_bodies({{R"({"done":true})", true},
                {R"({"due_on":null,"assignee":null,"title":"x"})", true},
                {R"({"done":"yes"})", false},
                {R"({"title":null})", false}},
               acodec::parse_update_task, "tasks.update", "UpdateTask");
  BOOST_TEST(!acodec::parse_update_task(R"({"done":"yes"})").ok());
  BOOST_TEST(!acodec::parse_create_task(R"({"title":"Call","due_at":"2026-01-31T10:00:00Z"})").ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(activity_resources)

BOOST_AUTO_TEST_CASE(rendered_tags_match_the_tag_component) {
  auto t = tags::evolve(tags::tag{}, tags::tag_created{id1, "VIP", "#aabbcc", ""}, 1'700'000'000'000'000);
  check_valid(openapi(), tcodec::render(t, 1), "#/components/schemas/Tag");
  t = tags::evolve(t, tags::tag_updated{id1, std::nullopt, std::nullopt, std::string("Top")}, 1'700'000'000'000'001);
  check_valid(openapi(), tcodec::render(t, 2), "#/components/schemas/Tag");
  check_valid(openapi(), "{\"items\":[" + tcodec::render(t, 2) + "],\"next_cursor\":null}", "#/components/schemas/TagPage");
}

BOOST_AUTO_TEST_CASE(rendered_notes_interactions_and_tasks_match_their_components) {
  acodec::note_doc n{id1, cust, "support", "hi", "key1", "staff", 1'700'000'000'000'000, 1'700'000'000'000'001,
                     {{1'700'000'000'000'001, "key2", "general", "hello"}}};
  check_valid(openapi(), acodec::render(n), "#/components/schemas/Note");
  n.author_role.clear();
  check_valid(openapi(), acodec::render(n), "#/components/schemas/Note");
  auto parsed = acodec::parse_note_doc(acodec::render(n));
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(acodec::render(*parsed) == acodec::render(n));
  acodec::interaction_doc i{id1, cust, "call", "inbound", "", "sum", "", "key1", "admin", 1'700'000'000'000'000,
                            1'700'000'000'000'005, id2};
  check_valid(openapi(), acodec::render(i), "#/components/schemas/Interaction");
  auto pi = acodec::parse_interaction_doc(acodec::render(i));
  BOOST_REQUIRE(pi.ok());
  BOOST_TEST(acodec::render(*pi) == acodec::render(i));
  acodec::task_doc t{id2, cust, "Call", "2026-01-31", "", "key1", id1, true, 1'700'000'000'000'000, 1'700'000'000'000'009,
                     1'700'000'000'000'009};
  check_valid(openapi(), acodec::render(t), "#/components/schemas/Task");
  auto pt = acodec::parse_task_doc(acodec::render(t));
  BOOST_REQUIRE(pt.ok());
  BOOST_TEST(acodec::render(*pt) == acodec::render(t));
  check_valid(openapi(), "{\"items\":[" + acodec::render(t) + "],\"next_cursor\":\"t1.x\"}", "#/components/schemas/TaskPage");
}

BOOST_AUTO_TEST_CASE(timeline_entries_match_the_timeline_entry_component_before_and_after_erasure) {
  map_kv kv;
  auto timeline = chronicle::projections::make_timeline_projection();
  chronicle::projections::view_batch batch(kv);
  auto note = envelope_for(acodec::encode_event(activity::note_added{cust, id1, "general", "key1", "hi"}),
                           "activity-acme_farm-" + cust);
  BOOST_REQUIRE(timeline->apply(note, batch).ok());
  chronicle::event_envelope erased = note;
  erased.id = chronicle::make_uuid_v7(1'700'000'000'200, {7, 7, 7, 7, 7, 7, 7, 7, 7, 7});
  erased.type = "subject.erased";
  erased.stream = "customer-acme_farm-" + cust;
  erased.stream_version = 2;
  erased.occurred_at += 10;
  erased.actor_role.clear();
  erased.data = R"({"customer_id":")" + cust + R"(","subject":")" + cust + R"("})";
  erased.pii = "{}";
  BOOST_REQUIRE(timeline->apply(erased, batch).ok());
  BOOST_REQUIRE(kv.write(batch.take()).ok());
  auto page = chronicle::projections::timeline_queries::list(kv, "acme_farm", cust, {}, "", 10);
  BOOST_REQUIRE(page.ok());
  BOOST_REQUIRE_EQUAL(page->items.size(), 2u);
  for (auto& item : page->items) check_valid(openapi(), item, "#/components/schemas/TimelineEntry");
  BOOST_TEST(page->items[1].find("\"personal\":{\"erased\":true}") != std::string::npos, page->items[1]);
  BOOST_TEST(page->items[0].find("Personal data erased") != std::string::npos, page->items[0]);
}

BOOST_AUTO_TEST_SUITE_END()
