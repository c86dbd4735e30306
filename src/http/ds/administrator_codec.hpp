// The Deep Security dialect's Administrator object (docs/deep-security.md "Administrators"): a
// Keyward account rendered as the dialect writes it, and an Administrator body read into a
// core::AccountInput. `username` is the account's email; the fields Keyward has no value of its own
// for (fullName, emailAddress, phoneNumber, ...) are kept in Account::attributes as given and
// returned as given; `password` is write-only (a one-time password). Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <span>

#include "core/accounts/account_service.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "http/ds/search.hpp"

namespace keyward::http::ds {

// An Administrator body read: the account's fields, and `active` (which the handler applies as
// enabled, and on true also as an unlock).
struct AdministratorInput {
  core::AccountInput account;
  std::optional<bool> active;
};

// The Administrator object of `view` at `now` (active and unlockTime depend on the time).
boost::json::object AdministratorJson(const core::AccountView& view, core::Time now);

// A create body: username (required, an email address) and roleID (required, an integer or a
// numeric string); access level console_and_api. kInvalidArgument naming the member for a
// missing or wrongly typed one; unknown and read-only members are ignored.
core::Result<AdministratorInput> ParseAdministratorCreate(const boost::json::object& body);

// A modify body as a partial merge into `stored`: only the members given change; the kept ones
// are merged member by member into the stored attributes.
core::Result<AdministratorInput> ParseAdministratorModify(const boost::json::object& body,
                                                          const core::Account& stored);

// The fields POST /api/administrators/search takes.
std::span<const SearchField> AdministratorSearchFields();

}  // namespace keyward::http::ds
