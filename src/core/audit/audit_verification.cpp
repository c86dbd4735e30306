// VerifyAuditChain and ApplyRetention (core/audit/audit_chain.hpp).
#include <charconv>
#include <map>
#include <memory>
#include <string>

#include "core/audit/audit_chain.hpp"
#include "core/audit/audit_chain_internal.hpp"
#include "core/json_text.hpp"

namespace keyward::core {
namespace {

constexpr int kPage = 1000;
constexpr std::size_t kHexLength = 2 * kDigestSize;

// The chain key version a hash names ("v<version>:<64 lowercase hex digits>"), or nullopt when
// it is not of that form.
std::optional<std::uint32_t> HashVersion(std::string_view hash) {
  if (hash.size() < 3 || hash.front() != 'v') return std::nullopt;
  const std::size_t colon = hash.find(':');
  if (colon == std::string_view::npos || hash.size() - colon - 1 != kHexLength) return std::nullopt;
  std::uint32_t version = 0;
  const char* first = hash.data() + 1;
  const char* last = hash.data() + colon;
  const auto [end, ec] = std::from_chars(first, last, version);
  if (ec != std::errc() || end != last || first == last) return std::nullopt;
  return version;
}

// Chain keys by version, derived when first needed.
class ChainKeys {
 public:
  explicit ChainKeys(const PepperSet& peppers) : peppers_(peppers) {}
  const audit::ChainKey& Get(std::uint32_t version) {
    std::unique_ptr<audit::ChainKey>& key = keys_[version];
    if (!key) key = std::make_unique<audit::ChainKey>(peppers_, version);
    return *key;
  }

