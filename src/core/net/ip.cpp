#include "core/net/ip.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

namespace keyward::core {
namespace {

// What is wrong with a dotted quad, so the caller can pick the message.
enum class QuadStatus { kOk, kInvalid, kLeadingZero };

bool IsDigit(char ch) { return ch >= '0' && ch <= '9'; }

// One decimal field of 1..max_digits digits. A lone "0" is a value; "07" is a leading zero.
QuadStatus ParseDecimal(std::string_view text, std::size_t max_digits, std::uint32_t max_value,
                        std::uint32_t& value) {
  if (text.empty() || text.size() > max_digits) return QuadStatus::kInvalid;
  if (!std::all_of(text.begin(), text.end(), IsDigit)) return QuadStatus::kInvalid;
  if (text.size() > 1 && text.front() == '0') return QuadStatus::kLeadingZero;
  value = 0;
  for (char ch : text) value = value * 10 + static_cast<std::uint32_t>(ch - '0');
  return value <= max_value ? QuadStatus::kOk : QuadStatus::kInvalid;
}

QuadStatus ParseQuad(std::string_view text, std::uint32_t& addr) {
  addr = 0;
  bool leading_zero = false;
  for (int i = 0; i < 4; ++i) {
    const std::size_t dot = text.find('.');
    if ((dot == std::string_view::npos) != (i == 3)) return QuadStatus::kInvalid;
    std::uint32_t octet = 0;
    const QuadStatus status = ParseDecimal(text.substr(0, dot), 3, 255, octet);
    if (status == QuadStatus::kInvalid) return status;
    leading_zero = leading_zero || status == QuadStatus::kLeadingZero;
    addr = (addr << 8) | octet;
    text.remove_prefix(dot == std::string_view::npos ? text.size() : dot + 1);
  }
  // A leading zero is reported only for an otherwise well-formed quad ("01.2.3.4", not "01.x").
  return leading_zero ? QuadStatus::kLeadingZero : QuadStatus::kOk;
}

std::uint32_t Mask(std::uint8_t prefix) {
  return prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
}

std::string FormatV4(std::uint32_t addr) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    if (!out.empty()) out.push_back('.');
    out += std::to_string((addr >> shift) & 0xFFU);
  }
  return out;
}

bool Overlaps(const Ipv4Range& a, const Ipv4Range& b) {
  const std::uint32_t mask = Mask(std::min(a.prefix, b.prefix));
  return (a.network & mask) == (b.network & mask);
}

constexpr std::uint32_t Quad(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

struct SpecialBlock {
  Ipv4Range range;
  const char* name;
};

// The blocks of the IANA IPv4 Special-Purpose Address Registry that are not globally reachable,
// plus 192.88.99.0/24 (the deprecated 6to4 relay anycast). 255.255.255.255/32 comes before
// 240.0.0.0/4, which holds it, so the broadcast address is reported by its own name.
constexpr SpecialBlock kNonGlobalBlocks[] = {
    {{Quad(0, 0, 0, 0), 8}, "this network"},
    {{Quad(10, 0, 0, 0), 8}, "private-use"},
    {{Quad(100, 64, 0, 0), 10}, "shared address space"},
    {{Quad(127, 0, 0, 0), 8}, "loopback"},
    {{Quad(169, 254, 0, 0), 16}, "link-local"},
    {{Quad(172, 16, 0, 0), 12}, "private-use"},
    {{Quad(192, 0, 0, 0), 24}, "IETF protocol assignments"},
    {{Quad(192, 0, 2, 0), 24}, "documentation (TEST-NET-1)"},
    {{Quad(192, 88, 99, 0), 24}, "deprecated 6to4 relay anycast"},
    {{Quad(192, 168, 0, 0), 16}, "private-use"},
    {{Quad(198, 18, 0, 0), 15}, "benchmarking"},
    {{Quad(198, 51, 100, 0), 24}, "documentation (TEST-NET-2)"},
    {{Quad(203, 0, 113, 0), 24}, "documentation (TEST-NET-3)"},
    {{Quad(224, 0, 0, 0), 4}, "multicast"},
    {{Quad(255, 255, 255, 255), 32}, "limited broadcast"},
    {{Quad(240, 0, 0, 0), 4}, "reserved"},
};

// The registry marks two single addresses inside 192.0.0.0/24 globally reachable (the PCP and
// TURN anycast addresses); exactly those two /32s are admitted, nothing wider.
constexpr Ipv4Range kGlobalExceptions[] = {
    {Quad(192, 0, 0, 9), 32},
    {Quad(192, 0, 0, 10), 32},
};

Status CheckPublic(const Ipv4Range& range, std::string_view text) {
  if (std::find(std::begin(kGlobalExceptions), std::end(kGlobalExceptions), range) !=
      std::end(kGlobalExceptions)) {
    return Ok();
  }
  for (const SpecialBlock& block : kNonGlobalBlocks) {
    if (Overlaps(range, block.range)) {
      return InvalidArgument(Msg::kIpNotPublic, {},
                             {std::string(text), block.range.ToString(), block.name});
    }
  }
  return Ok();
}

Error RangeError(Msg msg, std::string_view text, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{std::string(text)};
  for (auto& arg : extra) args.push_back(std::move(arg));
  return InvalidArgument(msg, {}, std::move(args));
}

}  // namespace

