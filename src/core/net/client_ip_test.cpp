#include "core/net/client_ip.hpp"

#include <gtest/gtest.h>

namespace keyward::core {
namespace {

std::optional<IpAddress> Ip(const char* text) { return IpAddress::Parse(text); }

std::vector<Ipv4Range> Proxies() {
  return {ParseIpv4Range("127.0.0.1").value(), ParseIpv4Range("10.0.0.0/8").value()};
}

std::string Resolve(const char* peer, std::vector<std::string_view> xff,
                    std::optional<std::string_view> real_ip = std::nullopt) {
  std::optional<IpAddress> ip = ResolveClientIp(Ip(peer), xff, real_ip, Proxies());
  return ip ? ip->ToString() : "none";
}

TEST(ClientIp, AnUntrustedPeersForwardedForIsIgnored) {
  EXPECT_EQ(Resolve("8.8.8.8", {"1.1.1.1"}), "8.8.8.8");
  EXPECT_EQ(Resolve("8.8.8.8", {}, "1.1.1.1"), "8.8.8.8");
}

TEST(ClientIp, BehindATrustedProxyTheRightmostUntrustedHopIsTheClient) {
  EXPECT_EQ(Resolve("127.0.0.1", {"8.8.8.8"}), "8.8.8.8");
  EXPECT_EQ(Resolve("127.0.0.1", {"8.8.8.8, 10.1.2.3"}), "8.8.8.8");
  EXPECT_EQ(Resolve("127.0.0.1", {"8.8.8.8", "10.1.2.3"}), "8.8.8.8");
}

TEST(ClientIp, AForgedLeftmostEntryIsIgnored) {
  // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
  EXPECT_EQ(Resolve("127.0.0.1", {"1.2.3.4, 8.8.8.8"}), "8.8.8.8");
}

TEST(ClientIp, GarbageStopsTheWalkAtTheLastTrustedHop) {
  EXPECT_EQ(Resolve("127.0.0.1", {"8.8.8.8, junk, 10.0.0.5"}), "10.0.0.5");
  EXPECT_EQ(Resolve("127.0.0.1", {"junk"}), "127.0.0.1");
}

TEST(ClientIp, AllTrustedHopsMeanTheLeftmostIsTheClient) {
  EXPECT_EQ(Resolve("127.0.0.1", {"10.0.0.7, 10.0.0.8"}), "10.0.0.7");
}

TEST(ClientIp, XRealIpIsUsedOnlyWithoutForwardedFor) {
  EXPECT_EQ(Resolve("127.0.0.1", {}, "8.8.4.4"), "8.8.4.4");
  EXPECT_EQ(Resolve("127.0.0.1", {"8.8.8.8"}, "8.8.4.4"), "8.8.8.8");
  EXPECT_EQ(Resolve("127.0.0.1", {}, "nonsense"), "127.0.0.1");
}

TEST(ClientIp, IPv6HopsAreClients) {
  EXPECT_EQ(Resolve("127.0.0.1", {"2001:db8::1"}), "2001:db8::1");
  EXPECT_EQ(Resolve("::ffff:127.0.0.1", {"8.8.8.8"}), "8.8.8.8");
}

}  // namespace
}  // namespace keyward::core
