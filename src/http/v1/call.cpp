// What every call reads the same way: a query parameter, the key id of a path.
#include "core/ids.hpp"
#include "http/error_map.hpp"
#include "http/v1/api.hpp"

namespace keyward::http::v1 {

std::optional<std::string> QueryParam(const boost::urls::params_view& query,
                                      std::string_view name) {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return (*it).value;
}

core::Result<core::KeyId> PathKeyId(const RouteMatch& route) {
  const std::string_view text = route.Param("id");
  if (auto id = core::ParseId(text)) return *id;
  return core::MakeError(core::ErrorCode::kNotFound, core::Msg::kKeyNotFound, {SafeEcho(text)});
}

}  // namespace keyward::http::v1
