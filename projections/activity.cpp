#include "projections/activity.hpp"

#include <cstdio>

#include "domain/ids.hpp"
#include "domain/pii.hpp"
#include "projections/view_value.hpp"
#include "schemas/activity_codec.hpp"
#include "schemas/audit_codec.hpp"

namespace chronicle::projections {
namespace codec = schemas::activity_codec;
using namespace chronicle::activity;

namespace {

std::string key(std::string_view kind, std::string_view tenant, std::string_view customer, std::string_view rest = {}) {
  std::string k = "activity/";
  k.append(kind).append(1, '/').append(tenant).append(1, '/').append(customer).append(1, '/').append(rest);
  return k;
}
std::string hex16(std::int64_t v) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}
std::string due_part(const codec::task_doc& t) {
  return std::string(t.done ? "c/" : "o/") + (t.due_on.empty() ? "~" : t.due_on) + "/" + t.id;
}
std::vector<std::string> index_keys(std::string_view tenant, const codec::task_doc& t) {
  std::vector<std::string> out{"activity/d/" + std::string(tenant) + "/" + due_part(t)};
  if (!t.assignee.empty()) out.push_back("activity/a/" + std::string(tenant) + "/" + hex(t.assignee) + "/" + due_part(t));
  return out;
}
const std::string erased(erased_text);

void erase_texts(codec::note_doc& n) {
  n.body = erased;
  for (auto& e : n.edits) e.previous_body = erased;
}
void erase_texts(codec::interaction_doc& i) { i.subject = i.summary = i.outcome = erased; }
void erase_texts(codec::task_doc& t) { t.title = erased; }

class activity_projection final : public projection {
 public:
  std::string name() const override { return "activity"; }
  std::vector<std::string> topics() const override { return {std::string(activity::topic)}; }

  status apply(const event_envelope& e, view_batch& batch) override {
    if (e.type == "subject.erased") return erase(e, batch);
    if (!codec::is_activity_type(e.type)) return {};
    auto ev = codec::decode_event(e);
    if (!ev) return std::move(ev).err();
    auto customer = std::visit([](auto& x) { return x.customer_id; }, *ev);
    if (!is_ulid(customer)) return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": bad customer_id");
    auto marker = batch.get(key("x", e.tenant, customer));
    if (!marker) return std::move(marker).err();
    bool gone = marker->has_value();
    auto& t = e.tenant;
    if (auto* n = std::get_if<note_added>(&*ev)) {
      codec::note_doc d{n->note_id, customer, n->type, n->body, n->author, e.actor_role, e.occurred_at, e.occurred_at, {}};
      if (gone) erase_texts(d);
      batch.put(key("n", t, customer, n->note_id), codec::render(d));
    } else if (auto* ed = std::get_if<note_edited>(&*ev)) {
      return update<codec::note_doc>(batch, key("n", t, customer, ed->note_id), codec::parse_note_doc, [&](codec::note_doc& d) {
        d.edits.push_back({e.occurred_at, e.actor, d.type, d.body});
        if (ed->type) d.type = *ed->type;
        if (ed->body) d.body = gone ? erased : *ed->body;
        d.updated_at = e.occurred_at;
      });
    } else if (auto* dl = std::get_if<note_deleted>(&*ev)) {
      batch.del(key("n", t, customer, dl->note_id));
    } else if (auto* i = std::get_if<interaction_logged>(&*ev)) {
      codec::interaction_doc d{i->interaction_id, customer, i->channel, i->direction, i->subject, i->summary, i->outcome,
                               e.actor, e.actor_role, i->occurred_at, e.occurred_at, i->follow_up_task_id};
      if (gone) erase_texts(d);
      auto at = hex16(i->occurred_at);
      batch.put(key("i", t, customer, at + i->interaction_id), codec::render(d));
      batch.put(key("ii", t, customer, i->interaction_id), at);
    } else if (auto* c = std::get_if<task_created>(&*ev)) {
      codec::task_doc d{c->task_id, customer, c->title, c->due_on, c->assignee, e.actor, c->source_interaction,
                        false, e.occurred_at, e.occurred_at, 0};
      if (gone) erase_texts(d);
      for (auto& k : index_keys(t, d)) batch.put(k, customer);
      batch.put(key("t", t, customer, c->task_id), codec::render(d));
    } else {
      std::string task_id = std::visit([](auto& x) -> std::string {
        if constexpr (requires { x.task_id; }) return x.task_id;
        else return {};
      }, *ev);
      return update_task(batch, t, customer, task_id, [&](codec::task_doc& d) {
        if (auto* u = std::get_if<task_updated>(&*ev)) {
          if (u->title) d.title = gone ? erased : *u->title;
          if (u->due_on) d.due_on = *u->due_on;
          if (u->assignee) d.assignee = *u->assignee;
        } else if (std::holds_alternative<task_completed>(*ev)) {
          d.done = true;
          d.done_at = e.occurred_at;
        } else {
          d.done = false;
          d.done_at = 0;
        }
        d.updated_at = e.occurred_at;
      });
    }
    return {};
  }

