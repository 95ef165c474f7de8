#pragma once
// Wire formats of tags: request bodies → commands, events ↔ envelope data,
// state ↔ snapshot JSON, and the Tag resource (schemas/openapi.json). Tags
// hold no personal data: every event's `pii` is empty.
#include <string>
#include <string_view>

#include "domain/envelope.hpp"
#include "domain/result.hpp"
#include "domain/tag.hpp"
#include "schemas/encoded_event.hpp"

namespace chronicle::schemas::tag_codec {

inline constexpr std::string_view default_colour = "#9e9e9e";

// POST /v1/tags: {name, colour?, description?}. The id is left empty.
result<tags::create_tag> parse_create(std::string_view body);
// PATCH /v1/tags/{id} (merge patch): name, colour, description (null clears).
result<tags::update_tag> parse_update(std::string_view body);

encoded_event encode_event(const tags::event& e);
result<tags::event> decode_event(const event_envelope& e);

std::string encode_state(const tags::tag& t);
result<tags::tag> decode_state(std::string_view json);

std::string render(const tags::tag& t, std::uint64_t version);

}  // namespace chronicle::schemas::tag_codec
