#include "storage/sql/sql_rows.hpp"

#include <algorithm>
#include <limits>

namespace keyward::storage::sql {
namespace {

using Scope = core::PermissionSet::Scope;

core::Error Corrupt(const core::ApiKey& key, std::string_view column) {
  return core::Internal("api key " + std::to_string(key.id) + ": unreadable " +
                        std::string(column));
}

std::optional<core::SecretDigest> ReadDigest(const Statement& stmt, int version_column,
                                             int mac_column) {
  if (stmt.IsNull(version_column) || stmt.IsNull(mac_column)) return std::nullopt;
  const std::int64_t version = stmt.Int(version_column);
  const std::vector<std::uint8_t> mac = stmt.Blob(mac_column);
  if (version < 0 || version > std::numeric_limits<std::uint32_t>::max() ||
      mac.size() != core::kDigestSize) {
    return std::nullopt;
  }
  core::SecretDigest digest;
  digest.pepper_version = static_cast<std::uint32_t>(version);
  std::copy(mac.begin(), mac.end(), digest.mac.begin());
  return digest;
}

core::Error CorruptAccount(const core::Account& account, std::string_view column) {
  return core::Internal("account " + std::to_string(account.id) + ": unreadable " +
                        std::string(column));
}

}  // namespace

std::optional<core::Time> OptionalTime(const Statement& stmt, int column) {
  const auto seconds = stmt.OptionalInt(column);
  if (!seconds) return std::nullopt;
  return FromSeconds(*seconds);
}

std::optional<std::int64_t> OptionalSeconds(const std::optional<core::Time>& t) {
  if (!t) return std::nullopt;
  return ToSeconds(*t);
}

const char* ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kExplicit:
      return "explicit";
    case Scope::kAll:
      return "all";
    case Scope::kAllButTokens:
      return "all_but_tokens";
    case Scope::kViews:
      return "views";
  }
  return "explicit";
}

std::optional<Scope> ParseScope(std::string_view text) {
  for (Scope scope : {Scope::kExplicit, Scope::kAll, Scope::kAllButTokens, Scope::kViews}) {
    if (text == ScopeName(scope)) return scope;
  }
  return std::nullopt;
}

std::string JoinAllowlist(const std::vector<core::Ipv4Range>& ranges) {
  std::string out;
  for (const core::Ipv4Range& range : ranges) {
    if (!out.empty()) out += ',';
    out += range.ToString();
  }
  return out;
}

