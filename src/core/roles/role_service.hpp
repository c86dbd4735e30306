// RoleService: the role use cases (docs/api.md "Roles"): list, get, and create, edit, delete custom
// roles. Built-in roles are immutable (kReadOnly); a role in use by a key or an account cannot be
// deleted (kInUse, naming how many use it). Both escalation rules hold on every change: a caller
// cannot put a permission it lacks into a role, nor change or delete a role that holds one.
// Every change is audited in its unit of work.
//
// Thread-safe: holds references to thread-safe collaborators and no mutable state of its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

inline constexpr std::size_t kMaxRolePermissions = 256;

// Create takes name and permissions (required) and description; an update takes any of them.
struct RoleInput {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> permissions;
  // Role::attributes (JSON object text, written by a dialect adapter); an update replaces them.
  std::optional<std::string> attributes;
};

class RoleService {
 public:
  RoleService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // roles:view. Every role, by id ascending.
  Result<std::vector<Role>> List(const Principal& caller) const;
  // roles:view. kNotFound when there is none.
  Result<Role> Get(const Principal& caller, RoleId id) const;
  // roles:create. 201-worthy: the new role.
  Result<Role> Create(const Principal& caller, const RoleInput& input) const;
  // roles:edit.
  Result<Role> Update(const Principal& caller, RoleId id, const RoleInput& input) const;
  // roles:delete.
  Status Delete(const Principal& caller, RoleId id) const;

 private:
  Store& store_;
  const Clock& clock_;
};

// kNotFound (Msg::kRoleNotFound) for role `text` as the caller wrote it.
Error RoleNotFound(std::string_view text);

}  // namespace keyward::core