IpAddress IpAddress::V4(std::uint32_t addr) {
  IpAddress ip;
  ip.v4_ = true;
  ip.addr4_ = addr;
  return ip;
}

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.find(':') == std::string_view::npos) {
    const auto addr = ParseIpv4Strict(text);
    if (!addr) return std::nullopt;
    return V4(*addr);
  }
  // inet_pton wants a NUL-terminated string; no valid IPv6 text is this long.
  char buffer[64];
  if (text.size() >= sizeof(buffer)) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress ip;
  if (inet_pton(AF_INET6, buffer, ip.addr6_.data()) != 1) return std::nullopt;
  const auto& b = ip.addr6_;
  const bool mapped =
      std::all_of(b.begin(), b.begin() + 10, [](std::uint8_t x) { return x == 0; }) &&
      b[10] == 0xFF && b[11] == 0xFF;
  if (mapped) return V4(Quad(b[12], b[13], b[14], b[15]));
  ip.v4_ = false;
  return ip;
}

std::string IpAddress::ToString() const {
  if (v4_) return FormatV4(addr4_);
  char buffer[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, addr6_.data(), buffer, sizeof(buffer)) == nullptr) return {};
  return buffer;
}

bool Ipv4Range::Contains(std::uint32_t addr) const { return (addr & Mask(prefix)) == network; }

std::string Ipv4Range::ToString() const {
  std::string out = FormatV4(network);
  if (prefix != 32) out += "/" + std::to_string(prefix);
  return out;
}

std::optional<std::uint32_t> ParseIpv4Strict(std::string_view text) {
  std::uint32_t addr = 0;
  if (ParseQuad(text, addr) != QuadStatus::kOk) return std::nullopt;
  return addr;
}

Result<Ipv4Range> ParseIpv4Range(std::string_view text) {
  if (text.find('*') != std::string_view::npos) return RangeError(Msg::kIpWildcard, text);
  const std::size_t slash = text.find('/');
  std::uint32_t addr = 0;
  QuadStatus status = ParseQuad(text.substr(0, slash), addr);
  std::uint32_t prefix = 32;
  if (status == QuadStatus::kOk && slash != std::string_view::npos) {
    status = ParseDecimal(text.substr(slash + 1), 2, 32, prefix);
  }
  if (status == QuadStatus::kLeadingZero) return RangeError(Msg::kIpLeadingZero, text);
  if (status != QuadStatus::kOk) return RangeError(Msg::kIpInvalid, text);
  if (prefix == 0) return RangeError(Msg::kIpZeroPrefix, text);

  const Ipv4Range range{addr & Mask(static_cast<std::uint8_t>(prefix)),
                        static_cast<std::uint8_t>(prefix)};
  if (range.network != addr) return RangeError(Msg::kIpHostBits, text, {range.ToString()});
  return range;
}

Result<Ipv4Range> ParseAllowlistEntry(std::string_view text, const AllowlistOptions& options) {
  KW_ASSIGN_OR_RETURN(const Ipv4Range range, ParseIpv4Range(text));
  if (!options.allow_private) KW_RETURN_IF_ERROR(CheckPublic(range, text));
  return range;
}

Result<std::vector<Ipv4Range>> ParseAllowlist(const std::vector<std::string>& entries,
                                              const AllowlistOptions& options) {
  if (entries.size() > options.max_entries) {
    return InvalidArgument(Msg::kTooManyItems, "allowedIps",
                           {"allowedIps", std::to_string(options.max_entries)});
  }
  std::vector<Ipv4Range> ranges;
  ranges.reserve(entries.size());
  std::set<std::pair<std::uint32_t, std::uint8_t>> seen;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string field = "allowedIps[" + std::to_string(i) + "]";
    auto range = ParseAllowlistEntry(entries[i], options);
    if (!range) return range.error().WithField(field);
    // "1.2.3.4" and "1.2.3.4/32" are the same range, so they count as duplicates.
    if (!seen.emplace(range->network, range->prefix).second) {
      return InvalidArgument(Msg::kIpDuplicate, field, {entries[i]});
    }
    ranges.push_back(*range);
  }
  return ranges;
}

bool AllowlistPermits(const std::vector<Ipv4Range>& allowlist,
                      const std::optional<IpAddress>& client) {
  if (allowlist.empty()) return true;
  if (!client || !client->is_v4()) return false;
  return std::any_of(allowlist.begin(), allowlist.end(),
                     [&](const Ipv4Range& range) { return range.Contains(client->v4()); });
}

std::vector<std::string> AllowlistStrings(const std::vector<Ipv4Range>& ranges) {
  std::vector<std::string> out;
  out.reserve(ranges.size());
  for (const Ipv4Range& r : ranges) out.push_back(r.ToString());
  return out;
}

}  // namespace keyward::core
