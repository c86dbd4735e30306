// AuditFixture: a KeyService writing through an AuditChainStore over a MemoryStore, a ManualClock,
// a sink that keeps what it was delivered, and one bootstrap Master Administrator. Every token
// issued through Issue/Rotate is remembered, so tests can show that no secret reached the trail.
// Shared by the audit chain and failed-authentication tests.
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "core/audit/audit_chain.hpp"
#include "core/crypto/token.hpp"
#include "core/keys/key_service.hpp"
#include "core/verification/verifier.hpp"
#include "testing/key_fixture.hpp"
#include "testing/memory_store.hpp"

namespace keyward::core::testing {

// An AuditSink that keeps every delivery.
class RecordingSink final : public AuditSink {
 public:
  void Deliver(const std::vector<AuditEvent>& committed) override {
    std::lock_guard lock(mu_);
    batches_.push_back(committed);
  }
  std::vector<std::vector<AuditEvent>> batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::vector<AuditEvent>> batches_;
};

class AuditFixture : public ::testing::Test {
 protected:
  AuditFixture()
      : clock_(Time{Seconds{kTestEpochSeconds}}),
        random_(7),
        hasher_(TestPeppers()),
        chain_(store_, hasher_.peppers(), &sink_),
        service_(chain_, clock_, random_, hasher_) {
    IssuedKey admin = service_.IssueMasterKey(Principal::System(), "admin").value();
    tokens_.push_back(admin.token);
    master_ = Principal::System();
    master_.actor = "apikey:" + std::to_string(admin.key.id);
    master_.key_id = admin.key.id;
    master_.ip = "8.8.8.8";
  }

  IssuedKey Issue(const std::string& name, const std::string& role = "Auditor") {
    CreateKeyInput in;
    in.name = name;
    in.role = role;
    Result<IssuedKey> r = service_.Create(master_, in);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().Message());
    if (r) tokens_.push_back(r->token);
    return r ? r.value() : IssuedKey{};
  }

  void Rotate(KeyId id) {
    Result<IssuedKey> r = service_.Rotate(master_, id, 0);
    ASSERT_TRUE(r.has_value()) << r.error().Message();
    tokens_.push_back(r->token);
  }

  // The whole trail, read from the raw store.
  std::vector<AuditEvent> Trail() {
    return TransactValue<std::vector<AuditEvent>>(
               store_, [](UnitOfWork& uow) { return uow.ListAudit(0, 100000); })
        .value();
  }

  AuditVerification Verify(Store& store, const PepperSet& peppers) {
    Result<AuditVerification> r = TransactValue<AuditVerification>(
        store, [&](UnitOfWork& uow) { return VerifyAuditChain(uow, peppers); });
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().Message());
    return r ? r.value() : AuditVerification{false, 0, std::nullopt, "store error"};
  }
  AuditVerification Verify() { return Verify(store_, hasher_.peppers()); }

  // Fails the test when a token, or its secret part, appears in any field of any event.
  void ExpectNoSecretIn(const std::vector<AuditEvent>& events) {
    ASSERT_FALSE(tokens_.empty());
    for (const std::string& token : tokens_) {
      const std::optional<TokenView> view = ParseToken(token);
      ASSERT_TRUE(view.has_value());
      for (const AuditEvent& e : events) {
        for (const std::string* field :
             {&e.actor, &e.action, &e.target, &e.ip, &e.outcome, &e.details_json}) {
          EXPECT_EQ(field->find(view->secret), std::string::npos)
              << "secret of " << view->public_id << " in event " << e.id << ": " << *field;
        }
      }
    }
  }

  storage::MemoryStore store_;
  ManualClock clock_;
  SeededRandom random_;
  SecretHasher hasher_;
  RecordingSink sink_;
  AuditChainStore chain_;
  KeyService service_;
  Principal master_;
  std::vector<std::string> tokens_;  // every token issued
};

}  // namespace keyward::core::testing
