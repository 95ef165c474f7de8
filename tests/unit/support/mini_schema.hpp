#pragma once
// A JSON Schema (draft 2020-12) validator for the subset Chronicle's schema
// files use, so tests can hold the codecs to schemas/events, schemas/commands
// and the OpenAPI components without a third-party validator. A keyword it
// does not know is reported as a violation, never skipped: a schema cannot pass
// by relying on an assertion this validator would ignore.
// Not thread-safe: use one instance per thread.
#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace chronicle::test {

class mini_schema {
 public:
  // Throws std::runtime_error when `text` is not JSON (a broken test fixture).
  explicit mini_schema(std::string_view text);
  static mini_schema from_file(const std::string& path);

  // Checks `instance` against the schema at `ref` ("#" for the whole
  // document, "#/components/schemas/Customer"). One message per violation,
  // each starting with the instance path; empty when the instance is valid.
  std::vector<std::string> validate(std::string_view instance, std::string_view ref = "#") const;
  std::vector<std::string> validate(simdjson::dom::element instance, std::string_view ref = "#") const;

  simdjson::dom::element root() const { return root_; }
  // Every "$ref" value anywhere in the document, in document order.
  std::vector<std::string> refs() const;
  // True when `ref` is a local reference ("#/...") to an existing element.
  bool resolves(std::string_view ref) const;

 private:
  // The parser owns the document's storage; held by pointer so that root_
  // stays valid when a mini_schema is moved.
  std::unique_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::element root_;
};

}  // namespace chronicle::test
