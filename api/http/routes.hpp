#pragma once
// The HTTP routes, as data: the OpenAPI test checks every entry against
// schemas/openapi.json, and the router dispatches on the same table.
#include <string_view>
#include <vector>

namespace chronicle::api {

struct route_info {
  std::string_view method;  // "GET", "POST", ...
  std::string_view path;    // OpenAPI template: "/v1/customers/{id}"
  std::string_view name;    // stable label for metrics: "customers.get"
};

const std::vector<route_info>& route_table();

}  // namespace chronicle::api
