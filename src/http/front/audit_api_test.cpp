// GET /v1/audit, /v1/audit/export and /v1/audit/verify through ApiHandler, over a KeyService
// whose events are chained (core's AuditFixture), and an export streamed by the real transport.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>
#include <boost/json/parse.hpp>

#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/audit/audit_service.hpp"
#include "http/front/api_handler.hpp"
#include "http/router.hpp"
#include "http/transport/server.hpp"
#include "http/v1/openapi.hpp"
#include "http/v1/routes.hpp"
#include "testing/audit_fixture.hpp"
#include "testing/http/api_test_util.hpp"
#include "testing/http/stream_test_util.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

class AuditApi : public core::testing::AuditFixture {
 protected:
  AuditApi()
      : lookup_(chain_),
        verifier_(lookup_, hasher_, clock_),
        log_(log_text_),
        services_(chain_, clock_, random_, service_, hasher_),
        handler_(services_.Wire(service_, verifier_, chain_, clock_, metrics_, log_)) {}

  Request Get(std::string_view target, const std::string& token) {
    Request req{bh::verb::get, target, 11};
    req.set(bh::field::authorization, "Bearer " + token);
    req.prepare_payload();
    return req;
  }
  Response Admin(std::string_view target) { return Call(Get(target, tokens_.front())); }
  Response Call(const Request& req) {
    RequestContext ctx;
    ctx.peer = boost::asio::ip::make_address("8.8.8.8");
    return handler_.Handle(req, ctx);
  }
  // POST /v1/apikeys as the admin; returns the new key's id.
  std::string CreateKey(const std::string& body) {
    Request req{bh::verb::post, "/v1/apikeys", 11};
    req.set(bh::field::authorization, "Bearer " + tokens_.front());
    if (!body.empty()) req.set(bh::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    const Response res = Call(req);
    EXPECT_EQ(res.result_int(), 201u) << res.body();
    const json::object o = json::parse(res.body()).as_object();
    tokens_.emplace_back(o.at("secret").as_string());
    return std::string(o.at("id").as_string());
  }
  static json::object Body(const Response& res) { return json::parse(res.body()).as_object(); }
  static std::string ErrorField(const Response& res) {
    const json::object error = Body(res).at("error").as_object();
    return error.contains("field") ? std::string(error.at("field").as_string()) : "";
  }
  // A key whose role lacks audit:view; returns its token.
  std::string KeyWithoutAuditView() {
    EXPECT_TRUE(store_.Transact([](core::UnitOfWork& uow) -> core::Status {
      core::Role role;
      role.name = "Key viewers";
      role.permissions = core::PermissionSet::Of({"apikeys:view"});
      KW_ASSIGN_OR_RETURN(core::RoleId id, uow.InsertRole(role));
      (void)id;
      return core::Ok();
    }));
    CreateKey(R"({"name": "viewer", "role": "Key viewers"})");
    return tokens_.back();
  }
  // Splits a body into its lines (without their ending "\n" or "\r\n").
  static std::vector<std::string> Lines(const std::string& body) {
    std::vector<std::string> out;
    std::istringstream in(body);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      out.push_back(line);
    }
    return out;
  }

  core::StoreKeyLookup lookup_;
  core::Verifier verifier_;
  std::ostringstream log_text_;
  Logger log_;
  Metrics metrics_;
  testing::ApiTestServices services_;
  ApiHandler handler_;
};

TEST(AuditRoutes, AreRoutedForGetOnlyAndDocumented) {
  const json::object& paths = OpenApiDocument().at("paths").as_object();
  for (const char* path : {"/v1/audit", "/v1/audit/export", "/v1/audit/verify"}) {
    const RouteMatch get = MatchRoute(v1::Routes(), "GET", path);
    ASSERT_EQ(get.kind, RouteMatch::Kind::kFound) << path;
    EXPECT_EQ(get.route->access, Access::kAuthenticated);
    EXPECT_EQ(MatchRoute(v1::Routes(), "POST", path).kind, RouteMatch::Kind::kMethodNotAllowed)
        << path;
    ASSERT_TRUE(paths.contains(path)) << path;
    EXPECT_TRUE(paths.at(path).as_object().contains("get")) << path;
  }
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1/audit").route->name, "listAuditEvents");
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1/audit/export").route->name, "exportAuditEvents");
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1/audit/verify").route->name, "verifyAuditTrail");
  const json::object& schemas = OpenApiDocument().at("components").at("schemas").as_object();
  EXPECT_TRUE(schemas.contains("AuditEvent"));
  EXPECT_TRUE(schemas.contains("AuditVerification"));
  const json::object& export_ok =
      paths.at("/v1/audit/export").at("get").at("responses").at("200").as_object();
  EXPECT_TRUE(export_ok.at("content").as_object().contains("text/csv"));
  EXPECT_TRUE(export_ok.at("content").as_object().contains("application/x-ndjson"));
}

