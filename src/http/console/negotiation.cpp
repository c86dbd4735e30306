#include "http/console/negotiation.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <optional>

#include "core/text.hpp"

namespace keyward::http::console {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A qvalue (RFC 9110 12.4.2: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ]) in thousandths, or
// nullopt when it is not one.
std::optional<int> ParseQValue(std::string_view q) {
  if (q.empty() || (q[0] != '0' && q[0] != '1')) return std::nullopt;
  int thousandths = q[0] == '1' ? 1000 : 0;
  if (q.size() == 1) return thousandths;
  if (q[1] != '.' || q.size() > 5) return std::nullopt;
  int scale = 100;
  for (const char c : q.substr(2)) {
    if (!IsDigit(c)) return std::nullopt;
    thousandths += (c - '0') * scale;
    scale /= 10;
  }
  if (thousandths > 1000) return std::nullopt;
  return thousandths;
}

// The weight of one Accept-Encoding element's parameters (";q=0.5"), in thousandths: 1000
// without a q parameter, nullopt when the parameters are malformed.
std::optional<int> Weight(std::string_view params) {
  int weight = 1000;
  while (!params.empty()) {
    const std::size_t semicolon = params.find(';');
    const std::string_view param = core::TrimOws(params.substr(0, semicolon));
    params =
        semicolon == std::string_view::npos ? std::string_view{} : params.substr(semicolon + 1);
    if (param.empty()) continue;
    if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') {
      return std::nullopt;  // Accept-Encoding defines no parameter but q
    }
    const std::optional<int> q = ParseQValue(param.substr(2));
    if (!q) return std::nullopt;
    weight = *q;
  }
  return weight;
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<int> gzip;
  std::optional<int> any;
  while (!accept_encoding.empty()) {
    const std::size_t comma = accept_encoding.find(',');
    const std::string_view element = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    const std::size_t semicolon = element.find(';');
    const std::string_view coding = core::TrimOws(element.substr(0, semicolon));
    const std::optional<int> weight =
        semicolon == std::string_view::npos ? 1000 : Weight(element.substr(semicolon + 1));
    const int w = weight.value_or(0);
    if (core::AsciiIEquals(coding, "gzip") || core::AsciiIEquals(coding, "x-gzip")) {
      gzip = std::max(gzip.value_or(0), w);
    } else if (coding == "*") {
      any = std::max(any.value_or(0), w);
    }
  }
  if (gzip) return *gzip > 0;
  return any.value_or(0) > 0;
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  std::string_view rest = if_none_match;
  for (;;) {
    const std::size_t start = rest.find_first_not_of(" \t,");
    if (start == std::string_view::npos) return false;
    rest = rest.substr(start);
    if (rest[0] == '*') return true;
    if (rest.starts_with("W/")) rest = rest.substr(2);
    if (rest.empty() || rest[0] != '"') return false;
    const std::size_t close = rest.find('"', 1);
    if (close == std::string_view::npos) return false;
    if (rest.substr(0, close + 1) == etag) return true;
    rest = rest.substr(close + 1);
  }
}

}  // namespace keyward::http::console
