#include "schemas/activity_codec.hpp"

#include "domain/pii.hpp"
#include "schemas/detail/json_in.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas::activity_codec {
namespace d = json::detail;
using namespace chronicle::activity;

namespace {

error invalid(std::vector<field_error> errors) {
  return error::invalid("validation_failed", "the request body has invalid fields", std::move(errors));
}
error corrupt(const event_envelope& e, std::string what) {
  return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": " + what);
}
error corrupt_doc(std::string what) { return error::make(errc::internal, "corrupt_view", "activity view: " + what); }

std::string str(simdjson::dom::object o, std::string_view k) { return d::opt_string(o, k).value_or(""); }

// "" is written as null.
void opt(json::writer& w, std::string_view k, const std::string& v) {
  w.key(k);
  if (v.empty()) w.null();
  else w.value(v);
}
void opt_time(json::writer& w, std::string_view k, std::int64_t us) {
  w.key(k);
  if (us == 0) w.null();
  else w.value(json::format_timestamp(us));
}
bool time_of(simdjson::dom::object o, std::string_view k, std::int64_t& us) {
  auto s = d::opt_string(o, k);
  us = 0;
  if (!s || s->empty()) return !s || d::is_null(o, k);
  return json::parse_timestamp(*s, us);
}

constexpr std::string_view types[] = {"note.added",       "note.edited",  "note.deleted",   "interaction.logged",
                                      "task.created",     "task.updated", "task.completed", "task.reopened"};

}  // namespace

bool is_activity_type(std::string_view type) noexcept {
  for (auto t : types)
    if (t == type) return true;
  return false;
}

// ---- request bodies -------------------------------------------------------------

result<add_note> parse_add_note(std::string_view body) {
  auto o = d::parse_object(body, d::thread_parser());
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o, {{"type", d::kind::string}, {"body", d::kind::string}}, errors);
  if (!d::has(*o, "body")) errors.push_back({"body", "required", "body is required"});
  if (!errors.empty()) return invalid(std::move(errors));
  add_note n;
  n.type = d::opt_string(*o, "type").value_or("general");
  n.body = str(*o, "body");
  return n;
}

result<edit_note> parse_edit_note(std::string_view body) {
  auto o = d::parse_object(body, d::thread_parser());
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o, {{"type", d::kind::string}, {"body", d::kind::string}}, errors);
  if (!errors.empty()) return invalid(std::move(errors));
  edit_note n;
  n.type = d::opt_string(*o, "type");
  n.body = d::opt_string(*o, "body");
  return n;
}

result<log_interaction> parse_log_interaction(std::string_view body) {
  auto o = d::parse_object(body, d::thread_parser());
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o,
                  {{"channel", d::kind::string},
                   {"direction", d::kind::string},
                   {"subject", d::kind::string},
                   {"summary", d::kind::string},
                   {"outcome", d::kind::string},
                   {"occurred_at", d::kind::string},
                   {"follow_up_on", d::kind::string}},
                  errors);
  for (auto f : {"channel", "direction"})
    if (!d::has(*o, f)) errors.push_back({f, "required", std::string(f) + " is required"});
  log_interaction i;
  if (auto at = d::opt_string(*o, "occurred_at")) {
    std::int64_t us = 0;
    if (json::parse_timestamp(*at, us)) i.occurred_at = us;
    else errors.push_back({"occurred_at", "invalid_format", "occurred_at must be an RFC 3339 date-time"});
  }
  if (!errors.empty()) return invalid(std::move(errors));
  i.channel = str(*o, "channel");
  i.direction = str(*o, "direction");
  i.subject = d::opt_string(*o, "subject");
  i.summary = d::opt_string(*o, "summary");
  i.outcome = d::opt_string(*o, "outcome");
  i.follow_up_on = d::opt_string(*o, "follow_up_on");
  return i;
}

result<create_task> parse_create_task(std::string_view body) {
  auto o = d::parse_object(body, d::thread_parser());
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o, {{"title", d::kind::string}, {"due_on", d::kind::string}, {"assignee", d::kind::string}}, errors);
  if (!d::has(*o, "title")) errors.push_back({"title", "required", "title is required"});
  if (!errors.empty()) return invalid(std::move(errors));
  create_task t;
  t.title = str(*o, "title");
  t.due_on = d::opt_string(*o, "due_on");
  t.assignee = d::opt_string(*o, "assignee");
  return t;
}

