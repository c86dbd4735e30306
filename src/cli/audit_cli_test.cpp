// `keyward audit list|export|verify`: what goes on the wire, what is printed, the exit codes,
// and an export streamed to a file that is whole or absent.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/request_builder.hpp"
#include "testing/cli/cli_test_util.hpp"

namespace keyward::cli {
namespace {

using testing::FakeApiServer;
using testing::Outcome;

// Runs `keyward <args>` against `url`.
Outcome RunCli(std::vector<std::string> args, const std::string& url) {
  return testing::RunKeyward(std::move(args),
                             {{"KEYWARD_URL", url}, {"KEYWARD_API_KEY", testing::kTestApiKey}});
}

std::string Target(const FakeApiServer& server, std::size_t i = 0) {
  return std::string(server.requests().at(i).target());
}

// A temporary directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("keyward-audit-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const char* name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

constexpr char kPage[] =
    R"({"items":[{"id":"7","time":"2027-01-15T08:00:00Z","actor":"apikey:1",)"
    R"("action":"apikey.create","target":"apikey:7","ip":"8.8.8.8","outcome":"success",)"
    R"("details":{"name":"x"},"hash":"v1:aa"},{"id":"1","time":"2027-01-15T07:00:00Z",)"
    R"("actor":"system","action":"apikey.create","target":"apikey:1","ip":null,)"
    R"("outcome":"success","details":{},"hash":"v1:bb"}],"nextCursor":null})";

TEST(AuditCli, ListSendsTheFiltersAndPrintsATable) {
  FakeApiServer server({{200, kPage}});
  const Outcome o = RunCli(
      {"audit", "list", "--since", "2027-01-15T00:00:00", "--until", "2027-01-16T00:00:00Z",
       "--actor", "apikey:1", "--action", "apikey.create", "--target", "apikey:7", "--limit", "5"},
      server.url());
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Target(server),
            "/v1/audit?since=2027-01-15T00:00:00&until=2027-01-16T00:00:00Z&actor=apikey:1"
            "&action=apikey.create&target=apikey:7&limit=5");
  std::istringstream lines(o.out);
  std::string header;
  std::getline(lines, header);
  EXPECT_EQ(header.find("ID"), 0u);
  for (const char* column : {"TIME", "ACTOR", "ACTION", "TARGET", "IP", "OUTCOME"}) {
    EXPECT_NE(header.find(column), std::string::npos) << column;
  }
  EXPECT_NE(o.out.find("2027-01-15T08:00:00Z"), std::string::npos);
  EXPECT_NE(o.out.find("apikey.create"), std::string::npos);
  EXPECT_NE(o.out.find("8.8.8.8"), std::string::npos);
  EXPECT_EQ(o.out.find("v1:aa"), std::string::npos);  // the hash is for --json
}

TEST(AuditCli, ListAllFollowsTheCursorAndJsonPrintsOneDocument) {
  const std::string first = R"({"items":[{"id":"3","action":"a.b"}],"nextCursor":"k1.next"})";
  const std::string second = R"({"items":[{"id":"2","action":"c.d"}],"nextCursor":null})";
  FakeApiServer server({{200, first}, {200, second}});
  const Outcome o = RunCli({"audit", "list", "--all", "--json", "--action", "a.b"}, server.url());
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Target(server, 0), "/v1/audit?action=a.b&limit=500");
  EXPECT_EQ(Target(server, 1), "/v1/audit?action=a.b&limit=500&cursor=k1.next");
  EXPECT_EQ(o.out,
            R"({"items":[{"id":"3","action":"a.b"},{"id":"2","action":"c.d"}],"nextCursor":null})"
            "\n");
}

TEST(AuditCli, VerifyPrintsTheOutcomeAndExitsOneWhenBroken) {
  FakeApiServer server(
      {{200, R"({"ok":true,"events":12})"},
       {200, R"({"ok":false,"events":6,"firstBrokenId":"7","reason":"hash mismatch"})"},
       {200, R"({"ok":false,"events":6,"firstBrokenId":"7","reason":"x"})"},
       {403, R"({"error":{"code":"permission_denied","message":"no"}})"}});
  const Outcome ok = RunCli({"audit", "verify"}, server.url());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "audit trail verified: 12 events\n");
  EXPECT_EQ(Target(server, 0), "/v1/audit/verify");
  const Outcome broken = RunCli({"audit", "verify"}, server.url());
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_EQ(broken.out, "audit trail BROKEN at event 7: hash mismatch\n");
  const Outcome json = RunCli({"audit", "verify", "--json"}, server.url());
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_EQ(json.out, R"({"ok":false,"events":6,"firstBrokenId":"7","reason":"x"})"
                      "\n");
  const Outcome refused = RunCli({"audit", "verify"}, server.url());
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find("keyward: no"), std::string::npos) << refused.err;
}

