#include "http/content_type.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

#include <string>
#include <string_view>

#include "core/text.hpp"

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kField = "Content-Type";

}  // namespace

core::Status RequireJsonContentType(const Request& request) {
  if (request.body().empty()) return core::Ok();
  if (request.count(bhttp::field::content_type) == 1) {
    const std::string_view value = request[bhttp::field::content_type];
    const std::string_view media_type = core::TrimOws(value.substr(0, value.find(';')));
    if (core::AsciiIEquals(media_type, kJson)) return core::Ok();
  }
  return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kWrongType,
                         {std::string(kField), std::string(kJson)}, std::string(kField));
}

}  // namespace keyward::http
