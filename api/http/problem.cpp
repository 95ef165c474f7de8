#include "api/http/problem.hpp"

#include "schemas/json_writer.hpp"

namespace chronicle::api {

int status_of(errc kind) noexcept {
  switch (kind) {
    case errc::ok: return 200;
    case errc::invalid_argument: return 400;
    case errc::unauthenticated: return 401;
    case errc::permission_denied: return 403;
    case errc::not_found: return 404;
    case errc::already_exists: return 409;
    case errc::failed_precondition: return 409;
    case errc::version_conflict: return 412;
    case errc::idempotency_mismatch: return 422;
    case errc::unavailable: return 503;
    case errc::timeout: return 503;
    case errc::internal: return 500;
  }
  return 500;
}

namespace {
std::string_view title_of(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

http_response render(int status, const std::string& code, const std::string& detail,
                     const std::vector<field_error>& fields, const std::string& existing_id = {},
                     std::optional<std::int64_t> available = std::nullopt,
                     const std::vector<std::string>* allowed = nullptr) {
  http_response r;
  r.status = status;
  r.content_type = "application/problem+json";
  json::writer w;
  w.begin_object()
      .key("type").value("urn:chronicle:problem:" + code)
      .key("title").value(title_of(status))
      .key("status").value(status)
      .key("detail").value(detail)
      .key("code").value(code);
  if (!existing_id.empty()) w.key("existing_id").value(existing_id);
  if (allowed && (!allowed->empty() || code == "invalid_transition")) {
    w.key("allowed").begin_array();
    for (auto& a : *allowed) w.value(a);
    w.end_array();
  }
  if (available) w.key("available").value(*available);
  if (!fields.empty()) {
    w.key("errors").begin_array();
    for (auto& f : fields)
      w.begin_object().key("field").value(f.field).key("code").value(f.code).key("message").value(f.message).end_object();
    w.end_array();
  }
  w.end_object();
  r.body = w.take();
  if (status == 503) r.headers.emplace_back("Retry-After", "1");
  return r;
}
}  // namespace

http_response problem(const error& e) {
  return render(status_of(e.kind), e.code, e.message, e.fields, e.existing_id, e.available, &e.allowed);
}

http_response problem(int status, std::string code, std::string detail) {
  return render(status, code, detail, {});
}

}  // namespace chronicle::api
