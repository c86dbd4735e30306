#include "core/verification/key_index_shard.hpp"

#include <malloc.h>

#include "core/verification/key_index.hpp"

namespace keyward::core::index {
namespace {

std::int64_t ToRaw(const std::optional<Time>& t) {
  return t ? t->time_since_epoch().count() : kNoTime;
}

std::optional<Time> FromRaw(std::int64_t raw) {
  if (raw == kNoTime) return std::nullopt;
  return Time{Seconds{raw}};
}

bool SameId(const PublicId& a, std::string_view b) {
  return b.size() == a.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::uint64_t HashPublicId(std::string_view public_id) {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::memcpy(&a, public_id.data(), std::min<std::size_t>(8, public_id.size()));
  if (public_id.size() > 8) {
    std::memcpy(&b, public_id.data() + 8, std::min<std::size_t>(8, public_id.size() - 8));
  }
  std::uint64_t x = a ^ (b * 0x9E3779B97F4A7C15ULL);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

CompactKey CompactKey::From(const ApiKey& key) {
  CompactKey c;
  std::memcpy(c.public_id.data(), key.public_id.data(),
              std::min(c.public_id.size(), key.public_id.size()));
  c.locale = key.locale;
  c.enabled = key.enabled && !key.account_suspended;
  c.locked = key.locked;
  c.failed_attempts = key.failed_attempts;
  c.id = key.id;
  c.role_id = key.role_id;
  c.account_id = key.account_id.value_or(0);
  c.unlock_at = ToRaw(key.unlock_at);
  c.expires_at = ToRaw(key.expires_at);
  c.digest = key.digest;
  if (key.previous_digest && key.previous_digest_until) {
    c.previous = *key.previous_digest;
    c.previous_until = ToRaw(key.previous_digest_until);
  }
  c.time_zone = InternTimeZone(key.time_zone);
  if (!key.allowed_ips.empty()) {
    c.allowed_ips = std::make_shared<const std::vector<Ipv4Range>>(key.allowed_ips);
  }
  const std::size_t n = std::min<std::size_t>(key.name.size(), 0xFFFF);
  c.name = std::make_unique<char[]>(n + 2);
  c.name[0] = static_cast<char>(n & 0xFF);
  c.name[1] = static_cast<char>(n >> 8);
  std::memcpy(c.name.get() + 2, key.name.data(), n);
  return c;
}

std::string_view CompactKey::Name() const {
  if (!name) return {};
  const std::size_t n = static_cast<unsigned char>(name[0]) |
                        (static_cast<std::size_t>(static_cast<unsigned char>(name[1])) << 8);
  return {name.get() + 2, n};
}

std::size_t CompactKey::HeapBytes() const {
  return name ? malloc_usable_size(name.get()) + sizeof(std::size_t) : 0;
}

void CompactKey::CopyTo(KeyEntry& out) const {
  out.id = id;
  out.public_id.assign(public_id.data(), public_id.size());
  out.role_id = role_id;
  out.account_id = account_id == 0 ? std::nullopt : std::optional<AccountId>(account_id);
  out.name.assign(Name());
  out.locale = locale;
  out.time_zone.assign(time_zone);
  out.enabled = enabled;
  out.locked = locked;
  out.failed_attempts = failed_attempts;
  out.unlock_at = FromRaw(unlock_at);
  out.expires_at = FromRaw(expires_at);
  out.digest = digest;
  if (previous.pepper_version != 0) {
    out.previous_digest = previous;
    out.previous_digest_until = FromRaw(previous_until);
  } else {
    out.previous_digest.reset();
    out.previous_digest_until.reset();
  }
  out.allowed_ips = allowed_ips;
}

std::size_t KeyShard::SlotOf(std::string_view public_id) const {
  if (table_.empty()) return std::string_view::npos;
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = HashPublicId(public_id) & mask;; i = (i + 1) & mask) {
    const std::uint32_t index = table_[i];
    if (index == kEmpty) return std::string_view::npos;
    if (SameId(entries_[index].public_id, public_id)) return i;
  }
}

const CompactKey* KeyShard::Find(std::string_view public_id) const {
  const std::size_t slot = SlotOf(public_id);
  return slot == std::string_view::npos ? nullptr : &entries_[table_[slot]];
}

CompactKey* KeyShard::FindMutable(std::string_view public_id) {
  const std::size_t slot = SlotOf(public_id);
  return slot == std::string_view::npos ? nullptr : &entries_[table_[slot]];
}

void KeyShard::Place(std::uint32_t index) {
  const std::size_t mask = table_.size() - 1;
  const std::string_view id(entries_[index].public_id.data(), entries_[index].public_id.size());
  std::size_t i = HashPublicId(id) & mask;
  while (table_[i] != kEmpty) i = (i + 1) & mask;
  table_[i] = index;
}

void KeyShard::Grow() {
  const std::size_t size = table_.empty() ? 16 : table_.size() * 2;
  table_.assign(size, kEmpty);
  for (std::uint32_t i = 0; i < entries_.size(); ++i) Place(i);
}

void KeyShard::Upsert(CompactKey key) {
  const std::string_view id(key.public_id.data(), key.public_id.size());
  if (CompactKey* existing = FindMutable(id)) {
    *existing = std::move(key);
    return;
  }
  if ((entries_.size() + 1) * 4 > table_.size() * 3) Grow();
  entries_.push_back(std::move(key));
  Place(static_cast<std::uint32_t>(entries_.size() - 1));
}

void KeyShard::Erase(std::string_view public_id) {
  std::size_t slot = SlotOf(public_id);
  if (slot == std::string_view::npos) return;
  const std::uint32_t index = table_[slot];
  const std::size_t mask = table_.size() - 1;
  // Backward-shift deletion keeps every probe sequence unbroken without tombstones.
  for (std::size_t next = (slot + 1) & mask;; next = (next + 1) & mask) {
    const std::uint32_t moved = table_[next];
    if (moved == kEmpty) break;
    const auto& e = entries_[moved];
    const std::size_t home = HashPublicId({e.public_id.data(), e.public_id.size()}) & mask;
    // Move `moved` into the hole unless its home lies cyclically in (slot, next].
    const bool home_between =
        slot <= next ? (home > slot && home <= next) : (home > slot || home <= next);
    if (!home_between) {
      table_[slot] = moved;
      slot = next;
    }
  }
  table_[slot] = kEmpty;
  // Keep the entries dense: the last one takes the erased one's place.
  const auto last = static_cast<std::uint32_t>(entries_.size() - 1);
  if (index != last) {
    const std::size_t last_slot =
        SlotOf({entries_[last].public_id.data(), entries_[last].public_id.size()});
    entries_[index] = std::move(entries_[last]);
    table_[last_slot] = index;
  }
  entries_.pop_back();
}

std::size_t KeyShard::MemoryBytes() const {
  std::size_t bytes =
      entries_.capacity() * sizeof(CompactKey) + table_.capacity() * sizeof(std::uint32_t);
  for (const CompactKey& e : entries_) bytes += e.HeapBytes();
  return bytes;
}

}  // namespace keyward::core::index
