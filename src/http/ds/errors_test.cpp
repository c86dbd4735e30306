#include "http/ds/errors.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

namespace keyward::http::ds {
namespace {

using core::ErrorCode;
using core::Locale;
using core::Msg;

std::string MessageOf(const Reply& reply) {
  return std::string(boost::json::parse(reply.body).as_object().at("message").as_string());
}

TEST(DsErrors, BodyIsOnlyAMessage) {
  const Reply reply = ErrorReply(core::MakeError(ErrorCode::kNotFound, Msg::kKeyNotFound, {"4"}),
                                 Locale::kEnUs, Resource::kApiKey, Action::kView);
  EXPECT_EQ(reply.status, 404u);
  EXPECT_EQ(reply.content_type, "application/json");
  EXPECT_EQ(boost::json::parse(reply.body).as_object().size(), 1u);
  EXPECT_EQ(MessageOf(reply), "The API key does not exist.");
}

TEST(DsErrors, NotFoundNamesTheRoutesResource) {
  const core::Error e = core::MakeError(ErrorCode::kNotFound, Msg::kNotFound, {"x"});
  EXPECT_EQ(MessageOf(ErrorReply(e, Locale::kEnUs, Resource::kRole, Action::kView)),
            "The role does not exist.");
  EXPECT_EQ(MessageOf(ErrorReply(e, Locale::kEnUs, Resource::kAdministrator, Action::kDelete)),
            "The administrator does not exist.");
  EXPECT_EQ(MessageOf(ErrorReply(e, Locale::kJaJp, Resource::kApiKey, Action::kView)),
            "API キーが存在しません。");
}

TEST(DsErrors, MissingPermissionIsNotAuthorizedToActOnResources) {
  const core::Error e =
      core::MakeError(ErrorCode::kPermissionDenied, Msg::kPermissionRequired, {"apikeys:view"});
  Reply reply = ErrorReply(e, Locale::kEnUs, Resource::kApiKey, Action::kView);
  EXPECT_EQ(reply.status, 403u);
  EXPECT_EQ(MessageOf(reply), "Not authorized to view API keys.");
  EXPECT_EQ(MessageOf(ErrorReply(e, Locale::kEnUs, Resource::kRole, Action::kCreate)),
            "Not authorized to create roles.");
  EXPECT_EQ(MessageOf(ErrorReply(e, Locale::kEnUs, Resource::kAdministrator, Action::kDelete)),
            "Not authorized to delete administrators.");
  EXPECT_EQ(MessageOf(ErrorReply(e, Locale::kJaJp, Resource::kApiKey, Action::kEdit)),
            "API キーを編集する権限がありません。");
}

TEST(DsErrors, OtherForbiddenCallsSayWhy) {
  const core::Error e =
      core::MakeError(ErrorCode::kPermissionDenied, Msg::kGrantNotHeld, {"roles:edit"});
  const Reply reply = ErrorReply(e, Locale::kEnUs, Resource::kRole, Action::kCreate);
  EXPECT_EQ(reply.status, 403u);
  EXPECT_NE(MessageOf(reply).find("roles:edit"), std::string::npos);
}

TEST(DsErrors, EveryFailedKeyReadsInvalidApiKey) {
  const core::Error e = core::MakeError(ErrorCode::kUnauthenticated, Msg::kUnauthenticated);
  const Reply reply = ErrorReply(e, Locale::kEnUs, Resource::kApiKey, Action::kView);
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(MessageOf(reply), "Invalid API Key");
  EXPECT_EQ(MessageOf(ErrorReply(e, Locale::kJaJp, Resource::kRole, Action::kView)),
            "API キーが無効です。");
}

TEST(DsErrors, ConflictsAreBadRequestsWithCoresWords) {
  for (ErrorCode code : {ErrorCode::kAlreadyExists, ErrorCode::kReadOnly, ErrorCode::kInUse,
                         ErrorCode::kConflict, ErrorCode::kLastMasterAdministrator,
                         ErrorCode::kImmutableField, ErrorCode::kMalformedJson}) {
    const core::Error e = core::MakeError(code, Msg::kKeyNameTaken, {"dup"});
    const Reply reply = ErrorReply(e, Locale::kEnUs, Resource::kApiKey, Action::kCreate);
    EXPECT_EQ(reply.status, 400u) << core::CodeName(code);
    EXPECT_EQ(MessageOf(reply), "an API key named \"dup\" already exists");
  }
}

TEST(DsErrors, FieldsAreSpeltTheDialectsWay) {
  const Reply reply = ErrorReply(core::InvalidArgument(Msg::kNameLength, "name", {"name", "200"}),
                                 Locale::kEnUs, Resource::kApiKey, Action::kCreate);
  EXPECT_EQ(MessageOf(reply), "keyName must be 1 to 200 characters");
  const Reply expiry = ErrorReply(
      core::MakeError(ErrorCode::kImmutableField, Msg::kExpiryImmutable, {}, "expiresAt"),
      Locale::kEnUs, Resource::kApiKey, Action::kEdit);
  EXPECT_EQ(MessageOf(expiry), "expiryDate cannot be changed after the key is created.");
}

TEST(DsErrors, AMessageThatDoesNotNameItsFieldIsPrefixedWithIt) {
  const Reply reply =
      ErrorReply(core::InvalidArgument(Msg::kFilterInvalid, "searchCriteria[2].fieldName",
                                       {"searchCriteria[2].fieldName", "foo"}),
                 Locale::kEnUs, Resource::kApiKey, Action::kView);
  EXPECT_EQ(MessageOf(reply), "\"foo\" is not a valid value for searchCriteria[2].fieldName");
  const Reply prefixed = ErrorReply(core::InvalidArgument(Msg::kLocaleInvalid, "locale", {"fr"}),
                                    Locale::kEnUs, Resource::kApiKey, Action::kView);
  EXPECT_EQ(MessageOf(prefixed), "locale must be en-US or ja-JP, not \"fr\"");
  const Reply ip = ErrorReply(core::InvalidArgument(Msg::kIpWildcard, "allowedIps[0]", {"1.*"}),
                              Locale::kEnUs, Resource::kApiKey, Action::kView);
  EXPECT_EQ(MessageOf(ip), "allowedIps[0]: \"1.*\": wildcards are not supported");
}

TEST(DsErrors, AnUnknownRoleIsInvalidInputOnKeysButMissingOnRoles) {
  const core::Error e = core::MakeError(ErrorCode::kNotFound, Msg::kRoleNotFound, {"9"});
  EXPECT_EQ(ErrorReply(e, Locale::kEnUs, Resource::kApiKey, Action::kCreate).status, 400u);
  const Reply role = ErrorReply(e, Locale::kEnUs, Resource::kRole, Action::kView);
  EXPECT_EQ(role.status, 404u);
  EXPECT_EQ(MessageOf(role), "The role does not exist.");
}

TEST(DsErrors, RateLimitedAnswersRetryAfter) {
  const Reply reply = ErrorReply(core::MakeError(ErrorCode::kRateLimited, Msg::kRateLimited),
                                 Locale::kEnUs, Resource::kApiKey, Action::kView);
  EXPECT_EQ(reply.status, 429u);
  EXPECT_EQ(reply.Header("Retry-After"), "60");
}

TEST(DsErrors, ServerFaultsHideTheirDetail) {
  const Reply internal = ErrorReply(core::Internal("sqlite: disk I/O error at /var/lib/keyward"),
                                    Locale::kEnUs, Resource::kApiKey, Action::kView);
  EXPECT_EQ(internal.status, 500u);
  EXPECT_EQ(MessageOf(internal), "an internal error occurred");
  const Reply unavailable =
      ErrorReply(core::Unavailable("store down"), Locale::kJaJp, Resource::kApiKey, Action::kView);
  EXPECT_EQ(unavailable.status, 503u);
  EXPECT_EQ(MessageOf(unavailable).find("store"), std::string::npos);
}

TEST(DsErrors, EveryWordHasBothLanguages) {
  for (Word w : {Word::kInvalidApiKey, Word::kApiVersionMissing, Word::kApiVersionUnsupported,
                 Word::kPasswordChangeRequired, Word::kSessionAccessLevel, Word::kSignInWithKey}) {
    EXPECT_FALSE(Words(w, Locale::kEnUs).empty());
    EXPECT_FALSE(Words(w, Locale::kJaJp).empty());
    EXPECT_NE(Words(w, Locale::kEnUs), Words(w, Locale::kJaJp));
  }
}

}  // namespace
}  // namespace keyward::http::ds
