#pragma once
// application/problem+json (RFC 9457) responses. The mapping from
// chronicle::errc to HTTP status lives here and nowhere else.
#include "api/http/message.hpp"
#include "domain/errors.hpp"

namespace chronicle::api {

int status_of(errc kind) noexcept;
http_response problem(const error& e);
http_response problem(int status, std::string code, std::string detail);

}  // namespace chronicle::api
