// Test helpers for streamed responses (header-only, test code only): a raw HTTP client that
// reads a response of any size, counting its chunks, or only its header, each operation giving
// up after a while so a broken server fails a test instead of hanging it. One test thread.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace keyward::http::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct Received {
  beast::error_code ec;
  bhttp::response<bhttp::string_body> message;
  int chunks = 0;
};

// A raw client whose every operation gives up after a few seconds.
class StreamClient {
 public:
  explicit StreamClient(std::uint16_t port) {
    stream_.expires_after(std::chrono::seconds{10});
    stream_.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                          [this](beast::error_code ec) { ec_ = ec; });
    Run();
    if (ec_) throw std::runtime_error("connect failed");
  }

  void Send(const std::string& bytes) {
    stream_.expires_after(std::chrono::seconds{10});
    asio::async_write(stream_, asio::buffer(bytes),
                      [this](beast::error_code ec, std::size_t) { ec_ = ec; });
    Run();
    ASSERT_FALSE(ec_) << ec_.message();
  }

  // Reads one response of any size, counting its chunks; `head_only` for a HEAD.
  Received Read(bool head_only = false) {
    Received out;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    parser.skip(head_only);
    auto on_chunk = [&out](std::uint64_t, std::string_view, beast::error_code&) { ++out.chunks; };
    parser.on_chunk_header(on_chunk);
    stream_.expires_after(std::chrono::seconds{30});
    bhttp::async_read(stream_, buffer_, parser,
                      [&out](beast::error_code ec, std::size_t) { out.ec = ec; });
    Run();
    out.message = parser.release();
    return out;
  }

  // Reads the header of a response and leaves its body unread.
  void ReadHeaderOnly() {
    header_parser_.emplace();
    header_parser_->body_limit(boost::none);
    stream_.expires_after(std::chrono::seconds{10});
    bhttp::async_read_header(stream_, buffer_, *header_parser_,
                             [this](beast::error_code ec, std::size_t) { ec_ = ec; });
    Run();
    ASSERT_FALSE(ec_) << ec_.message();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void Run() {
    io_.restart();
    io_.run();
  }

  asio::io_context io_;
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;
  beast::error_code ec_;
  std::optional<bhttp::response_parser<bhttp::string_body>> header_parser_;
};

}  // namespace keyward::http::testing
