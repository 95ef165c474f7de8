#pragma once
// The customer search index: an in-memory secondary index per tenant that
// answers GET /v1/customers (prefix search, filters, sorting, cursors, totals)
// and exact lookups by email and phone without scanning all customers.
// Thread-safety: any number of concurrent readers and one writer per tenant
// (the projection runner); each tenant has its own std::shared_mutex.
// The index holds no durable state: it is rebuilt from the customers read
// model at start-up (see projections/README.md).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.hpp"

namespace chronicle::projections {

// What the index knows of one customer. Display text is folded by the index
// (ASCII and Latin-1 accents, case) for search and sort.
struct indexed_customer {
  std::string id;               // ULID (26 Crockford base32 characters)
  std::int64_t created_at = 0;  // µs since epoch
  std::string first_name, last_name, company;
  std::vector<std::string> emails;  // normalised (domain lower-case)
  std::vector<std::string> phones;  // E.164, "+15551234567"
  std::string type, status, lifecycle_stage, acquisition_source;  // tokens, may be empty
  std::vector<std::string> cities;  // matched case-insensitively
  std::vector<std::string> tags;    // tag ids
  bool marketing_opt_in = false;
  bool active = true;
  std::int64_t last_order_at = 0;   // µs, 0 = never
  std::int64_t lifetime_value = 0;  // minor units
  std::int64_t total_orders = 0;    // orders placed and not cancelled
};

// `field[op]=v1,v2`: see parse_customer_query for the fields and operators.
struct customer_filter {
  std::string field, op;
  std::vector<std::string> values;
  std::string param;  // the query parameter as sent ("tags[in]", "type"); errors name it
};

struct customer_query {
  std::string q;
  std::vector<customer_filter> filters;
  std::string sort = "-created_at";  // name | created_at | last_order_at | lifetime_value | total_orders, "-" = desc
  std::string cursor;                // next_cursor of an earlier page of the same query
  std::size_t limit = 50;            // 1..200
  bool include_total = false;
};

struct customer_hits {
  std::vector<std::string> ids;  // in sort order
  std::string next_cursor;       // empty: no more
  std::optional<std::uint64_t> total;
};

// How query() finds a page. `automatic` chooses per query (README); the
// others exist so tests can check each strategy against the same answers.
enum class customer_plan {
  automatic,
  walk,        // follow the sort order, checking each customer
  candidates,  // enumerate the most selective filter's matches, check, sort
  bitsets,     // intersect every filter's postings as bitsets, sort the matches
  hybrid,      // bitsets of the filters, then walk the sort order testing bits
};

class customer_index {
 public:
  explicit customer_index(customer_plan plan = customer_plan::automatic);
  ~customer_index();
  customer_index(const customer_index&) = delete;
  customer_index& operator=(const customer_index&) = delete;

  // Inserts or replaces the customer with c.id. Invalid argument when the id
  // is not a ULID (nothing changes then).
  status upsert(std::string_view tenant, indexed_customer c);
  // Many upserts at once, for the start-up rebuild. Into a tenant without
  // customers it sorts each structure once (several times faster than
  // upserting one by one); otherwise it upserts in order. Invalid argument,
  // and nothing loaded, when an id is not a ULID.
  status load(std::string_view tenant, std::vector<indexed_customer> customers);
  // Forgets the customer; unknown ids are ignored.
  void remove(std::string_view tenant, std::string_view id);
  // Sets the order figures of a customer the index holds (the customer
  // orders projection calls it as orders come and go); unknown ids are
  // ignored: upserting the customer later carries its figures.
  void set_orders(std::string_view tenant, std::string_view id, std::int64_t total_orders,
                  std::int64_t last_order_at, std::int64_t lifetime_value);

  // Invalid argument (with field errors naming the parameter) for a filter the
  // index does not support, a bad value or a cursor of another query.
  result<customer_hits> query(std::string_view tenant, const customer_query& q) const;

  std::optional<std::string> find_by_email(std::string_view tenant, std::string_view email) const;
  // Any format normalize_phone accepts; national numbers are taken as +1.
  std::optional<std::string> find_by_phone(std::string_view tenant,
                                           std::string_view phone_any_format) const;
  std::size_t size(std::string_view tenant) const;
  // Whether the index holds the customer (false for an id that is not a ULID).
  bool contains(std::string_view tenant, std::string_view id) const;

  struct tenant_index;

 private:
  const tenant_index* find(std::string_view tenant) const;
  tenant_index& get_or_create(std::string_view tenant);

  struct tenants;
  std::unique_ptr<tenants> tenants_;
  customer_plan plan_;
};

// GET /v1/customers query parameters (URL-decoded, in order) into a query.
// Unknown parameters, unsupported operators and bad values are an invalid
// argument whose field errors name the parameter ("tags[in]") with the codes
// unknown_parameter, unsupported_filter, invalid_value, duplicate_parameter.
// `consistent_with` is left to the HTTP route and ignored here.
result<customer_query> parse_customer_query(
    const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace chronicle::projections
