// The OpenAPI document and the router agree: every routed method+path is
// documented with the route's name as operationId, and nothing documented is
// missing from the router.
#include <boost/test/unit_test.hpp>

#include <simdjson.h>

#include <set>

#include "api/http/routes.hpp"
#include "schemas/openapi.hpp"

BOOST_AUTO_TEST_SUITE(route_coverage)

BOOST_AUTO_TEST_CASE(every_route_is_in_the_openapi_document_and_vice_versa) {
  simdjson::dom::parser parser;
  simdjson::dom::object paths;
  auto doc = chronicle::schemas::openapi_document();
  BOOST_REQUIRE(!parser.parse(doc.data(), doc.size()).get_object()["paths"].get(paths));
  std::set<std::string> routed;
  for (auto& r : chronicle::api::route_table()) {
    std::string method(r.method);
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    routed.insert(method + " " + std::string(r.path));
    std::string_view op_id;
    auto err = paths[r.path][method]["operationId"].get(op_id);
    BOOST_TEST(!err, "routed but not documented: " << r.method << " " << r.path);
    if (!err) BOOST_TEST(op_id == r.name, r.method << " " << r.path);
  }
  for (auto [path, item] : paths) {
    simdjson::dom::object ops;
    BOOST_REQUIRE(!item.get(ops));
    for (auto [method, op] : ops) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      BOOST_TEST(routed.count(std::string(method) + " " + std::string(path)) == 1u,
                 "documented but not routed: " << method << " " << path);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
