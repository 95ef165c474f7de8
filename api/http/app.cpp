#include "api/http/app.hpp"

#include <charconv>
#include <cstdio>

#include "api/http/problem.hpp"
#include "api/http/routes.hpp"
#include "commands/customer_commands.hpp"
#include "domain/ids.hpp"
#include "projections/customers.hpp"
#include "schemas/customer_codec.hpp"
#include "schemas/envelope_codec.hpp"
#include "schemas/json_writer.hpp"
#include "schemas/openapi.hpp"

namespace chronicle::api {
namespace codec = schemas::customer_codec;

// ---- routes ---------------------------------------------------------------------

const std::vector<route_info>& route_table() {
  static const std::vector<route_info> routes = {
      {"POST", "/v1/customers", "customers.register"},
      {"GET", "/v1/customers", "customers.list"},
      {"GET", "/v1/customers/{id}", "customers.get"},
      {"PATCH", "/v1/customers/{id}", "customers.update"},
      {"GET", "/v1/openapi.json", "openapi"},
      {"GET", "/healthz", "health"},
      {"GET", "/readyz", "ready"},
      {"GET", "/metrics", "metrics"},
  };
  return routes;
}

namespace {

enum route_id : std::size_t {
  r_register, r_list, r_get, r_update, r_openapi, r_health, r_ready, r_metrics, r_none
};

// Matches "/v1/customers/{id}" against a path; captures the {..} segment.
bool match(std::string_view tmpl, std::string_view path, std::string* capture) {
  while (!tmpl.empty() && !path.empty()) {
    auto ts = tmpl.find('/', 1), ps = path.find('/', 1);
    auto tseg = tmpl.substr(0, ts), pseg = path.substr(0, ps);
    if (tseg.size() > 1 && tseg[1] == '{') {
      if (pseg.size() <= 1) return false;
      if (capture) capture->assign(pseg.substr(1));
    } else if (tseg != pseg) {
      return false;
    }
    tmpl = ts == std::string_view::npos ? std::string_view{} : tmpl.substr(ts);
    path = ps == std::string_view::npos ? std::string_view{} : path.substr(ps);
  }
  return tmpl.empty() && path.empty();
}

http_response json_response(int status, std::string body) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

bool is_json(std::string_view content_type) {
  auto semi = content_type.find(';');
  auto media = content_type.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower;
  for (char c : media) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower == "application/json" || lower == "application/merge-patch+json";
}

std::optional<http_response> require_json(const http_request& req) {
  if (!is_json(req.header("content-type")))
    return problem(415, "unsupported_media_type", "send the body as application/json");
  return std::nullopt;
}

// Idempotency-Key: 1–255 visible ASCII characters.
std::optional<http_response> idempotency_key(const http_request& req, std::string& key) {
  key = std::string(req.header("idempotency-key"));
  if (key.empty()) return std::nullopt;
  bool ok = key.size() <= 255;
  for (unsigned char c : key) ok = ok && c > 0x20 && c < 0x7f;
  if (!ok)
    return problem(error::invalid("invalid_header", "Idempotency-Key must be 1 to 255 visible ASCII characters",
                                  {{"Idempotency-Key", "invalid_format", "1 to 255 visible ASCII characters"}}));
  return std::nullopt;
}

commands::command_meta meta_of(const http_request& req, const app_options& o, std::string key,
                               std::string_view canonical_path) {
  commands::command_meta m;
  m.tenant = o.tenant;
  m.actor = "anonymous";
  m.idempotency_key = std::move(key);
  m.request_hash = schemas::request_hash(req.method, canonical_path, req.body);
  auto corr = req.header("x-correlation-id");
  if (corr.size() <= 128) m.correlation_id = std::string(corr);
  return m;
}

// Renders a command's outcome as the Customer resource with its headers.
http_response customer_written(const result<commands::command_outcome>& r, int created_status) {
  if (!r) return problem(r.err());
  auto& o = r.value();
  auto state = codec::decode_state(o.state);
  if (!state) return problem(state.err());
  auto resp = json_response(o.created ? created_status : 200, codec::render(*state, o.version));
  resp.headers.emplace_back("ETag", "\"" + std::to_string(o.version) + "\"");
  resp.headers.emplace_back("Location", "/v1/customers/" + state->id);
  if (!o.token.empty()) resp.headers.emplace_back("Consistency-Token", o.token);
  if (o.replayed) resp.headers.emplace_back("Idempotent-Replayed", "true");
  return resp;
}

// If-Match: "\"3\"", "W/\"3\"" or 3. "*" means "any version" (no check).
std::optional<http_response> if_match(const http_request& req, std::optional<std::uint64_t>& out) {
  auto v = req.header("if-match");
  if (v.empty() || v == "*") return std::nullopt;
  if (v.substr(0, 2) == "W/") v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || v.empty() || n == 0)
    return problem(error::invalid("invalid_header", "If-Match must be the resource's ETag, e.g. \"3\"",
                                  {{"If-Match", "invalid_format", "an ETag such as \"3\""}}));
  out = n;
  return std::nullopt;
}

}  // namespace