 private:
  template <class Doc, class Parse, class Change>
  static status update(view_batch& batch, const std::string& k, Parse parse, Change change) {
    auto cur = batch.get(k);
    if (!cur) return std::move(cur).err();
    if (!*cur) return {};  // deleted meanwhile
    auto d = parse(**cur);
    if (!d) return std::move(d).err();
    change(*d);
    batch.put(k, codec::render(*d));
    return {};
  }

  template <class Change>
  static status update_task(view_batch& batch, const std::string& tenant, const std::string& customer,
                            const std::string& id, Change change) {
    auto k = key("t", tenant, customer, id);
    auto cur = batch.get(k);
    if (!cur) return std::move(cur).err();
    if (!*cur) return {};
    auto d = codec::parse_task_doc(**cur);
    if (!d) return std::move(d).err();
    for (auto& old : index_keys(tenant, *d)) batch.del(old);
    change(*d);
    for (auto& now : index_keys(tenant, *d)) batch.put(now, customer);
    batch.put(k, codec::render(*d));
    return {};
  }

  template <class Doc, class Parse>
  static status rewrite_all(view_batch& batch, const std::string& prefix, Parse parse) {
    auto rows = batch.scan_prefix(prefix);
    if (!rows) return std::move(rows).err();
    for (auto& [k, v] : *rows) {
      auto d = parse(v);
      if (!d) return std::move(d).err();
      erase_texts(*d);
      batch.put(k, codec::render(*d));
    }
    return {};
  }

  // The customer's key is gone: no text of theirs may stay in this view.
  static status erase(const event_envelope& e, view_batch& batch) {
    auto customer = schemas::audit_codec::customer_subject(e);
    if (!customer) return std::move(customer).err();
    auto& t = e.tenant;
    batch.put(key("x", t, *customer), "");
    if (auto s = rewrite_all<codec::note_doc>(batch, key("n", t, *customer), codec::parse_note_doc); !s) return s;
    if (auto s = rewrite_all<codec::interaction_doc>(batch, key("i", t, *customer), codec::parse_interaction_doc); !s)
      return s;
    return rewrite_all<codec::task_doc>(batch, key("t", t, *customer), codec::parse_task_doc);
  }
};

error bad_cursor() {
  return error::invalid("invalid_cursor", "the cursor is not one this server issued",
                        {{"cursor", "invalid_cursor", "use next_cursor from a previous page"}});
}

// A reverse page under `prefix`; `keep` filters (parsing is the caller's).
template <class Keep>
result<activity_page> reverse_page(kv_store& kv, const std::string& prefix, std::string_view tag,
                                   std::string_view cursor, std::size_t limit, std::size_t suffix_size, Keep keep) {
  std::string after;
  if (!cursor.empty()) {
    if (cursor.substr(0, tag.size()) != tag || cursor.size() != tag.size() + suffix_size ||
        cursor.find('/') != std::string_view::npos)
      return bad_cursor();
    after = prefix + std::string(cursor.substr(tag.size()));
  }
  activity_page page;
  for (;;) {
    auto rows = kv.scan(prefix, after, limit + 1, /*reverse=*/true);
    if (!rows) return std::move(rows).err();
    for (auto& [k, v] : *rows) {
      auto ok = keep(v);
      if (!ok) return std::move(ok).err();
      if (!*ok) {
        after = k;
        continue;
      }
      if (page.items.size() == limit) {
        page.next_cursor = std::string(tag) + after.substr(prefix.size());
        return page;
      }
      page.items.push_back(std::move(v));
      after = k;
    }
    if (rows->size() < limit + 1) return page;
  }
}

