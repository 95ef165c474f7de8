#pragma once
// POST /v1/customers/bulk: one action for many customers, named by id or by
// a filter (the parameters of GET /v1/customers), with a result per item.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.hpp"

namespace chronicle::schemas::bulk_codec {

inline constexpr std::size_t max_ids = 1000;

struct bulk_request {
  std::string action;                                        // tag | untag | set_status
  std::vector<std::string> ids;                              // either ids (1..max_ids) ...
  bool by_filter = false;                                    // ... or a filter
  std::vector<std::pair<std::string, std::string>> filter;   // GET /v1/customers parameters
  std::vector<std::string> tag_ids;                          // tag, untag: 1..50 tag ids
  std::string status;                                        // set_status: a customer status
};

// {"action", "ids" | "filter", "tag_ids" | "status"}; unknown fields, a
// missing or doubled target, and a missing argument are field errors.
result<bulk_request> parse_bulk(std::string_view body);

struct item_failure {
  std::string id;
  error why;
};
// {"action","matched","succeeded","failed":[{"id","code","message"}]}
std::string render_result(std::string_view action, std::size_t matched, std::size_t succeeded,
                          const std::vector<item_failure>& failed);

}  // namespace chronicle::schemas::bulk_codec
