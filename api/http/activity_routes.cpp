// A customer's notes, interactions, tasks and timeline, and the tenant-wide
// list of tasks by due date. Only admin and staff keys reach them (the route
// table): the texts are personal data with no useful pseudonym. Every read
// is recorded in the audit trail before it is sent; changes are audited from
// their events. Writes answer once the read model shows them, so the
// response is the resource as every later read will see it.
#include <chrono>
#include <cstdio>

#include "api/http/audited.hpp"
#include "api/http/handlers.hpp"
#include "commands/activity_commands.hpp"
#include "domain/ids.hpp"
#include "projections/activity.hpp"
#include "projections/customers.hpp"
#include "projections/timeline.hpp"
#include "schemas/activity_codec.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::api::handlers {
namespace codec = schemas::activity_codec;
namespace ac = commands::activity_commands;
namespace aq = projections::activity_queries;

namespace {

http_response customer_not_found() { return problem(404, "customer_not_found", "no customer with this id"); }

// The customer must exist in the caller's tenant; writes also need them not
// erased. Ids of other tenants are simply not found.
std::optional<http_response> customer_gate(app_services& s, const request_scope& r, bool writing) {
  if (!is_ulid(r.id)) return customer_not_found();
  auto c = projections::customer_queries::get(s.views, r.who.tenant, r.id);
  if (!c) return problem(c.err());
  if (!*c) return customer_not_found();
  if (writing && (*c)->customer.erased)
    return problem(409, "customer_erased", "this customer's personal data was erased; nothing can be added about them");
  return std::nullopt;
}

std::string page_body(const std::vector<std::string>& items, const std::string& next) {
  page_writer w;
  for (auto& item : items) w.item(item);
  return w.finish(next);
}

using lookup = std::function<result<std::optional<std::string>>(const std::string& id)>;

// Answers a write with the resource the activity view holds once it has
// folded the write. `id`: the item's id; empty: take the state's `last`.
void answer_write(app_services& s, result<commands::command_outcome> o, int status, std::string id,
                  std::string location_base, lookup find, std::string_view not_found_code, reply done) {
  if (!o) {
    auto& e = o.err();
    if (e.code == "subject_erased")
      return done(problem(409, "customer_erased", "this customer's personal data was erased; nothing can be added about them"));
    if (e.kind == errc::not_found) return done(problem(404, e.code, e.message));
    return done(problem(e));
  }
  if (id.empty()) {
    auto st = codec::decode_state(o->state);
    if (!st) return done(problem(st.err()));
    id = st->last;
  }
  auto send = [o = *o, status, id, location_base, find, code = std::string(not_found_code),
               done](bool reached) mutable {
    auto doc = find(id);
    if (!doc) return done(problem(doc.err()));
    if (!*doc) {
      if (!reached)
        return done(problem(error::make(errc::timeout, "view_pending",
                                        "the change is stored; the read model has not shown it yet")));
      return done(problem(404, code, "no such item for this customer"));
    }
    auto resp = json_response(o.replayed ? 200 : status, std::move(**doc));
    resp.headers.emplace_back("Location", location_base + id);
    if (!o.token.empty()) resp.headers.emplace_back("Consistency-Token", o.token);
    if (o.replayed) resp.headers.emplace_back("Idempotent-Replayed", "true");
    done(std::move(resp));
  };
  if (o->token.empty()) return send(true);
  after_views_reach(s, o->token, std::move(send));
}

// The shared start of every activity write: gate, media type, Idempotency-Key.
std::optional<http_response> begin_write(app_services& s, const request_scope& r, bool with_body, std::string& key) {
  if (auto bad = customer_gate(s, r, true)) return bad;
  if (with_body)
    if (auto bad = require_json(r.req)) return bad;
  return idempotency_key(r.req, key);
}

lookup note_lookup(app_services& s, const request_scope& r) {
  return [&s, t = r.who.tenant, c = r.id](const std::string& id) { return aq::note(s.views, t, c, id); };
}
lookup interaction_lookup(app_services& s, const request_scope& r) {
  return [&s, t = r.who.tenant, c = r.id](const std::string& id) { return aq::interaction(s.views, t, c, id); };
}
lookup task_lookup(app_services& s, const request_scope& r) {
  return [&s, t = r.who.tenant, c = r.id](const std::string& id) { return aq::task(s.views, t, c, id); };
}

std::string base(const request_scope& r, std::string_view what) {
  return "/v1/customers/" + r.id + "/" + std::string(what) + "/";
}

// Reads one item and sends it once the read is on the audit trail.
void audited_item(app_services& s, const request_scope& r, result<std::optional<std::string>> doc,
                  std::string_view not_found_code, std::string route, reply done) {
  if (!doc) return done(problem(doc.err()));
  if (!*doc) return done(problem(404, std::string(not_found_code), "no such item for this customer"));
  audited(s, {read_entry(r, r.id, "read", std::move(route))}, json_response(200, std::move(**doc)), std::move(done));
}

void audited_page(app_services& s, const request_scope& r, result<projections::activity_page> page, std::string route,
                  reply done) {
  if (!page) return done(problem(page.err()));
  audited(s, {read_entry(r, r.id, "list", std::move(route))}, json_response(200, page_body(page->items, page->next_cursor)),
          std::move(done));
}

// Today's date (UTC) shifted by `days`, "YYYY-MM-DD".
std::string utc_date(int days) {
  using namespace std::chrono;
  auto today = floor<std::chrono::days>(system_clock::now()) + std::chrono::days(days);
  year_month_day ymd{today};
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return b;
}

}  // namespace

