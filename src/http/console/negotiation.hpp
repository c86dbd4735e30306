// The two request headers a console file's answer depends on: Accept-Encoding (may the body be
// sent gzip-encoded?) and If-None-Match (does the client hold the current version already?).
// Pure functions over header values; thread-safe.
#pragma once

#include <string_view>

namespace keyward::http::console {

// Whether an Accept-Encoding value (RFC 9110 12.5.3; several header lines joined with commas)
// accepts gzip: `gzip` or `x-gzip` listed with a q-value above 0, or, when neither is listed,
// `*` with a q-value above 0. Codings compare ASCII case-insensitively; `gzip;q=0` (or q=0.000)
// refuses it. An element whose q-value is malformed accepts nothing. An empty value accepts
// nothing, so such a client gets the bytes as they are.
bool AcceptsGzip(std::string_view accept_encoding);

// Whether an If-None-Match value (RFC 9110 13.1.2; several lines joined with commas) matches
// `etag` (a quoted entity-tag, "..."): `*`, or any listed entity-tag whose opaque part equals
// etag's, a weak W/ prefix ignored (the weak comparison that If-None-Match uses). A malformed
// list matches nothing from the first fault on, so the client gets the whole file.
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace keyward::http::console
