// The configuration file (docs/configuration.md "The configuration file"): TOML, one flat table
// of settings, each named as its long flag without `--` and with `-` as `_`
// (`--lockout-threshold 5` is `lockout_threshold = 5`). This file only reads TOML into settings
// and the problems it met, each with its line; which settings exist and what they accept is the
// config layer's (config_layers.hpp), which knows the flags. Plain functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyward::app {

// One setting as the file gives it.
struct ConfigValue {
  enum class Kind { kString, kInteger, kBoolean, kStringList };
  Kind kind = Kind::kString;
  // The value as text, one item for a scalar (an integer in decimal, a boolean "true" or
  // "false"), each string of a list in order.
  std::vector<std::string> items;
  int line = 0;
};

// What kind of value a setting is, in words: "a string", "an integer", "true or false", "a list
// of strings".
std::string_view KindWords(ConfigValue::Kind kind);

// Something wrong in the file, at `line` (0: the file as a whole, e.g. it cannot be read).
struct ConfigProblem {
  int line = 0;
  std::string text;
};

struct ConfigFile {
  std::string path;
  std::vector<std::pair<std::string, ConfigValue>> settings;  // in the file's order
  std::vector<ConfigProblem> problems;  // a syntax error, or values no setting takes
};

// Parses `text` read from `path` (named in nothing but the result). A syntax error is one problem
// at its line and yields no settings; a table, a float, a date or a list holding anything but
// strings is a problem at its line and that setting is left out.
ConfigFile ParseConfigText(std::string_view text, std::string path);

// Reads and parses the file at `path`; one problem at line 0 when it cannot be read.
ConfigFile ReadConfigFile(const std::string& path);

// `value` as TOML: a quoted string (escaped), a bare integer or boolean, or a list of strings.
std::string TomlText(ConfigValue::Kind kind, const std::vector<std::string>& items);

}  // namespace keyward::app