app::app(commands::executor& exec, projections::kv_store& views, projections::runner& runner,
         app_options opts)
    : exec_(exec), views_(views), runner_(runner), opts_(std::move(opts)) {}

std::size_t app::route_of(const http_request& req) const {
  auto& routes = route_table();
  for (std::size_t i = 0; i < routes.size(); ++i)
    if (routes[i].method == req.method && match(routes[i].path, req.path, nullptr)) return i;
  return routes.size();
}

app::wait_for app::consistency(const http_request& req) const {
  wait_for w;
  if (req.method != "GET") return w;
  std::string_view token;
  if (auto* q = req.query_param("consistent_with")) token = *q;
  else token = req.header("consistency-token");
  if (token.empty()) return w;
  w.token = decode_token(token);
  if (!w.token)
    w.rejection = problem(error::invalid("invalid_consistency_token", "the consistency token is not one this server issued",
                                         {{"consistent_with", "invalid_format", "pass the Consistency-Token of a write response"}}));
  return w;
}

void app::handle(const http_request& req, std::function<void(http_response)> done) {
  auto& routes = route_table();
  auto idx = route_of(req);
  std::string id;
  if (idx == routes.size()) {
    std::string allow;
    for (auto& r : routes)
      if (match(r.path, req.path, nullptr)) allow += (allow.empty() ? "" : ", ") + std::string(r.method);
    if (!allow.empty()) {
      auto resp = problem(405, "method_not_allowed", req.method + " is not supported here; use " + allow);
      resp.headers.emplace_back("Allow", allow);
      return done(std::move(resp));
    }
    return done(problem(404, "route_not_found", "no route for " + req.path));
  }
  match(routes[idx].path, req.path, &id);
  switch (static_cast<route_id>(idx)) {
    case r_register: return register_customer(req, std::move(done));
    case r_update: return update_customer(req, std::move(id), std::move(done));
    case r_get: return done(get_customer(req, id));
    case r_list: return done(list_customers(req));
    case r_openapi: return done(json_response(200, std::string(schemas::openapi_document())));
    case r_health: return done(json_response(200, R"({"status":"ok"})"));
    case r_ready: return done(ready());
    case r_metrics: return done(metrics_text());
    case r_none: break;
  }
  done(problem(404, "route_not_found", "no route for " + req.path));
}

