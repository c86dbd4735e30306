// `keyward serve`: opens the store, bootstraps a fresh one, wires core to the HTTP server and
// serves until SIGINT or SIGTERM, finishing in-flight requests before it exits.
#pragma once

#include "app/config.hpp"

namespace keyward::app {

// Runs the server; returns the process exit code (0 after a clean stop, 1 when it could not
// start: the reason is logged).
int RunServe(const ServeConfig& config);

// `keyward admin recover`: issues a new Master Administrator key straight into the store,
// audited, and prints its secret once on standard output. Returns the exit code.
int RunAdminRecover(const ServeConfig& config);

}  // namespace keyward::app
