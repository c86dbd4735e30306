#include "testing/postgres/pg_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>
#include <thread>
#include <utility>

extern char** environ;

namespace keyward::testing {
namespace {

// A spawned child starts with no signal blocked and the usual ones at their default actions,
// whatever the test process set for itself.
void ResetSignals(posix_spawnattr_t& attr) {
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
}

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

core::Error Fail(std::string detail) { return core::Internal(std::move(detail)); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Joined(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& arg : argv) {
    if (!text.empty()) text += ' ';
    text += arg;
  }
  return text;
}

// Single quotes for /bin/sh. Our paths hold no quote, but a stray one must not break the script.
std::string ShellQuoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The highest-numbered /usr/lib/postgresql/<N>/bin that holds initdb (Debian's layout), else
// what `pg_config --bindir` says.
std::string FindBinDir() {
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    const int version = std::atoi(name.c_str());
    const std::string bin = entry.path().string() + "/bin";
    if (version > best_version && ::access((bin + "/initdb").c_str(), X_OK) == 0) {
      best = bin;
      best_version = version;
    }
  }
  if (!best.empty()) return best;
  if (FILE* pipe = ::popen("pg_config --bindir 2>/dev/null", "r")) {
    char line[4096] = {};
    const bool got = std::fgets(line, sizeof line, pipe) != nullptr;
    ::pclose(pipe);
    std::string bin = got ? line : "";
    while (!bin.empty() && (bin.back() == '\n' || bin.back() == '\r')) bin.pop_back();
    if (!bin.empty() && ::access((bin + "/initdb").c_str(), X_OK) == 0) return bin;
  }
  return {};
}

struct Outcome {
  bool timed_out = false;
  int status = 0;  // as waitpid reports it
  std::string output;
};

// Runs argv with stdin from /dev/null and stdout and stderr into `output_path`, in a process
// group of its own so that a timeout kills everything it started. Output goes to a file, not a
// pipe: pg_ctl's server inherits the descriptors and would hold a pipe open for its whole life.
core::Result<Outcome> RunCommand(const std::vector<std::string>& argv,
                                 const std::string& output_path, int timeout_seconds) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  ResetSignals(attr);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Fail("could not run `" + Joined(argv) + "`: " + std::generic_category().message(rc));
  }

