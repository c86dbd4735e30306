// Test support, header-only: runs `keyward <args>` through CLI11 as main does, with a given
// environment, capturing the exit code, standard output and standard error. Not thread-safe.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/client.hpp"
#include "testing/cli/fake_api_server.hpp"

namespace keyward::cli::testing {

// A well-formed key for KEYWARD_API_KEY; the fake server accepts anything.
inline constexpr char kTestApiKey[] =
    "kw_AAAAAAAAAAAA_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `keyward <args>` with `env` as the whole environment. With `typed`, standard input is a
// terminal on which a person types that text; without, standard input is no terminal.
inline Outcome RunKeyward(std::vector<std::string> args,
                          const std::map<std::string, std::string>& env,
                          const std::optional<std::string>& typed = std::nullopt) {
  std::ostringstream out;
  std::ostringstream err;
  std::istringstream in(typed.value_or(""));
  ClientIo io{&out, &err,
              [env](const std::string& name) -> std::optional<std::string> {
                auto it = env.find(name);
                if (it == env.end()) return std::nullopt;
                return it->second;
              },
              &in, typed.has_value()};
  Outcome outcome;
  CLI::App app("keyward", "keyward");
  AddClientCommands(app, outcome.exit_code, io);
  args.insert(args.begin(), "keyward");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    outcome.exit_code =
        ExitCodeForParseError(app, e, HasJsonFlag(static_cast<int>(argv.size()), argv.data()), out);
  }
  outcome.out = out.str();
  outcome.err = err.str();
  return outcome;
}

// The environment of a command that talks to `server` with kTestApiKey.
inline std::map<std::string, std::string> EnvFor(const FakeApiServer& server) {
  return {{"KEYWARD_URL", server.url()}, {"KEYWARD_API_KEY", kTestApiKey}};
}

// How often `needle` occurs in `text`.
inline std::size_t CountOf(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    ++count;
  }
  return count;
}

}  // namespace keyward::cli::testing