TEST_F(AuditApi, ListShowsEventsNewestFirstWithDetailsAndNoSecret) {
  const std::string id = CreateKey(R"x({"name": "=cmd()", "role": "Auditor"})x");
  const Response res = Admin("/v1/audit");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res[bh::field::content_type], "application/json");
  const json::object body = Body(res);
  EXPECT_TRUE(body.at("nextCursor").is_null());
  const json::array& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  const json::object& event = items[0].as_object();
  EXPECT_EQ(event.at("id").as_string(), std::to_string(Trail().back().id));
  EXPECT_EQ(event.at("time").as_string(), "2027-01-15T08:00:00Z");
  EXPECT_EQ(event.at("actor").as_string(), master_.actor);
  EXPECT_EQ(event.at("action").as_string(), "apikey.create");
  EXPECT_EQ(event.at("target").as_string(), "apikey:" + id);
  EXPECT_EQ(event.at("ip").as_string(), "8.8.8.8");
  EXPECT_EQ(event.at("outcome").as_string(), "success");
  EXPECT_EQ(event.at("details").at("name").as_string(), "=cmd()");
  EXPECT_EQ(event.at("hash").as_string(), Trail().back().hash);
  EXPECT_EQ(event.size(), 9u);
  EXPECT_TRUE(items[1].at("ip").is_null());  // the bootstrap key: no client
  for (const std::string& token : tokens_) {
    EXPECT_THAT(res.body(), Not(HasSubstr(std::string(core::ParseToken(token)->secret))));
  }
}

TEST_F(AuditApi, ListRendersTimesInTheCallersZoneAndReadsFiltersInIt) {
  CreateKey(R"({"name": "tokyo", "role": "Auditor", "timeZone": "Asia/Tokyo"})");
  const std::string tokyo = tokens_.back();
  clock_.Advance(core::Seconds{3600});
  CreateKey(R"({"name": "later", "role": "Auditor"})");
  const Response res = Call(Get("/v1/audit?since=2027-01-15T17:30:00", tokyo));
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  const json::array items = Body(res).at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("time").as_string(), "2027-01-15T18:00:00+09:00");
  EXPECT_EQ(items[0].at("details").at("name").as_string(), "later");
}

TEST_F(AuditApi, ListFiltersAndPages) {
  const std::string a = CreateKey(R"({"name": "a", "role": "Auditor"})");
  CreateKey(R"({"name": "b", "role": "Auditor"})");
  const Response by_target = Admin("/v1/audit?target=apikey:" + a);
  ASSERT_EQ(by_target.result_int(), 200u);
  ASSERT_EQ(Body(by_target).at("items").as_array().size(), 1u);
  const Response by_action = Admin("/v1/audit?action=apikey.create&actor=system");
  ASSERT_EQ(Body(by_action).at("items").as_array().size(), 1u);
  const Response first = Admin("/v1/audit?limit=2");
  const json::object page = Body(first);
  ASSERT_EQ(page.at("items").as_array().size(), 2u);
  ASSERT_TRUE(page.at("nextCursor").is_string());
  const Response second =
      Admin("/v1/audit?limit=2&cursor=" + std::string(page.at("nextCursor").as_string()));
  const json::object rest = Body(second);
  ASSERT_EQ(rest.at("items").as_array().size(), 1u);
  EXPECT_EQ(rest.at("items").as_array()[0].at("actor").as_string(), "system");
  EXPECT_TRUE(rest.at("nextCursor").is_null());
}

