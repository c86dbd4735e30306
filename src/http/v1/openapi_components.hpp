// The fixed part of the OpenAPI document (openapi.hpp): its "components" (security schemes,
// schemas, parameters, shared responses and headers), kept as JSON text apart from the code that
// generates the paths; the schemas are openapi_schemas.hpp's, one constant per resource.
// Thread-safe.
#pragma once

#include <boost/json/object.hpp>

namespace keyward::http {

// The "components" object of the document. References in the paths ("#/components/...") name
// its members.
boost::json::object OpenApiComponents();

}  // namespace keyward::http
