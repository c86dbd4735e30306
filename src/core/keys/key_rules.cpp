#include "core/key_rules.hpp"

#include "core/key_service.hpp"
#include "core/time_zone.hpp"

namespace keyward::core {
namespace {

constexpr std::string_view kCursorPrefix = "k1.";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    acc = (acc << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64Url[(acc >> bits) & 0x3Fu]);
    }
  }
  if (bits > 0) out.push_back(kBase64Url[(acc << (6 - bits)) & 0x3Fu]);
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const std::size_t v = kBase64Url.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFFu));
    }
  }
  return out;
}

}  // namespace

Result<Role> ResolveRole(UnitOfWork& uow, std::string_view text, std::string_view field) {
  std::optional<Role> role;
  if (const std::optional<std::int64_t> id = ParseId(text)) {
    KW_ASSIGN_OR_RETURN(role, uow.FindRole(*id));
  } else if (!text.empty()) {
    KW_ASSIGN_OR_RETURN(role, uow.FindRoleByNameKey(NameKey(text)));
  }
  if (!role) return InvalidArgument(Msg::kRoleNotFound, std::string(field), {std::string(text)});
  return std::move(*role);
}

Result<PermissionSet> RolePermissions(UnitOfWork& uow, RoleId id) {
  KW_ASSIGN_OR_RETURN(std::optional<Role> role, uow.FindRole(id));
  if (!role) return PermissionSet();
  return role->permissions;
}

Status CheckCanActOnKey(UnitOfWork& uow, const Principal& caller, const ApiKey& key) {
  KW_ASSIGN_OR_RETURN(PermissionSet target, RolePermissions(uow, key.role_id));
  return CheckCanActOn(caller.permissions, target, "API key " + std::to_string(key.id));
}

bool IsLiveMasterKey(const ApiKey& key, Time now) {
  return key.role_id == kMasterAdministratorRoleId && key.enabled && !key.account_suspended &&
         !key.ExpiredAt(now) && !(key.locked && !key.unlock_at);
}

bool IsLiveMasterAccount(const Account& account) {
  return account.role_id == kMasterAdministratorRoleId && account.enabled &&
         HasConsoleAccess(account.access_level) && !account.password_hash.empty();
}

Status CheckMasterAdministratorRemains(UnitOfWork& uow, Time now) {
  KW_ASSIGN_OR_RETURN(std::vector<ApiKey> masters, uow.KeysWithRole(kMasterAdministratorRoleId));
  for (const ApiKey& key : masters) {
    if (IsLiveMasterKey(key, now)) return Ok();
  }
  KW_ASSIGN_OR_RETURN(std::vector<Account> accounts,
                      uow.AccountsWithRole(kMasterAdministratorRoleId));
  for (const Account& account : accounts) {
    if (IsLiveMasterAccount(account)) return Ok();
  }
  return MakeError(ErrorCode::kLastMasterAdministrator, Msg::kLastMasterAdministrator);
}

Error KeyNotFound(KeyId id) {
  return MakeError(ErrorCode::kNotFound, Msg::kKeyNotFound, {std::to_string(id)});
}

Status AppendAuditRecord(UnitOfWork& uow, std::string_view actor, std::string_view ip, Time now,
                         std::string_view action, std::string_view target, std::string_view outcome,
                         std::string details_json) {
  AuditEvent event;
  event.time = now;
  event.actor = std::string(actor);
  event.action = std::string(action);
  event.target = std::string(target);
  event.ip = std::string(ip);
  event.outcome = std::string(outcome);
  event.details_json = details_json.empty() ? "{}" : std::move(details_json);
  KW_ASSIGN_OR_RETURN(std::int64_t id, uow.AppendAudit(event));
  (void)id;
  return Ok();
}

Status AppendAuditEvent(UnitOfWork& uow, const Principal& caller, Time now, std::string_view action,
                        std::string_view target, std::string details_json) {
  return AppendAuditRecord(uow, caller.actor, caller.ip, now, action, target, "success",
                           std::move(details_json));
}

std::string KeyTarget(KeyId id) { return "apikey:" + std::to_string(id); }

Result<Locale> ParseLocaleField(const std::string& text) {
  const std::optional<Locale> locale = ParseLocale(text);
  if (!locale) return InvalidArgument(Msg::kLocaleInvalid, "locale", {text});
  return *locale;
}

Status ValidateTimeZoneField(const std::string& zone) {
  if (Status st = ValidateTimeZone(zone); !st) return st.error().WithField("timeZone");
  return Ok();
}

std::vector<std::string> AllowlistStrings(const std::vector<Ipv4Range>& ranges) {
  std::vector<std::string> out;
  out.reserve(ranges.size());
  for (const Ipv4Range& r : ranges) out.push_back(r.ToString());
  return out;
}

Status CheckNameFree(UnitOfWork& uow, const std::string& name, KeyId self) {
  KW_ASSIGN_OR_RETURN(std::optional<KeyId> holder, uow.FindKeyIdByNameKey(NameKey(name)));
  if (holder && *holder != self) {
    return MakeError(ErrorCode::kAlreadyExists, Msg::kKeyNameTaken, {name}, "name");
  }
  return Ok();
}

Result<PageRequest> ParsePageRequest(const std::optional<std::string>& limit,
                                     const std::optional<std::string>& cursor) {
  PageRequest page;
  page.limit = kDefaultListLimit;
  if (limit) {
    const std::optional<std::int64_t> value = ParseId(*limit);
    if (!value || *value > kMaxListLimit) {
      return InvalidArgument(Msg::kLimitRange, "limit", {std::to_string(kMaxListLimit)});
    }
    page.limit = static_cast<int>(*value);
  }
  if (cursor) {
    page.before_id = DecodeCursor(*cursor);
    if (!page.before_id) return InvalidArgument(Msg::kCursorInvalid, "cursor");
  }
  return page;
}

std::string EncodeCursor(std::int64_t before_id) {
  return std::string(kCursorPrefix) + Base64UrlEncode("before:" + std::to_string(before_id));
}

std::optional<std::int64_t> DecodeCursor(std::string_view cursor) {
  if (cursor.substr(0, kCursorPrefix.size()) != kCursorPrefix) return std::nullopt;
  const std::optional<std::string> plain = Base64UrlDecode(cursor.substr(kCursorPrefix.size()));
  constexpr std::string_view kBefore = "before:";
  if (!plain || plain->substr(0, kBefore.size()) != kBefore) return std::nullopt;
  return ParseId(std::string_view(*plain).substr(kBefore.size()));
}

}  // namespace keyward::core
