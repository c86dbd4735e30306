// KeyFixture: a KeyService and a Verifier over a MemoryStore, a ManualClock and a seeded random
// source, with one bootstrap Master Administrator key. Shared by core's use-case tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/crypto/token.hpp"
#include "core/keys/key_service.hpp"
#include "core/verification/verifier.hpp"
#include "testing/memory_store.hpp"

namespace keyward::core::testing {

// "1 <base64 of 32 'A' bytes>": a fixed pepper for tests.
inline constexpr const char* kTestPepperFile = "1 QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\n";
// 2027-01-15T08:00:00Z
inline constexpr std::int64_t kTestEpochSeconds = 1'800'000'000;

inline PepperSet TestPeppers() { return PepperSet::Parse(kTestPepperFile).value(); }

// `token` with one secret character changed and the checksum remade: well-formed, wrong secret.
inline std::string WrongSecret(const std::string& token) {
  const TokenView view = ParseToken(token).value();
  std::string secret(view.secret);
  secret[0] = secret[0] == 'a' ? 'b' : 'a';
  return FormatToken(view.public_id, secret);
}

// Key `id` as `store` holds it; fails the test when there is none.
inline ApiKey StoredKey(Store& store, KeyId id) {
  Result<ApiKey> key = TransactValue<ApiKey>(store, [&](UnitOfWork& uow) -> Result<ApiKey> {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> k, uow.FindKey(id));
    if (!k) return MakeError(ErrorCode::kNotFound, Msg::kKeyNotFound, {std::to_string(id)});
    return *k;
  });
  EXPECT_TRUE(key.has_value()) << "no key " << id;
  return key ? key.value() : ApiKey{};
}

class KeyFixture : public ::testing::Test {
 protected:
  KeyFixture()
      : clock_(Time{Seconds{kTestEpochSeconds}}),
        random_(42),
        hasher_(TestPeppers()),
        service_(store_, clock_, random_, hasher_),
        lookup_(store_),
        verifier_(lookup_, hasher_, clock_) {
    IssuedKey admin = service_.IssueMasterKey(Principal::System(), "admin").value();
    master_token_ = admin.token;
    master_id_ = admin.key.id;
    master_ = As(master_token_);
  }

  // The principal a token authenticates as, from 8.8.8.8. Fails the test if it does not.
  Principal As(const std::string& token) {
    Result<Principal> p = Authenticate(verifier_, token, IpAddress::Parse("8.8.8.8"));
    EXPECT_TRUE(p.has_value()) << "token did not authenticate";
    return p ? p.value() : Principal{};
  }

  IssuedKey MustCreate(const Principal& by, const std::string& name, const std::string& role) {
    CreateKeyInput in;
    in.name = name;
    in.role = role;
    Result<IssuedKey> r = service_.Create(by, in);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().Message());
    return r.value();
  }

  Outcome VerifyFrom(const std::string& token, const char* ip = "8.8.8.8") {
    VerifyRequest req;
    req.token = token;
    req.client_ip = IpAddress::Parse(ip);
    return verifier_.Verify(req).outcome;
  }

  ApiKey Stored(KeyId id) {
    return TransactValue<ApiKey>(store_,
                                 [&](UnitOfWork& uow) -> Result<ApiKey> {
                                   KW_ASSIGN_OR_RETURN(std::optional<ApiKey> k, uow.FindKey(id));
                                   if (!k)
                                     return MakeError(ErrorCode::kNotFound, Msg::kKeyNotFound);
                                   return *k;
                                 })
        .value();
  }

  std::vector<AuditEvent> AuditTrail() {
    return TransactValue<std::vector<AuditEvent>>(
               store_, [&](UnitOfWork& uow) { return uow.ListAudit(0, 10000); })
        .value();
  }

  storage::MemoryStore store_;
  ManualClock clock_;
  SeededRandom random_;
  SecretHasher hasher_;
  KeyService service_;
  StoreKeyLookup lookup_;
  Verifier verifier_;
  std::string master_token_;
  KeyId master_id_ = 0;
  Principal master_;
};

}  // namespace keyward::core::testing
