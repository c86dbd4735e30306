#include "core/store/api_key.hpp"

#include <gtest/gtest.h>

#include <string>

namespace keyward::core {
namespace {

const Time kNow{Seconds{1'800'000'000}};

std::string Repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

TEST(ApiKey, SourceNamesRoundTrip) {
  for (const auto source :
       {KeySource::kApi, KeySource::kConsole, KeySource::kAccount, KeySource::kImport}) {
    EXPECT_EQ(ParseKeySource(KeySourceName(source)), source);
  }
  EXPECT_STREQ(KeySourceName(KeySource::kApi), "api");
  EXPECT_STREQ(KeySourceName(KeySource::kConsole), "console");
  EXPECT_STREQ(KeySourceName(KeySource::kAccount), "account");
  EXPECT_STREQ(KeySourceName(KeySource::kImport), "import");
  EXPECT_EQ(ParseKeySource("API"), std::nullopt);
  EXPECT_EQ(ParseKeySource(""), std::nullopt);
}

TEST(ApiKey, StatusNamesRoundTrip) {
  for (const auto status :
       {KeyStatus::kDisabled, KeyStatus::kExpired, KeyStatus::kLockedOut, KeyStatus::kEnabled}) {
    EXPECT_EQ(ParseKeyStatus(KeyStatusName(status)), status);
  }
  EXPECT_STREQ(KeyStatusName(KeyStatus::kLockedOut), "locked_out");
  EXPECT_EQ(ParseKeyStatus("lockedOut"), std::nullopt);
  EXPECT_EQ(ParseKeyStatus("Enabled"), std::nullopt);
}

struct StatusCase {
  bool enabled;
  bool expired;
  bool locked;
  KeyStatus expected;
};

TEST(ApiKey, StatusPrecedenceIsDisabledExpiredLockedOutEnabled) {
  const StatusCase cases[] = {
      {false, true, true, KeyStatus::kDisabled},  {false, true, false, KeyStatus::kDisabled},
      {false, false, true, KeyStatus::kDisabled}, {false, false, false, KeyStatus::kDisabled},
      {true, true, true, KeyStatus::kExpired},    {true, true, false, KeyStatus::kExpired},
      {true, false, true, KeyStatus::kLockedOut}, {true, false, false, KeyStatus::kEnabled},
  };
  for (const auto& c : cases) {
    ApiKey key;
    key.enabled = c.enabled;
    if (c.expired) key.expires_at = kNow - Seconds{1};
    key.locked = c.locked;
    EXPECT_EQ(key.StatusAt(kNow), c.expected)
        << "enabled=" << c.enabled << " expired=" << c.expired << " locked=" << c.locked;
  }
}

TEST(ApiKey, ExpiresAtItsExpiryInstant) {
  ApiKey key;
  key.expires_at = kNow;
  EXPECT_EQ(key.StatusAt(kNow - Seconds{1}), KeyStatus::kEnabled);
  EXPECT_EQ(key.StatusAt(kNow), KeyStatus::kExpired);
}

TEST(ApiKey, ManualLockLastsUntilUnlocked) {
  ApiKey key;
  key.locked = true;
  key.failed_attempts = 2;
  EXPECT_TRUE(key.LockedOutAt(kNow + Seconds{86400 * 365}));
  EXPECT_EQ(key.FailedAttemptsAt(kNow + Seconds{86400 * 365}), 2);
}

TEST(ApiKey, AutomaticLockEndsAtUnlockTime) {
  ApiKey key;
  key.locked = true;
  key.unlock_at = kNow + Seconds{600};
  key.failed_attempts = 5;
  EXPECT_TRUE(key.LockedOutAt(kNow));
  EXPECT_EQ(key.StatusAt(kNow), KeyStatus::kLockedOut);
  EXPECT_EQ(key.FailedAttemptsAt(kNow + Seconds{599}), 5);
  EXPECT_FALSE(key.LockedOutAt(kNow + Seconds{600}));
  EXPECT_EQ(key.StatusAt(kNow + Seconds{600}), KeyStatus::kEnabled);
  EXPECT_EQ(key.FailedAttemptsAt(kNow + Seconds{600}), 0);
}

TEST(ApiKey, UnlockedKeyKeepsItsFailedAttempts) {
  ApiKey key;
  key.failed_attempts = 3;
  key.unlock_at = kNow - Seconds{1};  // stale, without a lock: not an ended lock
  EXPECT_FALSE(key.LockedOutAt(kNow));
  EXPECT_EQ(key.FailedAttemptsAt(kNow), 3);
}

TEST(ApiKey, GraceWindowEndsAtPreviousDigestUntil) {
  ApiKey key;
  key.previous_digest = SecretDigest{};
  key.previous_digest_until = kNow + Seconds{60};
  EXPECT_TRUE(key.GraceActiveAt(kNow));
  EXPECT_TRUE(key.GraceActiveAt(kNow + Seconds{59}));
  EXPECT_FALSE(key.GraceActiveAt(kNow + Seconds{60}));
}

TEST(ApiKey, GraceNeedsBothDigestAndEnd) {
  ApiKey without_digest;
  without_digest.previous_digest_until = kNow + Seconds{60};
  EXPECT_FALSE(without_digest.GraceActiveAt(kNow));
  ApiKey without_end;
  without_end.previous_digest = SecretDigest{};
  EXPECT_FALSE(without_end.GraceActiveAt(kNow));
}

TEST(NameKey, FoldsAsciiCase) {
  EXPECT_EQ(NameKey("Splunk"), NameKey("SPLUNK"));
  EXPECT_EQ(NameKey("Splunk Forwarder 2"), "splunk forwarder 2");
}

TEST(NameKey, LeavesNonAsciiUnchanged) {
  EXPECT_NE(NameKey("\u00C9"), NameKey("\u00E9"));  // É, é
  EXPECT_EQ(NameKey("\u00C9t\u00C9"), "\u00C9t\u00C9");
  EXPECT_EQ(NameKey("\uFF33plunk"), "\uFF33plunk");  // fullwidth S stays
}

TEST(NameValidation, AcceptsNamesUpTo128CodePoints) {
  EXPECT_TRUE(ValidateName("a").has_value());
  EXPECT_TRUE(ValidateName("Splunk forwarder").has_value());
  EXPECT_TRUE(ValidateName(Repeat("\u3042", 128)).has_value());      // 3 bytes each
  EXPECT_TRUE(ValidateName(Repeat("\U0001F511", 128)).has_value());  // 4 bytes each
}

TEST(NameValidation, RejectsEmptyAndOverlongNames) {
  for (const std::string& name :
       {std::string(), Repeat("\u3042", 129), Repeat("\u00E9", 129), std::string(129, 'a')}) {
    const Status s = ValidateName(name, "name");
    ASSERT_FALSE(s.has_value()) << name.size();
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().msg, Msg::kNameLength);
    EXPECT_EQ(s.error().field, "name");
    EXPECT_EQ(s.error().args, (std::vector<std::string>{"name", "128"}));
  }
}

TEST(NameValidation, RejectsControlCharacters) {
  for (const std::string& name :
       {std::string("a\0b", 3), std::string("a\tb"), std::string("a\nb"), std::string("a\x1F"),
        std::string("a\x7F"), std::string("a\u0080"), std::string("\u009Fa")}) {
    const Status s = ValidateName(name, "roleName");
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().msg, Msg::kControlCharacters);
    EXPECT_EQ(s.error().field, "roleName");
    EXPECT_EQ(s.error().args, std::vector<std::string>{"roleName"});
  }
}

TEST(NameValidation, RejectsInvisibleBidiAndByteOrderMarkCharacters) {
  for (const char* name :
       {"Full Access\u200B", "Full\u200CAccess", "Full\u200DAccess", "\u200EAuditor",
        "Auditor\u200F", "\u202AAuditor", "\u202BAuditor", "\u202CAuditor", "\u202DAuditor",
        "\u202ERotidua", "\u2066Auditor", "\u2067Auditor", "\u2068Auditor", "\u2069Auditor",
        "\uFEFFAuditor", "Aud\u00ADitor", "Aud\u2060itor", "Auditor\uFE0F", "Auditor\U000E0041"}) {
    const Status s = ValidateName(name, "givenName");
    ASSERT_FALSE(s.has_value()) << name;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().msg, Msg::kInvisibleCharacters);
    EXPECT_EQ(s.error().field, "givenName");
  }
  // Visible neighbours of those ranges stay allowed, and descriptions are not names.
  EXPECT_TRUE(ValidateName("Zoë \u2010 \u2030 \u2070 \uFE10 \u00AC").has_value());
  EXPECT_TRUE(ValidateDescription("note\u200B").has_value());
}

TEST(NameValidation, AcceptsCharactersNextToControlRanges) {
  EXPECT_TRUE(ValidateName(" ~").has_value());
  EXPECT_TRUE(ValidateName("\u00A0\u00A9").has_value());
}

TEST(NameValidation, RejectsBadUtf8) {
  for (const std::string& name : {
           std::string("\x80"),              // lone continuation byte
           std::string("a\xC3"),             // truncated two-byte sequence
           std::string("\xE3\x81"),          // truncated three-byte sequence
           std::string("\xC3\x28"),          // bad continuation
           std::string("\xC0\xAF"),          // overlong '/'
           std::string("\xE0\x80\xAF"),      // overlong '/'
           std::string("\xF0\x80\x80\xAF"),  // overlong '/'
           std::string("\xED\xA0\x80"),      // surrogate U+D800
           std::string("\xED\xBF\xBF"),      // surrogate U+DFFF
           std::string("\xF4\x90\x80\x80"),  // U+110000
           std::string("\xF8\x88\x80\x80\x80"),
           std::string("\xFF"),
       }) {
    const Status s = ValidateName(name, "name");
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().msg, Msg::kInvalidUtf8);
    EXPECT_EQ(s.error().field, "name");
  }
}