// ---- notes ---------------------------------------------------------------------

void list_notes(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor, {"type[eq]"})) return done(std::move(*bad));
  if (auto bad = customer_gate(s, r, false)) return done(std::move(*bad));
  std::string type;
  if (auto* t = r.req.query_param("type[eq]")) {
    type = *t;
    bool known = false;
    for (auto v : activity::note_types) known |= v == type;
    if (!known)
      return done(problem(error::invalid("invalid_parameter", "the query has invalid parameters",
                                         {{"type[eq]", "invalid_value", "one of general, support, sales, billing"}})));
  }
  audited_page(s, r, aq::notes(s.views, r.who.tenant, r.id, type, cursor, limit), "notes.list", std::move(done));
}

void add_note(app_services& s, const request_scope& r, reply done) {
  std::string key;
  if (auto bad = begin_write(s, r, true, key)) return done(std::move(*bad));
  auto cmd = codec::parse_add_note(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->customer_id = r.id;
  cmd->note_id = s.exec.new_id();
  cmd->author = r.who.key_id;
  s.exec.submit(ac::add_note(meta_of(r, std::move(key), base(r, "notes")), std::move(*cmd)),
                [&s, r_base = base(r, "notes"), find = note_lookup(s, r), done](result<commands::command_outcome> o) mutable {
                  answer_write(s, std::move(o), 201, {}, r_base, find, "note_not_found", std::move(done));
                });
}

void get_note(app_services& s, const request_scope& r, reply done) {
  if (auto bad = customer_gate(s, r, false)) return done(std::move(*bad));
  audited_item(s, r, aq::note(s.views, r.who.tenant, r.id, r.sub_id), "note_not_found", "notes.get", std::move(done));
}

void edit_note(app_services& s, const request_scope& r, reply done) {
  std::string key;
  if (auto bad = begin_write(s, r, true, key)) return done(std::move(*bad));
  if (!is_ulid(r.sub_id)) return done(problem(404, "note_not_found", "no note with this id for this customer"));
  auto cmd = codec::parse_edit_note(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->customer_id = r.id;
  cmd->note_id = r.sub_id;
  s.exec.submit(ac::edit_note(meta_of(r, std::move(key), base(r, "notes") + r.sub_id), std::move(*cmd)),
                [&s, id = r.sub_id, r_base = base(r, "notes"), find = note_lookup(s, r),
                 done](result<commands::command_outcome> o) mutable {
                  answer_write(s, std::move(o), 200, id, r_base, find, "note_not_found", std::move(done));
                });
}

void delete_note(app_services& s, const request_scope& r, reply done) {
  if (auto bad = customer_gate(s, r, false)) return done(std::move(*bad));
  if (!is_ulid(r.sub_id)) return done(problem(404, "note_not_found", "no note with this id for this customer"));
  s.exec.submit(ac::delete_note(meta_of(r, {}, base(r, "notes") + r.sub_id), activity::delete_note{r.id, r.sub_id}),
                [done = std::move(done)](result<commands::command_outcome> o) {
                  if (!o) return done(problem(o.err()));
                  auto resp = json_response(204, "");
                  if (!o->token.empty()) resp.headers.emplace_back("Consistency-Token", o->token);
                  done(std::move(resp));
                });
}

// ---- interactions ----------------------------------------------------------------

void list_interactions(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor)) return done(std::move(*bad));
  if (auto bad = customer_gate(s, r, false)) return done(std::move(*bad));
  audited_page(s, r, aq::interactions(s.views, r.who.tenant, r.id, cursor, limit), "interactions.list", std::move(done));
}

void log_interaction(app_services& s, const request_scope& r, reply done) {
  std::string key;
  if (auto bad = begin_write(s, r, true, key)) return done(std::move(*bad));
  auto cmd = codec::parse_log_interaction(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->customer_id = r.id;
  cmd->interaction_id = s.exec.new_id();
  if (cmd->follow_up_on) cmd->follow_up_task_id = s.exec.new_id();
  s.exec.submit(ac::log_interaction(meta_of(r, std::move(key), base(r, "interactions")), std::move(*cmd)),
                [&s, r_base = base(r, "interactions"), find = interaction_lookup(s, r),
                 done](result<commands::command_outcome> o) mutable {
                  answer_write(s, std::move(o), 201, {}, r_base, find, "interaction_not_found", std::move(done));
                });
}

void get_interaction(app_services& s, const request_scope& r, reply done) {
  if (auto bad = customer_gate(s, r, false)) return done(std::move(*bad));
  audited_item(s, r, aq::interaction(s.views, r.who.tenant, r.id, r.sub_id), "interaction_not_found",
               "interactions.get", std::move(done));
}

// ---- tasks -------------------------------------------------------------------------

void list_customer_tasks(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor)) return done(std::move(*bad));
  if (auto bad = customer_gate(s, r, false)) return done(std::move(*bad));
  audited_page(s, r, aq::customer_tasks(s.views, r.who.tenant, r.id, cursor, limit), "tasks.list_for_customer",
               std::move(done));
}

