// Account: a person or a third party who uses Keyward (docs/architecture.md "Account"): email,
// role, access level, names, locale, time zone, enabled flag, console password (argon2id, encoded)
// and at most one authentication token (an API key with source "account", found through the key's
// account_id). Also the console's sessions and the per-address sign-in failure counters.
// Plain value types; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/locale.hpp"
#include "core/permissions.hpp"
#include "core/result.hpp"

namespace keyward::core {

enum class AccessLevel { kConsoleAndApi, kApiOnly, kConsoleOnly };

const char* AccessLevelName(AccessLevel level);  // "console_and_api", ...
std::optional<AccessLevel> ParseAccessLevel(std::string_view text);

// Whether an account at `level` may sign into the console / authenticate with its token.
inline bool HasConsoleAccess(AccessLevel level) { return level != AccessLevel::kApiOnly; }
inline bool HasApiAccess(AccessLevel level) { return level != AccessLevel::kConsoleOnly; }

inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMaxPersonNameLength = 128;

struct Account {
  AccountId id = 0;
  std::string email;  // as given; unique as EmailKey compares it
  std::string type = "local";
  RoleId role_id = 0;
  std::string role_name;  // filled on reads by the store; not persisted with the account
  AccessLevel access_level = AccessLevel::kConsoleAndApi;
  std::string given_name;
  std::string surname;
  std::string description;
  Locale locale = Locale::kEnUs;
  std::string time_zone = "UTC";
  bool enabled = true;
  std::string password_hash;          // argon2id encoded string; empty = no password set
  bool must_change_password = false;  // a one-time password set by an administrator
  // The one-time password has signed in once: it signs in no more (docs/accounts.md).
  bool one_time_password_used = false;
  Time created_at{};
  std::optional<Time> password_changed_at;
  // What a dialect keeps of an account beyond Keyward's fields (the Deep Security dialect's
  // administrator fields): a JSON object's text as the dialect wrote it, or empty. Core stores and
  // returns it and reads nothing in it (at most kMaxAttributesLength bytes).
  std::string attributes;
  // Filled on reads by the store: the latest end of a sign-in lockout of any client address.
  std::optional<Time> sign_in_locked_until;

  bool SignInLockedAt(Time now) const {
    return sign_in_locked_until && now < *sign_in_locked_until;
  }
};

// The email as compared for uniqueness: ASCII letters folded to lower case.
std::string EmailKey(std::string_view email);

// Whether a failed sign-in's `email` may be recorded in the audit trail: a well-formed email
// (ValidateEmail, so at most kMaxEmailLength bytes) with nothing the shape of a secret in it -- no
// "kw_" and no run of 20 or more letters and digits (a token, a one-time password).
bool AuditableSignInEmail(std::string_view email);

// `email` bounded to kMaxEmailLength bytes, with every byte outside printable ASCII shown as
// '?': safe to echo in an error message or record in the audit trail, whatever was sent.
std::string PrintableEmail(std::string_view email);

// A well-formed address: local@domain, 3-254 characters of printable ASCII without spaces, one
// '@', a non-empty local part of at most 64 characters and a domain of dot-separated labels
// (letters, digits, '-'; not starting or ending with '-'), so `admin@localhost` is well-formed.
// Errors name `field`.
Status ValidateEmail(std::string_view email, std::string_view field = "email");

// kNotFound (Msg::kAccountNotFound) for account `id`.
Error AccountNotFound(AccountId id);

// A console session (docs/accounts.md "Console sign-in"). The session token is never stored: only
// its digest (hex). The CSRF token is derived from the session token, so it is not stored either.
struct Session {
  std::string id_hash;  // digest of the session cookie's value; the primary key
  AccountId account_id = 0;
  std::string ip;  // the client address it was created from
  Time created_at{};
  Time last_seen_at{};
};

// Failed sign-ins of one account from one client address.
struct SignInFailures {
  int failures = 0;
  std::optional<Time> locked_until;
};

}  // namespace keyward::core
