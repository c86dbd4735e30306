// The API key calls of the Vision One dialect (docs/vision-one.md "Routes").
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "core/ids.hpp"
#include "core/permissions.hpp"
#include "core/text.hpp"
#include "core/time_zone.hpp"
#include "http/error_map.hpp"
#include "http/json_fields.hpp"
#include "http/visionone/api.hpp"
#include "http/visionone/codec.hpp"
#include "http/visionone/errors.hpp"
#include "http/visionone/filter.hpp"
#include "http/visionone/paging.hpp"

namespace keyward::http::visionone {
namespace {

namespace json = boost::json;

// The id of a role given by name; the Master Administrator role is refused (the dialect's rule,
// on create and on PATCH). Names compare as core compares them (ASCII letters in any case).
core::Result<std::string> RoleIdForName(const Services& services, const std::string& name,
                                        core::Locale locale) {
  KW_ASSIGN_OR_RETURN(
      std::optional<core::Role> role,
      core::TransactValue<std::optional<core::Role>>(services.store, [&](core::UnitOfWork& uow) {
        return uow.FindRoleByNameKey(core::NameKey(name));
      }));
  if (!role) return core::InvalidArgument(core::Msg::kRoleNotFound, "role", {name});
  if (role->id == core::kMasterAdministratorRoleId) {
    return Refusal(Render(Words::kMasterAdministrator, locale), "role");
  }
  return std::to_string(role->id);
}

// One item of a create body: 201 with {"id", "value", "expiredDateTime"}, or its error.
json::object CreateOne(const Services& services, const Call& call, const json::value& item) {
  const auto failed = [&](const core::Error& error) {
    return json::object{{"status", HttpStatus(error.code)},
                        {"body", ErrorBody(error, call.locale())}};
  };
  core::Result<CreateItem> parsed = ParseCreateItem(item, call.locale());
  if (!parsed) return failed(parsed.error());
  core::Result<std::string> role = RoleIdForName(services, parsed->role, call.locale());
  if (!role) return failed(role.error());
  core::CreateKeyInput input;
  input.name = parsed->name;
  input.description = parsed->description;
  input.role = *role;
  input.enabled = parsed->enabled;
  if (const std::optional<core::Time> expiry =
          ExpiryAfterMonths(services.clock.Now(), parsed->months)) {
    input.expires_at = core::FormatTime(*expiry, "UTC");
  }
  core::Result<core::IssuedKey> issued = services.keys.Create(call.caller, input);
  if (!issued) return failed(issued.error());
  return json::object{
      {"status", 201},
      {"body", json::object{{"id", std::to_string(issued->key.id)},
                            {"value", issued->token},
                            {"expiredDateTime", UtcOrEmpty(issued->key.expires_at)}}}};
}

// The sort of a list: its field's value as a comparable tuple, then the id.
bool Before(const core::ApiKey& a, const core::ApiKey& b, const OrderBy& order) {
  const auto time_key = [](const std::optional<core::Time>& t, bool missing_last) {
    if (t) return t->time_since_epoch().count();
    return missing_last ? INT64_MAX : INT64_MIN;
  };
  int c = 0;
  switch (order.field) {
    case OrderField::kCreated:
      c = a.created_at < b.created_at ? -1 : (b.created_at < a.created_at ? 1 : 0);
      break;
    case OrderField::kName: {
      const std::string ka = core::NameKey(a.name);
      const std::string kb = core::NameKey(b.name);
      c = ka < kb ? -1 : (kb < ka ? 1 : 0);
      break;
    }
    case OrderField::kLastUsed: {
      // Never used sorts as the oldest use.
      const auto ta = time_key(a.last_used_at, false);
      const auto tb = time_key(b.last_used_at, false);
      c = ta < tb ? -1 : (tb < ta ? 1 : 0);
      break;
    }
    case OrderField::kExpired: {
      // Never expires sorts as the latest expiry.
      const auto ta = time_key(a.expires_at, true);
      const auto tb = time_key(b.expires_at, true);
      c = ta < tb ? -1 : (tb < ta ? 1 : 0);
      break;
    }
  }
  if (c == 0) c = a.id < b.id ? -1 : (b.id < a.id ? 1 : 0);
  return order.descending ? c > 0 : c < 0;
}

// Serialises the dialect's PATCHes in this process (read, compare, change).
std::mutex& PatchMutex() {
  static std::mutex mutex;
  return mutex;
}

core::Result<core::KeyId> KeyIdOf(const Call& call) { return v1::PathKeyId(call.route); }

std::string_view HeaderValue(const Request& request, std::string_view name) {
  const auto it = request.find(name);
  return it == request.end() ? std::string_view{} : std::string_view(it->value());
}

}  // namespace

core::Result<Reply> CreateKeys(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(json::array items, ParseArrayBody(call.body(), kMaxBulkItems, call.locale()));
  json::array results;
  results.reserve(items.size());
  // Each item is its own core call: its own unit of work and audit event; a failing item leaves
  // the others as they are.
  for (const json::value& item : items) results.emplace_back(CreateOne(services, call, item));
  return Reply::Json(207, results);
}

core::Result<Reply> ListKeys(const Services& services, const Call& call) {
  const bool has_filter = call.request.find("TMV1-Filter") != call.request.end();
  KW_ASSIGN_OR_RETURN(ListQuery query,
                      ParseListQuery(call.query,
                                     has_filter ? std::optional<std::string_view>(
                                                      HeaderValue(call.request, "TMV1-Filter"))
                                                : std::nullopt,
                                     call.locale()));
  KW_ASSIGN_OR_RETURN(std::vector<core::ApiKey> keys, services.keys.ListAll(call.caller));
  const core::Time now = services.clock.Now();
  std::erase_if(
      keys, [&](const core::ApiKey& key) { return !query.filter.Matches(SubjectOf(key, now)); });
  std::sort(keys.begin(), keys.end(), [&](const core::ApiKey& a, const core::ApiKey& b) {
    return Before(a, b, query.order);
  });
  const std::size_t total = keys.size();
  const std::size_t start = std::min(query.skip, total);
  const std::size_t end = std::min(start + static_cast<std::size_t>(query.top), total);
  json::array items;
  items.reserve(end - start);
  for (std::size_t i = start; i < end; ++i) items.emplace_back(KeyJson(keys[i], now));
  json::object out;
  out["items"] = std::move(items);
  out["totalCount"] = total;
  out["count"] = end - start;
  if (end < total) {
    out["nextLink"] = NextLink(call.request, call.context.tls, query, end);
  }
  return Reply::Json(200, out);
}

core::Result<Reply> GetKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, KeyIdOf(call));
  KW_ASSIGN_OR_RETURN(core::ApiKey key, services.keys.Get(call.caller, id));
  const core::Time now = services.clock.Now();
  Reply reply = Reply::Json(200, KeyJson(key, now));
  reply.headers.emplace_back("ETag", ETagOf(key, now));
  return reply;
}

