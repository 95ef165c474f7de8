#pragma once
// The OpenAPI 3.1 document (schemas/openapi.json), compiled into the binary.
#include <string_view>

namespace chronicle::schemas {
std::string_view openapi_document();
}
