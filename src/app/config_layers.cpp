#include "app/config_layers.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include "app/config.hpp"
#include "app/serve_options.hpp"
#include "storage/postgres/pg_connection.hpp"

namespace keyward::app {
namespace {

using Kind = ConfigValue::Kind;

// The kind of value `option` takes, as a file gives it.
Kind KindOf(const CLI::Option& option) {
  if (option.get_expected_max() == 0) return Kind::kBoolean;  // a flag
  if (option.get_items_expected_max() > 1) return Kind::kStringList;
  const std::string type = option.get_type_name();
  if (type == "INT" || type == "UINT") return Kind::kInteger;
  return Kind::kString;
}

// The option of `cmd` whose setting is `name`, or null.
CLI::Option* FindSetting(CLI::App& cmd, const std::string& name) {
  for (CLI::Option* option : cmd.get_options()) {
    if (SettingName(*option) == name) return option;
  }
  return nullptr;
}

// "threads must be an integer, not a string" when the file's `value` is not of the kind
// `option` takes, else nullopt.
std::optional<std::string> KindProblem(const CLI::Option& option, const std::string& name,
                                       const ConfigValue& value) {
  const Kind want = KindOf(option);
  if (value.kind == want) return std::nullopt;
  return name + " must be " + std::string(KindWords(want)) + ", not " +
         std::string(KindWords(value.kind));
}

// Gives `option` the file's `value`. The problem in words when its kind is not the option's or
// the option refuses it (a number too large for it), else nullopt.
std::optional<std::string> SetFromFile(CLI::Option& option, const std::string& name,
                                       const ConfigValue& value) {
  if (std::optional<std::string> problem = KindProblem(option, name, value)) return problem;
  try {
    for (const std::string& item : value.items) option.add_result(item);
    option.run_callback();
  } catch (const CLI::Error&) {
    option.clear();
    return name + " = " + TomlText(value.kind, value.items) + ": not a value this setting can hold";
  }
  return std::nullopt;
}

// Levenshtein distance of two short names.
std::size_t Distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "unknown setting "lockout_treshold" (did you mean lockout_threshold?)": the known names are
// those of `keyward serve`'s flags.
std::string UnknownSetting(const std::string& name, const CLI::App& serve) {
  std::string best;
  std::size_t best_distance = 3;  // suggest only a near miss
  for (const CLI::Option* option : serve.get_options()) {
    const std::string known = SettingName(*option);
    if (known.empty()) continue;
    if (const std::size_t d = Distance(name, known); d < best_distance) {
      best = known;
      best_distance = d;
    }
  }
  std::string out = "unknown setting \"" + name + "\"";
  if (!best.empty()) out += " (did you mean " + best + "?)";
  return out + "; keyward config show lists every setting";
}

// The flag a setting error starts with ("--threads 0: ..." gives "--threads"), or "".
std::string LeadingFlag(const std::string& message) {
  if (!message.starts_with("--")) return {};
  const std::size_t end = message.find_first_of(" :=", 2);
  return message.substr(0, end);
}

// `keyward serve`'s settings, declared on a scratch command (with the variables they fill).
struct ServeSettings {
  ServeConfig config;
  CLI::App app;
  ServeSettings() { AddServeOptions(app, config); }
};

}  // namespace

std::string SettingName(const CLI::Option& option) {
  const std::vector<std::string>& names = option.get_lnames();
  if (names.empty() || names.front() == "help" || names.front() == "config") return {};
  std::string out = names.front();
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

ConfigLayers::ConfigLayers(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) args_.emplace_back(argv[i]);
}

void ConfigLayers::AddConfigOption(CLI::App& cmd) {
  cmd.add_option("--config", config_flag_,
                 "TOML configuration file; flags and variables override it (default " +
                     std::string(kDefaultConfigPath) + " when it exists)")
      ->envname("KEYWARD_CONFIG")
      ->group("Configuration");
}

bool ConfigLayers::Apply(CLI::App& cmd, std::ostream& err) {
  if (!config_flag_.empty()) {
    file_ = config_flag_;
  } else if (std::error_code ec; std::filesystem::exists(kDefaultConfigPath, ec)) {
    file_ = std::string(kDefaultConfigPath);
  } else {
    return true;
  }
  const ConfigFile file = ReadConfigFile(*file_);
  std::vector<ConfigProblem> problems = file.problems;
  ServeSettings serve;
  for (const auto& [name, value] : file.settings) {
    const CLI::Option* known = FindSetting(serve.app, name);
    if (known == nullptr) {
      problems.push_back({value.line, UnknownSetting(name, serve.app)});
      continue;
    }
    CLI::Option* option = FindSetting(cmd, name);
    if (option == nullptr || option->count() > 0) {
      // Not this command's, or set by a flag or a variable: only its kind is checked.
      if (std::optional<std::string> problem = KindProblem(*known, name, value)) {
        problems.push_back({value.line, *problem});
      }
      continue;
    }
    if (std::optional<std::string> problem = SetFromFile(*option, name, value)) {
      problems.push_back({value.line, *problem});
      continue;
    }
    file_set_[name] = *file_ + ":" + std::to_string(value.line);
  }
  std::stable_sort(problems.begin(), problems.end(),
                   [](const ConfigProblem& a, const ConfigProblem& b) { return a.line < b.line; });
  for (const ConfigProblem& problem : problems) {
    err << "keyward: invalid configuration: " << *file_;
    if (problem.line > 0) err << ":" << problem.line;
    err << ": " << problem.text << "\n";
  }
  return problems.empty();
}

bool ConfigLayers::OnCommandLine(const CLI::Option& option) const {
  for (const std::string& name : option.get_lnames()) {
    const std::string flag = "--" + name;
    for (std::string_view arg : args_) {
      if (arg == "--") return false;
      if (arg == flag || arg.starts_with(flag + "=")) return true;
    }
  }
  return false;
}

SettingSource ConfigLayers::SourceOf(const CLI::Option& option) const {
  if (auto it = file_set_.find(SettingName(option)); it != file_set_.end()) {
    return {SettingSource::Kind::kFile, it->second};
  }
  if (option.count() == 0) return {};
  if (OnCommandLine(option) || option.get_envname().empty()) {
    return {SettingSource::Kind::kFlag, "--" + option.get_lnames().front()};
  }
  return {SettingSource::Kind::kEnvironment, option.get_envname()};
}

std::string ConfigLayers::Annotate(const CLI::App& cmd, const std::string& message) const {
  const std::string flag = LeadingFlag(message);
  if (flag.empty()) return message;
  const CLI::Option* option = nullptr;
  for (const CLI::Option* candidate : cmd.get_options()) {
    if (candidate->check_lname(flag.substr(2))) option = candidate;
  }
  if (option == nullptr) return message;
  const SettingSource source = SourceOf(*option);
  switch (source.kind) {
    case SettingSource::Kind::kFile:
      return message + " (set in " + source.where + ")";
    case SettingSource::Kind::kEnvironment:
      return message + " (set by " + source.where + ")";
    default:
      return message;
  }
}

void RunWithSettings(CLI::App& cmd, ConfigLayers& layers, int& exit_code,
                     std::function<int()> run) {
  layers.AddConfigOption(cmd);
  cmd.callback([&cmd, &layers, &exit_code, run = std::move(run)] {
    exit_code = layers.Apply(cmd, std::cerr) ? run() : 2;
  });
}

ConfigCheck CheckConfigFile(const std::string& path) {
  ConfigCheck out;
  const ConfigFile file = ReadConfigFile(path);
  out.problems = file.problems;
  out.settings = file.settings.size();
  ServeSettings serve;
  std::map<std::string, int> lines;  // setting name -> its line
  std::set<std::string> refused;     // settings already reported: their value is not checked again
  for (const auto& [name, value] : file.settings) {
    CLI::Option* option = FindSetting(serve.app, name);
    if (option == nullptr) {
      out.problems.push_back({value.line, UnknownSetting(name, serve.app)});
    } else if (std::optional<std::string> problem = SetFromFile(*option, name, value)) {
      out.problems.push_back({value.line, *problem});
      refused.insert(name);
    } else {
      lines[name] = value.line;
    }
  }
  // What serve would refuse, said of the setting as the file names it.
  for (const core::Error& error : ConfigProblems(serve.config)) {
    std::string text = error.Message();
    const std::string flag = LeadingFlag(text);
    int line = 0;
    if (!flag.empty()) {
      std::string name = flag.substr(2);
      std::replace(name.begin(), name.end(), '-', '_');
      if (refused.contains(name)) continue;
      if (auto it = lines.find(name); it != lines.end()) line = it->second;
      text = name + text.substr(flag.size());
    }
    out.problems.push_back({line, std::move(text)});
  }
  std::stable_sort(out.problems.begin(), out.problems.end(),
                   [](const ConfigProblem& a, const ConfigProblem& b) { return a.line < b.line; });
  return out;
}

std::string ShowSettings(const CLI::App& cmd, const ConfigLayers& layers) {
  std::string out = "# The effective settings of keyward serve, each with where it came from";
  out +=
      layers.file() ? " (configuration file " + *layers.file() + ")" : " (no configuration file)";
  out += ".\n";
  for (const CLI::Option* option : cmd.get_options()) {
    const std::string name = SettingName(*option);
    if (name.empty()) continue;
    const Kind kind = KindOf(*option);
    std::vector<std::string> items;
    if (option->count() > 0) {
      items = kind == Kind::kBoolean
                  ? std::vector<std::string>{option->as<bool>() ? "true" : "false"}
                  : option->results();
    } else if (kind == Kind::kBoolean) {
      items = {"false"};
    } else if (!option->get_default_str().empty() && option->get_default_str() != "[]") {
      items = {option->get_default_str()};
    }
    for (std::string& item : items) {
      if (item.find("://") != std::string::npos) item = storage::postgres::RedactUrl(item);
    }
    const SettingSource source = layers.SourceOf(*option);
    std::string from = source.kind == SettingSource::Kind::kDefault ? "default" : source.where;
    if (items.empty() && kind != Kind::kStringList) {
      out += "# " + name + " is not set\n";
      continue;
    }
    out += name + " = " + TomlText(kind, items) + "  # " + from + "\n";
  }
  return out;
}

}  // namespace keyward::app
