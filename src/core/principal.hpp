// Principal: who is making a call, as established by authentication. Carries what the rules
// need (permissions for the escalation checks), what responses need (locale, time zone) and what
// the audit trail records (actor, client address). Plain value type.
#pragma once

#include <optional>
#include <string>

#include "core/locale.hpp"
#include "core/permissions.hpp"

namespace keyward::core {

struct Principal {
  KeyId key_id = 0;                     // the presenting key, 0 for the system itself
  std::optional<AccountId> account_id;  // set for an account's token or console session
  std::string actor;                    // audit actor: "apikey:42", "account:7", "system"
  PermissionSet permissions;
  Locale locale = Locale::kEnUs;
  std::string time_zone = "UTC";
  std::string ip;  // client address for the audit trail, or empty

  // Keyward itself (first-start bootstrap, `keyward admin recover`): holds every permission.
  static Principal System() {
    Principal p;
    p.actor = "system";
    p.permissions = PermissionSet::All();
    return p;
  }
};

}  // namespace keyward::core
