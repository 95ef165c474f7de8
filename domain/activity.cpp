#include "domain/activity.hpp"

#include <algorithm>

#include "domain/contact.hpp"

namespace chronicle::activity {
namespace {

constexpr std::size_t max_body = 10000, max_subject = 200, max_summary = 10000, max_outcome = 500,
                      max_title = 200, max_assignee = 100;
constexpr std::int64_t day_us = 86'400'000'000;

template <std::size_t N>
bool one_of(std::string_view v, const std::string_view (&set)[N]) {
  return std::find(std::begin(set), std::end(set), v) != std::end(set);
}

template <std::size_t N>
std::string listed(const std::string_view (&set)[N]) {
  std::string s;
  for (auto v : set) s += (s.empty() ? "" : ", ") + std::string(v);
  return s;
}

struct validator {
  std::vector<field_error> errors;

  // Free text: `required` refuses blank; trimmed, at most `max` code points.
  std::optional<std::string> text(std::string_view field, const std::optional<std::string>& v, std::size_t max,
                                  bool required) {
    if (!v) {
      if (required) errors.push_back({std::string(field), "required", std::string(field) + " is required"});
      return std::nullopt;
    }
    auto t = std::string(trim(*v));
    if (t.empty() && required) {
      errors.push_back({std::string(field), "required", std::string(field) + " must not be empty"});
      return std::nullopt;
    }
    if (utf8_length(t) > max) {
      errors.push_back({std::string(field), "too_long",
                        std::string(field) + " is longer than " + std::to_string(max) + " characters"});
      return std::nullopt;
    }
    return t;
  }
  template <std::size_t N>
  void member(std::string_view field, const std::string& v, const std::string_view (&set)[N]) {
    if (v.empty()) errors.push_back({std::string(field), "required", std::string(field) + " is required"});
    else if (!one_of(v, set)) errors.push_back({std::string(field), "invalid_value", std::string(field) + " must be one of " + listed(set)});
  }
  // "" clears (when allowed); otherwise a real calendar date.
  void date(std::string_view field, const std::optional<std::string>& v, bool clearable) {
    if (!v || (clearable && v->empty()) || is_date(*v)) return;
    errors.push_back({std::string(field), "invalid_format", std::string(field) + " must be a date, YYYY-MM-DD"});
  }
  bool ok() const { return errors.empty(); }
  error failure(std::string_view what) const {
    return error::invalid("validation_failed", "the " + std::string(what) + " has invalid fields", errors);
  }
};

const note_ref* find_note(const state& s, std::string_view id) {
  for (auto& n : s.notes)
    if (n.id == id && !n.deleted) return &n;
  return nullptr;
}
const task_ref* find_task(const state& s, std::string_view id) {
  for (auto& t : s.tasks)
    if (t.id == id) return &t;
  return nullptr;
}
error note_not_found() { return error::make(errc::not_found, "note_not_found", "no note with this id for this customer"); }
error task_not_found() { return error::make(errc::not_found, "task_not_found", "no task with this id for this customer"); }

// The first `n` code points of valid UTF-8.
std::string prefix_code_points(std::string_view s, std::size_t n) {
  std::size_t i = 0, seen = 0;
  while (i < s.size() && seen < n) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    ++seen;
  }
  return std::string(s.substr(0, i));
}

}  // namespace

