// FramingFault and FieldCount over header sections parsed by Beast's own parser, as the
// transport sees them; LimitParser and ReadErrorStatus over what that parser reports.
#include "http/transport/request_framing.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;

// The header section of `head` (which ends with a blank line), parsed as the server does.
RequestHeader Parse(const std::string& head) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(false);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(head), ec);
  EXPECT_FALSE(ec) << ec.message() << " parsing " << head;
  EXPECT_TRUE(parser.is_header_done());
  return parser.get().base();
}

bool Refused(const std::string& head) { return FramingFault(Parse(head)).has_value(); }

TEST(FramingFault, AcceptsAPlainHttp11Request) {
  EXPECT_FALSE(Refused("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  EXPECT_FALSE(Refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n"));
}

TEST(FramingFault, AcceptsChunkedInAnyCase) {
  EXPECT_FALSE(Refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"));
  EXPECT_FALSE(Refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ChUnKeD\r\n\r\n"));
}

TEST(FramingFault, RefusesATransferEncodingThatIsNotExactlyChunked) {
  for (const char* coding : {"identity", "gzip", "xchunked", "chunked, identity", "gzip, chunked",
                             "chunked, chunked", "chunked;q=1", ""}) {
    EXPECT_TRUE(Refused(std::string("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ") + coding +
                        "\r\n\r\n"))
        << coding;
  }
}

TEST(FramingFault, RefusesTwoTransferEncodingFields) {
  EXPECT_TRUE(
      Refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: "
              "chunked\r\n\r\n"));
}

TEST(FramingFault, RefusesTransferEncodingInHttp10) {
  EXPECT_TRUE(Refused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"));
  EXPECT_FALSE(Refused("GET / HTTP/1.0\r\n\r\n"));  // 1.0 needs no Host
}

TEST(FramingFault, RefusesHttp11WithoutExactlyOneHost) {
  EXPECT_TRUE(Refused("GET / HTTP/1.1\r\n\r\n"));
  EXPECT_TRUE(Refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
  EXPECT_TRUE(Refused("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n"));
}

TEST(FieldCount, CountsEveryFieldIncludingRepeats) {
  EXPECT_EQ(FieldCount(Parse("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nX: 2\r\n\r\n")), 3u);
}

TEST(FieldCount, GrowsWithTheTrailerFieldsOfAChunkedBody) {
  bhttp::request_parser<bhttp::string_body> parser;
  boost::beast::error_code ec;
  const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  parser.eager(false);
  parser.put(boost::asio::buffer(head), ec);
  ASSERT_FALSE(ec);
  ASSERT_TRUE(parser.is_header_done());
  const std::size_t at_header = FieldCount(parser.get());
  std::string_view rest = "2\r\n{}\r\n0\r\nX-Forwarded-For: 8.8.8.8\r\n\r\n";
  parser.eager(true);
  while (!rest.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_GT(used, 0u);
    rest.remove_prefix(used);
  }
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(FieldCount(parser.get()), at_header + 1);
}

// What Beast's parser, limited as the transport limits it, reports for `bytes`.
boost::beast::error_code ReadLimited(const std::string& bytes, std::size_t header_limit,
                                     std::size_t body_limit) {
  RequestParser parser;
  LimitParser(parser, header_limit, body_limit);
  boost::beast::error_code ec;
  std::string_view rest = bytes;
  while (!rest.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec) return ec;
    rest.remove_prefix(used);
  }
  return ec;
}

TEST(LimitParser, RefusesAHeaderSectionOverTheHeaderLimit) {
  const std::string request =
      "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(200, 'x') + "\r\n\r\n";
  EXPECT_EQ(ReadLimited(request, 100, 1000), bhttp::error::header_limit);
  EXPECT_FALSE(ReadLimited(request, 1000, 1000));
}

TEST(LimitParser, RefusesABodyOverTheBodyLimit) {
  const std::string request = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n0123456789a";
  EXPECT_EQ(ReadLimited(request, 1000, 10), bhttp::error::body_limit);
  EXPECT_FALSE(ReadLimited(request, 1000, 11));
}

TEST(ReadErrorStatus, AnswersTheLimitsAndSyntaxErrors) {
  EXPECT_EQ(ReadErrorStatus(bhttp::error::header_limit), 431u);
  EXPECT_EQ(ReadErrorStatus(bhttp::error::body_limit), 413u);
  EXPECT_EQ(ReadErrorStatus(bhttp::error::bad_target), 400u);
  EXPECT_EQ(ReadErrorStatus(bhttp::error::bad_chunk), 400u);
  EXPECT_EQ(ReadErrorStatus(bhttp::error::bad_field), 400u);
}

TEST(ReadErrorStatus, AnswersNoOneWhenThePeerIsGone) {
  EXPECT_EQ(ReadErrorStatus(bhttp::error::end_of_stream), std::nullopt);
  EXPECT_EQ(ReadErrorStatus(bhttp::error::partial_message), std::nullopt);
  EXPECT_EQ(ReadErrorStatus(boost::asio::error::connection_reset), std::nullopt);
}

}  // namespace
}  // namespace keyward::http
