// KeyShard: one shard of the in-memory key index: a dense vector of compact entries and an
// open-addressing table (linear probing, backward-shift deletion) of indices into it, keyed by
// public id. Internal to key_index.cpp.
//
// Thread-safety: none of its own; KeyIndex guards each shard with a reader/writer lock.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "core/store/api_key.hpp"
#include "core/verification/verifier.hpp"

namespace keyward::core::index {

using PublicId = std::array<char, 12>;

inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

// A key as the index holds it: fixed-size fields, sentinels instead of optionals, the time zone
// interned, the name in one small allocation, the allowlist shared (null when empty).
struct CompactKey {
  PublicId public_id{};
  Locale locale = Locale::kEnUs;
  bool enabled = true;
  bool locked = false;
  std::int32_t failed_attempts = 0;
  KeyId id = 0;
  RoleId role_id = 0;
  AccountId account_id = 0;  // 0: none
  std::int64_t unlock_at = kNoTime;
  std::int64_t expires_at = kNoTime;
  std::int64_t previous_until = kNoTime;
  SecretDigest digest;
  SecretDigest previous;  // pepper_version 0: none
  std::string_view time_zone;
  std::shared_ptr<const std::vector<Ipv4Range>> allowed_ips;
  std::unique_ptr<char[]> name;  // two length bytes, then the UTF-8 name

  static CompactKey From(const ApiKey& key);
  void CopyTo(KeyEntry& out) const;
  std::string_view Name() const;
  // Heap bytes this entry owns besides itself (its name; allowlists are counted apart).
  std::size_t HeapBytes() const;
};

class KeyShard {
 public:
  // Index of the entry with `id` in entries(), or nullptr.
  const CompactKey* Find(std::string_view public_id) const;
  CompactKey* FindMutable(std::string_view public_id);
  // Inserts or replaces the entry with key.public_id.
  void Upsert(CompactKey key);
  void Erase(std::string_view public_id);
  std::size_t size() const { return entries_.size(); }
  std::size_t MemoryBytes() const;

 private:
  static constexpr std::uint32_t kEmpty = std::numeric_limits<std::uint32_t>::max();
  std::size_t SlotOf(std::string_view public_id) const;  // the slot holding it, or npos
  void Grow();
  void Place(std::uint32_t index);

  std::vector<CompactKey> entries_;
  std::vector<std::uint32_t> table_;  // size a power of two, or empty
};

// A fast hash of a public id (random base62: any well-mixed 64 bits will do).
std::uint64_t HashPublicId(std::string_view public_id);

}  // namespace keyward::core::index
