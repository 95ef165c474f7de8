#pragma once
// A customer's activity: notes, logged interactions and follow-up tasks, one
// stream per customer (activity-<tenant>-<customer id>, topic "customers", so
// it shares the customer's partition). The state holds only what decisions
// need: ids, authors, flags. Every free text (note body, interaction subject,
// summary and outcome, task title) is personal data about the customer and
// travels only in the events, sealed for the customer.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/result.hpp"

namespace chronicle::activity {

inline constexpr std::string_view category = "activity";
inline constexpr std::string_view topic = "customers";

inline constexpr std::string_view note_types[] = {"general", "support", "sales", "billing"};
inline constexpr std::string_view channels[] = {"email", "call", "meeting", "chat", "ticket", "order"};
inline constexpr std::string_view directions[] = {"inbound", "outbound"};

struct note_ref {
  std::string id, author;
  bool deleted = false;
};
struct task_ref {
  std::string id;
  bool done = false;
};
struct state {
  bool exists = false;
  std::string customer_id;
  std::vector<note_ref> notes;
  std::vector<task_ref> tasks;
  std::uint64_t interactions = 0;
  // The item the latest command created or changed: an Idempotency-Key
  // replay answers with the same resource.
  std::string last;
};

// ---- commands (ids are fresh ULIDs passed in) ----
struct add_note {
  std::string customer_id, note_id, author;
  std::string type = "general";
  std::string body;
};
struct edit_note {
  std::string customer_id, note_id;
  std::optional<std::string> type, body;
};
struct delete_note {
  std::string customer_id, note_id;
};
struct log_interaction {
  std::string customer_id, interaction_id;
  std::string channel, direction;
  std::optional<std::string> subject, summary, outcome;
  std::optional<std::int64_t> occurred_at;  // nullopt: now
  std::optional<std::string> follow_up_on;  // YYYY-MM-DD: also opens a task
  std::string follow_up_task_id;            // REQUIRES: set when follow_up_on is
};
struct create_task {
  std::string customer_id, task_id;
  std::string title;
  std::optional<std::string> due_on, assignee;
};
// A merge patch; an empty due_on or assignee clears it.
struct update_task {
  std::string customer_id, task_id;
  std::optional<std::string> title, due_on, assignee;
  std::optional<bool> done;
};

// ---- events ----
struct note_added {
  std::string customer_id, note_id, type, author, body;
};
struct note_edited {
  std::string customer_id, note_id;
  std::optional<std::string> type, body;
};
struct note_deleted {
  std::string customer_id, note_id;
};
struct interaction_logged {
  std::string customer_id, interaction_id, channel, direction;
  std::int64_t occurred_at = 0;
  std::string follow_up_task_id;  // empty: none
  std::string subject, summary, outcome;
};
struct task_created {
  std::string customer_id, task_id;
  std::string due_on, assignee;  // empty: none
  std::string source_interaction;  // the interaction that asked for it, if any
  std::string title;
};
struct task_updated {
  std::string customer_id, task_id;
  std::optional<std::string> due_on, assignee, title;  // "" clears due_on / assignee
};
struct task_completed {
  std::string customer_id, task_id;
};
struct task_reopened {
  std::string customer_id, task_id;
};
using event = std::variant<note_added, note_edited, note_deleted, interaction_logged, task_created, task_updated,
                           task_completed, task_reopened>;

result<std::vector<event>> decide(const state& s, const add_note& cmd);
result<std::vector<event>> decide(const state& s, const edit_note& cmd);
// Deleting a deleted note yields no event; an unknown note is not found.
result<std::vector<event>> decide(const state& s, const delete_note& cmd);
// `now`: µs since the epoch; occurred_at may be at most a day ahead of it.
result<std::vector<event>> decide(const state& s, const log_interaction& cmd, std::int64_t now);
result<std::vector<event>> decide(const state& s, const create_task& cmd);
result<std::vector<event>> decide(const state& s, const update_task& cmd);
state evolve(state s, const event& e);

// A calendar date "YYYY-MM-DD" that exists (leap years included).
bool is_date(std::string_view s) noexcept;
// The follow-up task of an interaction is titled after it.
std::string follow_up_title(std::string_view channel, std::string_view subject);

}  // namespace chronicle::activity
