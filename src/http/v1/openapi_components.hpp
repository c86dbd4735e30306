// The fixed part of the OpenAPI document (openapi.hpp): its "components" (schemas, parameters,
// shared responses and headers, security schemes) as JSON text, kept apart from the code that
// generates the paths so each stays short. Constant data; thread-safe.
#pragma once

#include <string_view>

namespace keyward::http {

// The "components" object of the document, as JSON text. References in the paths
// ("#/components/...") name its members.
std::string_view OpenApiComponentsJson();

}  // namespace keyward::http
