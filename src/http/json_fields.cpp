#include "http/json_fields.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/stream_parser.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "core/crypto/token.hpp"
#include "core/secret_shape.hpp"
#include "core/text.hpp"
#include "core/time_zone.hpp"
#include "http/json_duplicate_keys.hpp"

namespace keyward::http {

namespace json = boost::json;

namespace {

static_assert(core::kSecretShapePrefix == core::kTokenPrefix &&
              core::kSecretShapePublicId == core::kPublicIdLength);

constexpr std::array<std::string_view, 5> kCredentialMembers = {
    "key", "password", "currentPassword", "newPassword", "secretKey"};

std::string MemberPath(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

// The path of the first string or member name of `v` that looks like a secret.
std::optional<std::string> FindSecret(const json::value& v, const std::string& path) {
  if (const json::string* s = v.if_string()) {
    if (core::LooksLikeSecret(*s)) return path;
  } else if (const json::array* a = v.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (auto found = FindSecret((*a)[i], path + "[" + std::to_string(i) + "]")) return found;
    }
  } else if (const json::object* o = v.if_object()) {
    for (const auto& member : *o) {
      if (core::LooksLikeSecret(member.key())) return MemberPath(path, "(omitted)");
      if (std::find(kCredentialMembers.begin(), kCredentialMembers.end(), member.key()) !=
          kCredentialMembers.end()) {
        continue;
      }
      if (auto found = FindSecret(member.value(), MemberPath(path, member.key()))) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

core::Status RefuseSecrets(const json::value& body) {
  if (std::optional<std::string> path = FindSecret(body, "")) {
    return core::InvalidArgument(core::Msg::kSecretInField, *path, {*path});
  }
  return core::Ok();
}

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

json::object ListJson(json::array items, const std::optional<std::string>& next) {
  json::object o;
  o["items"] = std::move(items);
  o["nextCursor"] = next ? json::value(*next) : json::value(nullptr);
  return o;
}

namespace {

// Why and where `body` is not JSON, the parser having stopped at byte `at` with `ec`. JSON text is
// UTF-8 (RFC 8259 8.1), so a byte that is not comes first; then a control character where the
// parser stopped (one that must be escaped in a string, such as NUL); else the parser's own word
// ("syntax error", "too deep", "extra data", ...).
std::string JsonFault(std::string_view body, std::size_t at, const boost::system::error_code& ec) {
  if (const std::optional<std::size_t> bad = core::FirstInvalidUtf8(body)) {
    return "invalid UTF-8 at byte " + std::to_string(*bad);
  }
  if (at < body.size() && static_cast<unsigned char>(body[at]) < 0x20) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const auto byte = static_cast<unsigned char>(body[at]);
    return std::string("an unescaped control character 0x") + kHex[byte >> 4] + kHex[byte & 15] +
           " at byte " + std::to_string(at);
  }
  return ec.message() + " at byte " + std::to_string(at);
}

}  // namespace

core::Result<json::object> ParseBody(std::string_view body, SecretScan scan) {
  const bool blank = std::all_of(body.begin(), body.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  });
  if (blank) return json::object{};
  boost::system::error_code ec;
  json::stream_parser parser;
  std::size_t at = parser.write(body.data(), body.size(), ec);
  if (!ec) {
    parser.finish(ec);
    at = body.size();
  }
  if (ec) {
    return core::MakeError(core::ErrorCode::kMalformedJson, core::Msg::kMalformedJson,
                           {JsonFault(body, at, ec)});
  }
  json::value v = parser.release();
  if (!v.is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kWrongType,
                           {"the request body", "a JSON object"});
  }
  // Before the duplicate check, whose error names a member: never one that is a token.
  if (scan == SecretScan::kRefuse) KW_RETURN_IF_ERROR(RefuseSecrets(v));
  // json::parse kept the last of any duplicate keys; a second reading finds them.
  if (std::optional<std::string> duplicate = FindDuplicateKey(body)) {
    return core::InvalidArgument(core::Msg::kDuplicateField, *duplicate, {*duplicate});
  }
  return std::move(v.get_object());
}

core::Status ParseNoFields(const json::object& body) { return OnlyKnownFields(body, {}); }

}  // namespace keyward::http
