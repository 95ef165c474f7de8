#pragma once
// Transport-neutral HTTP messages: the request handler is a function from
// http_request to http_response and never sees a socket, so it is tested
// without one. Only api/http/server.cpp knows Boost.Beast.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chronicle::api {

struct http_request {
  std::string method;  // upper case
  std::string path;    // without the query string, percent-decoded
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // First value or empty; `name` must be lower case.
  std::string_view header(std::string_view name) const {
    for (auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
  const std::string* query_param(std::string_view name) const {
    for (auto& [k, v] : query)
      if (k == name) return &v;
    return nullptr;
  }
};

struct http_response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Splits "a=1&b=x%20y" into decoded pairs; false on malformed escapes.
bool parse_query(std::string_view q, std::vector<std::pair<std::string, std::string>>& out);
// Percent-decodes a path; false on malformed escapes or an encoded NUL.
bool decode_path(std::string_view in, std::string& out);

}  // namespace chronicle::api
