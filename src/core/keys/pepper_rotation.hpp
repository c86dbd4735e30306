// Pepper rotation's use cases over the store (docs/operations.md "Pepper rotation"): what each
// pepper version still protects, and retiring an old version once nothing needs it, or by
// disabling the keys that still do. Adding a version is an edit of the pepper file
// (core/crypto/pepper_file.hpp) plus the pepper guard (core/store/pepper_guard.hpp); digests move
// to the new version at each key's next successful use (core/verification/verifier.hpp).
//
// Thread-safety: the functions are as safe as the store and the services they are given.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/clock.hpp"
#include "core/crypto/digest.hpp"
#include "core/keys/key_service.hpp"
#include "core/result.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

// The actor of what `keyward pepper rotate` and `retire` write to the audit trail.
inline constexpr std::string_view kPepperActor = "system:pepper";

struct PepperVersionStatus {
  std::uint32_t version = 0;
  bool current = false;
  bool retired = false;        // its pepper file line keeps only the audit chain key
  bool in_pepper_file = true;  // false: the store recorded it, the pepper file lacks it
  PepperVersionUse use;
};

// Every version the pepper file holds (in full or retired) or the store has recorded, ascending,
// with what each still protects at `now`. Errors from the store.
Result<std::vector<PepperVersionStatus>> ReadPepperStatus(Store& store, const PepperSet& peppers,
                                                          Time now);

struct PepperRetirement {
  std::vector<KeyId> disabled;        // keys this call disabled, in id order
  std::int64_t already_disabled = 0;  // keys under the version that were disabled before
};

// Retires pepper `version` of `peppers` (which holds it, in full or already retired in the file).
// `store` must be the audit chain store that `keys` writes through. In order:
//  - kNotFound when `peppers` has no such version; kInvalidArgument when it is the current one;
//  - the keys using it (KeysUsingPepper: digest, or previous digest in its grace period): any at
//    all without `disable_keys` -> kConflict naming how many and how, and nothing changes; with
//    it, each enabled one is disabled through `keys` (audited apikey.disable, actor
//    kPepperActor), and an error there (the last Master Administrator key, say) is returned with
//    the keys disabled before it left disabled;
//  - one unit of work that checks no enabled key uses it (kConflict otherwise: a node still
//    running with it as current), records the retirement (RecordPepperRetired), appends a
//    pepper.retire audit event and calls `commit_file` (which writes the retired pepper file);
//    an error from `commit_file` rolls the unit of work back.
Result<PepperRetirement> RetirePepper(Store& store, const KeyService& keys,
                                      const PepperSet& peppers, std::uint32_t version,
                                      bool disable_keys, const Clock& clock,
                                      const std::function<Status()>& commit_file);

}  // namespace keyward::core
