#include "core/store/paging.hpp"

#include "core/ids.hpp"

namespace keyward::core {
namespace {

constexpr std::string_view kCursorPrefix = "k1.";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    acc = (acc << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64Url[(acc >> bits) & 0x3Fu]);
    }
  }
  if (bits > 0) out.push_back(kBase64Url[(acc << (6 - bits)) & 0x3Fu]);
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const std::size_t v = kBase64Url.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFFu));
    }
  }
  return out;
}

}  // namespace

Result<PageRequest> ParsePageRequest(const std::optional<std::string>& limit,
                                     const std::optional<std::string>& cursor) {
  PageRequest page;
  page.limit = kDefaultListLimit;
  if (limit) {
    const std::optional<std::int64_t> value = ParseId(*limit);
    if (!value || *value > kMaxListLimit) {
      return InvalidArgument(Msg::kLimitRange, "limit", {std::to_string(kMaxListLimit)});
    }
    page.limit = static_cast<int>(*value);
  }
  if (cursor) {
    page.before_id = DecodeCursor(*cursor);
    if (!page.before_id) return InvalidArgument(Msg::kCursorInvalid, "cursor");
  }
  return page;
}

std::string EncodeCursor(std::int64_t before_id) {
  return std::string(kCursorPrefix) + Base64UrlEncode("before:" + std::to_string(before_id));
}

std::optional<std::int64_t> DecodeCursor(std::string_view cursor) {
  if (cursor.substr(0, kCursorPrefix.size()) != kCursorPrefix) return std::nullopt;
  const std::optional<std::string> plain = Base64UrlDecode(cursor.substr(kCursorPrefix.size()));
  constexpr std::string_view kBefore = "before:";
  if (!plain || plain->substr(0, kBefore.size()) != kBefore) return std::nullopt;
  return ParseId(std::string_view(*plain).substr(kBefore.size()));
}

}  // namespace keyward::core
