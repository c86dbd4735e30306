// ReadPepperStatus and RetirePepper (core/keys/pepper_rotation.hpp) over the memory store: keys
// made under pepper version 1, some moved to version 2 as a successful use would move them.
#include "core/keys/pepper_rotation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/crypto/token.hpp"
#include "core/store/pepper_guard.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::core {
namespace {

constexpr const char* kV2Line = "2 QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\n";

class PepperRotation : public testing::KeyFixture {
 protected:
  PepperRotation()
      : both_(PepperSet::Parse(std::string(testing::kTestPepperFile) + kV2Line).value()),
        hasher_v2_(both_),
        service_v2_(store_, clock_, random_, hasher_v2_) {}

  // What a successful use under `both_` does to `key`'s digest (the verifier's rehash).
  void Move(KeyId id, const std::string& token) {
    const std::string secret(ParseToken(token)->secret);
    ASSERT_TRUE(store_
                    .Transact([&](UnitOfWork& uow) -> Status {
                      KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKey(id));
                      key->digest = hasher_v2_.Digest(secret);
                      return uow.UpdateKey(*key);
                    })
                    .has_value());
  }

  Result<PepperRetirement> Retire(std::uint32_t version, bool disable_keys) {
    return RetirePepper(store_, service_v2_, both_, version, disable_keys, clock_, [this] {
      ++files_written_;
      return file_result_;
    });
  }

  std::optional<std::string> Meta(const std::string& key) {
    return TransactValue<std::optional<std::string>>(
               store_, [&](UnitOfWork& uow) { return uow.GetMeta(key); })
        .value();
  }

  std::vector<AuditEvent> EventsOf(const std::string& action) {
    std::vector<AuditEvent> out;
    for (AuditEvent& e : AuditTrail()) {
      if (e.action == action) out.push_back(std::move(e));
    }
    return out;
  }

  PepperSet both_;
  SecretHasher hasher_v2_;
  KeyService service_v2_;
  int files_written_ = 0;
  Status file_result_ = Ok();
};

TEST_F(PepperRotation, RetireRefusesAnUnknownAndTheCurrentVersion) {
  Result<PepperRetirement> unknown = Retire(3, true);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().Message(),
            "pepper version 3 is not in the pepper file (it holds 1, 2)");
  Result<PepperRetirement> current = Retire(2, true);
  ASSERT_FALSE(current.has_value());
  EXPECT_EQ(current.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(files_written_, 0);
}

TEST_F(PepperRotation, RetireIsRefusedWhileKeysUseTheVersionAndChangesNothing) {
  MustCreate(master_, "a", "Auditor");
  MustCreate(master_, "b", "Auditor");
  Result<PepperRetirement> r = Retire(1, false);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  const std::string message = r.error().Message();
  EXPECT_NE(message.find("pepper version 1 is still used by 3 keys: 3 by their secret"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("--disable-keys"), std::string::npos) << message;
  EXPECT_EQ(files_written_, 0);
  EXPECT_FALSE(Meta("pepper.retired.1").has_value());
  EXPECT_TRUE(EventsOf("apikey.disable").empty());
}

TEST_F(PepperRotation, RetireOnceEveryKeyMovedRecordsItAuditsItAndWritesTheFileOnce) {
  const IssuedKey a = MustCreate(master_, "a", "Auditor");
  Move(master_id_, master_token_);
  Move(a.key.id, a.token);
  Result<PepperRetirement> r = Retire(1, false);
  ASSERT_TRUE(r.has_value()) << r.error().Message();
  EXPECT_TRUE(r->disabled.empty());
  EXPECT_EQ(files_written_, 1);
  EXPECT_EQ(Meta("pepper.retired.1"), both_.ChainKeyFingerprint(1));
  const std::vector<AuditEvent> events = EventsOf("pepper.retire");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, kPepperActor);
  EXPECT_EQ(events[0].target, "pepper:1");
  EXPECT_EQ(events[0].details_json, R"({"version":1,"disabledKeys":0})");
}