result<update_task> parse_update_task(std::string_view body) {
  auto o = d::parse_object(body, d::thread_parser());
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o,
                  {{"title", d::kind::string},
                   {"due_on", d::kind::string, true},
                   {"assignee", d::kind::string, true},
                   {"done", d::kind::boolean}},
                  errors);
  if (!errors.empty()) return invalid(std::move(errors));
  update_task t;
  t.title = d::opt_string(*o, "title");
  t.due_on = d::opt_string(*o, "due_on");
  t.assignee = d::opt_string(*o, "assignee");
  bool done = false;
  if (d::has(*o, "done") && !(*o)["done"].get(done)) t.done = done;
  return t;
}

// ---- events ----------------------------------------------------------------------

encoded_event encode_event(const event& e) {
  json::writer data, pii;
  encoded_event out;
  out.subject = std::visit([](auto& x) { return x.customer_id; }, e);
  data.begin_object().key("customer_id").value(out.subject);
  pii.begin_object();
  if (auto* n = std::get_if<note_added>(&e)) {
    out.type = "note.added";
    data.key("note_id").value(n->note_id).key("type").value(n->type).key("author").value(n->author);
    pii.key("body").value(n->body);
  } else if (auto* ed = std::get_if<note_edited>(&e)) {
    out.type = "note.edited";
    data.key("note_id").value(ed->note_id);
    if (ed->type) data.key("type").value(*ed->type);
    if (ed->body) pii.key("body").value(*ed->body);
  } else if (auto* dl = std::get_if<note_deleted>(&e)) {
    out.type = "note.deleted";
    data.key("note_id").value(dl->note_id);
  } else if (auto* i = std::get_if<interaction_logged>(&e)) {
    out.type = "interaction.logged";
    data.key("interaction_id").value(i->interaction_id).key("channel").value(i->channel)
        .key("direction").value(i->direction).key("occurred_at").value(json::format_timestamp(i->occurred_at))
        .field_if("follow_up_task_id", i->follow_up_task_id);
    // All three always, so an erased interaction reads the same after a replay.
    pii.key("subject").value(i->subject).key("summary").value(i->summary).key("outcome").value(i->outcome);
  } else if (auto* t = std::get_if<task_created>(&e)) {
    out.type = "task.created";
    data.key("task_id").value(t->task_id).field_if("due_on", t->due_on).field_if("assignee", t->assignee)
        .field_if("source_interaction", t->source_interaction);
    pii.key("title").value(t->title);
  } else if (auto* u = std::get_if<task_updated>(&e)) {
    out.type = "task.updated";
    data.key("task_id").value(u->task_id);
    for (auto [k, v] : {std::pair{"due_on", &u->due_on}, std::pair{"assignee", &u->assignee}}) {
      if (!*v) continue;
      data.key(k);
      if ((*v)->empty()) data.null();
      else data.value(**v);
    }
    if (u->title) pii.key("title").value(*u->title);
  } else if (auto* c = std::get_if<task_completed>(&e)) {
    out.type = "task.completed";
    data.key("task_id").value(c->task_id);
  } else {
    out.type = "task.reopened";
    data.key("task_id").value(std::get<task_reopened>(e).task_id);
  }
  data.end_object();
  pii.end_object();
  out.data = data.take();
  out.pii = pii.take();
  if (out.pii == "{}") out.subject.clear();
  return out;
}

