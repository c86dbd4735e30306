#include "core/net/ip.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keyward::core {
namespace {

// Asserts that `text` is rejected as an allowlist entry with `msg`, naming the entry first.
void ExpectRejected(std::string_view text, Msg msg) {
  const auto range = ParseAllowlistEntry(text);
  ASSERT_FALSE(range.has_value()) << text << " was accepted";
  EXPECT_EQ(range.error().code, ErrorCode::kInvalidArgument) << text;
  EXPECT_EQ(range.error().msg, msg) << text << ": " << range.error().Message();
  ASSERT_FALSE(range.error().args.empty());
  EXPECT_EQ(range.error().args[0], text);
}

// Asserts that `text` is rejected for overlapping `block`, and that the message says so.
void ExpectNotPublic(std::string_view text, std::string_view block, std::string_view name) {
  const auto range = ParseAllowlistEntry(text);
  ASSERT_FALSE(range.has_value()) << text << " was accepted";
  EXPECT_EQ(range.error().msg, Msg::kIpNotPublic) << text << ": " << range.error().Message();
  EXPECT_EQ(range.error().args,
            (std::vector<std::string>{std::string(text), std::string(block), std::string(name)}));
}

Ipv4Range MustParseEntry(std::string_view text) {
  const auto range = ParseAllowlistEntry(text);
  EXPECT_TRUE(range.has_value()) << text << ": " << range.error().Message();
  return range.has_value() ? range.value() : Ipv4Range{};
}

TEST(Ip, ParsesStrictDottedDecimal) {
  EXPECT_EQ(ParseIpv4Strict("8.8.4.4"), 0x08080404U);
  EXPECT_EQ(ParseIpv4Strict("0.0.0.0"), 0U);
  EXPECT_EQ(ParseIpv4Strict("255.255.255.255"), 0xFFFFFFFFU);
  EXPECT_EQ(ParseIpv4Strict("10.0.100.1"), 0x0A006401U);
}

TEST(Ip, RejectsLooseDottedDecimal) {
  for (std::string_view text : {"", "1.2.3", "1.2.3.4.5", "1.2.3.256", "256.1.1.1", "01.2.3.4",
                                "1.2.3.04", "1.2.3.4 ", " 1.2.3.4", "1..3.4", "1.2.3.", "+1.2.3.4",
                                "1.2.3.-4", "0x1.2.3.4", "1.2.3.4/32", "1234.1.1.1", "16909060"}) {
    EXPECT_FALSE(ParseIpv4Strict(text).has_value()) << text;
  }
}

TEST(Allowlist, AcceptsPublicEntries) {
  EXPECT_EQ(MustParseEntry("8.8.8.8"), (Ipv4Range{0x08080808U, 32}));
  EXPECT_EQ(MustParseEntry("8.8.8.0/24"), (Ipv4Range{0x08080800U, 24}));
  EXPECT_EQ(MustParseEntry("1.1.1.1/32"), (Ipv4Range{0x01010101U, 32}));
  EXPECT_EQ(MustParseEntry("11.0.0.0/8"), (Ipv4Range{0x0B000000U, 8}));
  EXPECT_EQ(MustParseEntry("192.0.0.9"), (Ipv4Range{0xC0000009U, 32}));
  EXPECT_EQ(MustParseEntry("192.0.0.10/32"), (Ipv4Range{0xC000000AU, 32}));
  EXPECT_EQ(MustParseEntry("100.128.0.0/9"), (Ipv4Range{0x64800000U, 9}));
  EXPECT_EQ(MustParseEntry("172.32.0.0/11"), (Ipv4Range{0xAC200000U, 11}));
}

TEST(Allowlist, RangeToStringOmitsSlash32) {
  EXPECT_EQ((Ipv4Range{0x01010101U, 32}).ToString(), "1.1.1.1");
  EXPECT_EQ((Ipv4Range{0x08080800U, 24}).ToString(), "8.8.8.0/24");
}

TEST(Allowlist, RejectsEverySpecialBlock) {
  ExpectNotPublic("0.1.2.3", "0.0.0.0/8", "this network");
  ExpectNotPublic("10.1.2.3", "10.0.0.0/8", "private-use");
  ExpectNotPublic("100.64.0.0/10", "100.64.0.0/10", "shared address space");
  ExpectNotPublic("100.127.255.255", "100.64.0.0/10", "shared address space");
  ExpectNotPublic("127.0.0.1", "127.0.0.0/8", "loopback");
  ExpectNotPublic("169.254.169.254", "169.254.0.0/16", "link-local");
  ExpectNotPublic("172.31.0.0/16", "172.16.0.0/12", "private-use");
  ExpectNotPublic("192.0.0.8", "192.0.0.0/24", "IETF protocol assignments");
  ExpectNotPublic("192.0.0.8/29", "192.0.0.0/24", "IETF protocol assignments");
  ExpectNotPublic("192.0.2.1", "192.0.2.0/24", "documentation (TEST-NET-1)");
  ExpectNotPublic("192.88.99.1", "192.88.99.0/24", "deprecated 6to4 relay anycast");
  ExpectNotPublic("192.168.1.0/24", "192.168.0.0/16", "private-use");
  ExpectNotPublic("198.19.0.1", "198.18.0.0/15", "benchmarking");
  ExpectNotPublic("198.51.100.7", "198.51.100.0/24", "documentation (TEST-NET-2)");
  ExpectNotPublic("203.0.113.0/25", "203.0.113.0/24", "documentation (TEST-NET-3)");
  ExpectNotPublic("224.0.0.1", "224.0.0.0/4", "multicast");
  ExpectNotPublic("240.0.0.1", "240.0.0.0/4", "reserved");
  ExpectNotPublic("255.255.255.255", "255.255.255.255", "limited broadcast");
}

TEST(Allowlist, RejectsSupernetOfSpecialBlock) {
  ExpectNotPublic("10.0.0.0/7", "10.0.0.0/8", "private-use");
  ExpectNotPublic("64.0.0.0/2", "100.64.0.0/10", "shared address space");
  ExpectNotPublic("192.0.0.0/16", "192.0.0.0/24", "IETF protocol assignments");
  ExpectNotPublic("128.0.0.0/1", "169.254.0.0/16", "link-local");
}

TEST(Allowlist, NotPublicMessageNamesEntryAndBlock) {
  const auto range = ParseAllowlistEntry("10.0.0.0/7");
  ASSERT_FALSE(range.has_value());
  EXPECT_EQ(range.error().Message(),
            "\"10.0.0.0/7\" is not public address space (it overlaps 10.0.0.0/8, private-use); "
            "an operator may admit private ranges with the server's --allow-private-ips "
            "(KEYWARD_ALLOW_PRIVATE_IPS)");
}

TEST(Allowlist, NotPublicMessageNamesTheOperatorSwitchInJapanese) {
  const auto range = ParseAllowlistEntry("192.168.1.0/24");
  ASSERT_FALSE(range.has_value());
  const std::string message = range.error().Message(Locale::kJaJp);
  EXPECT_NE(message.find("--allow-private-ips"), std::string::npos) << message;
  EXPECT_NE(message.find("KEYWARD_ALLOW_PRIVATE_IPS"), std::string::npos) << message;
}

TEST(Allowlist, RejectsZeroPrefix) {
  ExpectRejected("0.0.0.0/0", Msg::kIpZeroPrefix);
  ExpectRejected("8.0.0.0/0", Msg::kIpZeroPrefix);
}

TEST(Allowlist, RejectsWildcards) {
  ExpectRejected("*", Msg::kIpWildcard);
  ExpectRejected("1.2.3.*", Msg::kIpWildcard);
  ExpectRejected("1.*.3.4", Msg::kIpWildcard);
  ExpectRejected("8.8.8.0/*", Msg::kIpWildcard);
}

TEST(Allowlist, RejectsLeadingZeros) {
  ExpectRejected("01.2.3.4", Msg::kIpLeadingZero);
  ExpectRejected("1.2.3.04", Msg::kIpLeadingZero);
  ExpectRejected("8.08.8.8", Msg::kIpLeadingZero);
  ExpectRejected("8.8.8.0/024", Msg::kIpInvalid);
  ExpectRejected("8.8.8.0/08", Msg::kIpLeadingZero);
}

TEST(Allowlist, RejectsHostBitsAndSuggestsNetwork) {
  const auto range = ParseAllowlistEntry("8.8.8.8/24");
  ASSERT_FALSE(range.has_value());
  EXPECT_EQ(range.error().msg, Msg::kIpHostBits);
  EXPECT_EQ(range.error().args, (std::vector<std::string>{"8.8.8.8/24", "8.8.8.0/24"}));
}

TEST(Allowlist, RejectsMalformedText) {
  const std::vector<std::string_view> malformed = {"",
                                                   " ",
                                                   "8.8.8.8 ",
                                                   " 8.8.8.8",
                                                   "8.8.8 .8",
                                                   "8.8.8.8/ 24",
                                                   "1.2.3.4.5",
                                                   "1.2.3",
                                                   "256.1.1.1",
                                                   "1.2.3.256",
                                                   "1.2.3.4/33",
                                                   "1.2.3.4/",
                                                   "1.2.3.4/24/8",
                                                   "1.2.3.4/-1",
                                                   "/24",
                                                   "example.com",
                                                   "::1",
                                                   "8.8.8.8\n",
                                                   std::string_view("8.8.8.8\0", 8)};
  for (std::string_view text : malformed) ExpectRejected(text, Msg::kIpInvalid);
}

TEST(Allowlist, AllowPrivateSkipsOnlyThePublicSpaceRule) {
  const AllowlistOptions options{.allow_private = true};
  EXPECT_TRUE(ParseAllowlistEntry("10.0.0.0/8", options).has_value());
  EXPECT_TRUE(ParseAllowlistEntry("192.168.1.10", options).has_value());
  EXPECT_TRUE(ParseAllowlistEntry("127.0.0.1", options).has_value());
  EXPECT_EQ(ParseAllowlistEntry("0.0.0.0/0", options).error().msg, Msg::kIpZeroPrefix);
  EXPECT_EQ(ParseAllowlistEntry("10.*", options).error().msg, Msg::kIpWildcard);
  EXPECT_EQ(ParseAllowlistEntry("010.0.0.1", options).error().msg, Msg::kIpLeadingZero);
  EXPECT_EQ(ParseAllowlistEntry("10.0.0.1/8", options).error().msg, Msg::kIpHostBits);
}

TEST(Allowlist, RangeParserAdmitsPrivateButNotZeroPrefix) {
  EXPECT_EQ(ParseIpv4Range("10.0.0.0/8").value(), (Ipv4Range{0x0A000000U, 8}));
  EXPECT_EQ(ParseIpv4Range("127.0.0.1").value(), (Ipv4Range{0x7F000001U, 32}));
  EXPECT_EQ(ParseIpv4Range("0.0.0.0/0").error().msg, Msg::kIpZeroPrefix);
  EXPECT_EQ(ParseIpv4Range("10.0.0.1/8").error().msg, Msg::kIpHostBits);
}

TEST(Allowlist, ListErrorsNameTheFieldOfTheBadEntry) {
  const auto list = ParseAllowlist({"8.8.8.8", "1.1.1.0/24", "10.0.0.1"});
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().field, "allowedIps[2]");
  EXPECT_EQ(list.error().msg, Msg::kIpNotPublic);

