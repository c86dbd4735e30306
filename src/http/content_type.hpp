// The Content-Type rule of the native API (docs/api.md "Conventions": JSON bodies, `Content-Type:
// application/json`). Only a body declared as JSON is read: a browser may send a cross-site
// `text/plain` or form body without a CORS preflight, so accepting those would let any web
// page post a sign-in or a change (a login CSRF); requiring application/json forces the
// preflight that Keyward never grants. See docs/security.md "HTTP transport attacks".
// Pure function; thread-safe.
#pragma once

#include "core/result.hpp"
#include "http/handler.hpp"

namespace keyward::http {

// Ok for a request without a body (an empty body counts as none, as docs/api.md has it: `{}`), and
// for one whose single Content-Type is application/json (any letter case, parameters such as
// `; charset=utf-8` allowed). Otherwise kInvalidArgument (Msg::kWrongType) with field
// "Content-Type": no Content-Type, another media type, or two Content-Type fields.
core::Status RequireJsonContentType(const Request& request);

}  // namespace keyward::http
