#pragma once
// Port: the key vault. Each data subject has its own key (XChaCha20-Poly1305
// in the libsodium adapter), itself encrypted with the master key. Destroying
// a subject's key makes every sealed copy of its personal data unreadable.
// Thread-safety: all methods may be called from any thread.
#include "domain/pii.hpp"

namespace chronicle::commands {

class pii_vault : public pii_reader {
 public:
  // Seals a JSON object for `subject`, creating the subject's key on first
  // use; a fresh nonce every time. Returns the sealed JSON object.
  virtual result<std::string> seal(std::string_view tenant, std::string_view subject,
                                   std::string_view plaintext) = 0;
  // Makes the keys created by seal() since the last sync durable. Called once
  // per batch before its events are appended: an acknowledged event must
  // never outlive the key that opens it. Cheap when nothing is pending.
  virtual status sync() = 0;
  // Destroys the subject's key for good. Idempotent.
  virtual status destroy(std::string_view tenant, std::string_view subject) = 0;
  // Removes destroyed keys from the vault's storage files.
  virtual status compact() = 0;
};

}  // namespace chronicle::commands