TEST_F(AuditApi, BadQueryParametersAre400NamingThem) {
  for (const auto& [target, field] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/audit?since=yesterday", "since"},
           {"/v1/audit?until=2027-13-01T00:00:00Z", "until"},
           {"/v1/audit?limit=0", "limit"},
           {"/v1/audit?limit=501", "limit"},
           {"/v1/audit?cursor=nope", "cursor"},
           {"/v1/audit/export?format=xml", "format"},
           {"/v1/audit/export?since=soon", "since"}}) {
    const Response res = Admin(target);
    EXPECT_EQ(res.result_int(), 400u) << target;
    EXPECT_EQ(ErrorField(res), field) << target;
  }
}

TEST_F(AuditApi, EveryAuditCallNeedsAuditView) {
  const std::string viewer = KeyWithoutAuditView();
  for (const char* target : {"/v1/audit", "/v1/audit/export", "/v1/audit/verify"}) {
    const Response res = Call(Get(target, viewer));
    EXPECT_EQ(res.result_int(), 403u) << target;
    EXPECT_EQ(res[bh::field::content_type], "application/json") << target;
  }
  CreateKey(R"({"name": "auditor", "role": "Auditor"})");
  const std::string auditor = tokens_.back();
  CreateKey(R"({"name": "full", "role": "Full Access"})");
  const std::string full = tokens_.back();
  for (const std::string& token : {auditor, full}) {
    for (const char* target : {"/v1/audit", "/v1/audit/export", "/v1/audit/verify"}) {
      EXPECT_EQ(Call(Get(target, token)).result_int(), 200u) << target;
    }
  }
}

TEST_F(AuditApi, VerifyReportsTheChainAndTheFirstBrokenEvent) {
  CreateKey(R"({"name": "a", "role": "Auditor"})");
  CreateKey(R"({"name": "b", "role": "Auditor"})");
  const Response ok = Admin("/v1/audit/verify");
  ASSERT_EQ(ok.result_int(), 200u) << ok.body();
  EXPECT_EQ(ok.body(), R"({"ok":true,"events":3})");

  const core::AuditEvent victim = Trail()[1];
  ASSERT_TRUE(store_.Transact([&](core::UnitOfWork& uow) {
    return uow.SetAuditHash(victim.id, victim.prev_hash, "v1:" + std::string(64, 'f'));
  }));
  const Response broken = Admin("/v1/audit/verify");
  ASSERT_EQ(broken.result_int(), 200u);
  const json::object body = Body(broken);
  EXPECT_FALSE(body.at("ok").as_bool());
  EXPECT_EQ(body.at("firstBrokenId").as_string(), std::to_string(victim.id));
  EXPECT_FALSE(body.at("reason").as_string().empty());
  EXPECT_TRUE(body.at("events").is_int64());
}

TEST_F(AuditApi, ExportJsonLinesIsOldestFirstInTheListsShape) {
  CreateKey(R"x({"name": "=cmd()", "role": "Auditor"})x");
  CreateKey(R"({"name": "second", "role": "Auditor"})");
  const Response res = Admin("/v1/audit/export");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res[bh::field::content_type], "application/x-ndjson");
  EXPECT_THAT(std::string(res[bh::field::content_disposition]),
              HasSubstr("attachment; filename=\"keyward-audit-20270115T080000Z.jsonl\""));
  const std::vector<std::string> lines = Lines(res.body());
  const json::array listed = Body(Admin("/v1/audit")).at("items").as_array();
  ASSERT_EQ(lines.size(), listed.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(json::parse(lines[i]), listed[listed.size() - 1 - i]) << i;
  }
  EXPECT_EQ(json::parse(lines[1]).at("details").at("name").as_string(), "=cmd()");
  const Response filtered = Admin("/v1/audit/export?format=jsonl&actor=system");
  EXPECT_EQ(Lines(filtered.body()).size(), 1u);
}