core::Result<std::vector<core::Ipv4Range>> SplitAllowlist(std::string_view text) {
  std::vector<core::Ipv4Range> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view entry = text.substr(0, comma);
    KW_ASSIGN_OR_RETURN(core::Ipv4Range range, core::ParseIpv4Range(entry));
    out.push_back(range);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

core::Result<core::ApiKey> ReadKey(const Statement& stmt) {
  core::ApiKey key;
  key.id = stmt.Int(0);
  key.public_id = stmt.Text(1);
  key.name = stmt.Text(2);
  key.description = stmt.Text(3);
  key.role_id = stmt.Int(4);
  key.role_name = stmt.Text(5);
  const auto locale = core::ParseLocale(stmt.Text(6));
  if (!locale) return Corrupt(key, "locale");
  key.locale = *locale;
  key.time_zone = stmt.Text(7);
  key.enabled = stmt.Int(8) != 0;
  key.locked = stmt.Int(9) != 0;
  key.unlock_at = OptionalTime(stmt, 10);
  const std::int64_t failed = stmt.Int(11);
  if (failed < 0 || failed > std::numeric_limits<int>::max()) {
    return Corrupt(key, "failed_attempts");
  }
  key.failed_attempts = static_cast<int>(failed);
  key.expires_at = OptionalTime(stmt, 12);
  auto ips = SplitAllowlist(stmt.Text(13));
  if (!ips) return Corrupt(key, "allowed_ips");
  key.allowed_ips = std::move(ips).value();
  const auto source = core::ParseKeySource(stmt.Text(14));
  if (!source) return Corrupt(key, "source");
  key.source = *source;
  key.account_id = stmt.OptionalInt(15);
  key.created_at = FromSeconds(stmt.Int(16));
  key.last_used_at = OptionalTime(stmt, 17);
  key.secret_rotated_at = OptionalTime(stmt, 18);
  auto digest = ReadDigest(stmt, 19, 20);
  if (!digest) return Corrupt(key, "digest");
  key.digest = *digest;
  key.previous_digest = ReadDigest(stmt, 21, 22);
  if (!key.previous_digest && !stmt.IsNull(22)) return Corrupt(key, "prev_digest");
  key.previous_digest_until = OptionalTime(stmt, 23);
  key.account_suspended = stmt.Int(24) != 0;
  key.previous_secret_last_used_at = OptionalTime(stmt, 25);
  return key;
}

void BindKeyFields(Statement& stmt, const core::ApiKey& key) {
  stmt.BindText(1, key.public_id)
      .BindText(2, key.name)
      .BindText(3, core::KeyNameKey(key))
      .BindText(4, key.description)
      .BindInt(5, key.role_id)
      .BindText(6, core::LocaleName(key.locale))
      .BindText(7, key.time_zone)
      .BindInt(8, key.enabled ? 1 : 0)
      .BindInt(9, key.locked ? 1 : 0)
      .BindOptionalInt(10, OptionalSeconds(key.unlock_at))
      .BindInt(11, key.failed_attempts)
      .BindOptionalInt(12, OptionalSeconds(key.expires_at))
      .BindText(13, JoinAllowlist(key.allowed_ips))
      .BindText(14, core::KeySourceName(key.source))
      .BindOptionalInt(15, key.account_id)
      .BindInt(16, ToSeconds(key.created_at))
      .BindOptionalInt(17, OptionalSeconds(key.last_used_at))
      .BindOptionalInt(18, OptionalSeconds(key.secret_rotated_at))
      .BindInt(19, key.digest.pepper_version)
      .BindBlob(20, key.digest.mac);
  if (key.previous_digest) {
    stmt.BindInt(21, key.previous_digest->pepper_version).BindBlob(22, key.previous_digest->mac);
  } else {
    stmt.BindNull(21).BindNull(22);
  }
  stmt.BindOptionalInt(23, OptionalSeconds(key.previous_digest_until))
      .BindInt(24, key.account_suspended ? 1 : 0)
      .BindOptionalInt(25, OptionalSeconds(key.previous_secret_last_used_at));
}

core::Result<core::Account> ReadAccount(const Statement& stmt) {
  core::Account account;
  account.id = stmt.Int(0);
  account.email = stmt.Text(1);
  account.type = stmt.Text(2);
  account.role_id = stmt.Int(3);
  account.role_name = stmt.Text(4);
  const auto level = core::ParseAccessLevel(stmt.Text(5));
  if (!level) return CorruptAccount(account, "access_level");
  account.access_level = *level;
  account.given_name = stmt.Text(6);
  account.surname = stmt.Text(7);
  account.description = stmt.Text(8);
  const auto locale = core::ParseLocale(stmt.Text(9));
  if (!locale) return CorruptAccount(account, "locale");
  account.locale = *locale;
  account.time_zone = stmt.Text(10);
  account.enabled = stmt.Int(11) != 0;
  account.password_hash = stmt.Text(12);
  account.must_change_password = stmt.Int(13) != 0;
  account.created_at = FromSeconds(stmt.Int(14));
  account.password_changed_at = OptionalTime(stmt, 15);
  account.sign_in_locked_until = OptionalTime(stmt, 16);
  account.one_time_password_used = stmt.Int(17) != 0;
  account.attributes = stmt.Text(18);
  return account;
}

void BindAccountFields(Statement& stmt, const core::Account& account) {
  stmt.BindText(1, account.email)
      .BindText(2, core::EmailKey(account.email))
      .BindText(3, account.type)
      .BindInt(4, account.role_id)
      .BindText(5, core::AccessLevelName(account.access_level))
      .BindText(6, account.given_name)
      .BindText(7, account.surname)
      .BindText(8, account.description)
      .BindText(9, core::LocaleName(account.locale))
      .BindText(10, account.time_zone)
      .BindInt(11, account.enabled ? 1 : 0)
      .BindText(12, account.password_hash)
      .BindInt(13, account.must_change_password ? 1 : 0)
      .BindInt(14, ToSeconds(account.created_at))
      .BindOptionalInt(15, OptionalSeconds(account.password_changed_at))
      .BindInt(16, account.one_time_password_used ? 1 : 0)
      .BindText(17, account.attributes);
}

core::Status WriteRolePermissions(Connection& db, core::RoleId id,
                                  const core::PermissionSet& permissions) {
  KW_ASSIGN_OR_RETURN(Statement clear, db.Prepare("DELETE FROM role_permissions WHERE role_id = ?1",
                                                  "write role permissions"));
  KW_RETURN_IF_ERROR(clear.BindInt(1, id).Run());
  if (permissions.scope() != Scope::kExplicit) return core::Ok();
  for (const std::string& name : permissions.names()) {
    KW_ASSIGN_OR_RETURN(
        Statement insert,
        db.Prepare("INSERT INTO role_permissions (role_id, permission) VALUES (?1, ?2)"
                   " ON CONFLICT DO NOTHING",
                   "write role permissions"));
    KW_RETURN_IF_ERROR(insert.BindInt(1, id).BindText(2, name).Run());
  }
  return core::Ok();
}

}  // namespace keyward::storage::sql
