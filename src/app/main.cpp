// keyward: the server (`serve`), the local admin commands (`admin recover`) and the client of the
// native API (`keys`, `roles`, `whoami`) in one binary, with `version` and `help`. See
// docs/cli.md.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/backup_command.hpp"
#include "app/completion_command.hpp"
#include "app/config.hpp"
#include "app/config_command.hpp"
#include "app/config_layers.hpp"
#include "app/pepper_command.hpp"
#include "app/serve.hpp"
#include "app/serve_options.hpp"
#include "app/version.hpp"
#include "cli/api_session.hpp"
#include "cli/client.hpp"

namespace {

// `keyward help [COMMAND...]`: the help of the program or of the command named, as --help prints
// it. An unknown command is a usage error (exit 2).
void AddHelpCommand(CLI::App& app, int& exit_code) {
  auto* help = app.add_subcommand("help", "Show the help of keyward or of a command");
  auto words = std::make_shared<std::vector<std::string>>();
  help->add_option("command", *words, "A command, e.g. keys create");
  help->callback([&app, &exit_code, words] {
    const CLI::App* target = &app;
    std::string parents;  // "keyward keys" before "create": the usage line names the whole path
    for (const std::string& word : *words) {
      parents += parents.empty() ? target->get_name() : " " + target->get_name();
      const CLI::App* next = nullptr;
      for (const CLI::App* sub : target->get_subcommands({})) {
        if (sub->get_name() == word) next = sub;
      }
      if (next == nullptr) {
        std::cerr << "keyward: no command \"" << word << "\"; see keyward help\n";
        exit_code = 2;
        return;
      }
      target = next;
    }
    // App::help() hands over to the subcommand that was parsed, `help` itself; the formatter
    // describes the program as --help does.
    std::cout << (target == &app ? app.get_formatter()->make_help(&app, app.get_name(),
                                                                  CLI::AppFormatMode::Normal)
                                 : target->help(parents));
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Keyward: API key management and verification", "keyward"};
  app.footer(
      "serve, admin and config work on this machine's store and settings (a configuration file, "
      "then\nKEYWARD_* variables, then flags); keys, permissions, roles, accounts, audit and "
      "whoami are clients\nof a running server's API (KEYWARD_URL, KEYWARD_API_KEY). See "
      "keyward help COMMAND.");
  app.require_subcommand(1);
  app.set_version_flag("--version", keyward::app::VersionLine());
  int exit_code = 0;

  // The commands whose flags are settings also read them from a configuration file.
  keyward::app::ConfigLayers layers(argc, argv);
  keyward::app::ServeConfig serve_config;
  CLI::App* serve = app.add_subcommand("serve", "Run the server");
  keyward::app::AddServeOptions(*serve, serve_config);
  keyward::app::RunWithSettings(*serve, layers, exit_code, [&] {
    if (keyward::core::Status st = keyward::app::ValidateConfig(serve_config); !st) {
      std::cerr << "keyward: invalid configuration: "
                << layers.Annotate(*serve, st.error().Message()) << "\n";
      return 2;
    }
    return keyward::app::RunServe(serve_config, {argv[0], std::string(keyward::cli::kDefaultUrl)});
  });

  keyward::app::ServeConfig admin_config;
  CLI::App* admin = app.add_subcommand("admin", "Local administration (opens the store directly)");
  admin->require_subcommand(1);
  CLI::App* recover =
      admin->add_subcommand("recover", "Issue a new Master Administrator key into the store");
  keyward::app::AddStoreOptions(*recover, admin_config);
  keyward::app::RunWithSettings(*recover, layers, exit_code,
                                [&] { return keyward::app::RunAdminRecover(admin_config); });
  keyward::app::AddConfigCommands(app, layers, exit_code);
  keyward::app::AddBackupCommands(app, layers, exit_code);
  keyward::app::AddPepperCommands(app, layers, exit_code);

  bool version_json = false;
  CLI::App* version = app.add_subcommand("version", "Print the version, commit and build type");
  version->add_flag("--json", version_json, "As {\"version\", \"commit\", \"buildType\"}");
  version->callback([&] {
    std::cout << (version_json ? keyward::app::VersionJson() : keyward::app::VersionLine()) << "\n";
  });
  AddHelpCommand(app, exit_code);

  keyward::cli::AddClientCommands(app, exit_code);
  keyward::app::AddCompletionCommand(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return keyward::cli::ExitCodeForParseError(app, e, keyward::cli::HasJsonFlag(argc, argv),
                                               std::cout);
  }
  return exit_code;
}