  Outcome outcome;
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_seconds);
  for (;;) {
    const pid_t done = ::waitpid(pid, &outcome.status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return Fail("waitpid failed for `" + Joined(argv) + "`");
    if (Clock::now() >= deadline) {
      outcome.timed_out = true;
      ::kill(-pid, SIGKILL);
      while (::waitpid(pid, &outcome.status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  outcome.output = ReadFile(output_path);
  return outcome;
}

std::string Describe(const std::vector<std::string>& argv, const Outcome& outcome,
                     int timeout_seconds) {
  std::string text = "`" + Joined(argv) + "` ";
  if (outcome.timed_out) {
    text += "did not finish within " + std::to_string(timeout_seconds) + " s and was killed";
  } else if (WIFEXITED(outcome.status)) {
    text += "exited with status " + std::to_string(WEXITSTATUS(outcome.status));
  } else if (WIFSIGNALED(outcome.status)) {
    text += "was killed by signal " + std::to_string(WTERMSIG(outcome.status));
  }
  return text + "; its output:\n" + outcome.output;
}

// A port of 127.0.0.1 that nothing listens on now. Below the kernel's ephemeral range
// (/proc/sys/net/ipv4/ip_local_port_range starts at 32768 by default), so that no outgoing
// connection takes it while the server is stopped and Start() can have it back; a port taken
// anyway between this check and the server's bind is retried by the caller.
core::Result<int> PickPort() {
  static std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<int> ports(20000, 32767);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int port = ports(random);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Fail("socket() failed while looking for a free port");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (free) return port;
  }
  return Fail("no free port of 127.0.0.1 between 20000 and 32767 after 100 tries");
}

bool LooksLikePortInUse(const std::string& log) {
  return log.find("Address already in use") != std::string::npos ||
         log.find("could not bind") != std::string::npos;
}

}  // namespace

std::string ErrorText(const core::Error& error) {
  std::string text;
  for (const std::string& arg : error.args) text += arg;
  return text.empty() ? error.Message() : text;
}

core::Result<std::unique_ptr<PgServer>> PgServer::Create(PgServerOptions options) {
  std::unique_ptr<PgServer> server(new PgServer());
  server->options_ = std::move(options);
  if (core::Status status = server->Init(); !status) return status.error();
  return server;
}

core::Status PgServer::Init() {
  owner_pid_ = ::getpid();
  as_postgres_ = ::geteuid() == 0;
  if (as_postgres_) {
    const passwd* user = ::getpwnam("postgres");
    if (user == nullptr) {
      return Fail(
          "the tests run as root and there is no `postgres` user to run PostgreSQL as "
          "(initdb refuses root): install Debian's postgresql (scripts/deps.sh test)");
    }
    server_uid_ = user->pw_uid;
    server_gid_ = user->pw_gid;
  }
  bin_dir_ = FindBinDir();
  if (bin_dir_.empty()) {
    return Fail(
        "no PostgreSQL server programs (no /usr/lib/postgresql/<N>/bin/initdb, and "
        "`pg_config --bindir` names none): install Debian's postgresql (scripts/deps.sh "
        "test)");
  }

  // Under /tmp rather than $TMPDIR: the socket path must stay short (108 bytes), and `postgres`
  // must be able to traverse every parent directory.
  char pattern[] = "/tmp/keyward-pg-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) return Fail("could not make a directory under /tmp");
  dir_ = pattern;
  std::error_code ec;
  fs::create_directory(socket_dir(), ec);
  if (ec) return Fail("could not make " + socket_dir() + ": " + ec.message());
  if (as_postgres_) {
    for (const std::string& path : {dir_, socket_dir()}) {
      if (::chown(path.c_str(), server_uid_, server_gid_) != 0) {
        return Fail("could not give " + path + " to the postgres user");
      }
    }
  }

  KW_RETURN_IF_ERROR(
      RunAsServerUser({Program("initdb"), "-D", data_dir(), "-A", "trust", "-U", "postgres",
                       "--no-sync", "--locale=C", "-E", "UTF8", "--no-instructions"},
                      120));
  KW_RETURN_IF_ERROR(StartWatchdog());

  // A port may be taken between the check and the server's bind (another test process looking
  // at the same time): then another port.
  for (int attempt = 0;; ++attempt) {
    core::Result<int> port = PickPort();
    if (!port) return port.error();
    port_ = *port;
    bool port_in_use = false;
    core::Status started = StartOnce(&port_in_use);
    if (started) return started;
    if (!port_in_use || attempt == 4) return started;
  }
}

PgServer::~PgServer() {
  // A forked child (a death test) shares the server with its parent and must leave it alone.
  if (dir_.empty() || ::getpid() != owner_pid_) return;
  if (running_) {
    if (core::Status stopped = Stop(); !stopped) {
      std::fprintf(stderr, "PgServer: %s\n", ErrorText(stopped.error()).c_str());
    }
  }
  DisarmWatchdog();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PgServer::Program(std::string_view name) const {
  return bin_dir_ + "/" + std::string(name);
}

std::string PgServer::Url(std::string_view database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + std::string(database);
}

core::Status PgServer::RunAsServerUser(const std::vector<std::string>& argv,
                                       int timeout_seconds) const {
  std::vector<std::string> full;
  if (as_postgres_) full = {"runuser", "-u", "postgres", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  core::Result<Outcome> outcome = RunCommand(full, dir_ + "/command.out", timeout_seconds);
  if (!outcome) return outcome.error();
  if (!outcome->timed_out && WIFEXITED(outcome->status) && WEXITSTATUS(outcome->status) == 0) {
    return core::Ok();
  }
  return Fail(Describe(full, *outcome, timeout_seconds));
}

std::string PgServer::StartOptions() const {
  std::string opts = "-p " + std::to_string(port_) + " -k " + socket_dir() +
                     " -c listen_addresses=127.0.0.1" +
                     " -c max_connections=" + std::to_string(options_.max_connections) +
                     " -c shared_buffers=" + options_.shared_buffers;
  // See PgServerOptions::fsync. full_page_writes only protects against torn pages on a crash of
  // the machine, so it goes with fsync.
  if (!options_.fsync) opts += " -c fsync=off -c full_page_writes=off";
  return opts;
}

std::string PgServer::LogTail() const {
  const std::string log = ReadFile(dir_ + "/server.log");
  const std::size_t keep = 3000;
  return log.size() > keep ? "..." + log.substr(log.size() - keep) : log;
}

core::Status PgServer::StartOnce(bool* port_in_use) {
  *port_in_use = false;
  const std::size_t log_before = ReadFile(dir_ + "/server.log").size();
  core::Status started =
      RunAsServerUser({Program("pg_ctl"), "start", "-w", "-t", "30", "-D", data_dir(), "-l",
                       dir_ + "/server.log", "-o", StartOptions()},
                      45);
  if (started) {
    running_ = true;
    return started;
  }
  const std::string log = ReadFile(dir_ + "/server.log");
  *port_in_use = LooksLikePortInUse(log.substr(std::min(log_before, log.size())));
  // A server that did not come up in time may still be starting: make sure it is gone.
  (void)RunAsServerUser(
      {Program("pg_ctl"), "stop", "-w", "-t", "10", "-D", data_dir(), "-m", "immediate"}, 20);
  return Fail("PostgreSQL did not start: " + ErrorText(started.error()) + "\nthe server's log (" +
              dir_ + "/server.log):\n" + LogTail());
}

core::Status PgServer::Start() {
  if (running_) return core::Ok();
  // The port was free a moment ago; if something took it meanwhile, wait a little for it.
  for (int attempt = 0;; ++attempt) {
    bool port_in_use = false;
    core::Status started = StartOnce(&port_in_use);
    if (started || !port_in_use || attempt == 4) return started;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

core::Status PgServer::Stop() {
  if (!running_) return core::Ok();
  running_ = false;
  core::Status fast = RunAsServerUser(
      {Program("pg_ctl"), "stop", "-w", "-t", "20", "-D", data_dir(), "-m", "fast"}, 30);
  if (fast) return fast;
  core::Status immediate = RunAsServerUser(
      {Program("pg_ctl"), "stop", "-w", "-t", "10", "-D", data_dir(), "-m", "immediate"}, 20);
  if (immediate) return immediate;
  // Last resort: the postmaster's pid is the first line of postmaster.pid.
  std::istringstream pid_file(ReadFile(data_dir() + "/postmaster.pid"));
  long pid = 0;
  if (pid_file >> pid && pid > 0) {
    ::kill(static_cast<pid_t>(pid), SIGKILL);
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (::kill(static_cast<pid_t>(pid), 0) == 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return Fail("PostgreSQL did not stop: " + ErrorText(fast.error()) + "\n" +
              ErrorText(immediate.error()));
}

core::Status PgServer::StartWatchdog() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Fail("pipe2 failed for the watchdog");
  // Moved above 3 first: dup2 onto the same descriptor would keep its close-on-exec flag.
  const int read_fd = ::fcntl(fds[0], F_DUPFD_CLOEXEC, 10);
  ::close(fds[0]);
  if (read_fd < 0) {
    ::close(fds[1]);
    return Fail("fcntl failed for the watchdog");
  }

  std::string stop = (as_postgres_ ? "runuser -u postgres -- " : "") +
                     ShellQuoted(Program("pg_ctl")) + " stop -w -t 10 -D " +
                     ShellQuoted(data_dir()) + " -m immediate";
  // A line on the pipe disarms it; end-of-file means the test process is gone. The subshell runs
  // in the background so that it is nobody's child (a killer walking the test's process tree
  // does not find it), in a session of its own (nor does one killing the test's group).
  const std::string script = "( if read -r _ <&3; then exit 0; fi; " + stop + "; rm -rf -- " +
                             ShellQuoted(dir_) + " ) >/dev/null 2>&1 &";
  const std::vector<std::string> argv = {"/bin/sh", "-c", script};
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_adddup2(&actions, read_fd, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  ResetSignals(attr);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, "/bin/sh", &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(read_fd);
  if (rc != 0) {
    ::close(fds[1]);
    return Fail("could not start the watchdog shell: " + std::generic_category().message(rc));
  }
  // The outer shell only forks the subshell and exits.
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  watchdog_fd_ = fds[1];
  return core::Ok();
}

void PgServer::DisarmWatchdog() {
  if (watchdog_fd_ < 0) return;
  const char line[] = "disarm\n";
  // A failed write leaves the watchdog to see end-of-file and stop an already stopped server.
  (void)!::write(watchdog_fd_, line, sizeof line - 1);
  ::close(watchdog_fd_);
  watchdog_fd_ = -1;
}

core::Result<std::string> PgServer::CreateDatabase() {
  const std::string name = "kw_test_" + std::to_string(++databases_);
  const std::string port = std::to_string(port_);
  // Bounded: connect_timeout for the connection, statement_timeout for the statement.
  const char* keywords[] = {"host", "port", "user", "dbname", "options", "connect_timeout",
                            nullptr};
  const char* values[] = {
      "127.0.0.1", port.c_str(), "postgres", "postgres", "-c statement_timeout=30000",
      "10",        nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, 0);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return Fail("could not connect to " + Url("postgres") + ": " + message);
  }
  // template0: nobody can be connected to it, so CREATE DATABASE never fails on a session still
  // open on the template (as it can on template1). FILE_COPY (PostgreSQL 15 and later) copies
  // the files instead of writing every block to the WAL: about 4 times faster with fsync off.
  std::string sql = "CREATE DATABASE " + name + " TEMPLATE template0";
  if (PQserverVersion(conn) >= 150000) sql += " STRATEGY FILE_COPY";
  PGresult* result = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  std::string message = ok ? "" : PQerrorMessage(conn);
  PQclear(result);
  PQfinish(conn);
  if (!ok) return Fail("CREATE DATABASE " + name + " failed: " + message);
  return Url(name);
}

PgServer& SharedPgServer() {
  // A function-local static: made on the first call, destroyed at exit (see ~PgServer for forked
  // children, and the watchdog for a process that dies without running destructors).
  static const std::unique_ptr<PgServer> server = [] {
    core::Result<std::unique_ptr<PgServer>> made = PgServer::Create();
    if (!made) {
      std::fprintf(stderr, "SharedPgServer: %s\n", ErrorText(made.error()).c_str());
      std::fflush(stderr);
      std::abort();
    }
    return std::move(*made);
  }();
  return *server;
}

}  // namespace keyward::testing
