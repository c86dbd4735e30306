// `keyward completion bash`: prints a bash completion script made from the program's own command
// tree (every subcommand and option CLI11 knows at the time it runs), so the completion can never
// drift from the flags. The package installs its output as
// /usr/share/bash-completion/completions/keyward (cmake/packaging.cmake).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace keyward::app {

// The bash completion script for `app` and everything registered under it: subcommands at each
// level, the options of each command, and which options take a value (after those, bash's own
// file name completion).
std::string BashCompletionScript(const CLI::App& app);

// Adds `keyward completion SHELL` to `app`; it prints BashCompletionScript of `app` as it is when
// the command runs (so commands registered after this call are included). Only bash exists.
void AddCompletionCommand(CLI::App& app);

}  // namespace keyward::app