  const auto first = ParseAllowlist({"1.2.3.*"});
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().field, "allowedIps[0]");
}

TEST(Allowlist, ListRejectsDuplicates) {
  const auto list = ParseAllowlist({"8.8.8.8", "1.1.1.1", "8.8.8.8/32"});
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().msg, Msg::kIpDuplicate);
  EXPECT_EQ(list.error().field, "allowedIps[2]");
  EXPECT_EQ(list.error().args, std::vector<std::string>{"8.8.8.8/32"});
}

TEST(Allowlist, ListRejectsTooManyEntries) {
  const AllowlistOptions options{.max_entries = 2};
  EXPECT_TRUE(ParseAllowlist({"8.8.8.8", "1.1.1.1"}, options).has_value());
  const auto list = ParseAllowlist({"8.8.8.8", "1.1.1.1", "9.9.9.9"}, options);
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().msg, Msg::kTooManyItems);
  EXPECT_EQ(list.error().field, "allowedIps");
  EXPECT_EQ(list.error().Message(), "allowedIps may hold at most 2 entries");
}

TEST(Allowlist, ListKeepsOrder) {
  const auto list = ParseAllowlist({"9.9.9.9", "8.8.8.0/24"});
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(*list, (std::vector<Ipv4Range>{{0x09090909U, 32}, {0x08080800U, 24}}));
  EXPECT_TRUE(ParseAllowlist({}).value().empty());
}

