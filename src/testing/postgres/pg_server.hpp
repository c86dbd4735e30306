// PgServer: a throwaway PostgreSQL server for the tests that need a real one (the postgres_test
// executable and its `postgres` ctest label). It runs Debian's server binaries in a fresh
// directory under /tmp, as the `postgres` user through `runuser` when the tests run as root
// (initdb refuses root), listening on 127.0.0.1 only, on a free port, with its Unix socket in its
// own directory. Each test then takes a database of its own with CreateDatabase().
//
// Every wait is bounded: a command that does not finish in time is killed, and every failure
// comes back as an Error whose text (ErrorText) names the command, its exit status and output,
// and the tail of the server's log.
//
// A test binary that dies without running destructors (a crash, SIGKILL, a ctest timeout) would
// leave the server running, since pg_ctl detaches it. So each server has a watchdog: a detached
// shell holding the read end of a pipe whose write end only the test process holds; when the
// test process is gone the pipe reads end-of-file and the watchdog stops the server (immediate
// mode) and removes its directory. A normal destruction disarms the watchdog first.
//
// Thread-safety: thread-compatible; SharedPgServer() is safe to call from any thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/result.hpp"

namespace keyward::testing {

struct PgServerOptions {
  // Off by default: a test server loses nothing when PostgreSQL itself stops or crashes without
  // fsync, only on a crash of the whole machine, and fsync makes initdb and CREATE DATABASE slow.
  // A durability test that wants the server to behave as in production turns it on.
  bool fsync = false;
  // Small, so that several servers fit in a container's shared memory at once.
  int max_connections = 50;
  std::string shared_buffers = "16MB";
};

class PgServer {
 public:
  // Makes the directory, runs initdb, starts the server and waits until it accepts connections.
  // An Error (never a hang) if any step fails; nothing is left behind then.
  static core::Result<std::unique_ptr<PgServer>> Create(PgServerOptions options = {});

  // Stops the server if it runs (fast, then immediate, then SIGKILL) and removes the directory.
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // Stops the server (fast shutdown: open connections are closed, committed data kept). A no-op
  // when it is already stopped.
  core::Status Stop();
  // Starts it again on the same data directory and port, waiting until it accepts connections.
  // A no-op when it runs.
  core::Status Start();
  bool running() const { return running_; }

  // Creates a new, empty database with a unique name and returns its URL (Url(name)).
  core::Result<std::string> CreateDatabase();

  // postgresql://postgres@127.0.0.1:<port>/<database>
  std::string Url(std::string_view database) const;
  int port() const { return port_; }
  // The directory of the server's Unix socket (its `-k`), and the server's root directory.
  std::string socket_dir() const { return dir_ + "/sock"; }
  const std::string& dir() const { return dir_; }
  std::string data_dir() const { return dir_ + "/data"; }
  // The path of an installed PostgreSQL program (pg_ctl, psql, ...).
  std::string Program(std::string_view name) const;

 private:
  PgServer() = default;
  core::Status Init();
  core::Status StartOnce(bool* port_in_use);
  core::Status StartWatchdog();
  void DisarmWatchdog();
  core::Status RunAsServerUser(const std::vector<std::string>& argv, int timeout_seconds) const;
  std::string StartOptions() const;
  std::string LogTail() const;

  PgServerOptions options_;
  std::string bin_dir_;
  std::string dir_;
  int port_ = 0;
  bool running_ = false;
  bool as_postgres_ = false;  // root: run the server's programs as `postgres` through runuser
  uid_t server_uid_ = 0;
  gid_t server_gid_ = 0;
  pid_t owner_pid_ = 0;   // the process that made the server; only it stops it
  int watchdog_fd_ = -1;  // write end of the watchdog's pipe
  std::atomic<int> databases_{0};
};

// The process-wide server of a test binary: started on the first call (so that listing the tests,
// as gtest_discover_tests does, starts nothing), stopped and removed at exit by the process that
// started it (a death test's child never stops it). If it cannot start, prints the error and
// aborts the binary: every test that needs it would fail the same way.
PgServer& SharedPgServer();

// The text of a PgServer error: the failed step, with the command's output when there is one.
std::string ErrorText(const core::Error& error);

}  // namespace keyward::testing
