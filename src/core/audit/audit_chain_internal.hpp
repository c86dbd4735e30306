// Internals shared by audit_chain.cpp and audit_verification.cpp: the derived chain key and the
// page-by-page walk over the trail. Not part of core's interface.
// Thread-safety: ChainKey is immutable after construction; ForEachEvent is as safe as its uow.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "core/crypto/digest.hpp"
#include "core/result.hpp"
#include "core/store/audit_event.hpp"
#include "core/store/store.hpp"

namespace keyward::core::audit {

// The chain key of one pepper version, wiped from memory when destroyed.
struct ChainKey {
  ChainKey(const PepperSet& peppers, std::uint32_t version);
  ~ChainKey();
  ChainKey(const ChainKey&) = delete;
  ChainKey& operator=(const ChainKey&) = delete;
  std::uint32_t version;
  std::array<std::uint8_t, kDigestSize> bytes;
  bool known;  // false when the pepper set has no such version: HashWith gives ""
};

// "v<version>:<hex>" of `event` (core/audit/audit_chain.hpp), or "" for an unknown version.
std::string HashWith(const ChainKey& key, const AuditEvent& event);

// Calls `fn` with every event in id order, reading `page` events at a time, until `fn` answers
// false. Stops at, and returns, the first error of the store or of `fn`.
Status ForEachEvent(UnitOfWork& uow, int page,
                    const std::function<Result<bool>(const AuditEvent&)>& fn);

}  // namespace keyward::core::audit