TEST(IpAddress, ParsesIpv4AndIpv6) {
  const auto v4 = IpAddress::Parse("203.0.113.9");
  ASSERT_TRUE(v4.has_value());
  EXPECT_TRUE(v4->is_v4());
  EXPECT_EQ(v4->v4(), 0xCB007109U);
  EXPECT_EQ(v4->ToString(), "203.0.113.9");

  const auto v6 = IpAddress::Parse("2001:db8::1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_FALSE(v6->is_v4());
  EXPECT_EQ(v6->ToString(), "2001:db8::1");
}

TEST(IpAddress, MappedIpv6BecomesIpv4) {
  const auto mapped = IpAddress::Parse("::ffff:8.8.4.4");
  ASSERT_TRUE(mapped.has_value());
  EXPECT_TRUE(mapped->is_v4());
  EXPECT_EQ(*mapped, IpAddress::V4(0x08080404U));
  EXPECT_EQ(IpAddress::Parse("::FFFF:0808:0404"), IpAddress::V4(0x08080404U));
  // The deprecated IPv4-compatible form is not mapped.
  EXPECT_FALSE(IpAddress::Parse("::8.8.4.4")->is_v4());
}

TEST(IpAddress, RejectsNonAddresses) {
  for (std::string_view text : {"", "localhost", "1.2.3", "01.2.3.4", "1.2.3.4:80", "[::1]",
                                "fe80::1%eth0", "::g", "1::2::3"}) {
    EXPECT_FALSE(IpAddress::Parse(text).has_value()) << text;
  }
  EXPECT_FALSE(IpAddress::Parse(std::string(100, ':')).has_value());
}

TEST(Allowlist, EmptyListAdmitsEveryone) {
  EXPECT_TRUE(AllowlistPermits({}, IpAddress::Parse("10.0.0.1")));
  EXPECT_TRUE(AllowlistPermits({}, IpAddress::Parse("2001:db8::1")));
  EXPECT_TRUE(AllowlistPermits({}, std::nullopt));
}

TEST(Allowlist, PermitsOnlyAddressesInsideARange) {
  const std::vector<Ipv4Range> list = ParseAllowlist({"8.8.8.0/24", "1.1.1.1"}).value();
  EXPECT_TRUE(AllowlistPermits(list, IpAddress::Parse("8.8.8.0")));
  EXPECT_TRUE(AllowlistPermits(list, IpAddress::Parse("8.8.8.255")));
  EXPECT_FALSE(AllowlistPermits(list, IpAddress::Parse("8.8.9.0")));
  EXPECT_TRUE(AllowlistPermits(list, IpAddress::Parse("1.1.1.1")));
  EXPECT_FALSE(AllowlistPermits(list, IpAddress::Parse("1.1.1.2")));
  EXPECT_FALSE(AllowlistPermits(list, IpAddress::Parse("1.1.1.0")));
  EXPECT_FALSE(AllowlistPermits(list, std::nullopt));
}

TEST(Allowlist, Ipv6ClientNeverMatchesNonEmptyList) {
  const std::vector<Ipv4Range> list = ParseAllowlist({"8.8.8.0/24"}).value();
  EXPECT_FALSE(AllowlistPermits(list, IpAddress::Parse("2001:db8::1")));
  EXPECT_FALSE(AllowlistPermits(list, IpAddress::Parse("::8.8.8.8")));
  EXPECT_FALSE(AllowlistPermits(list, IpAddress::Parse("64:ff9b::808:808")));
}

TEST(Allowlist, MappedIpv6ClientMatchesItsIpv4Range) {
  const std::vector<Ipv4Range> list = ParseAllowlist({"8.8.8.0/24"}).value();
  EXPECT_TRUE(AllowlistPermits(list, IpAddress::Parse("::ffff:8.8.8.8")));
  EXPECT_FALSE(AllowlistPermits(list, IpAddress::Parse("::ffff:8.8.9.8")));
}

}  // namespace
}  // namespace keyward::core
