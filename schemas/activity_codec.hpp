#pragma once
// Wire formats of a customer's activity (notes, interactions, tasks):
// request bodies → commands, events ↔ envelope data/pii, the aggregate's
// snapshot, and the read-model documents, which are the API resources
// themselves (Note, Interaction, Task in schemas/openapi.json), so a read
// sends stored bytes without re-encoding them.
//
// Free text goes in `pii` (sealed for the customer). Once the customer's key
// is destroyed, an event's texts decode as "[erased]".
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/activity.hpp"
#include "domain/envelope.hpp"
#include "domain/result.hpp"
#include "schemas/encoded_event.hpp"

namespace chronicle::schemas::activity_codec {

// ---- request bodies (ids are left empty) ----
result<activity::add_note> parse_add_note(std::string_view body);
result<activity::edit_note> parse_edit_note(std::string_view body);
result<activity::log_interaction> parse_log_interaction(std::string_view body);
result<activity::create_task> parse_create_task(std::string_view body);
result<activity::update_task> parse_update_task(std::string_view body);

// ---- events ----
encoded_event encode_event(const activity::event& e);
result<activity::event> decode_event(const event_envelope& e);
// Whether `type` is one of the activity events.
bool is_activity_type(std::string_view type) noexcept;

// ---- aggregate snapshot ----
std::string encode_state(const activity::state& s);
result<activity::state> decode_state(std::string_view json);

// ---- read-model documents = API resources ----
struct note_edit {
  std::int64_t at = 0;
  std::string author, previous_type, previous_body;
};
struct note_doc {
  std::string id, customer_id, type, body, author, author_role;
  std::int64_t created_at = 0, updated_at = 0;
  std::vector<note_edit> edits;  // oldest first
};
struct interaction_doc {
  std::string id, customer_id, channel, direction, subject, summary, outcome, author, author_role;
  std::int64_t occurred_at = 0, logged_at = 0;
  std::string follow_up_task_id;  // empty: none
};
struct task_doc {
  std::string id, customer_id, title, due_on, assignee, author, source_interaction;
  bool done = false;
  std::int64_t created_at = 0, updated_at = 0, done_at = 0;  // done_at 0: not done
};

std::string render(const note_doc& n);
std::string render(const interaction_doc& i);
std::string render(const task_doc& t);
result<note_doc> parse_note_doc(std::string_view json);
result<interaction_doc> parse_interaction_doc(std::string_view json);
result<task_doc> parse_task_doc(std::string_view json);

}  // namespace chronicle::schemas::activity_codec
