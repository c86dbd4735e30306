// IPv4 allowlists (docs/api.md "Validation"): strict dotted-decimal addresses and CIDR ranges that
// lie wholly in public space, and matching a client address against a list. Client addresses may be
// IPv4, IPv6 or IPv4-mapped IPv6 (treated as IPv4). Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace keyward::core {

// A client's address. IPv4-mapped IPv6 addresses are stored as IPv4.
class IpAddress {
 public:
  static IpAddress V4(std::uint32_t addr);
  // Parses dotted-decimal IPv4 or any textual IPv6 (via inet_pton). nullopt when neither.
  static std::optional<IpAddress> Parse(std::string_view text);

  bool is_v4() const { return v4_; }
  std::uint32_t v4() const { return addr4_; }  // precondition: is_v4()
  std::string ToString() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  bool v4_ = true;
  std::uint32_t addr4_ = 0;
  std::array<std::uint8_t, 16> addr6_{};
};

struct Ipv4Range {
  std::uint32_t network = 0;
  std::uint8_t prefix = 32;

  bool Contains(std::uint32_t addr) const;
  // "1.2.3.4" for a /32, else "1.2.3.0/24".
  std::string ToString() const;
  friend bool operator==(const Ipv4Range&, const Ipv4Range&) = default;
};

// Strict dotted decimal: four decimal octets 0-255, no leading zeros, no signs, no spaces.
std::optional<std::uint32_t> ParseIpv4Strict(std::string_view text);

// Parses an address or CIDR range without the public-space rule (used for trusted proxies).
// Errors: kInvalidArgument naming the text (leading zero, wildcard, host bits set, /0, ...).
Result<Ipv4Range> ParseIpv4Range(std::string_view text);

struct AllowlistOptions {
  // Admit ranges in private and other non-global space (an operator setting, off by default).
  bool allow_private = false;
  std::size_t max_entries = 100;
};

// Parses one allowlist entry: ParseIpv4Range plus the public-space rule (rejects /0 and every
// range that overlaps a non-global block of the IANA IPv4 special-purpose registry, counting
// 192.88.99.0/24 and all of 192.0.0.0/24 as non-global except exactly 192.0.0.9 and 192.0.0.10).
Result<Ipv4Range> ParseAllowlistEntry(std::string_view text, const AllowlistOptions& options = {});

// Parses a whole list; errors carry field "allowedIps[i]" for the first bad entry. Duplicate
// entries are rejected.
Result<std::vector<Ipv4Range>> ParseAllowlist(const std::vector<std::string>& entries,
                                              const AllowlistOptions& options = {});

// Whether `client` may use a key with `allowlist`: an empty list admits everyone; a non-empty
// list admits IPv4 addresses inside one of its ranges and never an IPv6 client.
bool AllowlistPermits(const std::vector<Ipv4Range>& allowlist,
                      const std::optional<IpAddress>& client);

// An allowlist as its canonical entries ("8.8.8.0/24"), for audit details.
std::vector<std::string> AllowlistStrings(const std::vector<Ipv4Range>& ranges);

}  // namespace keyward::core
