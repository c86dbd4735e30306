// Test helpers for the verification endpoints (header-only, test code only): core's KeyFixture
// (KeyService and Verifier over a MemoryStore, bootstrap Master Administrator key) with an
// ApiHandler wired to it (with the rest of core, api_test_util.hpp), a second ApiHandler whose
// Verifier has a failure throttle of 2 a minute, and helpers that make roles and keys in each
// state. Not thread-safe; one test thread.
#pragma once

#include <gtest/gtest.h>
#include <boost/asio/ip/address.hpp>

#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/crypto/token.hpp"
#include "core/verification/failure_throttle.hpp"
#include "http/front/api_handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "testing/http/api_test_util.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::http::testing {

class VerificationFixture : public core::testing::KeyFixture {
 protected:
  VerificationFixture()
      : log_(log_text_),
        throttled_verifier_(lookup_, hasher_, clock_, {}, &throttle_),
        services_(store_, clock_, random_, service_, hasher_),
        handler_(Wire(verifier_)),
        throttled_handler_(Wire(throttled_verifier_)) {}

  // Everything a handler over `verifier` serves with.
  ApiServices Wire(core::Verifier& verifier) {
    return services_.Wire(service_, verifier, store_, clock_, metrics_, log_);
  }

  // A custom role holding `permissions`.
  core::RoleId MakeRole(const std::string& name, std::vector<std::string> permissions) {
    core::Role role;
    role.name = name;
    role.permissions = core::PermissionSet::Of(std::move(permissions));
    return core::TransactValue<core::RoleId>(
               store_, [&](core::UnitOfWork& uow) { return uow.InsertRole(role); })
        .value();
  }

  // A key made by the bootstrap admin. `role` is a role name or id.
  core::IssuedKey MakeKey(const std::string& name, const std::string& role,
                          std::optional<std::vector<std::string>> allowed_ips = std::nullopt,
                          std::optional<std::string> expires_at = std::nullopt,
                          std::optional<std::string> time_zone = std::nullopt) {
    core::CreateKeyInput in;
    in.name = name;
    in.role = role;
    in.allowed_ips = std::move(allowed_ips);
    in.expires_at = std::move(expires_at);
    in.time_zone = std::move(time_zone);
    core::Result<core::IssuedKey> made = service_.Create(master_, in);
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().Message());
    return made.value();
  }

  // `token` with the same public id and a different secret: well-formed, checksum included.
  static std::string WrongSecret(const std::string& token) {
    const core::TokenView view = core::ParseToken(token).value();
    std::string secret(view.secret);
    secret[0] = secret[0] == 'A' ? 'B' : 'A';
    return core::FormatToken(view.public_id, secret);
  }

  // A well-formed token whose public id names no key.
  static std::string UnknownToken() {
    return core::FormatToken("AAAAAAAAAAAA", std::string(core::kSecretLength, 'A'));
  }

  static RequestContext From(const char* peer) {
    RequestContext context;
    context.peer = boost::asio::ip::make_address(peer);
    return context;
  }

  // The current value of keyward_verifications_total{outcome="<outcome>"}, as rendered.
  std::string VerificationCount(const std::string& outcome) const {
    const std::string text = metrics_.Render();
    const std::string series = "keyward_verifications_total{outcome=\"" + outcome + "\"} ";
    const std::size_t at = text.find(series);
    if (at == std::string::npos) return "";
    const std::size_t start = at + series.size();
    return text.substr(start, text.find('\n', start) - start);
  }

  std::ostringstream log_text_;
  Logger log_;
  Metrics metrics_;
  core::SlidingFailureThrottle throttle_{2};
  core::Verifier throttled_verifier_;
  ApiTestServices services_;
  http::ApiHandler handler_;
  http::ApiHandler throttled_handler_;
};

}  // namespace keyward::http::testing
