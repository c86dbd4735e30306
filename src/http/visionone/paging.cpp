#include "http/visionone/paging.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "core/text.hpp"
#include "http/visionone/api.hpp"
#include "http/visionone/codec.hpp"
#include "http/visionone/errors.hpp"

namespace keyward::http::visionone {
namespace {

constexpr std::string_view kTokenPrefix = "v1:";
// Base64 with URL-safe characters, '.' rather than '_': a token never holds "kw_", which the
// query check refuses as a credential.
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.";
constexpr std::string_view kOrderByChoices =
    "createdDateTime, name, lastUsedDateTime, expiredDateTime (each optionally followed by asc or "
    "desc)";

constexpr std::array<std::pair<std::string_view, OrderField>, 4> kOrderFields{{
    {"createdDateTime", OrderField::kCreated},
    {"name", OrderField::kName},
    {"lastUsedDateTime", OrderField::kLastUsed},
    {"expiredDateTime", OrderField::kExpired},
}};

std::string EncodeToken(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::optional<std::string> DecodeToken(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const std::size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

core::Result<int> ParseTop(const std::optional<std::string>& text, core::Locale locale) {
  if (!text) return kDefaultTop;
  int n = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, n);
  if (text->empty() || ec != std::errc() || ptr != end || n < 1 || n > kMaxTop ||
      (*text)[0] == '0') {
    return Refusal(Render(Words::kTopInvalid, locale, {std::to_string(kMaxTop)}), "top");
  }
  return n;
}

bool PlainHost(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

std::string PercentEncode(std::string_view text) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

std::optional<std::string> Param(const boost::urls::params_view& params, std::string_view name) {
  const auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return std::string((*it).value);
}

}  // namespace

core::Result<OrderBy> ParseOrderBy(std::string_view text, core::Locale locale) {
  const auto refuse = [&] {
    return Refusal(Render(Words::kOrderByInvalid, locale, {std::string(kOrderByChoices)}),
                   "orderBy");
  };
  text = core::TrimOws(text);
  const std::size_t space = text.find(' ');
  const std::string_view field = text.substr(0, space);
  const std::string_view direction =
      space == std::string_view::npos ? std::string_view{} : core::TrimOws(text.substr(space + 1));
  OrderBy order;
  bool found = false;
  for (const auto& [name, f] : kOrderFields) {
    if (field == name) {
      order.field = f;
      found = true;
    }
  }
  if (!found) return refuse();
  if (direction.empty() || direction == "asc") {
    order.descending = false;
  } else if (direction == "desc") {
    order.descending = true;
  } else {
    return refuse();
  }
  return order;
}

std::string OrderByText(const OrderBy& order) {
  std::string_view name = "createdDateTime";
  for (const auto& [n, f] : kOrderFields) {
    if (f == order.field) name = n;
  }
  return std::string(name) + (order.descending ? " desc" : " asc");
}

core::Result<ListQuery> ParseListQuery(const boost::urls::params_view& params,
                                       std::optional<std::string_view> filter_header,
                                       core::Locale locale) {
  ListQuery query;
  const std::optional<std::string> top = Param(params, "top");
  const std::optional<std::string> order = Param(params, "orderBy");
  KW_ASSIGN_OR_RETURN(query.top, ParseTop(top, locale));
  if (order) {
    KW_ASSIGN_OR_RETURN(query.order, ParseOrderBy(*order, locale));
  }
  query.order_text = OrderByText(query.order);
  if (filter_header) query.filter_text = std::string(*filter_header);
  if (const std::optional<std::string> text = Param(params, "skipToken")) {
    const std::optional<SkipToken> token = DecodeSkipToken(*text);
    const auto refuse = [&] {
      return Refusal(Render(Words::kSkipTokenInvalid, locale), "skipToken");
    };
    if (!token) return refuse();
    core::Result<OrderBy> token_order = ParseOrderBy(token->order_text, locale);
    if (!token_order || token->top < 1 || token->top > kMaxTop) return refuse();
    // What the request says along with the token must be what the token says.
    if ((top && query.top != token->top) ||
        (order && query.order_text != OrderByText(*token_order)) ||
        (filter_header && *filter_header != token->filter_text)) {
      return refuse();
    }
    query.top = token->top;
    query.order = *token_order;
    query.order_text = OrderByText(query.order);
    query.filter_text = token->filter_text;
    query.skip = token->offset;
  }
  // A header holding nothing but spaces is no filter, like no header.
  if (!core::TrimOws(query.filter_text).empty()) {
    std::variant<Filter, FilterError> parsed = ParseFilter(query.filter_text);
    if (const auto* error = std::get_if<FilterError>(&parsed)) {
      return Refusal(FilterMessage(*error, locale), "TMV1-Filter");
    }
    query.filter = std::move(std::get<Filter>(parsed));
  }
  return query;
}

std::string EncodeSkipToken(const SkipToken& token) {
  return EncodeToken(std::string(kTokenPrefix) + std::to_string(token.offset) + ":" +
                     std::to_string(token.top) + ":" + token.order_text + ":" + token.filter_text);
}

std::optional<SkipToken> DecodeSkipToken(std::string_view text) {
  if (text.size() > 2 * kMaxFilterLength) return std::nullopt;
  std::optional<std::string> decoded = DecodeToken(text);
  if (!decoded || !decoded->starts_with(kTokenPrefix)) return std::nullopt;
  std::string_view rest = std::string_view(*decoded).substr(kTokenPrefix.size());
  // offset ':' top ':' orderBy ':' filter (the filter last: it may hold ':').
  std::array<std::string_view, 3> parts;
  for (std::string_view& part : parts) {
    const std::size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  SkipToken out;
  const auto number = [](std::string_view digits, auto& value) {
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    return !digits.empty() && ec == std::errc() && ptr == end;
  };
  if (!number(parts[0], out.offset) || !number(parts[1], out.top)) return std::nullopt;
  out.order_text = std::string(parts[2]);
  out.filter_text = std::string(rest);
  return out;
}

std::string NextLink(const Request& request, bool tls, const ListQuery& query, std::size_t offset) {
  std::string link;
  const auto host = request.find(boost::beast::http::field::host);
  if (host != request.end() && PlainHost(host->value())) {
    link = std::string(tls ? "https://" : "http://") + std::string(host->value());
  }
  link += "/v3.0/iam/apiKeys?top=" + std::to_string(query.top) +
          "&orderBy=" + PercentEncode(query.order_text) + "&skipToken=" +
          EncodeSkipToken(SkipToken{.offset = offset,
                                    .top = query.top,
                                    .order_text = query.order_text,
                                    .filter_text = query.filter_text});
  return link;
}

}  // namespace keyward::http::visionone
