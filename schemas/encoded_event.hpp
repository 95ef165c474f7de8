#pragma once
// An event as a codec hands it to the command side: type, version, and the
// JSON of its non-personal `data` and personal `pii`, before the envelope
// is built around it and `pii` is sealed.
#include <string>

namespace chronicle::schemas {

struct encoded_event {
  std::string type;
  int schema_version = 1;
  std::string data;     // JSON object
  std::string pii;      // JSON object of personal fields, sealed before it is stored
  std::string subject;  // whose personal data `pii` is (empty: no personal data)
};

}  // namespace chronicle::schemas
