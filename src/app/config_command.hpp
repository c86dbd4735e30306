// `keyward config check FILE` and `keyward config show` (docs/configuration.md "The
// configuration file"). Thread-compatible: set up once, before the command line is parsed.
#pragma once

#include <CLI/CLI.hpp>

#include "app/config_layers.hpp"

namespace keyward::app {

// Adds `config` with its two commands to `app`. `layers` and `exit_code` must outlive parsing;
// the commands set `exit_code`: check 0 when the file is valid, 1 when it has problems (each
// printed on standard error as "PATH:LINE: ..."), 2 when it cannot be read; show 0, or 2 when the
// configuration file it reads cannot be used.
void AddConfigCommands(CLI::App& app, ConfigLayers& layers, int& exit_code);

}  // namespace keyward::app
