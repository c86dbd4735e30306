#include "core/store/api_key.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace keyward::core {

const char* KeySourceName(KeySource source) {
  switch (source) {
    case KeySource::kApi:
      return "api";
    case KeySource::kConsole:
      return "console";
    case KeySource::kAccount:
      return "account";
    case KeySource::kImport:
      return "import";
  }
  return "api";
}

std::optional<KeySource> ParseKeySource(std::string_view text) {
  for (const auto source :
       {KeySource::kApi, KeySource::kConsole, KeySource::kAccount, KeySource::kImport}) {
    if (text == KeySourceName(source)) return source;
  }
  return std::nullopt;
}

const char* KeyStatusName(KeyStatus status) {
  switch (status) {
    case KeyStatus::kDisabled:
      return "disabled";
    case KeyStatus::kExpired:
      return "expired";
    case KeyStatus::kLockedOut:
      return "locked_out";
    case KeyStatus::kEnabled:
      return "enabled";
  }
  return "enabled";
}

std::optional<KeyStatus> ParseKeyStatus(std::string_view text) {
  for (const auto status :
       {KeyStatus::kDisabled, KeyStatus::kExpired, KeyStatus::kLockedOut, KeyStatus::kEnabled}) {
    if (text == KeyStatusName(status)) return status;
  }
  return std::nullopt;
}

bool ApiKey::LockedOutAt(Time now) const { return locked && (!unlock_at || now < *unlock_at); }

int ApiKey::FailedAttemptsAt(Time now) const {
  // An automatic lock that has run out also wipes the count that caused it, so the key does not
  // lock again on its next failure.
  const bool lock_ended = locked && unlock_at && now >= *unlock_at;
  return lock_ended ? 0 : failed_attempts;
}

KeyStatus ApiKey::StatusAt(Time now) const {
  if (!enabled || account_suspended) return KeyStatus::kDisabled;
  if (ExpiredAt(now)) return KeyStatus::kExpired;
  if (LockedOutAt(now)) return KeyStatus::kLockedOut;
  return KeyStatus::kEnabled;
}

bool ApiKey::GraceActiveAt(Time now) const {
  return previous_digest && previous_digest_until && now < *previous_digest_until;
}

std::string KeyNameKey(const ApiKey& key) {
  if (key.source == KeySource::kAccount && key.account_id) {
    return "\x01"
           "account:" +
           std::to_string(*key.account_id);
  }
  return NameKey(key.name);
}

}  // namespace keyward::core
