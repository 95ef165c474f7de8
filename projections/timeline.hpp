#pragma once
// The `timeline` read model: every event of a customer's streams on the
// customers topic (customer-*, activity-*, whatever types they hold) and of
// the customer's orders on the orders topic (order-*: placement, transitions,
// changes, returns, refunds), newest first. Built only from the envelopes, so nothing is ever missing and a
// replay gives the same bytes; unknown types are rendered generically.
//
//   timeline/e/<tenant>/<customer>/<occurred_at hex16><stream_version hex8><event id> → "<n>|<TimelineEntry>"
//   timeline/x/<tenant>/<customer>                               → erased marker
//   timeline/o/<tenant>/<order>                                  → the order's customer
//
// `n` is where the entry's `details.personal` object starts, so erasure can
// replace it by {"erased":true} without parsing. Erasure does that for every
// entry whose event carried personal data (a replay yields the same once the
// key is destroyed); entries of later events are stored erased too.
#include <memory>
#include <string>
#include <vector>

#include "projections/projection.hpp"

namespace chronicle::projections {

std::unique_ptr<projection> make_timeline_projection();

struct timeline_page {
  std::vector<std::string> items;  // rendered TimelineEntry objects
  std::string next_cursor;         // empty: no more
};

namespace timeline_queries {
// `types`: only these event types (empty: all). REQUIRES: 1 <= limit <= 200.
result<timeline_page> list(kv_store& kv, std::string_view tenant, std::string_view customer,
                           const std::vector<std::string>& types, std::string_view cursor, std::size_t limit);
}  // namespace timeline_queries

// A short, non-personal description of an event type: "note.added" →
// "Note added".
std::string timeline_summary(std::string_view type);

}  // namespace chronicle::projections
