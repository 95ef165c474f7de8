#include "projections/audit.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "schemas/audit_codec.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::projections {
namespace codec = schemas::audit_codec;

namespace {

constexpr std::string_view cursor_tag = "a1.";
// "<occurred_at as 16 hex digits><event id>"
constexpr std::size_t suffix_size = 16 + 36;

std::string subject_prefix(std::string_view tenant, std::string_view subject) {
  std::string k = "audit/";
  k.append(tenant).append(1, '/').append(subject).append(1, '/');
  return k;
}

std::string entry_key(std::string_view tenant, const codec::recorded& r) {
  char at[17];
  std::snprintf(at, sizeof at, "%016llx", static_cast<unsigned long long>(r.at));
  return subject_prefix(tenant, r.subject) + at + r.id;
}

// The AuditEntry resource (schemas/openapi.json).
std::string render(const codec::recorded& r) {
  json::writer w;
  w.begin_object().key("id").value(r.id).key("subject").value(r.subject).key("actor").value(r.actor).key("role");
  if (r.role.empty()) w.null();
  else w.value(r.role);
  w.key("action").value(r.action).key("route").value(r.route).key("at").value(json::format_timestamp(r.at));
  w.end_object();
  return w.take();
}

// The stored value: the fields the key does not hold (the key has the
// subject, the time and the id), each as two length bytes and its bytes,
// after a format byte. A page of 50 reads is 50 entries; the JSON it
// replaced (still read) cost three times the bytes in every memtable, flush
// and compaction.
constexpr char compact_format = '\x01';

std::string compact_value(const codec::recorded& r) {
  std::string v(1, compact_format);
  for (const std::string* f : {&r.actor, &r.role, &r.action, &r.route}) {
    auto n = std::min<std::size_t>(f->size(), 0xffff);
    v.push_back(static_cast<char>(n >> 8));
    v.push_back(static_cast<char>(n & 0xff));
    v.append(*f, 0, n);
  }
  return v;
}

// Every change to a customer is an entry; the event type (the entry's
// route) tells which part changed.
std::string_view customer_action(std::string_view type) {
  if (type == "customer.registered") return "register";
  if (type == "customer.updated" || type == "customer.preferences_updated" || type == "customer.tagged" ||
      type == "customer.untagged")
    return "update";
  if (type == "customer.address_added" || type == "customer.address_updated" || type == "customer.address_removed" ||
      type == "customer.default_address_changed")
    return "update_address";
  if (type == "customer.deactivated") return "deactivate";
  if (type == "customer.reactivated") return "reactivate";
  if (type == "subject.erased") return "erase";
  // A customer's activity is about them: each change is on their trail.
  if (type == "note.added") return "note_add";
  if (type == "note.edited") return "note_edit";
  if (type == "note.deleted") return "note_delete";
  if (type == "interaction.logged") return "interaction_log";
  if (type == "task.created") return "task_create";
  if (type == "task.updated") return "task_update";
  if (type == "task.completed") return "task_complete";
  if (type == "task.reopened") return "task_reopen";
  return {};
}

bool lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// A key suffix as entry_key writes it: 16 hex digits, then a lower-case UUID.
bool valid_suffix(std::string_view s) {
  if (s.size() != suffix_size) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto u = i >= 16 ? i - 16 : std::string_view::npos;
    bool dash = u == 8 || u == 13 || u == 18 || u == 23;
    if (dash ? s[i] != '-' : !lower_hex(s[i])) return false;
  }
  return true;
}

// The AuditEntry stored under `subject`'s prefix with key suffix `suffix`.
result<std::string> rendered_value(std::string_view subject, std::string_view suffix, std::string_view v) {
  auto corrupt = [] { return error::make(errc::internal, "corrupt_audit_entry", "an audit entry cannot be read"); };
  if (!valid_suffix(suffix)) return corrupt();
  if (!v.empty() && v.front() == '{') return std::string(v);  // stored as rendered JSON
  if (v.empty() || v.front() != compact_format) return corrupt();
  codec::recorded r;
  r.subject = std::string(subject);
  r.id = std::string(suffix.substr(16));
  std::uint64_t at = 0;
  std::from_chars(suffix.data(), suffix.data() + 16, at, 16);  // valid_suffix: 16 lower-case hex digits
  r.at = static_cast<std::int64_t>(at);
  std::size_t pos = 1;
  for (std::string* f : {&r.actor, &r.role, &r.action, &r.route}) {
    if (pos + 2 > v.size()) return corrupt();
    auto n = (static_cast<std::size_t>(static_cast<unsigned char>(v[pos])) << 8) |
             static_cast<unsigned char>(v[pos + 1]);
    pos += 2;
    if (pos + n > v.size()) return corrupt();
    f->assign(v.substr(pos, n));
    pos += n;
  }
  if (pos != v.size()) return corrupt();
  return render(r);
}

class audit_projection final : public projection {
 public:
  std::string name() const override { return "audit"; }
  std::vector<std::string> topics() const override { return {"compliance", "customers"}; }

  // Changes are audited from the events themselves: the entry needs only the
  // envelope and data.customer_id, never `pii`.
  status apply(const event_envelope& e, view_batch& batch) override {
    if (e.type == codec::recorded_type) {
      auto entries = codec::decode_recorded(e);
      if (!entries) return std::move(entries).err();
      for (auto& r : *entries) batch.put(entry_key(e.tenant, r), compact_value(r));
      return {};
    }
    auto action = customer_action(e.type);
    if (action.empty()) return {};
    auto subject = codec::customer_subject(e);
    if (!subject) return std::move(subject).err();
    codec::recorded r{e.id, e.occurred_at, std::move(*subject), e.actor, e.actor_role, std::string(action), e.type};
    batch.put(entry_key(e.tenant, r), compact_value(r));
    return {};
  }
};

}  // namespace

std::unique_ptr<projection> make_audit_projection() { return std::make_unique<audit_projection>(); }

namespace audit_queries {

result<audit_page> list(kv_store& kv, std::string_view tenant, std::string_view subject, std::string_view cursor,
                        std::size_t limit) {
  if (limit == 0) return error::invalid("invalid_limit", "limit must be at least 1", {{"limit", "out_of_range", "1 to 200"}});
  // Keys are "/"-separated: a subject holding one could reach another's entries.
  if (subject.empty() || subject.find('/') != std::string_view::npos)
    return error::invalid("invalid_subject", "the subject is not a customer id", {{"subject", "invalid_format", "a customer id"}});
  auto prefix = subject_prefix(tenant, subject);
  std::string after;
  if (!cursor.empty()) {
    if (cursor.substr(0, cursor_tag.size()) != cursor_tag || !valid_suffix(cursor.substr(cursor_tag.size())))
      return error::invalid("invalid_cursor", "the cursor is not one this server issued",
                            {{"cursor", "invalid_cursor", "use next_cursor from a previous page"}});
    after = prefix + std::string(cursor.substr(cursor_tag.size()));
  }
  auto rows = kv.scan(prefix, after, limit + 1, /*reverse=*/true);
  if (!rows) return std::move(rows).err();
  audit_page page;
  auto n = std::min(limit, rows->size());
  page.items.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto item = rendered_value(subject, std::string_view((*rows)[i].first).substr(prefix.size()), (*rows)[i].second);
    if (!item) return std::move(item).err();
    page.items.push_back(std::move(*item));
  }
  if (rows->size() > limit) page.next_cursor = std::string(cursor_tag) + (*rows)[limit - 1].first.substr(prefix.size());
  return page;
}

}  // namespace audit_queries
}  // namespace chronicle::projections