void app::register_customer(const http_request& req, std::function<void(http_response)> done) {
  if (auto bad = require_json(req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(req, key)) return done(std::move(*bad));
  auto cmd = codec::parse_register(req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->id = exec_.new_id();
  auto request = commands::customer_commands::register_customer(
      meta_of(req, opts_, std::move(key), "/v1/customers"), std::move(*cmd));
  exec_.submit(std::move(request), [done = std::move(done)](result<commands::command_outcome> r) {
    done(customer_written(r, 201));
  });
}

void app::update_customer(const http_request& req, std::string id, std::function<void(http_response)> done) {
  if (!is_ulid(id)) return done(problem(404, "customer_not_found", "no customer with this id"));
  if (auto bad = require_json(req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(req, key)) return done(std::move(*bad));
  std::optional<std::uint64_t> expected;
  if (auto bad = if_match(req, expected)) return done(std::move(*bad));
  auto cmd = codec::parse_update(req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->id = id;
  auto request = commands::customer_commands::update_customer(
      meta_of(req, opts_, std::move(key), "/v1/customers/" + id), std::move(*cmd), expected);
  exec_.submit(std::move(request), [done = std::move(done)](result<commands::command_outcome> r) {
    if (!r && r.err().code == "not_found") return done(problem(404, "customer_not_found", "no customer with this id"));
    done(customer_written(r, 200));
  });
}

http_response app::get_customer(const http_request& req, const std::string& id) {
  if (!is_ulid(id)) return problem(404, "customer_not_found", "no customer with this id");
  auto v = projections::customer_queries::get(views_, opts_.tenant, id);
  if (!v) return problem(v.err());
  if (!*v) return problem(404, "customer_not_found", "no customer with this id");
  auto resp = json_response(200, std::move(**v));
  // The version is the resource's last field: ...,"version":N}
  auto pos = resp.body.rfind("\"version\":");
  if (pos != std::string::npos)
    resp.headers.emplace_back("ETag", "\"" + resp.body.substr(pos + 10, resp.body.size() - pos - 11) + "\"");
  return resp;
}

http_response app::list_customers(const http_request& req) {
  std::size_t limit = 50;
  std::string cursor;
  std::vector<field_error> errors;
  for (auto& [k, v] : req.query) {
    if (k == "limit") {
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), limit);
      if (ec != std::errc{} || p != v.data() + v.size() || limit < 1 || limit > 200)
        errors.push_back({"limit", "out_of_range", "limit must be an integer from 1 to 200"});
    } else if (k == "cursor") {
      cursor = v;
    } else if (k != "consistent_with") {
      errors.push_back({k, "unknown_parameter", "this query parameter is not supported"});
    }
  }
  if (!errors.empty()) return problem(error::invalid("invalid_parameter", "the query has invalid parameters", errors));
  auto page = projections::customer_queries::list(views_, opts_.tenant, cursor, limit);
  if (!page) return problem(page.err());
  std::string body = "{\"items\":[";
  for (std::size_t i = 0; i < page->items.size(); ++i) {
    if (i) body += ',';
    body += page->items[i];
  }
  body += "],\"next_cursor\":";
  if (page->next_cursor.empty()) body += "null";
  else json::writer::append_string(body, page->next_cursor);
  body += '}';
  return json_response(200, std::move(body));
}

http_response app::ready() {
  auto st = runner_.current();
  if (!st.failure.empty()) return problem(503, "projections_failed", "projections stopped: " + st.failure);
  if (!st.caught_up)
    return problem(503, "catching_up", "projections are catching up: " + std::to_string(st.lag_events) + " events behind");
  return json_response(200, R"({"status":"ready"})");
}

namespace {

// Prometheus text exposition, appended without fixed-size buffers.
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void help(std::string& out, std::string_view name, std::string_view type, std::string_view text) {
  out.append("# HELP ").append(name).append(" ").append(text).append("\n# TYPE ").append(name).append(" ")
      .append(type).append("\n");
}

void sample(std::string& out, std::string_view name, std::string_view labels, const std::string& value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(value).append("\n");
}

// `labels` are the histogram's own labels without `le`, e.g. route="x".
void histogram_samples(std::string& out, std::string_view name, const std::string& labels,
                       const commands::histogram& h) {
  std::uint64_t cum = 0;
  auto sep = labels.empty() ? "" : ",";
  for (std::size_t b = 0; b < commands::histogram::bounds.size(); ++b) {
    cum += h.count(b);
    sample(out, std::string(name) + "_bucket", labels + sep + "le=\"" + num(commands::histogram::bounds[b]) + "\"",
           std::to_string(cum));
  }
  sample(out, std::string(name) + "_bucket", labels + sep + "le=\"+Inf\"", std::to_string(h.total()));
  sample(out, std::string(name) + "_sum", labels, num(h.sum_seconds()));
  sample(out, std::string(name) + "_count", labels, std::to_string(h.total()));
}

}  // namespace

http_response app::metrics_text() {
  http_response r;
  r.content_type = "text/plain; version=0.0.4";
  std::string out = metrics_.render_requests();
  auto stats = exec_.stats();
  help(out, "chronicle_append_duration_seconds", "histogram",
       "Time from handing a batch to the event log until it is durable.");
  histogram_samples(out, "chronicle_append_duration_seconds", "", *stats.append_latency);
  help(out, "chronicle_appended_events_total", "counter", "Events appended to the log by this process.");
  sample(out, "chronicle_appended_events_total", "", std::to_string(stats.appended_events));
  auto st = runner_.current();
  help(out, "chronicle_projection_lag_events", "gauge", "Events in the log not yet folded into the read models.");
  sample(out, "chronicle_projection_lag_events", "", std::to_string(st.lag_events));
  help(out, "chronicle_projection_lag_seconds", "gauge",
       "Age of the newest folded event while behind; 0 when caught up.");
  sample(out, "chronicle_projection_lag_seconds", "", num(st.lag_seconds));
  help(out, "chronicle_projection_applied_events_total", "counter", "Events folded by the projections since start.");
  sample(out, "chronicle_projection_applied_events_total", "", std::to_string(st.applied_events));
  r.body = std::move(out);
  return r;
}

// ---- metrics ----------------------------------------------------------------------

http_metrics::http_metrics() {
  for (std::size_t i = 0; i <= route_table().size(); ++i) routes_.push_back(std::make_unique<per_route>());
}

void http_metrics::record(std::size_t route, int status, std::int64_t micros) noexcept {
  auto& r = *routes_[std::min(route, routes_.size() - 1)];
  r.latency.observe_us(micros);
  if (status >= 100 && status < 600) r.by_status[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);
}

std::string http_metrics::render_requests() const {
  std::string out;
  auto name = [&](std::size_t i) {
    return i < route_table().size() ? std::string(route_table()[i].name) : std::string("unmatched");
  };
  help(out, "chronicle_http_requests_total", "counter", "HTTP requests by route and status.");
  for (std::size_t i = 0; i < routes_.size(); ++i)
    for (int s = 100; s < 600; ++s) {
      auto n = routes_[i]->by_status[static_cast<std::size_t>(s)].load(std::memory_order_relaxed);
      if (n)
        sample(out, "chronicle_http_requests_total", "route=\"" + name(i) + "\",status=\"" + std::to_string(s) + "\"",
               std::to_string(n));
    }
  help(out, "chronicle_http_request_duration_seconds", "histogram", "HTTP request latency by route.");
  for (std::size_t i = 0; i < routes_.size(); ++i)
    if (routes_[i]->latency.total())
      histogram_samples(out, "chronicle_http_request_duration_seconds", "route=\"" + name(i) + "\"", routes_[i]->latency);
  return out;
}

// ---- message helpers ------------------------------------------------------------------

namespace {
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int h = hexval(in[i + 1]), l = hexval(in[i + 2]);
      if (h < 0 || l < 0) return false;
      char d = static_cast<char>(h * 16 + l);
      if (d == '\0') return false;
      out.push_back(d);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}
}  // namespace

bool parse_query(std::string_view q, std::vector<std::pair<std::string, std::string>>& out) {
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string k, v;
    if (!decode(part.substr(0, eq), k, true)) return false;
    if (eq != std::string_view::npos && !decode(part.substr(eq + 1), v, true)) return false;
    out.emplace_back(std::move(k), std::move(v));
  }
  return true;
}

bool decode_path(std::string_view in, std::string& out) { return decode(in, out, false); }

}  // namespace chronicle::api
