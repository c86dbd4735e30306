// `keyward pepper rotate | status | retire`: the local commands that rotate the pepper of a store
// (docs/operations.md "Pepper rotation", docs/cli.md "Local commands"). They open the store
// directly, as `admin recover` does, with the same store flags.
#pragma once

#include <CLI/CLI.hpp>

#include "app/config_layers.hpp"

namespace keyward::app {

// Adds the `pepper` command and its three subcommands to `app`, each with the store's flags and
// --config (`layers`); each sets `exit_code`.
void AddPepperCommands(CLI::App& app, ConfigLayers& layers, int& exit_code);

}  // namespace keyward::app
