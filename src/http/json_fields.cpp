#include "http/json_fields.hpp"

#include <boost/json/array.hpp>

#include <algorithm>

#include "core/time_zone.hpp"

namespace keyward::http {

namespace json = boost::json;

json::value TimeOrNull(const std::optional<core::Time>& t, std::string_view zone) {
  if (!t) return nullptr;
  return json::value(core::FormatTime(*t, zone));
}

core::Error WrongType(std::string field, std::string_view expected) {
  return core::InvalidArgument(core::Msg::kWrongType, field, {field, std::string(expected)});
}

core::Error Required(std::string field) {
  return core::InvalidArgument(core::Msg::kRequired, field, {field});
}

core::Status OnlyKnownFields(const json::object& body,
                             std::initializer_list<std::string_view> known) {
  for (const auto& member : body) {
    if (std::find(known.begin(), known.end(), member.key()) == known.end()) {
      const std::string name(member.key());
      return core::InvalidArgument(core::Msg::kUnknownField, name, {name});
    }
  }
  return core::Ok();
}

core::Result<std::optional<std::string>> OptionalString(const json::object& body,
                                                        std::string_view name) {
  const json::value* v = body.if_contains(name);
  if (v == nullptr) return std::optional<std::string>{};
  if (!v->is_string()) return WrongType(std::string(name), "a string");
  return std::optional<std::string>{std::string(v->get_string())};
}

core::Result<std::optional<bool>> OptionalBool(const json::object& body, std::string_view name) {
  const json::value* v = body.if_contains(name);
  if (v == nullptr) return std::optional<bool>{};
  if (!v->is_bool()) return WrongType(std::string(name), "a boolean");
  return std::optional<bool>{v->get_bool()};
}

core::Result<std::optional<std::vector<std::string>>> OptionalStringArray(const json::object& body,
                                                                          std::string_view name) {
  using Out = std::optional<std::vector<std::string>>;
  const json::value* v = body.if_contains(name);
  if (v == nullptr) return Out{};
  if (!v->is_array()) return WrongType(std::string(name), "an array of strings");
  std::vector<std::string> out;
  const json::array& items = v->get_array();
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string()) {
      return WrongType(std::string(name) + "[" + std::to_string(i) + "]", "a string");
    }
    out.emplace_back(items[i].get_string());
  }
  return Out{std::move(out)};
}

core::Result<std::optional<std::string>> OptionalRoleRef(const json::object& body) {
  const json::value* v = body.if_contains("role");
  if (v == nullptr) return std::optional<std::string>{};
  if (v->is_int64()) return std::optional<std::string>{std::to_string(v->get_int64())};
  if (v->is_uint64()) return std::optional<std::string>{std::to_string(v->get_uint64())};
  if (!v->is_string()) return WrongType("role", "a role id or name");
  return std::optional<std::string>{std::string(v->get_string())};
}

}  // namespace keyward::http
