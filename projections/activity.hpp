#pragma once
// The `activity` read model: a customer's notes, interactions and tasks, and
// the tenant-wide index of tasks by due date. Values are the API resources
// (schemas/activity_codec.hpp), so reads send stored bytes.
//
//   activity/n/<tenant>/<customer>/<note id>                     → Note
//   activity/i/<tenant>/<customer>/<occurred_at hex16><id>       → Interaction
//   activity/ii/<tenant>/<customer>/<id>                         → its occurred_at hex16
//   activity/t/<tenant>/<customer>/<task id>                     → Task
//   activity/d/<tenant>/<o|c>/<due_on or ~>/<task id>            → customer id
//   activity/a/<tenant>/<hex(assignee)>/<o|c>/<due_on or ~>/<task id> → customer id
//   activity/x/<tenant>/<customer>                               → erased marker
//
// Ids are ULIDs, so notes newest first is a reverse scan. `o`/`c`: open or
// completed; tasks without a due date sort last (`~`). Erasure rewrites every
// text of the customer to "[erased]" (what a replay yields once the key is
// gone), and any activity event that arrives after the erasure is stored
// erased too.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "projections/projection.hpp"

namespace chronicle::projections {

std::unique_ptr<projection> make_activity_projection();

struct activity_page {
  std::vector<std::string> items;      // rendered resources
  std::vector<std::string> customers;  // due_tasks(): the customer of each item
  std::string next_cursor;             // empty: no more
};

// Which tasks of the tenant-wide list. Dates are "YYYY-MM-DD"; the caller
// supplies today's date (projections read no clock).
struct task_filter {
  bool done = false;
  std::string due_from;     // inclusive; empty: from the earliest
  std::string due_to;       // inclusive; empty: to the latest
  bool with_due = false;    // only tasks with a due date
  std::optional<std::string> assignee;
};

namespace activity_queries {
// REQUIRES for every list: 1 <= limit <= 200.
result<activity_page> notes(kv_store& kv, std::string_view tenant, std::string_view customer,
                            std::string_view type, std::string_view cursor, std::size_t limit);
result<std::optional<std::string>> note(kv_store& kv, std::string_view tenant, std::string_view customer,
                                        std::string_view id);
result<activity_page> interactions(kv_store& kv, std::string_view tenant, std::string_view customer,
                                   std::string_view cursor, std::size_t limit);
result<std::optional<std::string>> interaction(kv_store& kv, std::string_view tenant, std::string_view customer,
                                               std::string_view id);
// A customer's tasks, newest first.
result<activity_page> customer_tasks(kv_store& kv, std::string_view tenant, std::string_view customer,
                                     std::string_view cursor, std::size_t limit);
result<std::optional<std::string>> task(kv_store& kv, std::string_view tenant, std::string_view customer,
                                        std::string_view id);
// The tenant's tasks ordered by due date (then id), from the due index.
result<activity_page> due_tasks(kv_store& kv, std::string_view tenant, const task_filter& f,
                                std::string_view cursor, std::size_t limit);
}  // namespace activity_queries

}  // namespace chronicle::projections
