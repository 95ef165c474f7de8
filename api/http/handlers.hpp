#pragma once
// Internal to api/http: the route handlers, one file per area, and the small
// helpers they share. Each handler answers through `reply` exactly once.
#include <functional>
#include <optional>
#include <string>

#include "api/http/app.hpp"
#include "api/http/problem.hpp"
#include "commands/customer_commands.hpp"

namespace chronicle::api {

using reply = std::function<void(http_response)>;

struct request_scope {
  const http_request& req;
  const access::principal& who;
  std::string id;      // the {id} of the path, if any
  std::string sub_id;  // a second path parameter ({address_id}, {tag_id}, {note_id}, {task_id}, ...), if any
};

namespace handlers {
void register_customer(app_services& s, const request_scope& r, reply done);
void update_customer(app_services& s, const request_scope& r, reply done);
void erase_customer(app_services& s, const request_scope& r, reply done);
void get_customer(app_services& s, const request_scope& r, reply done);
void list_customers(app_services& s, const request_scope& r, reply done);
void bulk_customers(app_services& s, const request_scope& r, reply done);
void deactivate_customer(app_services& s, const request_scope& r, reply done);
void reactivate_customer(app_services& s, const request_scope& r, reply done);
void list_addresses(app_services& s, const request_scope& r, reply done);
void add_address(app_services& s, const request_scope& r, reply done);
void get_address(app_services& s, const request_scope& r, reply done);
void update_address(app_services& s, const request_scope& r, reply done);
void remove_address(app_services& s, const request_scope& r, reply done);
void tag_customer(app_services& s, const request_scope& r, reply done);
void untag_customer(app_services& s, const request_scope& r, reply done);
void create_api_key(app_services& s, const request_scope& r, reply done);
void list_api_keys(app_services& s, const request_scope& r, reply done);
void revoke_api_key(app_services& s, const request_scope& r, reply done);
void list_audit(app_services& s, const request_scope& r, reply done);
void list_tags(app_services& s, const request_scope& r, reply done);
void create_tag(app_services& s, const request_scope& r, reply done);
void get_tag(app_services& s, const request_scope& r, reply done);
void update_tag(app_services& s, const request_scope& r, reply done);
void delete_tag(app_services& s, const request_scope& r, reply done);
void list_notes(app_services& s, const request_scope& r, reply done);
void add_note(app_services& s, const request_scope& r, reply done);
void get_note(app_services& s, const request_scope& r, reply done);
void edit_note(app_services& s, const request_scope& r, reply done);
void delete_note(app_services& s, const request_scope& r, reply done);
void list_interactions(app_services& s, const request_scope& r, reply done);
void log_interaction(app_services& s, const request_scope& r, reply done);
void get_interaction(app_services& s, const request_scope& r, reply done);
void list_customer_tasks(app_services& s, const request_scope& r, reply done);
void create_task(app_services& s, const request_scope& r, reply done);
void update_task(app_services& s, const request_scope& r, reply done);
void list_tasks(app_services& s, const request_scope& r, reply done);
void customer_timeline(app_services& s, const request_scope& r, reply done);
void list_order_templates(app_services& s, const request_scope& r, reply done);
void create_order_template(app_services& s, const request_scope& r, reply done);
void get_order_template(app_services& s, const request_scope& r, reply done);
void update_order_template(app_services& s, const request_scope& r, reply done);
void delete_order_template(app_services& s, const request_scope& r, reply done);
void order_report(app_services& s, const request_scope& r, reply done);
void place_order(app_services& s, const request_scope& r, reply done);
void list_orders(app_services& s, const request_scope& r, reply done);
void get_order(app_services& s, const request_scope& r, reply done);
void update_order(app_services& s, const request_scope& r, reply done);
void order_verb(app_services& s, const request_scope& r, reply done);
void customer_orders(app_services& s, const request_scope& r, reply done);
void request_return(app_services& s, const request_scope& r, reply done);
void get_return(app_services& s, const request_scope& r, reply done);
void return_verb(app_services& s, const request_scope& r, reply done);
void issue_refund(app_services& s, const request_scope& r, reply done);
void list_products(app_services& s, const request_scope& r, reply done);
void create_product(app_services& s, const request_scope& r, reply done);
void get_product(app_services& s, const request_scope& r, reply done);
void update_product(app_services& s, const request_scope& r, reply done);
void change_stock(app_services& s, const request_scope& r, reply done);
void place_from_template(app_services& s, const request_scope& r, reply done);
void batch_orders(app_services& s, const request_scope& r, reply done);
}  // namespace handlers

// ---- shared helpers ----
http_response json_response(int status, std::string body);
std::optional<http_response> require_json(const http_request& req);
std::optional<http_response> idempotency_key(const http_request& req, std::string& key);
std::optional<http_response> if_match(const http_request& req, std::optional<std::uint64_t>& out);
// The headers of a write to an existing resource, in the order they are
// checked: Content-Type (when it carries a body), Idempotency-Key, If-Match.
std::optional<http_response> write_headers(const http_request& req, bool with_body, std::string& key,
                                           std::optional<std::uint64_t>& expected);
commands::command_meta meta_of(const request_scope& r, std::string key, std::string_view canonical_path);
// Parses limit (1–200, default 50) and cursor; any other parameter than
// those and `extra` is rejected.
std::optional<http_response> page_params(const http_request& req, std::size_t& limit, std::string& cursor,
                                         std::initializer_list<std::string_view> extra = {});
// A list answer {"items":[...],"next_cursor":"..."|null[,"total":n]}, written
// item by item (each already rendered as JSON).
class page_writer {
 public:
  void item(std::string_view rendered) {
    if (!first_) body_.push_back(',');
    first_ = false;
    body_.append(rendered);
  }
  std::string finish(const std::string& next_cursor, std::optional<std::uint64_t> total = std::nullopt);

 private:
  std::string body_ = "{\"items\":[";
  bool first_ = true;
};
// On the slow pool: waits (up to 5 s) until the views have passed `token`,
// then calls `then(reached)`.
void after_views_reach(app_services& s, const std::string& token, std::function<void(bool reached)> then);

}  // namespace chronicle::api
