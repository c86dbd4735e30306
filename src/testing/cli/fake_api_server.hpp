// Test support: an HTTP server on 127.0.0.1 (ephemeral port) that answers each connection with the
// next canned response and records the requests it received, so client tests check what went on
// the wire without a Keyward server. Runs on its own thread; requests() may be called from any
// thread. The server itself (Asio coroutines, Beast's read and write) is compiled once, in
// fake_api_server.cpp, not in every test that includes this header.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>
#include <string>
#include <vector>

namespace keyward::cli::testing {

class FakeApiServer {
 public:
  struct Canned {
    unsigned status = 200;
    std::string body;
  };
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  // Starts listening at once; serves `responses` in order, one connection each.
  explicit FakeApiServer(std::vector<Canned> responses);
  // Stops the server and joins its thread.
  ~FakeApiServer();

  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  std::string url() const;

  // The requests received so far, in order.
  std::vector<Request> requests() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace keyward::cli::testing
