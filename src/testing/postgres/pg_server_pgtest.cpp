#include "testing/postgres/pg_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

namespace keyward::testing {
namespace {

// Runs `sql` on `url` and returns the first column of the first row ("" when there is none), or
// nullopt and the error in *error when the connection or the statement fails.
std::optional<std::string> Query(const std::string& url, const std::string& sql,
                                 std::string* error = nullptr) {
  PGconn* conn = PQconnectdb((url + "?connect_timeout=5").c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    if (error != nullptr) *error = PQerrorMessage(conn);
    PQfinish(conn);
    return std::nullopt;
  }
  PGresult* result = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  std::optional<std::string> value;
  if (status == PGRES_TUPLES_OK) {
    value = PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
  } else if (status == PGRES_COMMAND_OK) {
    value = "";
  } else if (error != nullptr) {
    *error = PQerrorMessage(conn);
  }
  PQclear(result);
  PQfinish(conn);
  return value;
}

std::unique_ptr<PgServer> MakeServer(PgServerOptions options = {}) {
  auto made = PgServer::Create(std::move(options));
  if (!made) {
    ADD_FAILURE() << ErrorText(made.error());
    return nullptr;
  }
  return std::move(*made);
}

// The postmaster's pid: the first line of postmaster.pid.
pid_t PostmasterPid(const PgServer& server) {
  std::ifstream in(server.data_dir() + "/postmaster.pid");
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

// Whether `pid` is alive: a zombie left for its reaper counts as gone.
bool ProcessExists(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string skip, state;
  if (!(stat >> skip >> skip >> state)) return false;
  return state != "Z" && state != "X";
}

// Waits (bounded) for `done`; returns whether it came true.
template <typename Predicate>
bool Eventually(Predicate done, std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

TEST(PgServer, StartsAndServesADatabaseOverLoopback) {
  auto server = MakeServer();
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(server->running());
  auto url = server->CreateDatabase();
  ASSERT_TRUE(url) << ErrorText(url.error());
  EXPECT_EQ(*url, "postgresql://postgres@127.0.0.1:" + std::to_string(server->port()) + "/" +
                      url->substr(url->rfind('/') + 1));
  std::string error;
  ASSERT_TRUE(Query(*url, "CREATE TABLE t (v text)", &error)) << error;
  ASSERT_TRUE(Query(*url, "INSERT INTO t VALUES ('kept')", &error)) << error;
  EXPECT_EQ(Query(*url, "SELECT v FROM t", &error), "kept") << error;
  EXPECT_EQ(Query(*url, "SHOW listen_addresses", &error), "127.0.0.1") << error;
  EXPECT_EQ(Query(*url, "SHOW unix_socket_directories", &error), server->socket_dir()) << error;
}

TEST(PgServer, CreateDatabaseGivesEachCallANewEmptyDatabase) {
  auto server = MakeServer();
  ASSERT_NE(server, nullptr);
  auto first = server->CreateDatabase();
  auto second = server->CreateDatabase();
  ASSERT_TRUE(first && second);
  EXPECT_NE(*first, *second);
  std::string error;
  ASSERT_TRUE(Query(*first, "CREATE TABLE only_in_first (v int)", &error)) << error;
  EXPECT_EQ(Query(*second, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &error),
            "0")
      << error;
}

TEST(PgServer, StopRefusesConnectionsAndStartBringsItBackWithTheData) {
  auto server = MakeServer();
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  auto url = server->CreateDatabase();
  ASSERT_TRUE(url) << ErrorText(url.error());
  std::string error;
  ASSERT_TRUE(Query(*url, "CREATE TABLE t AS SELECT 'before the outage' AS v", &error)) << error;

  auto stopped = server->Stop();
  ASSERT_TRUE(stopped) << ErrorText(stopped.error());
  EXPECT_FALSE(server->running());
  EXPECT_FALSE(Query(*url, "SELECT 1", &error));
  EXPECT_NE(error.find("Connection refused"), std::string::npos) << error;

  auto started = server->Start();
  ASSERT_TRUE(started) << ErrorText(started.error());
  EXPECT_TRUE(server->running());
  EXPECT_EQ(server->port(), port);
  EXPECT_EQ(Query(*url, "SELECT v FROM t", &error), "before the outage") << error;
}

TEST(PgServer, DestructionLeavesNoProcessAndNoDirectory) {
  auto server = MakeServer();
  ASSERT_NE(server, nullptr);
  const std::string dir = server->dir();
  const pid_t postmaster = PostmasterPid(*server);
  ASSERT_GT(postmaster, 0);
  ASSERT_TRUE(ProcessExists(postmaster));
  server.reset();
  EXPECT_FALSE(std::filesystem::exists(dir));
  // pg_ctl stop -w returns once the postmaster has removed its pid file, a moment before it exits.
  EXPECT_TRUE(Eventually([&] { return !ProcessExists(postmaster); }, std::chrono::seconds(10)));
}

TEST(PgServer, TwoServersAtOnceListenOnDifferentPorts) {
  auto one = MakeServer();
  auto two = MakeServer();
  ASSERT_TRUE(one != nullptr && two != nullptr);
  EXPECT_NE(one->port(), two->port());
  EXPECT_NE(one->dir(), two->dir());
  EXPECT_EQ(Query(one->Url("postgres"), "SELECT 1"), "1");
  EXPECT_EQ(Query(two->Url("postgres"), "SELECT 1"), "1");
}

TEST(PgServer, FsyncIsOffUnlessAskedFor) {
  auto fast = MakeServer();
  auto durable = MakeServer(PgServerOptions{.fsync = true});
  ASSERT_TRUE(fast != nullptr && durable != nullptr);
  EXPECT_EQ(Query(fast->Url("postgres"), "SHOW fsync"), "off");
  EXPECT_EQ(Query(durable->Url("postgres"), "SHOW fsync"), "on");
  EXPECT_EQ(Query(durable->Url("postgres"), "SHOW full_page_writes"), "on");
}

TEST(PgServer, AServerThatCannotStartGivesOneErrorWithTheLogAndLeavesNothing) {
  auto made = PgServer::Create(PgServerOptions{.shared_buffers = "plenty"});
  ASSERT_FALSE(made);
  const std::string text = ErrorText(made.error());
  EXPECT_NE(text.find("PostgreSQL did not start"), std::string::npos) << text;
  EXPECT_NE(text.find("pg_ctl start"), std::string::npos) << text;
  EXPECT_NE(text.find("shared_buffers"), std::string::npos) << text;  // the log's complaint
  const std::size_t at = text.find("/tmp/keyward-pg-");
  ASSERT_NE(at, std::string::npos) << text;
  const std::string dir = text.substr(at, std::string("/tmp/keyward-pg-XXXXXX").size());
  EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
}

TEST(PgServer, StartFailsClearlyWhileItsPortIsTakenAndWorksOnceItIsFree) {
  auto server = MakeServer();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->Stop());
  const int taker = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(taker, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(taker, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(taker, 1), 0);
  auto refused = server->Start();
  ::close(taker);
  ASSERT_FALSE(refused);
  EXPECT_FALSE(server->running());
  EXPECT_NE(ErrorText(refused.error()).find("Address already in use"), std::string::npos)
      << ErrorText(refused.error());
  auto started = server->Start();
  ASSERT_TRUE(started) << ErrorText(started.error());
  EXPECT_EQ(Query(server->Url("postgres"), "SELECT 1"), "1");
}

TEST(PgServer, WatchdogStopsTheServerOfAProcessThatDiedWithoutCleaningUp) {
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child makes a server, tells its parent where it is, and dies without destructors.
    ::close(report[0]);
    auto made = PgServer::Create();
    std::string line;
    if (made) line = std::to_string(PostmasterPid(**made)) + " " + (*made)->dir() + "\n";
    (void)!::write(report[1], line.data(), line.size());
    ::_exit(made ? 0 : 1);
  }
  ::close(report[1]);
  std::string line;
  char buf[512];
  for (ssize_t n; (n = ::read(report[0], buf, sizeof buf)) > 0;) line.append(buf, size_t(n));
  ::close(report[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child could not start one";
  const pid_t postmaster = static_cast<pid_t>(std::stol(line));
  const std::string dir = line.substr(line.find(' ') + 1, line.size() - line.find(' ') - 2);
  ASSERT_EQ(dir.rfind("/tmp/keyward-pg-", 0), 0u) << dir;
  EXPECT_TRUE(Eventually([&] { return !ProcessExists(postmaster); }));
  EXPECT_TRUE(Eventually([&] { return !std::filesystem::exists(dir); }));
}

TEST(SharedPgServer, IsOneRunningServerForTheWholeProcess) {
  PgServer& server = SharedPgServer();
  EXPECT_EQ(&server, &SharedPgServer());
  EXPECT_TRUE(server.running());
  auto url = server.CreateDatabase();
  ASSERT_TRUE(url) << ErrorText(url.error());
  EXPECT_EQ(Query(*url, "SELECT current_database()"), url->substr(url->rfind('/') + 1));
}

}  // namespace
}  // namespace keyward::testing