TEST_F(AuditApi, ExportCsvQuotesAndEscapesFormulas) {
  CreateKey(R"x({"name": "=cmd()", "role": "Auditor"})x");
  // A crafted row whose actor and target start like formulas (as a tampered store could hold).
  ASSERT_TRUE(chain_.Transact([&](core::UnitOfWork& uow) -> core::Status {
    core::AuditEvent e;
    e.time = clock_.Now();
    e.actor = "=HYPERLINK(\"http://evil\")";
    e.action = "test.crafted";
    e.target = "@SUM(1+1)";
    e.ip = "-2+3";
    e.outcome = "success";
    e.details_json = "{}";
    KW_ASSIGN_OR_RETURN(std::int64_t id, uow.AppendAudit(e));
    (void)id;
    return core::Ok();
  }));
  const Response res = Admin("/v1/audit/export?format=csv");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res[bh::field::content_type], "text/csv; charset=utf-8");
  EXPECT_THAT(std::string(res[bh::field::content_disposition]), HasSubstr(".csv\""));
  const std::vector<std::string> lines = Lines(res.body());
  ASSERT_EQ(lines.size(), 4u);  // header, bootstrap, create, crafted
  EXPECT_EQ(lines[0], "id,time,actor,action,target,ip,outcome,details,hash");
  EXPECT_THAT(lines[2], HasSubstr(",apikey.create,"));
  EXPECT_THAT(lines[2], HasSubstr("\"\"name\"\":\"\"=cmd()\"\""));
  EXPECT_THAT(lines[2], HasSubstr(",8.8.8.8,success,\"{"));
  EXPECT_THAT(lines[3], HasSubstr(",\"'=HYPERLINK(\"\"http://evil\"\")\",test.crafted,"
                                  "\"'@SUM(1+1)\",\"'-2+3\",success,{},v1:"));
  for (const std::string& line : lines) {
    for (const std::string& cell : {std::string(",="), std::string(",@"), std::string(",+")}) {
      EXPECT_THAT(line, Not(HasSubstr(cell))) << line;
    }
  }
}

TEST_F(AuditApi, ExportIsAStreamThatTheTransportRuns) {
  CreateKey(R"({"name": "a", "role": "Auditor"})");
  RequestContext ctx;
  ctx.peer = boost::asio::ip::make_address("8.8.8.8");
  Answer answer = handler_.Respond(Get("/v1/audit/export", tokens_.front()), ctx);
  ASSERT_TRUE(answer.body);
  EXPECT_EQ(answer.response.count(bh::field::content_length), 0u);
  std::string body;
  std::string chunk;
  int steps = 0;
  for (BodyStep step = answer.body(chunk); step != BodyStep::kEnd; step = answer.body(chunk)) {
    ASSERT_EQ(step, BodyStep::kChunk);
    body += chunk;
    chunk.clear();
    ASSERT_LT(++steps, 100);
  }
  EXPECT_EQ(Lines(body).size(), 2u);
  // A refused export is answered whole, as a JSON error.
  const Answer refused = handler_.Respond(Get("/v1/audit/export?format=pdf", tokens_.front()), ctx);
  EXPECT_FALSE(refused.body);
  EXPECT_EQ(refused.response.result_int(), 400u);
}

TEST_F(AuditApi, AServedExportOfManyPagesArrivesChunkedAndComplete) {
  constexpr int kEvents = 3 * core::kAuditExportPageSize + 17;
  ASSERT_TRUE(chain_.Transact([&](core::UnitOfWork& uow) -> core::Status {
    for (int i = 0; i < kEvents; ++i) {
      core::AuditEvent e;
      e.time = clock_.Now();
      e.actor = "system";
      e.action = "test.bulk";
      e.target = "item:" + std::to_string(i);
      e.outcome = "success";
      e.details_json = R"({"n":)" + std::to_string(i) + "}";
      KW_RETURN_IF_ERROR(uow.AppendAudit(e));
    }
    return core::Ok();
  }));
  std::ostringstream server_log;
  Logger logger(server_log);
  ServerOptions options;
  options.port = 0;
  Server server(options, handler_, logger, metrics_);
  ASSERT_TRUE(server.Start());
  std::thread runner([&server] { server.Run(); });
  testing::StreamClient client(server.port());
  client.Send("GET /v1/audit/export?format=csv HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
              tokens_.front() + "\r\n\r\n");
  const testing::Received got = client.Read();
  server.Stop();
  runner.join();
  ASSERT_FALSE(got.ec) << got.ec.message();
  EXPECT_EQ(got.message.result_int(), 200u);
  EXPECT_EQ(got.message[bh::field::transfer_encoding], "chunked");
  EXPECT_GE(got.chunks, 4);
  const std::vector<std::string> lines = Lines(got.message.body());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kEvents) + 2);  // header and bootstrap
  EXPECT_THAT(lines[2], HasSubstr(",item:0,"));
  EXPECT_THAT(lines.back(), HasSubstr(",item:" + std::to_string(kEvents - 1) + ","));
}

}  // namespace
}  // namespace keyward::http
