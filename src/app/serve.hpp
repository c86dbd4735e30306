// `keyward serve`: opens the store, bootstraps a fresh one, wires core to the HTTP server and
// serves until SIGINT or SIGTERM, finishing in-flight requests before it exits.
#pragma once

#include <string>

#include "app/config.hpp"
#include "app/runtime.hpp"

namespace keyward::app {

// Runs the server; returns the process exit code: 0 after a clean stop, 2 for a setting that
// cannot be used, 1 when it could not start for another reason (the reason is on standard error,
// in plain words). `cli` is for the first start's lines.
int RunServe(const ServeConfig& config, const CliHints& cli);

// `keyward admin recover`: issues a new Master Administrator key straight into the store,
// audited, and prints its secret once on standard output. Refuses (exit 2, naming the path it
// looked at, creating nothing) a data directory without a store. Returns the exit code.
int RunAdminRecover(const ServeConfig& config);

}  // namespace keyward::app