TEST_F(PepperRotation, DisableKeysDisablesExactlyTheEnabledKeysStillUsingTheVersion) {
  const IssuedKey moved = MustCreate(master_, "moved", "Auditor");
  const IssuedKey idle = MustCreate(master_, "idle", "Auditor");
  const IssuedKey off = MustCreate(master_, "off", "Auditor");
  const IssuedKey grace = MustCreate(master_, "grace", "Auditor");
  Move(master_id_, master_token_);
  Move(moved.key.id, moved.token);
  ASSERT_TRUE(service_v2_.SetEnabled(master_, off.key.id, false).has_value());
  // A rotation under version 2 with a grace period: the previous secret stays under version 1.
  ASSERT_TRUE(service_v2_.Rotate(master_, grace.key.id, 3600).has_value());

  Result<PepperRetirement> r = Retire(1, true);
  ASSERT_TRUE(r.has_value()) << r.error().Message();
  EXPECT_EQ(r->disabled, (std::vector<KeyId>{idle.key.id, grace.key.id}));
  EXPECT_EQ(r->already_disabled, 1);
  EXPECT_FALSE(Stored(idle.key.id).enabled);
  EXPECT_FALSE(Stored(grace.key.id).enabled);
  EXPECT_TRUE(Stored(moved.key.id).enabled);
  EXPECT_TRUE(Stored(master_id_).enabled);

  const std::vector<AuditEvent> disabled = EventsOf("apikey.disable");
  ASSERT_EQ(disabled.size(), 3u);  // `off` by the master key, then the two by the retirement
  EXPECT_EQ(disabled[1].actor, kPepperActor);
  EXPECT_EQ(disabled[1].target, "apikey:" + std::to_string(idle.key.id));
  EXPECT_EQ(disabled[2].target, "apikey:" + std::to_string(grace.key.id));
  EXPECT_EQ(EventsOf("pepper.retire").at(0).details_json, R"({"version":1,"disabledKeys":2})");
  EXPECT_TRUE(Meta("pepper.retired.1").has_value());
}

TEST_F(PepperRotation, AFailedFileWriteRollsTheRetirementBack) {
  Move(master_id_, master_token_);
  file_result_ = MakeError(ErrorCode::kUnavailable, Msg::kSetting, {"cannot write the file"});
  Result<PepperRetirement> r = Retire(1, false);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().Message(), "cannot write the file");
  EXPECT_FALSE(Meta("pepper.retired.1").has_value());
  EXPECT_TRUE(EventsOf("pepper.retire").empty());
}

TEST_F(PepperRotation, TheLastMasterAdministratorKeyIsNotDisabled) {
  Result<PepperRetirement> r = Retire(1, true);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kLastMasterAdministrator);
  EXPECT_NE(r.error().Message().find("cannot disable key " + std::to_string(master_id_)),
            std::string::npos)
      << r.error().Message();
  EXPECT_TRUE(Stored(master_id_).enabled);
  EXPECT_FALSE(Meta("pepper.retired.1").has_value());
}

TEST_F(PepperRotation, StatusCountsEveryVersionOfTheFileAndTheStore) {
  const IssuedKey a = MustCreate(master_, "a", "Auditor");
  MustCreate(master_, "b", "Auditor");
  Move(a.key.id, a.token);
  ASSERT_TRUE(store_
                  .Transact([&](UnitOfWork& uow) {
                    return CheckAndRecordPepper(
                        uow, PepperSet::Parse(std::string(testing::kTestPepperFile) + kV2Line +
                                              "3 Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0M=\n")
                                 .value());
                  })
                  .has_value());
  Result<std::vector<PepperVersionStatus>> all = ReadPepperStatus(store_, both_, clock_.Now());
  ASSERT_TRUE(all.has_value()) << all.error().Message();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].version, 1u);
  EXPECT_FALSE((*all)[0].current);
  EXPECT_EQ((*all)[0].use.keys, 2);  // the master key and b
  EXPECT_EQ((*all)[1].version, 2u);
  EXPECT_TRUE((*all)[1].current);
  EXPECT_EQ((*all)[1].use.keys, 1);
  EXPECT_EQ((*all)[2].version, 3u);  // recorded by the store, not in this pepper file
  EXPECT_FALSE((*all)[2].in_pepper_file);
}

}  // namespace
}  // namespace keyward::core
