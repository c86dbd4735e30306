#include "http/content_type.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

#include <string>
#include <string_view>

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kField = "Content-Type";

std::string_view Trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

core::Status RequireJsonContentType(const Request& request) {
  if (request.body().empty()) return core::Ok();
  if (request.count(bhttp::field::content_type) == 1) {
    const std::string_view value = request[bhttp::field::content_type];
    const std::string_view media_type = Trim(value.substr(0, value.find(';')));
    if (boost::beast::iequals(media_type, kJson)) return core::Ok();
  }
  return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kWrongType,
                         {std::string(kField), std::string(kJson)}, std::string(kField));
}

}  // namespace keyward::http
