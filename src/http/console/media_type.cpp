#include "http/console/media_type.hpp"
#include "core/text.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace keyward::http::console {
namespace {

// JavaScript is text/javascript (RFC 9239); browsers run a module script only under a
// JavaScript type once X-Content-Type-Options: nosniff is set.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kTypes = {{
    {"html", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"json", "application/json"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"txt", "text/plain; charset=utf-8"},
}};

}  // namespace

std::optional<std::string_view> MediaTypeFor(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view extension = name.substr(dot + 1);
  for (const auto& [ext, type] : kTypes) {
    if (core::AsciiIEquals(ext, extension)) return type;
  }
  return std::nullopt;
}

}  // namespace keyward::http::console
