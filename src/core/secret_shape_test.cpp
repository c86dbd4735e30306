#include "core/secret_shape.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/locale.hpp"
#include "core/messages.hpp"

namespace keyward::core {
namespace {

const std::string kToken = "kw_AbCdEfGhIjKl_VWmt0tjmiuXXDFv4Bo2dylRk5gWGva2d8f4dRuMAOLf4Sthw6";

TEST(LooksLikeSecret, FindsATokenOrAMixedBase62Run) {
  EXPECT_TRUE(LooksLikeSecret(kToken));
  EXPECT_TRUE(LooksLikeSecret(kToken.substr(16, 43)));  // the secret alone
  EXPECT_TRUE(LooksLikeSecret("pasted kw_AbCdEfGhIjKl here"));
  // A secret alone: 43 random base62 characters mix every kind.
  EXPECT_TRUE(LooksLikeSecret("x VWmt0tjmiuXXDFv4Bo2dylRk5gWGva2d8f4dRuMAOLf x"));
  EXPECT_TRUE(LooksLikeSecret(std::string(30, 'a') + "B1"));
  // A long run of fewer kinds is a digest or filler, not a secret.
  EXPECT_FALSE(LooksLikeSecret(std::string(300, 'a')));
  EXPECT_FALSE(LooksLikeSecret("3f2a9c0d4e5b6a7f8091a2b3c4d5e6f70123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(LooksLikeSecret("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"));
  // Kinds spread over shorter runs do not add up.
  EXPECT_FALSE(LooksLikeSecret(std::string(20, 'a') + " " + std::string(20, 'B') + " 1234"));
  EXPECT_FALSE(LooksLikeSecret(std::string(30, 'a') + "B"));  // 31 characters
  EXPECT_FALSE(LooksLikeSecret("Splunk forwarder (production, eu-west-1)"));
  EXPECT_FALSE(LooksLikeSecret("kw_short"));
}

// docs/security.md "Secrets": a value a caller typed is echoed by error messages (a query's
// `role`, `status`, `since`); a token or a secret never is, in any language.
TEST(RenderMessage, NeverRepeatsATokenOrASecret) {
  for (const Locale locale : {Locale::kEnUs, Locale::kJaJp}) {
    for (const std::string& typed : {kToken, kToken.substr(16, 43), "x " + kToken.substr(3)}) {
      const std::string message = RenderMessage(Msg::kRoleNotFound, locale, {typed});
      EXPECT_EQ(message.find(kToken.substr(16, 43)), std::string::npos) << message;
      EXPECT_NE(message.find("(omitted)"), std::string::npos) << message;
    }
    // Anything else is still echoed.
    EXPECT_NE(RenderMessage(Msg::kRoleNotFound, locale, {"Auditors"}).find("Auditors"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace keyward::core
