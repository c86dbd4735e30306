#include "core/net/client_ip.hpp"

#include <algorithm>
#include <string>

#include "core/text.hpp"

namespace keyward::core {
namespace {

bool IsTrusted(const IpAddress& address, const std::vector<Ipv4Range>& trusted) {
  return address.is_v4() && std::any_of(trusted.begin(), trusted.end(), [&](const Ipv4Range& r) {
           return r.Contains(address.v4());
         });
}

}  // namespace

std::optional<IpAddress> ResolveClientIp(const std::optional<IpAddress>& peer,
                                         const std::vector<std::string_view>& forwarded_for,
                                         std::optional<std::string_view> real_ip,
                                         const std::vector<Ipv4Range>& trusted_proxies) {
  if (!peer || !IsTrusted(*peer, trusted_proxies)) return peer;
  std::vector<std::string_view> hops;
  for (std::string_view header : forwarded_for) {
    while (!header.empty()) {
      const std::size_t comma = header.find(',');
      hops.push_back(TrimOws(header.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      header.remove_prefix(comma + 1);
    }
  }
  if (hops.empty()) {
    if (real_ip) {
      if (std::optional<IpAddress> ip = IpAddress::Parse(TrimOws(*real_ip))) return ip;
    }
    return peer;
  }
  IpAddress last_trusted = *peer;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    const std::optional<IpAddress> hop = IpAddress::Parse(*it);
    if (!hop) return last_trusted;
    if (!IsTrusted(*hop, trusted_proxies)) return hop;
    last_trusted = *hop;
  }
  return last_trusted;  // every hop is a trusted proxy: the leftmost is the client
}

}  // namespace keyward::core
