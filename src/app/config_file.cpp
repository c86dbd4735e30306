#include "app/config_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace keyward::app {
namespace {

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

// The words for a TOML value no setting takes.
std::string_view Unsupported(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table is not a setting: Keyward's settings are one flat list of name = value";
    case toml::node_type::floating_point:
      return "a number with a fraction is not a setting's value: give a whole number";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date or time is not a setting's value: give a string or a number";
    default:
      return "this value is not a setting's";
  }
}

// Appends the setting `name` = `node`, or a problem when no setting takes such a value.
void Read(const std::string& name, const toml::node& node, ConfigFile& out) {
  ConfigValue value;
  value.line = LineOf(node);
  if (const auto* text = node.as_string()) {
    value.kind = ConfigValue::Kind::kString;
    value.items.push_back(text->get());
  } else if (const auto* number = node.as_integer()) {
    value.kind = ConfigValue::Kind::kInteger;
    value.items.push_back(std::to_string(number->get()));
  } else if (const auto* flag = node.as_boolean()) {
    value.kind = ConfigValue::Kind::kBoolean;
    value.items.push_back(flag->get() ? "true" : "false");
  } else if (const auto* list = node.as_array()) {
    value.kind = ConfigValue::Kind::kStringList;
    for (const toml::node& item : *list) {
      const auto* entry = item.as_string();
      if (entry == nullptr) {
        out.problems.push_back({LineOf(item), name + ": a list of strings may hold only strings"});
        return;
      }
      value.items.push_back(entry->get());
    }
  } else {
    out.problems.push_back({value.line, name + ": " + std::string(Unsupported(node))});
    return;
  }
  out.settings.emplace_back(name, std::move(value));
}

}  // namespace

std::string_view KindWords(ConfigValue::Kind kind) {
  switch (kind) {
    case ConfigValue::Kind::kString:
      return "a string";
    case ConfigValue::Kind::kInteger:
      return "an integer";
    case ConfigValue::Kind::kBoolean:
      return "true or false";
    case ConfigValue::Kind::kStringList:
      return "a list of strings";
  }
  return "a value";
}

ConfigFile ParseConfigText(std::string_view text, std::string path) {
  ConfigFile out;
  out.path = std::move(path);
  toml::table table;
  try {
    table = toml::parse(text, std::string_view(out.path));
  } catch (const toml::parse_error& error) {
    out.problems.push_back({static_cast<int>(error.source().begin.line),
                            "not valid TOML: " + std::string(error.description())});
    return out;
  }
  for (const auto& [key, node] : table) Read(std::string(key.str()), node, out);
  // The table is ordered by name; the file's order is the one its reader knows.
  std::stable_sort(out.settings.begin(), out.settings.end(),
                   [](const auto& a, const auto& b) { return a.second.line < b.second.line; });
  std::stable_sort(out.problems.begin(), out.problems.end(),
                   [](const ConfigProblem& a, const ConfigProblem& b) { return a.line < b.line; });
  return out;
}

ConfigFile ReadConfigFile(const std::string& path) {
  const auto refused = [&path](std::string why) {
    ConfigFile out;
    out.path = path;
    out.problems.push_back({0, std::move(why)});
    return out;
  };
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return refused("no such file");
  if (!std::filesystem::is_regular_file(status)) return refused("not a regular file");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.is_open() || in.bad()) return refused("cannot be read");
  return ParseConfigText(text.str(), path);
}

std::string TomlText(ConfigValue::Kind kind, const std::vector<std::string>& items) {
  const auto quoted = [](const std::string& text) {
    std::ostringstream out;
    out << toml::value<std::string>(text);
    return out.str();
  };
  switch (kind) {
    case ConfigValue::Kind::kString:
      return quoted(items.empty() ? std::string() : items.back());
    case ConfigValue::Kind::kInteger:
    case ConfigValue::Kind::kBoolean:
      return items.empty() ? std::string() : items.back();
    case ConfigValue::Kind::kStringList: {
      std::string out = "[";
      for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quoted(items[i]);
      return out + "]";
    }
  }
  return {};
}

}  // namespace keyward::app