result<std::optional<std::string>> point(kv_store& kv, const std::string& k) { return kv.get(k); }

bool safe(std::string_view id) { return is_ulid(id); }

}  // namespace

std::unique_ptr<projection> make_activity_projection() { return std::make_unique<activity_projection>(); }

namespace activity_queries {

result<activity_page> notes(kv_store& kv, std::string_view tenant, std::string_view customer, std::string_view type,
                            std::string_view cursor, std::size_t limit) {
  return reverse_page(kv, key("n", tenant, customer), "n1.", cursor, limit, 26,
                      [&](const std::string& v) -> result<bool> {
                        if (type.empty()) return true;
                        auto d = codec::parse_note_doc(v);
                        if (!d) return std::move(d).err();
                        return d->type == type;
                      });
}

result<std::optional<std::string>> note(kv_store& kv, std::string_view tenant, std::string_view customer,
                                        std::string_view id) {
  if (!safe(id)) return std::optional<std::string>{};
  return point(kv, key("n", tenant, customer, id));
}

result<activity_page> interactions(kv_store& kv, std::string_view tenant, std::string_view customer,
                                   std::string_view cursor, std::size_t limit) {
  return reverse_page(kv, key("i", tenant, customer), "i1.", cursor, limit, 16 + 26,
                      [](const std::string&) -> result<bool> { return true; });
}

result<std::optional<std::string>> interaction(kv_store& kv, std::string_view tenant, std::string_view customer,
                                               std::string_view id) {
  if (!safe(id)) return std::optional<std::string>{};
  auto at = kv.get(key("ii", tenant, customer, id));
  if (!at) return std::move(at).err();
  if (!*at) return std::optional<std::string>{};
  return point(kv, key("i", tenant, customer, **at + std::string(id)));
}

result<activity_page> customer_tasks(kv_store& kv, std::string_view tenant, std::string_view customer,
                                     std::string_view cursor, std::size_t limit) {
  return reverse_page(kv, key("t", tenant, customer), "t1.", cursor, limit, 26,
                      [](const std::string&) -> result<bool> { return true; });
}

result<std::optional<std::string>> task(kv_store& kv, std::string_view tenant, std::string_view customer,
                                        std::string_view id) {
  if (!safe(id)) return std::optional<std::string>{};
  return point(kv, key("t", tenant, customer, id));
}

result<activity_page> due_tasks(kv_store& kv, std::string_view tenant, const task_filter& f, std::string_view cursor,
                                std::size_t limit) {
  constexpr std::string_view tag = "d1.";
  std::string prefix = f.assignee ? "activity/a/" + std::string(tenant) + "/" + hex(*f.assignee) + "/"
                                  : "activity/d/" + std::string(tenant) + "/";
  prefix += f.done ? "c/" : "o/";
  std::string after;
  if (!f.due_from.empty()) after = prefix + f.due_from;  // every key of that date sorts after it
  if (!cursor.empty()) {
    auto rest = cursor.substr(std::min(cursor.size(), tag.size()));
    bool ok = cursor.substr(0, tag.size()) == tag && rest.size() > 27 && rest[rest.size() - 27] == '/' &&
              is_ulid(rest.substr(rest.size() - 26));
    auto due = ok ? rest.substr(0, rest.size() - 27) : std::string_view{};
    if (!ok || !(due == "~" || is_date(due))) return bad_cursor();
    after = std::max(after, prefix + std::string(rest));
  }
  activity_page page;
  for (;;) {
    auto rows = kv.scan(prefix, after, limit + 1);
    if (!rows) return std::move(rows).err();
    for (auto& [k, customer] : *rows) {
      auto rest = std::string_view(k).substr(prefix.size());
      auto due = rest.substr(0, rest.find('/'));
      auto id = rest.substr(rest.find('/') + 1);
      if (f.with_due && due == "~") return page;
      if (!f.due_to.empty() && due > f.due_to) return page;
      if (page.items.size() == limit) {
        page.next_cursor = std::string(tag) + after.substr(prefix.size());
        return page;
      }
      auto doc = kv.get(key("t", tenant, customer, id));
      if (!doc) return std::move(doc).err();
      after = k;
      if (!*doc) continue;
      page.items.push_back(std::move(**doc));
      page.customers.push_back(customer);
    }
    if (rows->size() < limit + 1) return page;
  }
}

}  // namespace activity_queries
}  // namespace chronicle::projections
