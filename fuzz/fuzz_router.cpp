// Fuzzes the pure router and the request-body codecs: any method, path and body is routed or
// refused, and any body parses or is refused with an error, never a crash.
#include <cstdint>
#include <string_view>

#include "http/json_fields.hpp"
#include "http/router.hpp"
#include "http/v1/key_codec.hpp"
#include "http/v1/routes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // First line: "METHOD PATH"; the rest: a request body.
  const std::size_t newline = input.find('\n');
  const std::string_view line = input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  const std::size_t space = line.find(' ');
  const std::string_view method = line.substr(0, space);
  const std::string_view path = space == std::string_view::npos ? "/" : line.substr(space + 1);
  (void)keyward::http::MatchRoute(keyward::http::v1::Routes(), method, path);
  auto parsed = keyward::http::ParseBody(body);
  if (parsed) {
    (void)keyward::http::ParseCreateKey(*parsed);
    (void)keyward::http::ParseUpdateKey(*parsed);
  }
  return 0;
}