core::Result<Reply> PatchKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, KeyIdOf(call));
  const auto if_match = call.request.find(boost::beast::http::field::if_match);
  if (if_match == call.request.end()) {
    return ErrorReply(428, Render(Words::kIfMatchRequired, call.locale()));
  }
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(PatchInput patch, ParsePatch(body, call.locale()));
  std::optional<std::string> role_id;
  if (patch.role) {
    KW_ASSIGN_OR_RETURN(role_id, RoleIdForName(services, *patch.role, call.locale()));
  }
  // Read, compare, change as one decision. Core has no compare-and-set across its calls, so the
  // dialect's PATCHes take turns: two with the same ETag never both pass the comparison. A change
  // through another surface may still land between the steps (docs/vision-one.md "PATCH").
  const std::lock_guard<std::mutex> turn(PatchMutex());
  KW_ASSIGN_OR_RETURN(core::ApiKey key, services.keys.Get(call.caller, id));
  if (!IfMatchMatches(if_match->value(), ETagOf(key, services.clock.Now()))) {
    return ErrorReply(412, Render(Words::kIfMatchStale, call.locale()));
  }
  core::UpdateKeyInput update;
  update.name = patch.name;
  update.description = patch.description;
  update.role = role_id;
  update.expires_at_given = patch.expiry_given;
  if (update.name || update.description || update.role || update.expires_at_given) {
    KW_ASSIGN_OR_RETURN(key, services.keys.Update(call.caller, id, update));
  }
  if (patch.enabled) {
    const core::Time now = services.clock.Now();
    if (*patch.enabled) {
      // "enabled" means the key works again: enabled, and a lock lifted.
      if (!key.enabled) {
        KW_ASSIGN_OR_RETURN(key, services.keys.SetEnabled(call.caller, id, true));
      }
      if (key.LockedOutAt(now)) {
        KW_ASSIGN_OR_RETURN(key, services.keys.Unlock(call.caller, id));
      }
    } else if (key.enabled) {
      KW_ASSIGN_OR_RETURN(key, services.keys.SetEnabled(call.caller, id, false));
    }
  }
  Reply reply = Reply::NoContent();
  reply.headers.emplace_back("ETag", ETagOf(key, services.clock.Now()));
  return reply;
}

core::Result<Reply> DeleteKeys(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(json::array items, ParseArrayBody(call.body(), kMaxBulkItems, call.locale()));
  json::array results;
  results.reserve(items.size());
  const auto failed = [&](const core::Error& error) {
    return json::object{{"status", HttpStatus(error.code)},
                        {"body", ErrorBody(error, call.locale())}};
  };
  for (const json::value& item : items) {
    if (!item.is_object()) {
      results.emplace_back(failed(Refusal(Render(Words::kItemNotObject, call.locale()))));
      continue;
    }
    const json::object& object = item.get_object();
    if (core::Status known = OnlyKnownFields(object, {"id"}); !known) {
      results.emplace_back(failed(known.error()));
      continue;
    }
    const json::value* id = object.if_contains("id");
    if (id == nullptr || !id->is_string()) {
      results.emplace_back(failed(Refusal(Render(Words::kIdInvalid, call.locale(), {"id"}), "id")));
      continue;
    }
    const std::string text(id->get_string());
    const std::optional<std::int64_t> key_id = core::ParseId(text);
    if (!key_id) {
      results.emplace_back(failed(
          core::MakeError(core::ErrorCode::kNotFound, core::Msg::kKeyNotFound, {SafeEcho(text)})));
      continue;
    }
    // Each id is its own core call: its own unit of work and audit event.
    if (core::Status deleted = services.keys.Delete(call.caller, *key_id); !deleted) {
      results.emplace_back(failed(deleted.error()));
      continue;
    }
    results.emplace_back(json::object{{"status", 204}});
  }
  return Reply::Json(207, results);
}

}  // namespace keyward::http::visionone