result<event> decode_event(const event_envelope& e) {
  if (e.schema_version != 1) return corrupt(e, "unknown schema version");
  auto& p = d::thread_parser();
  auto o = d::parse_object(e.data, p);
  if (!o) return corrupt(e, "data is not an object");
  auto customer = str(*o, "customer_id");
  if (customer.empty()) return corrupt(e, "missing customer_id");
  // Copy everything out of `data` before `pii` is parsed with the same parser.
  auto note_id = str(*o, "note_id"), task_id = str(*o, "task_id"), interaction_id = str(*o, "interaction_id");
  auto type = d::opt_string(*o, "type");
  auto author = str(*o, "author"), channel = str(*o, "channel"), direction = str(*o, "direction");
  auto follow_up = str(*o, "follow_up_task_id"), source = str(*o, "source_interaction");
  auto due_on = d::opt_string(*o, "due_on"), assignee = d::opt_string(*o, "assignee");
  std::int64_t occurred = 0;
  bool occurred_ok = time_of(*o, "occurred_at", occurred);

  bool erased = e.pii == erased_pii;
  std::optional<std::string> body, title, subject, summary, outcome;
  if (erased) {
    body = title = subject = summary = outcome = std::string(erased_text);
  } else {
    auto q = d::parse_object(e.pii, p);
    if (!q) return corrupt(e, "pii is not an object");
    body = d::opt_string(*q, "body");
    title = d::opt_string(*q, "title");
    subject = d::opt_string(*q, "subject");
    summary = d::opt_string(*q, "summary");
    outcome = d::opt_string(*q, "outcome");
  }
  if (e.type == "note.added") {
    if (note_id.empty() || !type || !body) return corrupt(e, "missing note_id, type or body");
    return event{note_added{customer, note_id, *type, author, *body}};
  }
  if (e.type == "note.edited") {
    if (note_id.empty()) return corrupt(e, "missing note_id");
    // An edit of the type alone has no pii: it was never sealed, so it is
    // never read as erased.
    return event{note_edited{customer, note_id, type, body}};
  }
  if (e.type == "note.deleted") return event{note_deleted{customer, note_id}};
  if (e.type == "interaction.logged") {
    if (interaction_id.empty() || channel.empty() || direction.empty() || !occurred_ok)
      return corrupt(e, "missing interaction_id, channel, direction or occurred_at");
    return event{interaction_logged{customer, interaction_id, channel, direction, occurred, follow_up,
                                    subject.value_or(""), summary.value_or(""), outcome.value_or("")}};
  }
  if (e.type == "task.created") {
    if (task_id.empty() || !title) return corrupt(e, "missing task_id or title");
    return event{task_created{customer, task_id, due_on.value_or(""), assignee.value_or(""), source, *title}};
  }
  if (e.type == "task.updated") {
    if (task_id.empty()) return corrupt(e, "missing task_id");
    return event{task_updated{customer, task_id, due_on, assignee, title}};
  }
  if (e.type == "task.completed") return event{task_completed{customer, task_id}};
  if (e.type == "task.reopened") return event{task_reopened{customer, task_id}};
  return corrupt(e, "unknown activity event");
}

// ---- snapshot --------------------------------------------------------------------

std::string encode_state(const state& s) {
  if (!s.exists) return {};
  json::writer w;
  w.begin_object().key("customer_id").value(s.customer_id).key("notes").begin_array();
  for (auto& n : s.notes) {
    w.begin_object().key("id").value(n.id).key("author").value(n.author);
    if (n.deleted) w.key("deleted").value(true);
    w.end_object();
  }
  w.end_array().key("tasks").begin_array();
  for (auto& t : s.tasks) {
    w.begin_object().key("id").value(t.id);
    if (t.done) w.key("done").value(true);
    w.end_object();
  }
  w.end_array().key("interactions").value(s.interactions).key("last").value(s.last).end_object();
  return w.take();
}

result<state> decode_state(std::string_view text) {
  state s;
  if (text.empty()) return s;
  auto o = d::parse_object(text, d::thread_parser());
  if (!o) return error::make(errc::internal, "corrupt_snapshot", "activity snapshot is not JSON");
  s.exists = true;
  s.customer_id = str(*o, "customer_id");
  s.last = str(*o, "last");
  if ((*o)["interactions"].get(s.interactions)) s.interactions = 0;
  simdjson::dom::array a;
  if (!(*o)["notes"].get(a))
    for (auto item : a) {
      simdjson::dom::object n;
      if (item.get(n)) continue;
      bool deleted = false;
      if ((n)["deleted"].get(deleted)) deleted = false;
      s.notes.push_back({str(n, "id"), str(n, "author"), deleted});
    }
  if (!(*o)["tasks"].get(a))
    for (auto item : a) {
      simdjson::dom::object t;
      if (item.get(t)) continue;
      bool done = false;
      if (t["done"].get(done)) done = false;
      s.tasks.push_back({str(t, "id"), done});
    }
  return s;
}

// ---- documents -------------------------------------------------------------------

