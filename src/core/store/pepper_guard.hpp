// The pepper guard: the store remembers a fingerprint of every pepper version it has seen
// (PepperSet::Fingerprint, safe to store), so a node started with the wrong pepper refuses to
// start instead of failing every verification or, worse, issuing keys no other node can verify.
//
// Meta keys: "pepper.fingerprint.<version>" holds one version's fingerprint; "pepper.versions"
// lists the recorded versions, comma-separated, ascending; "pepper.retired.<version>" marks a
// retired version and holds PepperSet::ChainKeyFingerprint of it (keyward pepper retire).
//
// A retired version (its pepper file line keeps only the audit chain key) is not a mismatch: its
// chain key fingerprint is checked instead of its pepper's. A node whose pepper file still holds
// in full a version the store has retired is refused, so no secret is ever verified under a
// retired version, on any node that starts.
//
// Thread-safety: runs inside the caller's unit of work.
#pragma once

#include <cstdint>
#include <vector>

#include "core/crypto/digest.hpp"
#include "core/result.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

// Checks `peppers` against the fingerprints in the store and records the versions it does not
// know yet (and the retirement of a version retired in `peppers` that the store does not know as
// retired). Refused (kConflict, Msg::kPepperMismatch) when a version the store knows has a
// different fingerprint (for a retired version: a different chain key fingerprint), or when the
// store knows versions and `peppers` holds none of them; refused (kConflict,
// Msg::kPepperVersionRetired) when `peppers` holds in full a version the store has retired.
// Store errors are returned as they are. Nothing is recorded when refused (the caller's unit of
// work rolls back on the error).
Status CheckAndRecordPepper(UnitOfWork& uow, const PepperSet& peppers);

// Marks `version` retired in the store, with the fingerprint of its chain key from `peppers`
// (which holds it in full or retired). kInvalidArgument when `peppers` has no chain key for it.
Status RecordPepperRetired(UnitOfWork& uow, const PepperSet& peppers, std::uint32_t version);

// The pepper versions the store has recorded ("pepper.versions"), ascending.
Result<std::vector<std::uint32_t>> RecordedPepperVersions(UnitOfWork& uow);

}  // namespace keyward::core
