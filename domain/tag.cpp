#include "domain/tag.hpp"

#include <cctype>

#include "domain/contact.hpp"

namespace chronicle::tags {
namespace {

constexpr std::size_t max_name = 40;
constexpr std::size_t max_description = 200;

struct validator {
  std::vector<field_error> errors;

  std::optional<std::string> name(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    auto t = std::string(trim(*v));
    if (t.empty()) errors.push_back({"name", "required", "name must not be empty"});
    else if (utf8_length(t) > max_name) errors.push_back({"name", "too_long", "name is longer than 40 characters"});
    else return t;
    return std::nullopt;
  }
  std::optional<std::string> colour(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    bool ok = v->size() == 7 && (*v)[0] == '#';
    std::string out = "#";
    for (std::size_t i = 1; ok && i < 7; ++i) {
      auto c = static_cast<unsigned char>((*v)[i]);
      ok = std::isxdigit(c) != 0;
      out.push_back(static_cast<char>(std::tolower(c)));
    }
    if (!ok) {
      errors.push_back({"colour", "invalid_format", "colour must be #RRGGBB, e.g. #2e7d32"});
      return std::nullopt;
    }
    return out;
  }
  std::optional<std::string> description(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    auto t = std::string(trim(*v));
    if (utf8_length(t) > max_description) {
      errors.push_back({"description", "too_long", "description is longer than 200 characters"});
      return std::nullopt;
    }
    return t;
  }
  error failure() const { return error::invalid("validation_failed", "the tag has invalid fields", errors); }
};

error not_found() { return error::make(errc::not_found, "tag_not_found", "no tag with this id"); }

}  // namespace

std::string name_key(std::string_view name) {
  std::string out(trim(name));
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

result<std::vector<event>> decide(const tag& state, const create_tag& cmd) {
  if (state.exists) return error::make(errc::already_exists, "tag_exists", "a tag with this id already exists");
  validator v;
  auto name = v.name(cmd.name);
  if (cmd.name.empty() && v.errors.empty()) v.errors.push_back({"name", "required", "name is required"});
  auto colour = v.colour(cmd.colour);
  auto description = v.description(cmd.description);
  if (!v.errors.empty()) return v.failure();
  return std::vector<event>{tag_created{cmd.id, *name, *colour, description.value_or("")}};
}

result<std::vector<event>> decide(const tag& state, const update_tag& cmd) {
  if (!state.exists || state.deleted) return not_found();
  validator v;
  auto name = v.name(cmd.name);
  auto colour = v.colour(cmd.colour);
  auto description = v.description(cmd.description);
  if (!v.errors.empty()) return v.failure();
  auto changed = [](const std::optional<std::string>& next, const std::string& cur) {
    return next && *next != cur ? next : std::nullopt;
  };
  tag_updated u{cmd.id, changed(name, state.name), changed(colour, state.colour),
                changed(description, state.description)};
  if (!u.name && !u.colour && !u.description) return std::vector<event>{};
  return std::vector<event>{std::move(u)};
}

result<std::vector<event>> decide(const tag& state, const delete_tag& cmd) {
  if (!state.exists) return not_found();
  if (state.deleted) return std::vector<event>{};
  return std::vector<event>{tag_deleted{cmd.id}};
}

tag evolve(tag s, const event& e, std::int64_t at) {
  if (auto* c = std::get_if<tag_created>(&e)) {
    s.exists = true;
    s.id = c->id;
    s.name = c->name;
    s.colour = c->colour;
    s.description = c->description;
    s.created_at = s.updated_at = at;
  } else if (auto* u = std::get_if<tag_updated>(&e)) {
    if (u->name) s.name = *u->name;
    if (u->colour) s.colour = *u->colour;
    if (u->description) s.description = *u->description;
    s.updated_at = at;
  } else if (std::holds_alternative<tag_deleted>(e)) {
    s.deleted = true;
    s.updated_at = at;
  }
  return s;
}

}  // namespace chronicle::tags
