// The OpenAPI 3.0.3 document of the native API, served at GET /v1/openapi.json. Its paths are
// generated from the native route table (routes.hpp), so every routed path and method is
// described, each operation with what its entry declares (summary, tag, bodies, status, and the
// permission it needs as "x-keyward-permission" and a sentence of its description);
// the schemas (ApiKey, Role, Error, Verification, list envelopes, request bodies) and the
// security schemes (bearer, the api-secret-key header, and X-API-Key for /v1/authz) are fixed
// data (openapi_components.hpp). A route that takes every method (/v1/authz) is described under
// each method OpenAPI 3.0 names but trace. Thread-safe: built once, then constant.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace keyward::http {

// The document as JSON.
const boost::json::value& OpenApiDocument();
// The document serialised, as served.
const std::string& OpenApiJson();

}  // namespace keyward::http
