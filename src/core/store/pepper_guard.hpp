// The pepper guard: the store remembers a fingerprint of every pepper version it has seen
// (PepperSet::Fingerprint, safe to store), so a node started with the wrong pepper refuses to
// start instead of failing every verification or, worse, issuing keys no other node can verify.
//
// Meta keys: "pepper.fingerprint.<version>" holds one version's fingerprint; "pepper.versions"
// lists the recorded versions, comma-separated, ascending.
//
// Thread-safety: runs inside the caller's unit of work.
#pragma once

#include "core/crypto/digest.hpp"
#include "core/result.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

// Checks `peppers` against the fingerprints in the store and records the versions it does not
// know yet. Refused (kConflict, Msg::kPepperMismatch) when a version the store knows has a
// different fingerprint, or when the store knows versions and `peppers` holds none of them.
// Store errors are returned as they are. Nothing is recorded when refused (the caller's unit of
// work rolls back on the error).
Status CheckAndRecordPepper(UnitOfWork& uow, const PepperSet& peppers);

}  // namespace keyward::core
