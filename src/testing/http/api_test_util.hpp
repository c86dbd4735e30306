// Test helpers for ApiHandler (header-only, test code only): the core services an ApiHandler
// needs beyond keys and verification (roles, accounts, console sessions, the audit trail) over a
// test's store, the ApiServices that wire all of them, and the fixture of the ApiHandler tests.
// Not thread-safe; one test thread.
#pragma once

#include <gtest/gtest.h>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "core/accounts/account_service.hpp"
#include "core/accounts/session_service.hpp"
#include "core/audit/audit_service.hpp"
#include "core/crypto/password.hpp"
#include "core/roles/role_service.hpp"
#include "http/front/api_handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "testing/account_fixture.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::http::testing {

class ApiTestServices {
 public:
  // Over `store` (the one `keys` writes through) and `clock` (the KeyService's). The references
  // must outlive this object.
  ApiTestServices(core::Store& store, const core::Clock& clock, core::Random& random,
                  const core::KeyService& keys, const core::SecretHasher& hasher)
      : password_random_(1234),
        passwords_(core::testing::kCheapArgon2, 4, password_random_),
        roles_(store, clock),
        accounts_(store, clock, random, keys, passwords_),
        sessions_(store, clock, random, hasher, passwords_),
        audit_(store, hasher.peppers()) {}

  ApiTestServices(const ApiTestServices&) = delete;
  ApiTestServices& operator=(const ApiTestServices&) = delete;

  // Everything an ApiHandler serves with: these services and the ones given.
  ApiServices Wire(core::KeyService& keys, core::Verifier& verifier, core::Store& store,
                   const core::Clock& clock, Metrics& metrics, Logger& logger) const {
    return ApiServices{.keys = keys,
                       .verifier = verifier,
                       .store = store,
                       .clock = clock,
                       .roles = roles_,
                       .accounts = accounts_,
                       .sessions = sessions_,
                       .audit = audit_,
                       .metrics = metrics,
                       .logger = logger};
  }

 private:
  core::SeededRandom password_random_;
  core::PasswordHasher passwords_;
  core::RoleService roles_;
  core::AccountService accounts_;
  core::SessionService sessions_;
  core::AuditService audit_;
};

// A real KeyService and Verifier over a MemoryStore (core's fixture, with its bootstrap Master
// Administrator key), and the handler under test wired to them.
// The tests name a subclass after the class under test, so that they read ApiHandler.Behaviour.
class ApiHandlerFixture : public core::testing::KeyFixture {
 protected:
  ApiHandlerFixture()
      : log_(log_text_), services_(store_, clock_, random_, service_, hasher_), handler_(Wire()) {}

  // Everything the handler under test serves with; a test wires another handler with it.
  ApiServices Wire() { return services_.Wire(service_, verifier_, store_, clock_, metrics_, log_); }

  // `method` `target` with `body`, presenting `token` as a Bearer credential unless empty.
  Response Send(boost::beast::http::verb method, std::string_view target, std::string body = {},
                const std::string& token = {}, const char* peer = "8.8.8.8") {
    Request req{method, target, 11};
    if (!token.empty()) req.set(boost::beast::http::field::authorization, "Bearer " + token);
    if (!body.empty()) req.set(boost::beast::http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    return Call(req, peer);
  }

  Response Call(const Request& req, const char* peer = "8.8.8.8") {
    return CallOn(handler_, req, peer);
  }

  static Response CallOn(http::ApiHandler& handler, const Request& req,
                         const char* peer = "8.8.8.8") {
    RequestContext ctx;
    ctx.peer = boost::asio::ip::make_address(peer);
    return handler.Handle(req, ctx);
  }

  // As the bootstrap Master Administrator.
  Response Admin(boost::beast::http::verb method, std::string_view target, std::string body = {}) {
    return Send(method, target, std::move(body), master_token_);
  }

  static boost::json::object Body(const Response& res) {
    return boost::json::parse(res.body()).as_object();
  }
  static std::string Code(const Response& res) {
    return std::string(Body(res).at("error").at("code").as_string());
  }
  static std::string Message(const Response& res) {
    return std::string(Body(res).at("error").at("message").as_string());
  }
  static std::string Field(const Response& res) {
    const boost::json::object body = Body(res);
    const boost::json::object& error = body.at("error").as_object();
    return error.contains("field") ? std::string(error.at("field").as_string()) : "";
  }

  // Creates a key as the admin; returns {id, token}.
  std::pair<std::string, std::string> CreateKey(const std::string& extra_fields,
                                                const std::string& name, const char* role) {
    const Response res =
        Admin(boost::beast::http::verb::post, "/v1/apikeys",
              R"({"name": ")" + name + R"(", "role": ")" + role + "\"" + extra_fields + "}");
    EXPECT_EQ(res.result_int(), 201u) << res.body();
    const boost::json::object o = Body(res);
    return {std::string(o.at("id").as_string()), std::string(o.at("secret").as_string())};
  }

  std::ostringstream log_text_;
  Logger log_;
  Metrics metrics_;
  ApiTestServices services_;
  http::ApiHandler handler_;
};

}  // namespace keyward::http::testing