TEST(NameValidation, AcceptsUtf8Boundaries) {
  EXPECT_TRUE(ValidateName("\xEF\xBF\xBD").has_value());      // U+FFFD
  EXPECT_TRUE(ValidateName("\xF4\x8F\xBF\xBF").has_value());  // U+10FFFF
  EXPECT_TRUE(ValidateName("\xED\x9F\xBF").has_value());      // U+D7FF
}

TEST(ApiKeyDescription, AcceptsEmptyAndLineBreaks) {
  EXPECT_TRUE(ValidateDescription("").has_value());
  EXPECT_TRUE(ValidateDescription("line one\nline two\r\n\tindented").has_value());
  EXPECT_TRUE(ValidateDescription(Repeat("\u00E9", 1024)).has_value());
}

TEST(ApiKeyDescription, RejectsTooLongText) {
  const Status s = ValidateDescription(Repeat("\u00E9", 1025), "description");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().msg, Msg::kTextTooLong);
  EXPECT_EQ(s.error().field, "description");
  EXPECT_EQ(s.error().args, (std::vector<std::string>{"description", "1024"}));
}

TEST(ApiKeyDescription, RejectsOtherControlsAndBadUtf8) {
  const Status control = ValidateDescription("bell\a", "description");
  ASSERT_FALSE(control.has_value());
  EXPECT_EQ(control.error().msg, Msg::kControlCharacters);
  EXPECT_EQ(control.error().field, "description");
  const Status utf8 = ValidateDescription("caf\xC3", "description");
  ASSERT_FALSE(utf8.has_value());
  EXPECT_EQ(utf8.error().msg, Msg::kInvalidUtf8);
}

}  // namespace
}  // namespace keyward::core
