#include "schemas/order_batch_codec.hpp"

#include <algorithm>

#include "schemas/detail/json_in.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas::order_batch_codec {
namespace d = json::detail;

namespace {
error invalid(std::vector<field_error> errors) {
  return error::invalid("validation_failed", "the request body has invalid fields", std::move(errors));
}
bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}
}  // namespace

result<batch_body> parse_batch(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj,
                  {{"action", d::kind::string},
                   {"ids", d::kind::array},
                   {"requested_delivery_date", d::kind::string},
                   {"reason", d::kind::string, true}},
                  errors);
  batch_body b;
  b.action = d::opt_string(*obj, "action").value_or("");
  if (!d::has(*obj, "action")) errors.push_back({"action", "required", "action is required"});
  else if (std::find(std::begin(actions), std::end(actions), b.action) == std::end(actions))
    errors.push_back({"action", "invalid_value",
                      "action is one of confirm, process, ready, dispatch, deliver, cancel, set_delivery_date"});
  if (!d::has(*obj, "ids")) {
    errors.push_back({"ids", "required", "ids is required: the order ids"});
  } else {
    simdjson::dom::element ids;
    if (!(*obj)["ids"].get(ids)) b.ids = d::string_array(ids, "ids", errors);
    if (b.ids.empty() && errors.empty()) errors.push_back({"ids", "required", "give at least one order id"});
    if (b.ids.size() > max_ids)
      errors.push_back({"ids", "too_many", "at most 100 ids per request; split the batch"});
    for (std::size_t i = 0; i < b.ids.size(); ++i)
      if (std::find(b.ids.begin(), b.ids.begin() + static_cast<std::ptrdiff_t>(i), b.ids[i]) != b.ids.begin() + static_cast<std::ptrdiff_t>(i))
        errors.push_back({"ids[" + std::to_string(i) + "]", "duplicate", "this id is already in the list"});
  }
  auto date = d::opt_string(*obj, "requested_delivery_date");
  if (b.action == "set_delivery_date") {
    if (!date) errors.push_back({"requested_delivery_date", "required", "set_delivery_date needs requested_delivery_date"});
    else if (!is_date(*date)) errors.push_back({"requested_delivery_date", "invalid_format", "a date, YYYY-MM-DD"});
    else b.requested_delivery_date = *date;
  } else if (date) {
    errors.push_back({"requested_delivery_date", "not_allowed", "only set_delivery_date takes a date"});
  }
  if (d::has(*obj, "reason") && !d::is_null(*obj, "reason")) {
    if (b.action != "cancel") errors.push_back({"reason", "not_allowed", "only cancel takes a reason"});
    else b.reason = d::opt_string(*obj, "reason").value_or("");
  }
  if (!errors.empty()) return invalid(std::move(errors));
  return b;
}

std::string render_batch_result(std::string_view action, const std::vector<std::string>& succeeded,
                                const std::vector<failure>& failed) {
  json::writer w;
  w.begin_object().key("action").value(action).key("succeeded").begin_array();
  for (auto& id : succeeded) w.value(id);
  w.end_array().key("failed").begin_array();
  for (auto& f : failed)
    w.begin_object().key("id").value(f.id).key("code").value(f.code).key("message").value(f.message).end_object();
  w.end_array().end_object();
  return w.take();
}

result<place_from_template_body> parse_place_from_template(std::string_view body) {
  place_from_template_body b;
  if (body.empty()) return b;
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj,
                  {{"customer_id", d::kind::string}, {"requested_delivery_date", d::kind::string}, {"notes", d::kind::string}},
                  errors);
  b.customer_id = d::opt_string(*obj, "customer_id");
  b.requested_delivery_date = d::opt_string(*obj, "requested_delivery_date");
  if (b.requested_delivery_date && !is_date(*b.requested_delivery_date))
    errors.push_back({"requested_delivery_date", "invalid_format", "a date, YYYY-MM-DD"});
  b.notes = d::opt_string(*obj, "notes");
  if (!errors.empty()) return invalid(std::move(errors));
  return b;
}

}  // namespace chronicle::schemas::order_batch_codec
