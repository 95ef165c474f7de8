#include "schemas/bulk_codec.hpp"

#include <algorithm>

#include "domain/customer.hpp"
#include "schemas/detail/json_in.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas::bulk_codec {
namespace d = json::detail;
using simdjson::dom::element;
using simdjson::dom::object;

result<bulk_request> parse_bulk(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj,
                  {{"action", d::kind::string},
                   {"ids", d::kind::array},
                   {"filter", d::kind::object},
                   {"tag_ids", d::kind::array},
                   {"status", d::kind::string}},
                  errors);
  bulk_request r;
  r.action = d::opt_string(*obj, "action").value_or("");
  if (!d::has(*obj, "action")) errors.push_back({"action", "required", "action is required"});
  else if (r.action != "tag" && r.action != "untag" && r.action != "set_status")
    errors.push_back({"action", "invalid_value", "action is one of tag, untag, set_status"});

  bool has_ids = d::has(*obj, "ids"), has_filter = d::has(*obj, "filter");
  if (has_ids == has_filter)
    errors.push_back({has_ids ? "filter" : "ids", has_ids ? "conflict" : "required",
                      "name the customers either by ids or by filter, not both"});
  element v;
  if (has_ids && !obj->at_key("ids").get(v)) {
    r.ids = d::string_array(v, "ids", errors);
    if (r.ids.empty()) errors.push_back({"ids", "too_short", "ids needs at least one customer id"});
    if (r.ids.size() > max_ids)
      errors.push_back({"ids", "too_long", "at most " + std::to_string(max_ids) + " ids per request"});
  }
  object f;
  if (has_filter && !obj->at_key("filter").get(f)) {
    r.by_filter = true;
    for (auto [k, val] : f) {
      std::string_view s;
      if (val.get(s))
        errors.push_back({"filter." + std::string(k), "invalid_type", "filter values are strings, as in a query string"});
      else
        r.filter.emplace_back(std::string(k), std::string(s));
    }
    for (auto& [k, _] : r.filter)
      if (k == "cursor" || k == "limit" || k == "sort" || k == "include")
        errors.push_back({"filter." + k, "unsupported_filter", k + " has no meaning in a bulk filter"});
  }

  if (r.action == "tag" || r.action == "untag") {
    if (!d::has(*obj, "tag_ids")) errors.push_back({"tag_ids", "required", "tag_ids is required for " + r.action});
    else if (!obj->at_key("tag_ids").get(v)) {
      r.tag_ids = d::string_array(v, "tag_ids", errors);
      if (r.tag_ids.empty()) errors.push_back({"tag_ids", "too_short", "tag_ids needs at least one tag id"});
      if (r.tag_ids.size() > customers::max_tags) errors.push_back({"tag_ids", "too_long", "at most 50 tag ids"});
    }
    if (d::has(*obj, "status")) errors.push_back({"status", "unexpected", "status belongs to set_status"});
  } else if (r.action == "set_status") {
    r.status = d::opt_string(*obj, "status").value_or("");
    if (!d::has(*obj, "status")) errors.push_back({"status", "required", "status is required for set_status"});
    else if (std::find(std::begin(customers::statuses), std::end(customers::statuses), r.status) ==
             std::end(customers::statuses))
      errors.push_back({"status", "invalid_value", "status is one of prospect, active, inactive, churned"});
    if (d::has(*obj, "tag_ids")) errors.push_back({"tag_ids", "unexpected", "tag_ids belong to tag and untag"});
  }
  if (!errors.empty()) return error::invalid("validation_failed", "the request body has invalid fields", std::move(errors));
  return r;
}

std::string render_result(std::string_view action, std::size_t matched, std::size_t succeeded,
                          const std::vector<item_failure>& failed) {
  json::writer w;
  w.begin_object()
      .key("action")
      .value(action)
      .key("matched")
      .value(static_cast<std::uint64_t>(matched))
      .key("succeeded")
      .value(static_cast<std::uint64_t>(succeeded))
      .key("failed")
      .begin_array();
  for (auto& f : failed)
    w.begin_object().key("id").value(f.id).key("code").value(f.why.code).key("message").value(f.why.message).end_object();
  w.end_array().end_object();
  return w.take();
}

}  // namespace chronicle::schemas::bulk_codec
