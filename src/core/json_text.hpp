// A minimal JSON writer for the few JSON texts core produces itself (audit event details, opaque
// cursors), so core needs no JSON library. Builds compact objects; strings are escaped per
// RFC 8259. Not thread-safe (a builder is a local value).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyward::core {

// `text` as a JSON string literal, quotes included. Invalid UTF-8 bytes are replaced by U+FFFD.
std::string JsonQuote(std::string_view text);

class JsonObject {
 public:
  JsonObject& Add(std::string_view key, std::string_view value);
  JsonObject& Add(std::string_view key, const char* value) {
    return Add(key, std::string_view(value));
  }
  JsonObject& Add(std::string_view key, std::int64_t value);
  JsonObject& Add(std::string_view key, bool value);
  JsonObject& Add(std::string_view key, const std::vector<std::string>& values);
  // `json` must already be valid JSON text (a nested object or array).
  JsonObject& AddRaw(std::string_view key, std::string_view json);
  // {"old": ..., "new": ...} under `key`, for changed fields; values are JSON texts.
  JsonObject& AddChange(std::string_view key, std::string_view old_json, std::string_view new_json);
  // AddChange of two strings, only when they differ.
  JsonObject& AddStringChange(std::string_view key, const std::string& before,
                              const std::string& after);
  // AddChange of two flags, only when they differ. Named apart from AddStringChange: a const char*
  // argument would otherwise pick a bool overload over std::string.
  JsonObject& AddFlagChange(std::string_view key, bool before, bool after);
  bool empty() const { return body_.empty(); }
  std::string str() const { return "{" + body_ + "}"; }

 private:
  void Key(std::string_view key);
  std::string body_;
};

// JSON texts of optional values, for AddChange.
std::string JsonValue(const std::optional<std::string>& value);
std::string JsonValue(const std::vector<std::string>& values);

}  // namespace keyward::core
