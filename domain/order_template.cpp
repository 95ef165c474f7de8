#include "domain/order_template.hpp"

#include "domain/contact.hpp"
#include "domain/ids.hpp"

namespace chronicle::order_templates {
namespace {

struct validator {
  std::vector<field_error> errors;

  std::optional<std::string> name(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    auto t = std::string(trim(*v));
    if (t.empty()) errors.push_back({"name", "required", "name must not be empty"});
    else if (utf8_length(t) > max_name) errors.push_back({"name", "too_long", "name is longer than 80 characters"});
    else return t;
    return std::nullopt;
  }
  std::optional<std::string> notes(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    auto t = std::string(trim(*v));
    if (utf8_length(t) > max_notes) {
      errors.push_back({"notes", "too_long", "notes are longer than 1000 characters"});
      return std::nullopt;
    }
    return t;
  }
  std::optional<std::vector<item>> items(const std::optional<std::vector<item>>& v) {
    if (!v) return std::nullopt;
    auto before = errors.size();
    if (v->empty()) errors.push_back({"items", "required", "a template needs at least one item"});
    if (v->size() > max_items) errors.push_back({"items", "too_many", "a template holds at most 100 items"});
    for (std::size_t i = 0; i < v->size(); ++i) {
      auto at = "items[" + std::to_string(i) + "].";
      auto& it = (*v)[i];
      if (!is_ulid(it.product_id))
        errors.push_back({at + "product_id", "invalid_format", "product_id must be a product's id (a ULID)"});
      for (std::size_t j = 0; j < i; ++j)
        if ((*v)[j].product_id == it.product_id) {
          errors.push_back({at + "product_id", "duplicate",
                            "the product is already item " + std::to_string(j) + "; give one quantity per product"});
          break;
        }
      if (it.quantity < 1 || it.quantity > max_quantity)
        errors.push_back({at + "quantity", "out_of_range", "quantity must be an integer from 1 to 100000"});
    }
    if (errors.size() != before) return std::nullopt;
    return *v;
  }
  error failure() const { return error::invalid("validation_failed", "the order template has invalid fields", errors); }
};

error not_found() { return error::make(errc::not_found, "template_not_found", "no order template with this id"); }

}  // namespace

result<std::vector<event>> decide(const order_template& state, const create_template& cmd) {
  if (state.exists) return error::make(errc::already_exists, "template_exists", "an order template with this id already exists");
  validator v;
  auto name = v.name(cmd.name);
  if (cmd.name.empty() && v.errors.empty()) v.errors.push_back({"name", "required", "name is required"});
  if (cmd.customer_id && !is_ulid(*cmd.customer_id))
    v.errors.push_back({"customer_id", "invalid_format", "customer_id must be a customer's id (a ULID)"});
  auto items = v.items(cmd.items);
  auto notes = v.notes(cmd.notes);
  if (!v.errors.empty()) return v.failure();
  return std::vector<event>{
      template_created{cmd.id, *name, cmd.customer_id.value_or(""), std::move(*items), notes.value_or("")}};
}

result<std::vector<event>> decide(const order_template& state, const update_template& cmd) {
  if (!state.exists || state.deleted) return not_found();
  validator v;
  auto name = v.name(cmd.name);
  auto items = v.items(cmd.items);
  auto notes = v.notes(cmd.notes);
  if (!v.errors.empty()) return v.failure();
  template_updated u{cmd.id, name && *name != state.name ? name : std::nullopt,
                     items && *items != state.items ? items : std::nullopt,
                     notes && *notes != state.notes ? notes : std::nullopt};
  if (!u.name && !u.items && !u.notes) return std::vector<event>{};
  return std::vector<event>{std::move(u)};
}

result<std::vector<event>> decide(const order_template& state, const delete_template& cmd) {
  if (!state.exists) return not_found();
  if (state.deleted) return std::vector<event>{};
  return std::vector<event>{template_deleted{cmd.id}};
}

order_template evolve(order_template s, const event& e, std::int64_t at) {
  if (auto* c = std::get_if<template_created>(&e)) {
    s.exists = true;
    s.id = c->id;
    s.name = c->name;
    s.customer_id = c->customer_id;
    s.items = c->items;
    s.notes = c->notes;
    s.created_at = s.updated_at = at;
  } else if (auto* u = std::get_if<template_updated>(&e)) {
    if (u->name) s.name = *u->name;
    if (u->items) s.items = *u->items;
    if (u->notes) s.notes = *u->notes;
    s.updated_at = at;
  } else if (std::holds_alternative<template_deleted>(e)) {
    s.deleted = true;
    s.updated_at = at;
  }
  return s;
}

}  // namespace chronicle::order_templates
