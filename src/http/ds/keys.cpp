// The Deep Security dialect's API key calls (docs/deep-security.md "API keys").
#include <boost/json/array.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/store/paging.hpp"
#include "http/ds/api.hpp"
#include "http/ds/fields.hpp"
#include "http/ds/key_codec.hpp"
#include "http/ds/search.hpp"

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

core::Error NoSuchKey() {
  return core::MakeError(core::ErrorCode::kNotFound, core::Msg::kKeyNotFound, {"?"});
}

core::Result<core::KeyId> KeyIdOf(const Call& call) {
  const std::optional<std::int64_t> id = PathId(call.route, "apiKeyID");
  if (!id) return NoSuchKey();
  return *id;
}

// The calling key's id; a session has no key, so it has no current key.
core::Result<core::KeyId> CurrentKeyId(const Call& call) {
  if (call.session != nullptr || call.caller.key_id == 0) return NoSuchKey();
  return call.caller.key_id;
}

Reply KeysReply(const std::vector<const core::ApiKey*>& keys, core::Time now) {
  json::array items;
  items.reserve(keys.size());
  for (const core::ApiKey* key : keys) items.emplace_back(DsKeyJson(*key, now));
  return Reply::Json(200, json::object{{"apiKeys", std::move(items)}});
}

// The partial merge of modify: the fields core updates, then `active` (false locks the key out,
// true unlocks and enables it), then the key as it stands. expiryDate may only repeat the stored
// value. `read` reads the key (Get, or Current for the calling key).
template <typename Read>
core::Result<core::ApiKey> Modify(const Services& services, const Call& call, core::KeyId id,
                                  Read read) {
  KW_ASSIGN_OR_RETURN(DsModifyKey in, ParseDsModifyKey(call.body));
  const core::Time now = services.clock.Now();
  std::optional<core::ApiKey> key;
  if (in.expiry_millis || in.active) {
    KW_ASSIGN_OR_RETURN(core::ApiKey stored, read());
    key = std::move(stored);
  }
  if (in.expiry_millis) {
    const std::optional<core::Time> given = FromEpochMillis(*in.expiry_millis);
    if (!key->expires_at || FromEpochMillis(EpochMillis(*key->expires_at)) != *given) {
      // Core's rule: an expiry never changes. Asking core words it its way.
      core::UpdateKeyInput immutable;
      immutable.expires_at_given = true;
      KW_ASSIGN_OR_RETURN(core::ApiKey unchanged, services.keys.Update(call.caller, id, immutable));
      (void)unchanged;
      return core::MakeError(core::ErrorCode::kImmutableField, core::Msg::kExpiryImmutable, {},
                             "expiryDate");
    }
  }
  if (in.HasUpdate()) {
    KW_ASSIGN_OR_RETURN(core::ApiKey updated, services.keys.Update(call.caller, id, in.update));
    key = std::move(updated);
  }
  if (in.active) {
    if (!*in.active) {
      if (!key->LockedOutAt(now)) {
        KW_ASSIGN_OR_RETURN(core::ApiKey locked, services.keys.Lock(call.caller, id));
        key = std::move(locked);
      }
    } else {
      if (key->locked) {
        KW_ASSIGN_OR_RETURN(core::ApiKey unlocked, services.keys.Unlock(call.caller, id));
        key = std::move(unlocked);
      }
      if (!key->enabled) {
        KW_ASSIGN_OR_RETURN(core::ApiKey enabled, services.keys.SetEnabled(call.caller, id, true));
        key = std::move(enabled);
      }
    }
  }
  if (!key) {
    KW_ASSIGN_OR_RETURN(core::ApiKey stored, read());
    key = std::move(stored);
  }
  return std::move(*key);
}

}  // namespace

core::Result<Reply> ListApiKeys(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(std::vector<core::ApiKey> keys, services.keys.ListAll(call.caller));
  std::vector<const core::ApiKey*> all;
  all.reserve(keys.size());
  for (const core::ApiKey& key : keys) all.push_back(&key);
  return KeysReply(all, services.clock.Now());
}

core::Result<Reply> CreateApiKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(DsCreateKey in, ParseDsCreateKey(call.body));
  if (call.session != nullptr) in.input.source = core::KeySource::kConsole;
  KW_ASSIGN_OR_RETURN(core::IssuedKey issued, services.keys.Create(call.caller, in.input));
  if (in.active && !*in.active) {
    KW_ASSIGN_OR_RETURN(issued.key, services.keys.Lock(call.caller, issued.key.id));
  }
  return Reply::Json(200, DsIssuedKeyJson(issued, services.clock.Now()));
}

core::Result<Reply> SearchApiKeys(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(Search search, Search::Parse(call.body, KeySearchFields()));
  KW_ASSIGN_OR_RETURN(std::vector<core::ApiKey> keys, services.keys.ListAll(call.caller));
  const core::Time now = services.clock.Now();
  const std::vector<const core::ApiKey*> found = ApplySearch(
      search, keys,
      [&](const core::ApiKey& key, std::string_view name) { return KeyFieldValue(key, name, now); },
      [](const core::ApiKey& key) { return key.id; });
  return KeysReply(found, now);
}

core::Result<Reply> DescribeApiKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, KeyIdOf(call));
  KW_ASSIGN_OR_RETURN(core::ApiKey key, services.keys.Get(call.caller, id));
  return Reply::Json(200, DsKeyJson(key, services.clock.Now()));
}

core::Result<Reply> ModifyApiKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, KeyIdOf(call));
  KW_ASSIGN_OR_RETURN(core::ApiKey key, Modify(services, call, id,
                                               [&] { return services.keys.Get(call.caller, id); }));
  return Reply::Json(200, DsKeyJson(key, services.clock.Now()));
}

core::Result<Reply> DeleteApiKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, KeyIdOf(call));
  KW_RETURN_IF_ERROR(services.keys.Delete(call.caller, id));
  return Reply::NoContent();
}

core::Result<Reply> ReplaceApiSecretKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, KeyIdOf(call));
  // The body (clients send the key's fields, secretKey included) is ignored.
  KW_ASSIGN_OR_RETURN(core::IssuedKey issued, services.keys.Rotate(call.caller, id, 0));
  return Reply::Json(200, DsIssuedKeyJson(issued, services.clock.Now()));
}

core::Result<Reply> DescribeCurrentApiKey(const Services& services, const Call& call) {
  if (core::Result<core::KeyId> id = CurrentKeyId(call); !id) return id.error();
  KW_ASSIGN_OR_RETURN(core::ApiKey key, services.keys.Current(call.caller));
  return Reply::Json(200, DsCurrentKeyJson(key, services.clock.Now()));
}

core::Result<Reply> ModifyCurrentApiKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, CurrentKeyId(call));
  KW_ASSIGN_OR_RETURN(core::ApiKey key, Modify(services, call, id,
                                               [&] { return services.keys.Current(call.caller); }));
  return Reply::Json(200, DsCurrentKeyJson(key, services.clock.Now()));
}

core::Result<Reply> ReplaceCurrentApiSecretKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, CurrentKeyId(call));
  KW_ASSIGN_OR_RETURN(core::IssuedKey issued, services.keys.Rotate(call.caller, id, 0));
  return Reply::Json(200, DsIssuedKeyJson(issued, services.clock.Now()));
}

}  // namespace keyward::http::ds