std::string render(const note_doc& n) {
  json::writer w;
  w.begin_object().key("id").value(n.id).key("customer_id").value(n.customer_id).key("type").value(n.type)
      .key("body").value(n.body).key("author").value(n.author);
  opt(w, "author_role", n.author_role);
  w.key("created_at").value(json::format_timestamp(n.created_at))
      .key("updated_at").value(json::format_timestamp(n.updated_at)).key("edits").begin_array();
  for (auto& e : n.edits)
    w.begin_object().key("at").value(json::format_timestamp(e.at)).key("author").value(e.author)
        .key("previous_type").value(e.previous_type).key("previous_body").value(e.previous_body).end_object();
  w.end_array().end_object();
  return w.take();
}

std::string render(const interaction_doc& i) {
  json::writer w;
  w.begin_object().key("id").value(i.id).key("customer_id").value(i.customer_id).key("channel").value(i.channel)
      .key("direction").value(i.direction);
  opt(w, "subject", i.subject);
  opt(w, "summary", i.summary);
  opt(w, "outcome", i.outcome);
  w.key("occurred_at").value(json::format_timestamp(i.occurred_at))
      .key("logged_at").value(json::format_timestamp(i.logged_at)).key("author").value(i.author);
  opt(w, "author_role", i.author_role);
  opt(w, "follow_up_task_id", i.follow_up_task_id);
  w.end_object();
  return w.take();
}

std::string render(const task_doc& t) {
  json::writer w;
  w.begin_object().key("id").value(t.id).key("customer_id").value(t.customer_id).key("title").value(t.title);
  opt(w, "due_on", t.due_on);
  opt(w, "assignee", t.assignee);
  w.key("done").value(t.done);
  opt_time(w, "done_at", t.done_at);
  w.key("created_at").value(json::format_timestamp(t.created_at))
      .key("updated_at").value(json::format_timestamp(t.updated_at)).key("author").value(t.author);
  opt(w, "source_interaction", t.source_interaction);
  w.end_object();
  return w.take();
}

result<note_doc> parse_note_doc(std::string_view json) {
  auto o = d::parse_object(json, d::thread_parser());
  if (!o) return corrupt_doc("a note is not JSON");
  note_doc n{str(*o, "id"), str(*o, "customer_id"), str(*o, "type"), str(*o, "body"), str(*o, "author"),
             str(*o, "author_role"), 0, 0, {}};
  if (!time_of(*o, "created_at", n.created_at) || !time_of(*o, "updated_at", n.updated_at))
    return corrupt_doc("a note has a bad time");
  simdjson::dom::array a;
  if (!(*o)["edits"].get(a))
    for (auto item : a) {
      simdjson::dom::object e;
      if (item.get(e)) return corrupt_doc("a note edit is not an object");
      note_edit x{0, str(e, "author"), str(e, "previous_type"), str(e, "previous_body")};
      if (!time_of(e, "at", x.at)) return corrupt_doc("a note edit has a bad time");
      n.edits.push_back(std::move(x));
    }
  return n;
}

result<interaction_doc> parse_interaction_doc(std::string_view json) {
  auto o = d::parse_object(json, d::thread_parser());
  if (!o) return corrupt_doc("an interaction is not JSON");
  interaction_doc i{str(*o, "id"),      str(*o, "customer_id"), str(*o, "channel"), str(*o, "direction"),
                    str(*o, "subject"), str(*o, "summary"),     str(*o, "outcome"), str(*o, "author"),
                    str(*o, "author_role"), 0, 0, str(*o, "follow_up_task_id")};
  if (!time_of(*o, "occurred_at", i.occurred_at) || !time_of(*o, "logged_at", i.logged_at))
    return corrupt_doc("an interaction has a bad time");
  return i;
}

result<task_doc> parse_task_doc(std::string_view json) {
  auto o = d::parse_object(json, d::thread_parser());
  if (!o) return corrupt_doc("a task is not JSON");
  task_doc t{str(*o, "id"), str(*o, "customer_id"), str(*o, "title"), str(*o, "due_on"), str(*o, "assignee"),
             str(*o, "author"), str(*o, "source_interaction"), false, 0, 0, 0};
  if ((*o)["done"].get(t.done)) return corrupt_doc("a task has no done flag");
  if (!time_of(*o, "created_at", t.created_at) || !time_of(*o, "updated_at", t.updated_at) ||
      !time_of(*o, "done_at", t.done_at))
    return corrupt_doc("a task has a bad time");
  return t;
}

}  // namespace chronicle::schemas::activity_codec