void create_task(app_services& s, const request_scope& r, reply done) {
  std::string key;
  if (auto bad = begin_write(s, r, true, key)) return done(std::move(*bad));
  auto cmd = codec::parse_create_task(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->customer_id = r.id;
  cmd->task_id = s.exec.new_id();
  s.exec.submit(ac::create_task(meta_of(r, std::move(key), base(r, "tasks")), std::move(*cmd)),
                [&s, r_base = base(r, "tasks"), find = task_lookup(s, r), done](result<commands::command_outcome> o) mutable {
                  answer_write(s, std::move(o), 201, {}, r_base, find, "task_not_found", std::move(done));
                });
}

void update_task(app_services& s, const request_scope& r, reply done) {
  std::string key;
  if (auto bad = begin_write(s, r, true, key)) return done(std::move(*bad));
  if (!is_ulid(r.sub_id)) return done(problem(404, "task_not_found", "no task with this id for this customer"));
  auto cmd = codec::parse_update_task(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->customer_id = r.id;
  cmd->task_id = r.sub_id;
  s.exec.submit(ac::update_task(meta_of(r, std::move(key), base(r, "tasks") + r.sub_id), std::move(*cmd)),
                [&s, id = r.sub_id, r_base = base(r, "tasks"), find = task_lookup(s, r),
                 done](result<commands::command_outcome> o) mutable {
                  answer_write(s, std::move(o), 200, id, r_base, find, "task_not_found", std::move(done));
                });
}

void list_tasks(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor, {"due", "due_on[lte]", "assignee[eq]", "done[eq]"}))
    return done(std::move(*bad));
  projections::task_filter f;
  std::vector<field_error> errors;
  if (auto* d = r.req.query_param("due")) {
    f.with_due = true;
    if (*d == "overdue") f.due_to = utc_date(-1);
    else if (*d == "today") f.due_from = f.due_to = utc_date(0);
    else if (*d == "upcoming") f.due_from = utc_date(1);
    else errors.push_back({"due", "invalid_value", "one of overdue, today, upcoming"});
  }
  if (auto* d = r.req.query_param("due_on[lte]")) {
    if (!activity::is_date(*d)) errors.push_back({"due_on[lte]", "invalid_format", "a date, YYYY-MM-DD"});
    f.with_due = true;
    if (f.due_to.empty() || *d < f.due_to) f.due_to = *d;
  }
  if (auto* a = r.req.query_param("assignee[eq]")) {
    if (a->empty() || a->size() > 400) errors.push_back({"assignee[eq]", "invalid_value", "an assignee, 1 to 100 characters"});
    f.assignee = *a;
  }
  if (auto* d = r.req.query_param("done[eq]")) {
    if (*d == "true") f.done = true;
    else if (*d != "false") errors.push_back({"done[eq]", "invalid_value", "true or false"});
  }
  if (!errors.empty()) return done(problem(error::invalid("invalid_parameter", "the query has invalid parameters", errors)));
  auto page = aq::due_tasks(s.views, r.who.tenant, f, cursor, limit);
  if (!page) return done(problem(page.err()));
  std::vector<commands::audit_entry> entries;
  for (auto& c : page->customers) entries.push_back(read_entry(r, c, "list", "tasks.list"));
  audited(s, std::move(entries), json_response(200, page_body(page->items, page->next_cursor)), std::move(done));
}

// ---- timeline ------------------------------------------------------------------------

void customer_timeline(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor, {"type[in]"})) return done(std::move(*bad));
  if (auto bad = customer_gate(s, r, false)) return done(std::move(*bad));
  std::vector<std::string> types;
  if (auto* t = r.req.query_param("type[in]")) {
    std::string_view rest = *t;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto one = rest.substr(0, comma);
      bool ok = !one.empty() && one.size() <= 64;
      for (char c : one) ok = ok && ((c >= 'a' && c <= 'z') || c == '.' || c == '_');
      if (!ok)
        return done(problem(error::invalid("invalid_parameter", "the query has invalid parameters",
                                           {{"type[in]", "invalid_format", "event types separated by commas, e.g. note.added,task.created"}})));
      types.emplace_back(one);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  auto page = projections::timeline_queries::list(s.views, r.who.tenant, r.id, types, cursor, limit);
  if (!page) return done(problem(page.err()));
  audited(s, {read_entry(r, r.id, "list", "timeline.list")}, json_response(200, page_body(page->items, page->next_cursor)),
          std::move(done));
}

}  // namespace chronicle::api::handlers
