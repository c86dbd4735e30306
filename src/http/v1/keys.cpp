// The API key calls of docs/api.md "API keys".
#include <boost/json/array.hpp>

#include "http/json_fields.hpp"
#include "http/v1/api.hpp"
#include "http/v1/key_codec.hpp"

namespace keyward::http::v1 {
namespace {

namespace json = boost::json;

// The key as the caller sees it: read at the service's present, times in the caller's zone.
Reply KeyReply(unsigned status, const Services& services, const Call& call,
               const core::ApiKey& key) {
  return Reply::Json(status, KeyJson(key, services.clock.Now(), call.caller.time_zone));
}

Reply IssuedReply(unsigned status, const Services& services, const Call& call,
                  const core::IssuedKey& issued) {
  return Reply::Json(status, IssuedKeyJson(issued, services.clock.Now(), call.caller.time_zone));
}

// A lifecycle action (enable, disable, lock, unlock): a body with no fields, `act` on the path's
// key, the key answered.
template <typename Act>
core::Result<Reply> KeyAction(const Services& services, const Call& call, Act act) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, PathKeyId(call.route));
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_RETURN_IF_ERROR(ParseNoFields(body));
  KW_ASSIGN_OR_RETURN(core::ApiKey key, act(id));
  return KeyReply(200, services, call, key);
}

}  // namespace

core::Result<Reply> CreateKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(core::CreateKeyInput input, ParseCreateKey(body));
  // A key made from a console session says so; a key made with an API key is `api`.
  if (call.session != nullptr) input.source = core::KeySource::kConsole;
  KW_ASSIGN_OR_RETURN(core::IssuedKey issued, services.keys.Create(call.caller, input));
  return IssuedReply(201, services, call, issued);
}

core::Result<Reply> ListKeys(const Services& services, const Call& call) {
  core::KeyListInput input;
  input.status = QueryParam(call.query, "status");
  input.role = QueryParam(call.query, "role");
  input.source = QueryParam(call.query, "source");
  input.q = QueryParam(call.query, "q");
  input.expires_before = QueryParam(call.query, "expiresBefore");
  input.last_used_before = QueryParam(call.query, "lastUsedBefore");
  input.secret_rotated_before = QueryParam(call.query, "secretRotatedBefore");
  input.limit = QueryParam(call.query, "limit");
  input.cursor = QueryParam(call.query, "cursor");
  KW_ASSIGN_OR_RETURN(core::KeyPage page, services.keys.List(call.caller, input));
  const core::Time now = services.clock.Now();
  json::array items;
  items.reserve(page.items.size());
  for (const core::ApiKey& key : page.items) {
    items.emplace_back(KeyJson(key, now, call.caller.time_zone));
  }
  return Reply::Json(200, ListJson(std::move(items), page.next_cursor));
}

core::Result<Reply> CurrentKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::ApiKey key, services.keys.Current(call.caller));
  return KeyReply(200, services, call, key);
}

core::Result<Reply> KeySummary(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyCounts counts, services.keys.Summary(call.caller));
  return Reply::Json(200, KeySummaryJson(counts));
}

core::Result<Reply> GetKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, PathKeyId(call.route));
  KW_ASSIGN_OR_RETURN(core::ApiKey key, services.keys.Get(call.caller, id));
  return KeyReply(200, services, call, key);
}

core::Result<Reply> UpdateKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, PathKeyId(call.route));
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(core::UpdateKeyInput input, ParseUpdateKey(body));
  KW_ASSIGN_OR_RETURN(core::ApiKey key, services.keys.Update(call.caller, id, input));
  return KeyReply(200, services, call, key);
}

core::Result<Reply> DeleteKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, PathKeyId(call.route));
  KW_RETURN_IF_ERROR(services.keys.Delete(call.caller, id));
  return Reply::NoContent();
}

core::Result<Reply> EnableKey(const Services& services, const Call& call) {
  return KeyAction(services, call,
                   [&](core::KeyId id) { return services.keys.SetEnabled(call.caller, id, true); });
}

core::Result<Reply> DisableKey(const Services& services, const Call& call) {
  return KeyAction(services, call, [&](core::KeyId id) {
    return services.keys.SetEnabled(call.caller, id, false);
  });
}

core::Result<Reply> LockKey(const Services& services, const Call& call) {
  return KeyAction(services, call,
                   [&](core::KeyId id) { return services.keys.Lock(call.caller, id); });
}

core::Result<Reply> UnlockKey(const Services& services, const Call& call) {
  return KeyAction(services, call,
                   [&](core::KeyId id) { return services.keys.Unlock(call.caller, id); });
}

core::Result<Reply> RotateKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::KeyId id, PathKeyId(call.route));
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(std::int64_t grace, ParseRotate(body));
  KW_ASSIGN_OR_RETURN(core::IssuedKey issued, services.keys.Rotate(call.caller, id, grace));
  return IssuedReply(200, services, call, issued);
}

core::Result<Reply> BulkDeleteKeys(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(std::vector<BulkDeleteId> ids, ParseBulkDelete(body));
  std::vector<std::string> strings;  // only these can name a key
  for (const BulkDeleteId& id : ids) {
    if (id.is_string) strings.push_back(id.text);
  }
  KW_ASSIGN_OR_RETURN(std::vector<core::BulkDeleteResult> results,
                      services.keys.DeleteMany(call.caller, strings));
  json::array out;
  out.reserve(ids.size());
  auto result = results.begin();
  for (const BulkDeleteId& id : ids) {
    if (id.is_string && result != results.end()) {
      out.emplace_back(json::object{{"id", result->id}, {"status", result->status}});
      ++result;
    } else {
      out.emplace_back(json::object{{"id", id.text}, {"status", 404}});
    }
  }
  return Reply::Json(200, json::object{{"results", std::move(out)}});
}

}  // namespace keyward::http::v1