TEST(AuditCli, VerifyRefusesAResponseWithoutTheFields) {
  FakeApiServer server({{200, R"({"valid":true})"}});
  const Outcome o = RunCli({"audit", "verify"}, server.url());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(o.out.empty());
}

TEST(AuditCli, ExportStreamsToStandardOutputAsJsonLinesByDefault) {
  const std::string body = "{\"id\":\"1\"}\n{\"id\":\"2\"}\n";
  FakeApiServer server({{200, body}});
  const Outcome o = RunCli({"audit", "export", "--actor", "system"}, server.url());
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Target(server), "/v1/audit/export?format=jsonl&actor=system");
  EXPECT_EQ(o.out, body);
}

TEST(AuditCli, ExportWritesAFileLargerThanAnyWholeResponse) {
  // Past the 32 MiB a whole response may have: only a streamed read takes it.
  std::string body;
  const std::string row = "1,2027-01-15T08:00:00Z,system,test.bulk,item:1,,success,{},v1:aa\r\n";
  while (body.size() < 34u * 1024 * 1024) body += row;
  FakeApiServer server({{200, body}});
  TempDir dir;
  const std::string file = dir.File("audit.csv");
  const Outcome o = RunCli({"audit", "export", "--format", "csv", "--output", file}, server.url());
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Target(server), "/v1/audit/export?format=csv");
  EXPECT_TRUE(ReadFile(file) == body);
  EXPECT_FALSE(std::filesystem::exists(file + ".part"));
}

TEST(AuditCli, ARefusedExportLeavesNoFile) {
  FakeApiServer server({{400, R"({"error":{"code":"invalid_argument","message":"bad since",)"
                              R"("field":"since"}})"}});
  TempDir dir;
  const std::string file = dir.File("audit.jsonl");
  const Outcome o = RunCli({"audit", "export", "--since", "x", "-o", file}, server.url());
  EXPECT_EQ(o.exit_code, 6);
  EXPECT_NE(o.err.find("bad since"), std::string::npos) << o.err;
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_FALSE(std::filesystem::exists(file + ".part"));
}

TEST(AuditCli, ExportRejectsAnUnknownFormatBeforeSending) {
  FakeApiServer server({});
  const Outcome o = RunCli({"audit", "export", "--format", "xml"}, server.url());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(server.requests().empty());
}

// Answers one request with the head of a chunked body and one chunk, then hangs up: a body cut
// short.
class CuttingServer {
 public:
  CuttingServer() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec) return;
      boost::asio::streambuf request;
      boost::asio::read_until(socket, request, "\r\n\r\n", ec);
      const std::string partial =
          "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n"
          "5\r\nhello\r\n";
      boost::asio::write(socket, boost::asio::buffer(partial), ec);
      socket.close(ec);
    });
  }
  ~CuttingServer() { thread_.join(); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

TEST(AuditCli, AnExportCutShortFailsAndLeavesNoFile) {
  CuttingServer server;
  TempDir dir;
  const std::string file = dir.File("audit.csv");
  const Outcome o = RunCli({"audit", "export", "--format", "csv", "-o", file}, server.url());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("cut short"), std::string::npos) << o.err;
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_FALSE(std::filesystem::exists(file + ".part"));
}

TEST(AuditCli, QueryBuildersPutOnlyWhatIsGiven) {
  AuditFilterFlags filters;
  EXPECT_TRUE(BuildAuditQuery(filters).empty());
  filters.target = "apikey:1";
  const auto query = BuildAuditQuery(filters, 10, std::string("c"));
  ASSERT_EQ(query.size(), 3u);
  EXPECT_EQ(query[0], (std::pair<std::string, std::string>{"target", "apikey:1"}));
  EXPECT_EQ(query[1], (std::pair<std::string, std::string>{"limit", "10"}));
  EXPECT_EQ(query[2], (std::pair<std::string, std::string>{"cursor", "c"}));
  const auto exported = BuildAuditExportQuery(filters, "csv");
  ASSERT_EQ(exported.size(), 2u);
  EXPECT_EQ(exported[0].first, "format");
}

}  // namespace
}  // namespace keyward::cli
