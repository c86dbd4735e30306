#include "core/audit/audit_chain.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "core/audit/audit_chain_internal.hpp"
#include "core/store/forwarding_unit_of_work.hpp"

namespace keyward::core {
namespace {

void AppendNetstring(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out.push_back(':');
  out.append(field);
  out.push_back(',');
}

// A UnitOfWork that forwards every call and chains the audit events appended through it.
class ChainUnitOfWork final : public ForwardingUnitOfWork {
 public:
  ChainUnitOfWork(UnitOfWork& inner, const audit::ChainKey& key, std::vector<AuditEvent>& appended)
      : ForwardingUnitOfWork(inner), key_(key), appended_(appended) {}

  Result<std::int64_t> AppendAudit(const AuditEvent& event) override {
    if (!key_.known) return Internal("audit chain: the pepper set has no current version");
    KW_RETURN_IF_ERROR(LoadHead());
    AuditEvent chained = event;
    chained.prev_hash = *head_;
    chained.hash.clear();
    KW_ASSIGN_OR_RETURN(chained.id, inner_.AppendAudit(chained));
    chained.hash = audit::HashWith(key_, chained);
    KW_RETURN_IF_ERROR(inner_.SetAuditHash(chained.id, chained.prev_hash, chained.hash));
    head_ = chained.hash;
    appended_.push_back(std::move(chained));
    return appended_.back().id;
  }
  Status DeleteAuditThrough(std::int64_t id) override {
    // The head is read first: when retention removes every event, the anchor it appends links
    // to the last removed one.
    KW_RETURN_IF_ERROR(LoadHead());
    return inner_.DeleteAuditThrough(id);
  }

 private:
  // Reads the chain head once per unit of work; later appends in it follow their own writes.
  Status LoadHead() {
    if (head_) return Ok();
    KW_ASSIGN_OR_RETURN(std::optional<AuditEvent> last, inner_.LastAudit());
    if (!last) {
      head_ = std::string(kGenesisHash);
    } else if (!last->hash.empty()) {
      head_ = std::move(last->hash);
    } else {
      KW_RETURN_IF_ERROR(ChainLegacyEvents());
    }
    return Ok();
  }

  // The trail ends with an unchained event. If no event is chained at all (a trail written
  // before the chain existed), chains every event in id order; otherwise leaves the trail as it
  // is, to fail verification, and links on to the empty hash.
  Status ChainLegacyEvents() {
    constexpr int kPage = 500;
    bool any_chained = false;
    KW_RETURN_IF_ERROR(audit::ForEachEvent(inner_, kPage, [&](const AuditEvent& e) {
      any_chained = !e.hash.empty() || !e.prev_hash.empty();
      return Result<bool>(!any_chained);
    }));
    if (any_chained) {
      head_ = std::string();
      return Ok();
    }
    std::string prev(kGenesisHash);
    auto chain = [&](const AuditEvent& e) -> Result<bool> {
      AuditEvent chained = e;
      chained.prev_hash = prev;
      prev = audit::HashWith(key_, chained);
      KW_RETURN_IF_ERROR(inner_.SetAuditHash(e.id, chained.prev_hash, prev));
      return true;
    };
    KW_RETURN_IF_ERROR(audit::ForEachEvent(inner_, kPage, chain));
    head_ = std::move(prev);
    return Ok();
  }

  const audit::ChainKey& key_;
  std::vector<AuditEvent>& appended_;
  std::optional<std::string> head_;  // the hash the next appended event links to
};

}  // namespace

namespace audit {

ChainKey::ChainKey(const PepperSet& peppers, std::uint32_t v)
    : version(v),
      bytes(peppers.DeriveKey(kAuditChainKeyPurpose, v)),
      known(peppers.HoldsKey(kAuditChainKeyPurpose, v)) {}

ChainKey::~ChainKey() { OPENSSL_cleanse(bytes.data(), bytes.size()); }

std::string HashWith(const ChainKey& key, const AuditEvent& event) {
  if (!key.known) return {};
  const std::string data = CanonicalAuditBytes(event);
  std::array<std::uint8_t, kDigestSize> mac{};
  std::size_t out_len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.bytes.data(), key.bytes.size(),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
                mac.size(), &out_len) == nullptr ||
      out_len != kDigestSize) {
    // A hash that is not one must never be stored: the chain would be broken silently.
    std::fputs("keyward: HMAC-SHA256 failed in OpenSSL (audit chain)\n", stderr);
    std::abort();
  }
  return "v" + std::to_string(key.version) + ":" + HexEncode(mac);
}

Status ForEachEvent(UnitOfWork& uow, int page,
                    const std::function<Result<bool>(const AuditEvent&)>& fn) {
  std::int64_t after = 0;
  for (;;) {
    KW_ASSIGN_OR_RETURN(std::vector<AuditEvent> events, uow.ListAudit(after, page));
    for (const AuditEvent& e : events) {
      KW_ASSIGN_OR_RETURN(const bool go_on, fn(e));
      if (!go_on) return Ok();
    }
    if (events.size() < static_cast<std::size_t>(page)) return Ok();
    after = events.back().id;
  }
}

}  // namespace audit

std::string CanonicalAuditBytes(const AuditEvent& event) {
  std::string out;
  out.reserve(96 + event.actor.size() + event.action.size() + event.target.size() +
              event.ip.size() + event.outcome.size() + event.details_json.size() +
              event.prev_hash.size());
  AppendNetstring(out, "keyward audit event v1");
  AppendNetstring(out, std::to_string(event.id));
  AppendNetstring(out, std::to_string(event.time.time_since_epoch().count()));
  AppendNetstring(out, event.actor);
  AppendNetstring(out, event.action);
  AppendNetstring(out, event.target);
  AppendNetstring(out, event.ip);
  AppendNetstring(out, event.outcome);
  AppendNetstring(out, event.details_json);
  AppendNetstring(out, event.prev_hash);
  return out;
}

std::string ComputeAuditHash(const PepperSet& peppers, std::uint32_t version,
                             const AuditEvent& event) {
  return audit::HashWith(audit::ChainKey(peppers, version), event);
}

AuditChainStore::AuditChainStore(Store& inner, const PepperSet& peppers, AuditSink* sink)
    : inner_(inner),
      key_(std::make_unique<audit::ChainKey>(peppers, peppers.current_version())),
      sink_(sink) {}

AuditChainStore::~AuditChainStore() = default;

Status AuditChainStore::Transact(const std::function<Status(UnitOfWork&)>& fn) {
  return TransactThen(fn, {});
}

Status AuditChainStore::TransactThen(const std::function<Status(UnitOfWork&)>& fn,
                                     const std::function<void()>& on_commit) {
  // No lock across the store: its units of work are serialized (each reads the chain head the
  // one before left), and the commit hook delivers in commit order.
  std::vector<AuditEvent> appended;
  return inner_.TransactThen(
      [&](UnitOfWork& uow) -> Status {
        appended.clear();  // in case the store runs `fn` again
        ChainUnitOfWork chain(uow, *key_, appended);
        return fn(chain);
      },
      [&] {
        if (sink_ != nullptr && !appended.empty()) sink_->Deliver(appended);
        if (on_commit) on_commit();
      });
}

}  // namespace keyward::core
