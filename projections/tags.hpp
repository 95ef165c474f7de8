#pragma once
// The `tags` read model: a tenant's tags by id ("tags/v/<tenant>/<id>" →
// version and state) and by name ("tags/n/<tenant>/<lower-cased name>\0<id>",
// the list order). A deleted tag leaves both.
//
// Rendering customers resolves their tag ids here, one point lookup per
// distinct id (resolve()): a RocksDB get served from the memtable or block
// cache costs about a microsecond, so 50 customers with a few tags each cost
// tens of microseconds, with no cache to invalidate when a tag is renamed.
// Ids of deleted or unknown tags are skipped: customers may keep a deleted
// tag's id, and it simply stops showing.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/tag.hpp"
#include "projections/projection.hpp"

namespace chronicle::projections {

std::unique_ptr<projection> make_tags_projection();

struct tag_row {
  std::uint64_t version = 0;
  tags::tag tag;
};
struct tag_page {
  std::vector<tag_row> items;
  std::string next_cursor;  // empty: no more
};

namespace tag_queries {
result<std::optional<tag_row>> get(kv_store& kv, std::string_view tenant, std::string_view id);
// Sorted by name (case-insensitive). REQUIRES: 1 <= limit <= 200.
result<tag_page> list(kv_store& kv, std::string_view tenant, std::string_view cursor, std::size_t limit);
// The existing tags among `ids`, in the order given, each once.
result<std::vector<tag_row>> resolve(kv_store& kv, std::string_view tenant, const std::vector<std::string>& ids);
}  // namespace tag_queries

}  // namespace chronicle::projections
