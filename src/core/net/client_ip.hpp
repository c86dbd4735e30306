// Which address a request comes from (docs/architecture.md "The verification chain"): the socket
// peer, or, only when the peer is a configured trusted proxy, the rightmost address of
// X-Forwarded-For that is not itself a trusted proxy (falling back to X-Real-IP when there is no
// X-Forwarded-For). Pure function; thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/net/ip.hpp"

namespace keyward::core {

// `forwarded_for`: every X-Forwarded-For header value, in order (each may hold a comma-separated
// list). `real_ip`: the X-Real-IP value, if any. An unparseable entry ends the walk: the address
// of the trusted hop that passed it on is the answer, since nothing further left can be trusted.
std::optional<IpAddress> ResolveClientIp(const std::optional<IpAddress>& peer,
                                         const std::vector<std::string_view>& forwarded_for,
                                         std::optional<std::string_view> real_ip,
                                         const std::vector<Ipv4Range>& trusted_proxies);

}  // namespace keyward::core
