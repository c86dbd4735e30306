#include "http/ds/errors.hpp"

#include <boost/json/object.hpp>

#include <array>
#include <utility>

#include "http/error_map.hpp"

namespace keyward::http::ds {
namespace {

using core::Locale;

bool Ja(Locale locale) { return locale == Locale::kJaJp; }

struct Rename {
  Resource resource;
  std::string_view native;
  std::string_view dialect;
};

// Core's field names that the dialect spells otherwise.
constexpr std::array kRenames = {
    Rename{Resource::kApiKey, "name", "keyName"},
    Rename{Resource::kApiKey, "role", "roleID"},
    Rename{Resource::kApiKey, "expiresAt", "expiryDate"},
    Rename{Resource::kRole, "permissions", "rights"},
    Rename{Resource::kAdministrator, "email", "username"},
    Rename{Resource::kAdministrator, "role", "roleID"},
};

std::string RenameOne(std::string_view text, Resource resource) {
  for (const Rename& r : kRenames) {
    if (r.resource == resource && r.native == text) return std::string(r.dialect);
  }
  return std::string(text);
}

std::string_view Plural(Resource resource, Locale locale) {
  switch (resource) {
    case Resource::kApiKey:
      return Ja(locale) ? "API キー" : "API keys";
    case Resource::kRole:
      return Ja(locale) ? "ロール" : "roles";
    case Resource::kAdministrator:
      return Ja(locale) ? "管理者" : "administrators";
    case Resource::kAuthentication:
      return Ja(locale) ? "セッション" : "sessions";
  }
  return "";
}

std::string_view Verb(Action action, Locale locale) {
  switch (action) {
    case Action::kView:
      return Ja(locale) ? "表示" : "view";
    case Action::kCreate:
      return Ja(locale) ? "作成" : "create";
    case Action::kEdit:
      return Ja(locale) ? "編集" : "edit";
    case Action::kDelete:
      return Ja(locale) ? "削除" : "delete";
    case Action::kLogIn:
      return Ja(locale) ? "開始" : "open";
  }
  return "";
}

// The sentence of a 400: core's, naming the field when the sentence does not already.
std::string InvalidMessage(const core::Error& error, Locale locale) {
  std::string message = PublicMessage(error, locale);
  if (!error.field.empty() && message.find(error.field) == std::string::npos) {
    message = core::BoundEcho(error.field) + ": " + message;
  }
  return message;
}

}  // namespace

std::string Words(Word word, Locale locale) {
  const bool ja = Ja(locale);
  switch (word) {
    case Word::kInvalidApiKey:
      return ja ? "API キーが無効です。" : "Invalid API Key";
    case Word::kApiVersionMissing:
      return ja ? "api-version ヘッダーが必要です。サポートされているバージョンは v1 です。"
                : "The api-version header is required. The supported version is v1.";
    case Word::kApiVersionUnsupported:
      return ja ? "この api-version はサポートされていません。サポートされているバージョンは v1 "
                  "です。"
                : "Unsupported api-version. The supported version is v1.";
    case Word::kPasswordChangeRequired:
      return ja ? "ワンタイムパスワードを変更するまで、このセッションは使用できません。"
                  "コンソールで新しいパスワードを設定してください。"
                : "This session cannot be used until the one-time password is changed. Set a new "
                  "password in the console first.";
    case Word::kSessionAccessLevel:
      return ja ? "このアカウントはセッションを開始できません。アクセスレベルが console_and_api "
                  "である必要があります。"
                : "This account cannot use an API session: its access level must be "
                  "console_and_api.";
    case Word::kSignInWithKey:
      return ja ? "ログインにはユーザー名とパスワードが必要です (API キーは使用できません)。"
                : "Log in with a user name and a password, not an API key.";
  }
  return {};
}

std::string NotAuthorized(Resource resource, Action action, Locale locale) {
  if (Ja(locale)) {
    return std::string(Plural(resource, locale)) + "を" + std::string(Verb(action, locale)) +
           "する権限がありません。";
  }
  return "Not authorized to " + std::string(Verb(action, locale)) + " " +
         std::string(Plural(resource, locale)) + ".";
}

std::string DoesNotExist(Resource resource, Locale locale) {
  switch (resource) {
    case Resource::kApiKey:
      return Ja(locale) ? "API キーが存在しません。" : "The API key does not exist.";
    case Resource::kRole:
      return Ja(locale) ? "ロールが存在しません。" : "The role does not exist.";
    case Resource::kAdministrator:
      return Ja(locale) ? "管理者が存在しません。" : "The administrator does not exist.";
    case Resource::kAuthentication:
      return Ja(locale) ? "セッションが存在しません。" : "The session does not exist.";
  }
  return {};
}

Reply MessageReply(unsigned status, std::string message) {
  return Reply::Json(status, boost::json::object{{"message", std::move(message)}});
}

core::Error DialectNames(core::Error error, Resource resource) {
  if (!error.field.empty()) error.field = RenameOne(error.field, resource);
  for (std::string& arg : error.args) arg = RenameOne(arg, resource);
  return error;
}

Reply ErrorReply(const core::Error& raw, Locale locale, Resource resource, Action action) {
  using core::ErrorCode;
  using core::Msg;
  const core::Error error = DialectNames(raw, resource);
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kImmutableField:
    case ErrorCode::kMalformedJson:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kReadOnly:
    case ErrorCode::kConflict:
    case ErrorCode::kInUse:
    case ErrorCode::kLastMasterAdministrator:
      if (resource == Resource::kApiKey && error.msg == Msg::kExpiryImmutable) {
        return MessageReply(400, Ja(locale)
                                     ? "expiryDate はキーの作成後に変更できません。"
                                     : "expiryDate cannot be changed after the key is created.");
      }
      if (resource == Resource::kApiKey && error.msg == Msg::kExpiryNotFuture) {
        return MessageReply(400, Ja(locale) ? "expiryDate は将来の日時である必要があります。"
                                            : "expiryDate must be in the future.");
      }
      return MessageReply(400, InvalidMessage(error, locale));
    case ErrorCode::kUnauthenticated:
      // A session's sign-in and end say what happened; every failed key reads the same.
      if (error.msg == Msg::kSignInFailed || error.msg == Msg::kSessionEnded) {
        return MessageReply(401, PublicMessage(error, locale));
      }
      return MessageReply(401, Words(Word::kInvalidApiKey, locale));
    case ErrorCode::kPermissionDenied:
      if (error.msg == Msg::kPermissionRequired) {
        return MessageReply(403, NotAuthorized(resource, action, locale));
      }
      if (error.msg == Msg::kPasswordChangeRequired) {
        return MessageReply(403, Words(Word::kPasswordChangeRequired, locale));
      }
      if (error.msg == Msg::kSignInApiOnly) {
        return MessageReply(403, Words(Word::kSessionAccessLevel, locale));
      }
      return MessageReply(403, PublicMessage(error, locale));
    case ErrorCode::kNotFound:
      // A role named by a key or an administrator is invalid input there, not a missing object.
      if (error.msg == Msg::kRoleNotFound && resource != Resource::kRole) {
        return MessageReply(400, InvalidMessage(error, locale));
      }
      if (error.msg == Msg::kRouteNotFound) {
        return MessageReply(404, PublicMessage(error, locale));
      }
      return MessageReply(404, DoesNotExist(resource, locale));
    case ErrorCode::kPayloadTooLarge:
      return MessageReply(413, PublicMessage(error, locale));
    case ErrorCode::kRateLimited: {
      Reply reply = MessageReply(429, PublicMessage(error, locale));
      reply.headers.emplace_back("Retry-After", std::to_string(kRetryAfterSeconds));
      return reply;
    }
    case ErrorCode::kUnavailable:
      return MessageReply(503, PublicMessage(error, locale));
    case ErrorCode::kInternal:
      break;
  }
  return MessageReply(500, PublicMessage(error, locale));
}

}  // namespace keyward::http::ds
