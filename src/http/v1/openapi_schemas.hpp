// The schemas of the OpenAPI document (openapi.hpp): request and response bodies, one constant
// of JSON text per resource (errors, keys, key requests, roles, accounts, sessions,
// verification, audit, service status). A new endpoint's schema goes into its resource's
// constant in openapi_schemas.cpp. Thread-safe.
#pragma once

#include <boost/json/object.hpp>

namespace keyward::http {

// The "schemas" member of the document's components, in a stable order.
boost::json::object OpenApiSchemas();

}  // namespace keyward::http