bool is_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  auto num = [&](std::size_t at, std::size_t len) {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::string follow_up_title(std::string_view channel, std::string_view subject) {
  if (subject.empty()) return "Follow up on the " + std::string(channel);
  return "Follow up: " + prefix_code_points(subject, max_title - 11);
}

result<std::vector<event>> decide(const state&, const add_note& cmd) {
  validator v;
  v.member("type", cmd.type, note_types);
  auto body = v.text("body", cmd.body, max_body, true);
  if (!v.ok()) return v.failure("note");
  return std::vector<event>{note_added{cmd.customer_id, cmd.note_id, cmd.type, cmd.author, *body}};
}

result<std::vector<event>> decide(const state& s, const edit_note& cmd) {
  if (!find_note(s, cmd.note_id)) return note_not_found();
  validator v;
  if (cmd.type) v.member("type", *cmd.type, note_types);
  auto body = v.text("body", cmd.body, max_body, false);
  if (cmd.body && body && body->empty()) v.errors.push_back({"body", "required", "body must not be empty"});
  if (!v.ok()) return v.failure("note");
  if (!cmd.type && !body) return std::vector<event>{};
  return std::vector<event>{note_edited{cmd.customer_id, cmd.note_id, cmd.type, body}};
}

result<std::vector<event>> decide(const state& s, const delete_note& cmd) {
  if (find_note(s, cmd.note_id)) return std::vector<event>{note_deleted{cmd.customer_id, cmd.note_id}};
  // Deleting twice is not an error, like deleting a tag or erasing a customer.
  for (auto& n : s.notes)
    if (n.id == cmd.note_id) return std::vector<event>{};
  return note_not_found();
}

result<std::vector<event>> decide(const state&, const log_interaction& cmd, std::int64_t now) {
  validator v;
  v.member("channel", cmd.channel, channels);
  v.member("direction", cmd.direction, directions);
  auto subject = v.text("subject", cmd.subject, max_subject, false);
  auto summary = v.text("summary", cmd.summary, max_summary, false);
  auto outcome = v.text("outcome", cmd.outcome, max_outcome, false);
  auto at = cmd.occurred_at.value_or(now);
  if (at > now + day_us)
    v.errors.push_back({"occurred_at", "too_far_in_future", "occurred_at may be at most a day in the future"});
  if (at < 0) v.errors.push_back({"occurred_at", "out_of_range", "occurred_at is before 1970"});
  v.date("follow_up_on", cmd.follow_up_on, false);
  if (!v.ok()) return v.failure("interaction");
  interaction_logged e{cmd.customer_id, cmd.interaction_id, cmd.channel, cmd.direction, at, {},
                       subject.value_or(""), summary.value_or(""), outcome.value_or("")};
  std::vector<event> out;
  if (cmd.follow_up_on) e.follow_up_task_id = cmd.follow_up_task_id;
  out.push_back(e);
  if (cmd.follow_up_on)
    out.push_back(task_created{cmd.customer_id, cmd.follow_up_task_id, *cmd.follow_up_on, "", cmd.interaction_id,
                               follow_up_title(cmd.channel, e.subject)});
  return out;
}

result<std::vector<event>> decide(const state&, const create_task& cmd) {
  validator v;
  auto title = v.text("title", cmd.title, max_title, true);
  v.date("due_on", cmd.due_on, false);
  auto assignee = v.text("assignee", cmd.assignee, max_assignee, false);
  if (!v.ok()) return v.failure("task");
  return std::vector<event>{
      task_created{cmd.customer_id, cmd.task_id, cmd.due_on.value_or(""), assignee.value_or(""), "", *title}};
}

result<std::vector<event>> decide(const state& s, const update_task& cmd) {
  auto* t = find_task(s, cmd.task_id);
  if (!t) return task_not_found();
  validator v;
  std::optional<std::string> title;
  if (cmd.title) title = v.text("title", cmd.title, max_title, true);
  v.date("due_on", cmd.due_on, true);
  auto assignee = v.text("assignee", cmd.assignee, max_assignee, false);
  if (!v.ok()) return v.failure("task");
  std::vector<event> out;
  // The projection knows the current values; an update repeats what it was
  // given, and the done flag alone decides whether completion events follow.
  if (title || cmd.due_on || assignee)
    out.push_back(task_updated{cmd.customer_id, cmd.task_id, cmd.due_on, assignee, title});
  if (cmd.done && *cmd.done && !t->done) out.push_back(task_completed{cmd.customer_id, cmd.task_id});
  if (cmd.done && !*cmd.done && t->done) out.push_back(task_reopened{cmd.customer_id, cmd.task_id});
  return out;
}

state evolve(state s, const event& e) {
  s.exists = true;
  std::visit([&](auto& x) { s.customer_id = x.customer_id; }, e);
  if (auto* n = std::get_if<note_added>(&e)) {
    s.notes.push_back({n->note_id, n->author, false});
    s.last = n->note_id;
  } else if (auto* ed = std::get_if<note_edited>(&e)) {
    s.last = ed->note_id;
  } else if (auto* d = std::get_if<note_deleted>(&e)) {
    for (auto& n : s.notes)
      if (n.id == d->note_id) n.deleted = true;
    s.last = d->note_id;
  } else if (auto* i = std::get_if<interaction_logged>(&e)) {
    ++s.interactions;
    s.last = i->interaction_id;
  } else if (auto* t = std::get_if<task_created>(&e)) {
    s.tasks.push_back({t->task_id, false});
    // A follow-up task does not replace its interaction as the answer.
    if (t->source_interaction.empty()) s.last = t->task_id;
  } else if (auto* u = std::get_if<task_updated>(&e)) {
    s.last = u->task_id;
  } else if (auto* c = std::get_if<task_completed>(&e)) {
    for (auto& t : s.tasks)
      if (t.id == c->task_id) t.done = true;
    s.last = c->task_id;
  } else if (auto* r = std::get_if<task_reopened>(&e)) {
    for (auto& t : s.tasks)
      if (t.id == r->task_id) t.done = false;
    s.last = r->task_id;
  }
  return s;
}

}  // namespace chronicle::activity
