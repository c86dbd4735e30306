// The Content-Type a console file is served with, decided by its extension. Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace keyward::http::console {

// The media type of `path` by its extension (ASCII case-insensitive): html, css, js and mjs,
// svg, png, json, ico, woff2, txt; text types carry "; charset=utf-8". nullopt for any other
// extension, or none: such a file is not served (console.hpp), so nothing reaches a browser
// under a guessed type.
std::optional<std::string_view> MediaTypeFor(std::string_view path);

}  // namespace keyward::http::console
