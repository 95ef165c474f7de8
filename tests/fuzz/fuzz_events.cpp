// Fuzz target: what the log and the stores hand back to the code. Bytes are
// decoded as an event envelope and, when that succeeds, as every event type
// the codecs know (whatever the envelope's `type` says), and as each stored
// state snapshot. A record that fails to decode must be an error, never a
// crash: the log is read by projections that must report, not die.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "schemas/access_codec.hpp"
#include "schemas/activity_codec.hpp"
#include "schemas/catalog_codec.hpp"
#include "schemas/audit_codec.hpp"
#include "schemas/customer_codec.hpp"
#include "schemas/tag_codec.hpp"
#include "schemas/envelope_codec.hpp"

namespace codecs = chronicle::schemas;

template <class R>
void settle(const R& r) {
  if (r.ok()) return;
  volatile auto n = r.err().message.size() + r.err().fields.size();
  (void)n;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  settle(codecs::customer_codec::decode_state(bytes));
  settle(codecs::access_codec::decode_tenant(bytes));
  settle(codecs::access_codec::decode_key(bytes));
  settle(codecs::tag_codec::decode_state(bytes));
  settle(codecs::activity_codec::decode_state(bytes));
  settle(codecs::catalog_codec::decode_state(bytes));
  settle(codecs::activity_codec::parse_note_doc(bytes));
  settle(codecs::activity_codec::parse_interaction_doc(bytes));
  settle(codecs::activity_codec::parse_task_doc(bytes));
  auto env = codecs::decode_envelope(bytes);
  if (!env) return 0;
  // A decoded envelope encodes and decodes to itself.
  auto again = codecs::decode_envelope(codecs::encode_envelope(*env));
  if (!again || codecs::encode_envelope(*again) != codecs::encode_envelope(*env)) __builtin_trap();
  settle(codecs::customer_codec::decode_event(*env));
  settle(codecs::access_codec::decode_event(*env));
  settle(codecs::tag_codec::decode_event(*env));
  settle(codecs::activity_codec::decode_event(*env));
  settle(codecs::catalog_codec::decode_event(*env));
  settle(codecs::audit_codec::decode_recorded(*env));
  settle(codecs::audit_codec::customer_subject(*env));
  return 0;
}
