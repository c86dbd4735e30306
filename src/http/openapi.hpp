// The OpenAPI 3.0.3 document of the native API, served at GET /v1/openapi.json. Its paths are
// generated from the router's table (router.hpp), so every routed path and method is described;
// the schemas (ApiKey, Role, Error, list envelopes, request bodies) and the two security schemes
// (bearer and the api-secret-key header) are fixed data. Thread-safe: built once, then constant.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace keyward::http {

// The document as JSON.
const boost::json::value& OpenApiDocument();
// The document serialised, as served.
const std::string& OpenApiJson();

}  // namespace keyward::http
