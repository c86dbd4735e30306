// The flags of `keyward serve` and of the local commands that open the store, declared once: the
// config layer (config_layers.hpp) reads the same declarations to know every setting a
// configuration file may hold (each long flag without `--`, `-` as `_`), its variable, its
// variable's name and its default. Thread-compatible: called while the command line is set up.
#pragma once

#include <CLI/CLI.hpp>

#include "app/config.hpp"

namespace keyward::app {

// The store's flags: --data-dir, --database, --max-database-size, --pepper-file.
void AddStoreOptions(CLI::App& cmd, ServeConfig& config);

// Every flag of `keyward serve`, in the order --help lists them (the store's among them).
void AddServeOptions(CLI::App& serve, ServeConfig& config);

}  // namespace keyward::app
