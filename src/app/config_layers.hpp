// The layers of a command's settings (docs/configuration.md): its defaults, then the
// configuration file, then the environment variables, then the flags, each overriding the one
// before. The flags and their variables are CLI11's (serve_options.cpp declares them once); this
// adds the file beneath them: every setting a flag and its variable left unset takes the file's
// value, converted and checked by the same CLI11 option as the flag's. A file setting that no flag
// of `keyward serve` has, or of a kind its flag does not take, is an error, never ignored.
// Thread-compatible: used once, while the command line is parsed.
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "app/config_file.hpp"

namespace keyward::app {

// Read when neither --config nor KEYWARD_CONFIG names a file, if it exists.
inline constexpr std::string_view kDefaultConfigPath = "/etc/keyward/keyward.toml";

// Where a setting's value came from.
struct SettingSource {
  enum class Kind { kDefault, kFile, kEnvironment, kFlag };
  Kind kind = Kind::kDefault;
  std::string where;  // "PATH:LINE", "KEYWARD_THREADS" or "--threads"; empty for a default
};

// The name `option` has in a configuration file ("--lockout-threshold" is "lockout_threshold"),
// or "" for an option that is no setting (--help, --config).
std::string SettingName(const CLI::Option& option);

class ConfigLayers {
 public:
  // `argv` must outlive this object: a value given as a flag is told from one given by its
  // variable by the command line.
  ConfigLayers(int argc, char** argv);

  // Adds --config FILE (variable KEYWARD_CONFIG) to `cmd`, a command whose flags are settings.
  void AddConfigOption(CLI::App& cmd);

  // After the command line is parsed, before `cmd` runs: reads the configuration file (--config,
  // else KEYWARD_CONFIG, else kDefaultConfigPath when it exists) and gives each setting of `cmd`
  // that neither its flag nor its variable set the file's value. False when the file cannot be
  // used: every problem is written to `err`, one line each, "keyward: invalid configuration:
  // PATH:LINE: ...", and nothing should run.
  bool Apply(CLI::App& cmd, std::ostream& err);

  // Where the value of `option` (a setting of the command Apply was given) came from.
  SettingSource SourceOf(const CLI::Option& option) const;

  // `message`, an error about a setting that starts with its flag ("--threads 0: ..."), with
  // where that value came from when it was not the command line: "... (set in PATH:LINE)" or
  // "... (set by KEYWARD_THREADS)".
  std::string Annotate(const CLI::App& cmd, const std::string& message) const;

  // The configuration file Apply read, if any.
  const std::optional<std::string>& file() const { return file_; }

 private:
  bool OnCommandLine(const CLI::Option& option) const;

  std::vector<std::string_view> args_;
  std::string config_flag_;                      // --config's value (or KEYWARD_CONFIG's)
  std::optional<std::string> file_;              // the file read
  std::map<std::string, std::string> file_set_;  // setting name -> "PATH:LINE" it came from
};

// Makes `cmd` a command whose flags are settings: adds --config to it, and once it is parsed runs
// `run` (its exit code into `exit_code`) after the file has filled what flags and variables left
// unset; exit code 2 without running when the file cannot be used. `cmd`, `layers` and
// `exit_code` must outlive parsing.
void RunWithSettings(CLI::App& cmd, ConfigLayers& layers, int& exit_code, std::function<int()> run);

// `keyward config check FILE`: the file alone, with the defaults for what it does not set (not
// the environment, not flags). Every problem: syntax, an unknown setting (with the closest known
// name), a value of the wrong kind or that its flag refuses, and what `keyward serve` would refuse
// in the whole configuration, each at the line of the setting it is about (0 when none).
struct ConfigCheck {
  std::size_t settings = 0;
  std::vector<ConfigProblem> problems;  // by line
};
ConfigCheck CheckConfigFile(const std::string& path);

// `keyward config show`: each setting of `cmd` (after Apply) as a TOML line with its source as a
// comment, in --help's order; a URL's password shown as "***". Settings with no value are listed
// as comments.
std::string ShowSettings(const CLI::App& cmd, const ConfigLayers& layers);

}  // namespace keyward::app
