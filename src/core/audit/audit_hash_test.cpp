// The hash of one audit event: what it covers and the canonical bytes it is computed over. The
// chain those hashes make is tested in audit_chain_test.cpp.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/audit/audit_chain.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::core {
namespace {

TEST(AuditChainHash, CoversEveryFieldAndTheId) {
  const PepperSet peppers = testing::TestPeppers();
  AuditEvent e;
  e.id = 3;
  e.time = Time{Seconds{1'800'000'000}};
  e.actor = "apikey:1";
  e.action = "apikey.update";
  e.target = "apikey:2";
  e.ip = "8.8.8.8";
  e.outcome = "success";
  e.details_json = R"({"name":{"old":"a","new":"b"}})";
  e.prev_hash = std::string(kGenesisHash);
  const std::string hash = ComputeAuditHash(peppers, 1, e);
  ASSERT_EQ(hash.size(), 3u + 64u);
  EXPECT_EQ(hash.substr(0, 3), "v1:");
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef", 3), std::string::npos);
  EXPECT_EQ(ComputeAuditHash(peppers, 1, e), hash);  // deterministic
  EXPECT_EQ(ComputeAuditHash(peppers, 9, e), "");    // unknown version

  const std::vector<std::function<void(AuditEvent&)>> edits = {
      [](AuditEvent& x) { x.id = 4; },
      [](AuditEvent& x) { x.time += Seconds{1}; },
      [](AuditEvent& x) { x.actor = "apikey:9"; },
      [](AuditEvent& x) { x.action = "apikey.delete"; },
      [](AuditEvent& x) { x.target = "apikey:3"; },
      [](AuditEvent& x) { x.ip = "8.8.4.4"; },
      [](AuditEvent& x) { x.outcome = "failure"; },
      [](AuditEvent& x) { x.details_json = "{}"; },
      [](AuditEvent& x) { x.prev_hash = "v1:00"; },
      // Moving a byte from one field to the next: lengths delimit fields.
      [](AuditEvent& x) {
        x.actor = "apikey:1a";
        x.action = "pikey.update";
      },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    AuditEvent changed = e;
    edits[i](changed);
    EXPECT_NE(ComputeAuditHash(peppers, 1, changed), hash) << "edit " << i;
  }
  AuditEvent unhashed = e;
  unhashed.hash = "anything";  // the hash field itself is not covered
  EXPECT_EQ(ComputeAuditHash(peppers, 1, unhashed), hash);
}

TEST(AuditChainHash, CanonicalBytesAreNetstrings) {
  AuditEvent e;
  e.id = 12;
  e.time = Time{Seconds{60}};
  e.actor = "system";
  e.action = "a.b";
  e.details_json = "{}";
  e.prev_hash = "p";
  EXPECT_EQ(CanonicalAuditBytes(e),
            "22:keyward audit event v1,2:12,2:60,6:system,3:a.b,0:,0:,0:,2:{},1:p,");
}

}  // namespace
}  // namespace keyward::core
