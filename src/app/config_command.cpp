#include "app/config_command.hpp"

#include <iostream>
#include <memory>
#include <string>

#include "app/config.hpp"
#include "app/serve_options.hpp"

namespace keyward::app {
namespace {

int RunCheck(const std::string& path) {
  const ConfigCheck check = CheckConfigFile(path);
  bool unreadable = false;
  for (const ConfigProblem& problem : check.problems) {
    std::cerr << path;
    if (problem.line > 0) std::cerr << ":" << problem.line;
    std::cerr << ": " << problem.text << "\n";
    unreadable = unreadable || (problem.line == 0 && check.settings == 0);
  }
  if (!check.problems.empty()) {
    std::cerr << "keyward: " << path << ": " << check.problems.size()
              << (check.problems.size() == 1 ? " problem" : " problems") << "\n";
    return unreadable ? 2 : 1;
  }
  std::cout << path << ": " << check.settings
            << (check.settings == 1 ? " setting, valid" : " settings, all valid") << "\n";
  return 0;
}

}  // namespace

void AddConfigCommands(CLI::App& app, ConfigLayers& layers, int& exit_code) {
  CLI::App* config = app.add_subcommand("config", "Check or show keyward serve's settings");
  config->require_subcommand(1);

  auto path = std::make_shared<std::string>();
  CLI::App* check = config->add_subcommand(
      "check", "Check a configuration file: every problem, with its line (exit 1 if any)");
  check->add_option("file", *path, "The TOML file, e.g. /etc/keyward/keyward.toml")->required();
  check->callback([path, &exit_code] { exit_code = RunCheck(*path); });

  // `show` takes serve's flags, so it can show what a command line would give.
  auto settings = std::make_shared<ServeConfig>();
  CLI::App* show = config->add_subcommand(
      "show",
      "Print the effective settings of keyward serve and where each came from (file, variable, "
      "flag or default); passwords in URLs masked");
  layers.AddConfigOption(*show);
  AddServeOptions(*show, *settings);
  show->callback([show, settings, &layers, &exit_code] {
    if (!layers.Apply(*show, std::cerr)) {
      exit_code = 2;
      return;
    }
    std::cout << ShowSettings(*show, layers);
  });
}

}  // namespace keyward::app
