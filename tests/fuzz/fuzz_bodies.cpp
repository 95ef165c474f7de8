// Fuzz target: every JSON request body the API decodes. The first byte picks
// the decoder, the rest is the body. A decoder must return a value or a
// problem for any input: no crash, no hang, no undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "schemas/access_codec.hpp"
#include "schemas/activity_codec.hpp"
#include "schemas/catalog_codec.hpp"
#include "schemas/customer_codec.hpp"
#include "schemas/order_batch_codec.hpp"
#include "schemas/order_codec.hpp"
#include "schemas/order_template_codec.hpp"
#include "schemas/tag_codec.hpp"

namespace {

using decoder = void (*)(std::string_view);

template <class R>
void settle(const R& r) {
  // Touch the outcome so a decoder cannot hand back a half-built value.
  if (r.ok()) return;
  volatile auto n = r.err().message.size() + r.err().fields.size();
  (void)n;
}

const decoder decoders[] = {
    [](std::string_view b) { settle(chronicle::schemas::customer_codec::parse_register(b)); },
    [](std::string_view b) { settle(chronicle::schemas::customer_codec::parse_update(b)); },
    [](std::string_view b) { settle(chronicle::schemas::access_codec::parse_create_key(b)); },
    [](std::string_view b) { settle(chronicle::schemas::customer_codec::parse_address(b)); },
    [](std::string_view b) { settle(chronicle::schemas::customer_codec::parse_address_patch(b)); },
    [](std::string_view b) { settle(chronicle::schemas::customer_codec::parse_tag_ids(b)); },
    [](std::string_view b) { settle(chronicle::schemas::tag_codec::parse_create(b)); },
    [](std::string_view b) { settle(chronicle::schemas::tag_codec::parse_update(b)); },
    [](std::string_view b) { settle(chronicle::schemas::activity_codec::parse_add_note(b)); },
    [](std::string_view b) { settle(chronicle::schemas::activity_codec::parse_edit_note(b)); },
    [](std::string_view b) { settle(chronicle::schemas::activity_codec::parse_log_interaction(b)); },
    [](std::string_view b) { settle(chronicle::schemas::activity_codec::parse_create_task(b)); },
    [](std::string_view b) { settle(chronicle::schemas::activity_codec::parse_update_task(b)); },
    [](std::string_view b) { settle(chronicle::schemas::catalog_codec::parse_create(b)); },
    [](std::string_view b) { settle(chronicle::schemas::catalog_codec::parse_update(b)); },
    [](std::string_view b) { settle(chronicle::schemas::catalog_codec::parse_stock(b)); },
    [](std::string_view b) { settle(chronicle::schemas::order_codec::parse_place(b)); },
    [](std::string_view b) { settle(chronicle::schemas::order_codec::parse_patch(b)); },
    [](std::string_view b) { settle(chronicle::schemas::order_codec::parse_transition(b, true)); },
    [](std::string_view b) { settle(chronicle::schemas::order_codec::parse_return(b)); },
    [](std::string_view b) { settle(chronicle::schemas::order_codec::parse_decline(b)); },
    [](std::string_view b) { settle(chronicle::schemas::order_codec::parse_receive(b)); },
    [](std::string_view b) { settle(chronicle::schemas::order_codec::parse_refund(b)); },
    [](std::string_view b) { settle(chronicle::schemas::order_template_codec::parse_create(b)); },
    [](std::string_view b) { settle(chronicle::schemas::order_template_codec::parse_update(b)); },
    [](std::string_view b) { settle(chronicle::schemas::order_batch_codec::parse_batch(b)); },
    [](std::string_view b) { settle(chronicle::schemas::order_batch_codec::parse_place_from_template(b)); },
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto pick = data[0] % std::size(decoders);
  decoders[pick](std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
