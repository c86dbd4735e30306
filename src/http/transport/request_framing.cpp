#include "http/transport/request_framing.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>

#include "core/text.hpp"

namespace keyward::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// Whether the Transfer-Encoding fields of `header`, taken together as one list, name exactly one
// coding and it is chunked. Empty list items (", chunked") count as nothing, as RFC 9110 5.6.1
// asks of a recipient.
bool OnlyChunked(const RequestHeader& header) {
  int codings = 0;
  bool chunked = false;
  const auto [first, last] = header.equal_range(bhttp::field::transfer_encoding);
  for (auto it = first; it != last; ++it) {
    std::string_view list = it->value();
    while (true) {
      const std::size_t comma = list.find(',');
      const std::string_view item = core::TrimOws(list.substr(0, comma));
      if (!item.empty()) {
        ++codings;
        chunked = core::AsciiIEquals(item, "chunked");
      }
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return codings == 1 && chunked;
}

}  // namespace

std::optional<std::string_view> FramingFault(const RequestHeader& header) {
  const bool has_transfer_encoding = header.count(bhttp::field::transfer_encoding) > 0;
  if (has_transfer_encoding && header.version() < 11) {
    return "Transfer-Encoding in an HTTP/1.0 request";
  }
  if (has_transfer_encoding && !OnlyChunked(header)) {
    return "Transfer-Encoding other than chunked";
  }
  if (header.version() >= 11 && header.count(bhttp::field::host) != 1) {
    return "an HTTP/1.1 request without exactly one Host";
  }
  return std::nullopt;
}

void LimitParser(RequestParser& parser, std::size_t header_limit, std::size_t body_limit) {
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(header_limit, std::numeric_limits<std::uint32_t>::max())));
  parser.body_limit(static_cast<std::uint64_t>(body_limit));
}

std::optional<unsigned> ReadErrorStatus(boost::beast::error_code ec) {
  if (ec == bhttp::error::header_limit) return 431;
  if (ec == bhttp::error::body_limit) return 413;
  // The peer went away, mid-request or not: there is no one to answer.
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
    return std::nullopt;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) return 400;
  return std::nullopt;  // a socket error
}

std::size_t FieldCount(const RequestHeader& header) {
  return static_cast<std::size_t>(std::distance(header.begin(), header.end()));
}

}  // namespace keyward::http
