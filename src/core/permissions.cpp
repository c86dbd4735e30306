#include "core/permissions.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

namespace keyward::core {
namespace {

constexpr std::size_t kMaxPartLength = 64;
constexpr std::size_t kMaxPermissionNameLength = 128;
constexpr std::size_t kMaxPermissions = 256;

bool IsValidPart(std::string_view part) {
  if (part.empty() || part.size() > kMaxPartLength) return false;
  if (part.front() < 'a' || part.front() > 'z') return false;
  return std::all_of(part.begin(), part.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

// Names carry one ':' (IsValidPermissionName); the action is what follows it.
bool IsViewPermission(std::string_view name) {
  const auto colon = name.rfind(':');
  return colon != std::string_view::npos && colon > 0 && name.substr(colon + 1) == "view";
}

}  // namespace

const std::vector<PermissionInfo>& PermissionCatalogue() {
  static const std::vector<PermissionInfo> catalogue = {
      {perm::kApiKeysView, "API Keys", "View API keys"},
      {perm::kApiKeysCreate, "API Keys", "Create API keys"},
      {perm::kApiKeysEdit, "API Keys", "Edit, enable, disable, lock, unlock and rotate API keys"},
      {perm::kApiKeysDelete, "API Keys", "Delete API keys"},
      {perm::kRolesView, "User Roles", "View user roles"},
      {perm::kRolesCreate, "User Roles", "Create user roles"},
      {perm::kRolesEdit, "User Roles", "Edit user roles"},
      {perm::kRolesDelete, "User Roles", "Delete user roles"},
      {perm::kAccountsView, "User Accounts", "View user accounts"},
      {perm::kAccountsCreate, "User Accounts", "Create user accounts"},
      {perm::kAccountsEdit, "User Accounts", "Edit, enable and disable user accounts"},
      {perm::kAccountsDelete, "User Accounts", "Delete user accounts"},
      {perm::kAccountsTokens, "User Accounts", "Generate and delete authentication tokens"},
      {perm::kAuditView, "Report Management", "Third-party auditing (API only)"},
      {perm::kKeysVerify, "Verification", "Verify other API keys (gateways and backends)"},
  };
  return catalogue;
}

bool IsCataloguePermission(std::string_view name) {
  const auto& catalogue = PermissionCatalogue();
  return std::any_of(catalogue.begin(), catalogue.end(),
                     [name](const PermissionInfo& info) { return info.name == name; });
}

bool IsValidPermissionName(std::string_view name) {
  if (name.size() > kMaxPermissionNameLength) return false;
  const auto colon = name.find(':');
  if (colon == std::string_view::npos) return false;
  // The parts exclude ':', so a second colon fails the action check.
  return IsValidPart(name.substr(0, colon)) && IsValidPart(name.substr(colon + 1));
}

PermissionSet PermissionSet::Of(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  PermissionSet set;
  set.names_ = std::move(names);
  return set;
}

bool PermissionSet::Has(std::string_view name) const {
  switch (scope_) {
    case Scope::kAll:
      return true;
    case Scope::kAllButTokens:
      return name != perm::kAccountsTokens;
    case Scope::kViews:
      return IsViewPermission(name);
    case Scope::kExplicit:
      return std::binary_search(names_.begin(), names_.end(), name);
  }
  return false;
}

bool PermissionSet::IsSubsetOf(const PermissionSet& other) const {
  // An open-ended scope holds permissions nobody has named yet, so only a scope at least as open
  // covers it; no explicit list does.
  switch (scope_) {
    case Scope::kAll:
      return other.scope_ == Scope::kAll;
    case Scope::kAllButTokens:
      return other.scope_ == Scope::kAll || other.scope_ == Scope::kAllButTokens;
    case Scope::kViews:
      return other.scope_ != Scope::kExplicit;
    case Scope::kExplicit:
      return std::all_of(names_.begin(), names_.end(),
                         [&other](const std::string& name) { return other.Has(name); });
  }
  return false;
}

std::optional<std::string> PermissionSet::FirstMissingFrom(const PermissionSet& other) const {
  if (IsSubsetOf(other)) return std::nullopt;
  if (scope_ == Scope::kExplicit) {
    for (const auto& name : names_) {
      if (!other.Has(name)) return name;
    }
    return std::nullopt;
  }
  for (const auto& info : PermissionCatalogue()) {
    if (Has(info.name) && !other.Has(info.name)) return std::string(info.name);
  }
  // `other` lists every catalogue permission in the scope, but not the future ones.
  return "*";
}

std::vector<std::string> PermissionSet::Display() const {
  if (scope_ == Scope::kExplicit) return names_;
  std::vector<std::string> shown;
  for (const auto& info : PermissionCatalogue()) {
    if (Has(info.name)) shown.emplace_back(info.name);
  }
  return shown;
}

const std::vector<Role>& BuiltInRoles() {
  static const std::vector<Role> roles = {
      {kFullAccessRoleId, "Full Access", "Every permission except issuing account tokens", true,
       PermissionSet::AllButTokens()},
      {kAuditorRoleId, "Auditor", "Read-only access", true, PermissionSet::Views()},
      {kMasterAdministratorRoleId, "Master Administrator", "Every permission, present and future",
       true, PermissionSet::All()},
  };
  return roles;
}

bool IsBuiltInRole(RoleId id) {
  return id == kFullAccessRoleId || id == kAuditorRoleId || id == kMasterAdministratorRoleId;
}

Status ValidatePermissions(const std::vector<std::string>& names) {
  if (names.size() > kMaxPermissions) {
    return InvalidArgument(Msg::kTooManyItems, "permissions",
                           {"permissions", std::to_string(kMaxPermissions)});
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    std::string field = "permissions[" + std::to_string(i) + "]";
    if (!IsCataloguePermission(name) && !IsValidPermissionName(name)) {
      return InvalidArgument(Msg::kPermissionInvalid, std::move(field), {name});
    }
    // The message text is generic ("... appears more than once"), despite the id's name.
    if (!seen.insert(name).second) {
      return InvalidArgument(Msg::kIpDuplicate, std::move(field), {name});
    }
  }
  return Ok();
}

Status CheckCanGrant(const PermissionSet& caller, const PermissionSet& granted) {
  const auto missing = granted.FirstMissingFrom(caller);
  if (!missing) return Ok();
  return MakeError(ErrorCode::kPermissionDenied, Msg::kGrantNotHeld, {*missing});
}

Status CheckCanActOn(const PermissionSet& caller, const PermissionSet& target,
                     std::string_view target_label) {
  if (target.IsSubsetOf(caller)) return Ok();
  return MakeError(ErrorCode::kPermissionDenied, Msg::kTargetOutranks, {std::string(target_label)});
}

Status RequirePermission(const PermissionSet& caller, std::string_view name) {
  if (caller.Has(name)) return Ok();
  return MakeError(ErrorCode::kPermissionDenied, Msg::kPermissionRequired, {std::string(name)});
}

}  // namespace keyward::core