 private:
  const PepperSet& peppers_;
  std::map<std::uint32_t, std::unique_ptr<audit::ChainKey>> keys_;
};

// Why `event`'s own hash is wrong, or nullopt when it is right.
std::optional<std::string> HashProblem(ChainKeys& keys, const AuditEvent& event) {
  const std::optional<std::uint32_t> version = HashVersion(event.hash);
  if (!version) return "the hash is missing or malformed";
  const audit::ChainKey& key = keys.Get(*version);
  if (!key.known) {
    return "the hash names chain key version " + std::to_string(*version) +
           ", which the pepper file does not hold";
  }
  if (audit::HashWith(key, event) != event.hash) return "the hash does not match the event";
  return std::nullopt;
}

// What the newest retention anchor says about the front of the trail.
struct Anchor {
  std::int64_t id = 0;
  bool trusted = false;  // its own hash verifies and its details read
  std::int64_t removed_through_id = 0;
  std::string last_removed_hash;
};

// The text of string member `name` in an anchor's details (written by ApplyRetention with
// JsonObject: compact, and hashes need no escaping).
std::optional<std::string_view> StringMember(std::string_view json, std::string_view name) {
  const std::string marker = JsonQuote(name) + ":\"";
  const std::size_t start = json.find(marker);
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t from = start + marker.size();
  const std::size_t end = json.find('"', from);
  if (end == std::string_view::npos) return std::nullopt;
  return json.substr(from, end - from);
}

std::optional<std::int64_t> IntMember(std::string_view json, std::string_view name) {
  const std::string marker = JsonQuote(name) + ":";
  const std::size_t start = json.find(marker);
  if (start == std::string_view::npos) return std::nullopt;
  std::int64_t value = 0;
  const char* first = json.data() + start + marker.size();
  const auto [end, ec] = std::from_chars(first, json.data() + json.size(), value);
  if (ec != std::errc() || end == first) return std::nullopt;
  return value;
}

Result<std::optional<Anchor>> NewestAnchor(UnitOfWork& uow, ChainKeys& keys) {
  AuditFilter filter;
  filter.action = std::string(kAuditAnchorAction);
  filter.actor = "system";
  PageRequest page;
  page.limit = 1;
  KW_ASSIGN_OR_RETURN(std::vector<AuditEvent> found, uow.QueryAudit(filter, page));
  if (found.empty()) return std::optional<Anchor>();
  const AuditEvent& event = found.front();
  Anchor anchor;
  anchor.id = event.id;
  const std::optional<std::int64_t> through = IntMember(event.details_json, "removedThroughId");
  const std::optional<std::string_view> last = StringMember(event.details_json, "lastRemovedHash");
  if (!HashProblem(keys, event) && through && last) {
    anchor.trusted = true;
    anchor.removed_through_id = *through;
    anchor.last_removed_hash = std::string(*last);
  }
  return std::optional<Anchor>(std::move(anchor));
}

// Why the first remaining event does not start the trail, or nullopt when it does.
std::optional<std::string> FrontProblem(const AuditEvent& first,
                                        const std::optional<Anchor>& anchor) {
  if (!anchor || !anchor->trusted) {
    // An anchor that fails its own check is reported at its own id when the walk reaches it.
    if (anchor) return std::nullopt;
    if (first.prev_hash == kGenesisHash) return std::nullopt;
    return "the first event does not start the trail and no retention anchor explains the gap";
  }
  if (first.prev_hash == anchor->last_removed_hash && first.id > anchor->removed_through_id) {
    return std::nullopt;
  }
  return "the first event does not follow the events removed by retention (anchor " +
         std::to_string(anchor->id) + ")";
}

}  // namespace

Result<AuditVerification> VerifyAuditChain(UnitOfWork& uow, const PepperSet& peppers) {
  ChainKeys keys(peppers);
  KW_ASSIGN_OR_RETURN(const std::optional<Anchor> anchor, NewestAnchor(uow, keys));
  AuditVerification out;
  std::optional<std::string> prev;  // the previous event's hash
  auto check = [&](const AuditEvent& e) -> Result<bool> {
    ++out.events;
    std::optional<std::string> problem;
    if (!prev) {
      problem = FrontProblem(e, anchor);
    } else if (e.prev_hash != *prev) {
      problem = "prev_hash does not match the previous event's hash";
    }
    if (!problem) problem = HashProblem(keys, e);
    if (problem) {
      out.ok = false;
      out.first_broken_id = e.id;
      out.reason = std::move(*problem);
      return false;
    }
    prev = e.hash;
    return true;
  };
  KW_RETURN_IF_ERROR(audit::ForEachEvent(uow, kPage, check));
  return out;
}

Result<std::int64_t> ApplyRetention(Store& store, const PepperSet& peppers, Time cutoff,
                                    const Clock& clock) {
  // Chained here even when `store` is the chain store already: the anchor then gets the same
  // hash twice, and a raw store still gets a chained anchor.
  AuditChainStore chain(store, peppers);
  std::int64_t removed = 0;
  auto apply = [&](UnitOfWork& uow) -> Status {
    removed = 0;
    // Deletes nothing (ids start at 1), but makes the chain read its head first, chaining a
    // trail written before the chain existed, so the hashes read below are final.
    KW_RETURN_IF_ERROR(uow.DeleteAuditThrough(0));
    std::int64_t last_id = 0;
    std::string last_hash;
    auto older = [&](const AuditEvent& e) -> Result<bool> {
      if (e.time >= cutoff) return false;
      ++removed;
      last_id = e.id;
      last_hash = e.hash;
      return true;
    };
    KW_RETURN_IF_ERROR(audit::ForEachEvent(uow, kPage, older));
    if (removed == 0) return Ok();
    KW_RETURN_IF_ERROR(uow.DeleteAuditThrough(last_id));
    AuditEvent anchor;
    anchor.time = clock.Now();
    anchor.actor = "system";
    anchor.action = std::string(kAuditAnchorAction);
    anchor.target = "audit";
    anchor.outcome = "success";
    anchor.details_json = JsonObject()
                              .Add("removedThroughId", last_id)
                              .Add("removedCount", removed)
                              .Add("lastRemovedHash", last_hash)
                              .str();
    KW_ASSIGN_OR_RETURN(const std::int64_t anchor_id, uow.AppendAudit(anchor));
    (void)anchor_id;
    return Ok();
  };
  KW_RETURN_IF_ERROR(chain.Transact(apply));
  return removed;
}

}  // namespace keyward::core
