#include "cli/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <exception>
#include <stdexcept>

namespace keyward::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace urls = boost::urls;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// A list of 500 keys is well under 1 MiB; anything far past that is not our server.
constexpr std::uint64_t kMaxResponseBody = 32 * 1024 * 1024;
// How much of a streamed body one read hands to the sink at most.
constexpr std::size_t kStreamPiece = 64 * 1024;

http::verb ToVerb(Method method) {
  switch (method) {
    case Method::kGet:
      return http::verb::get;
    case Method::kPost:
      return http::verb::post;
    case Method::kPatch:
      return http::verb::patch;
    case Method::kDelete:
      return http::verb::delete_;
  }
  return http::verb::get;
}

// The state of one exchange, shared by the coroutine and Send(); it outlives the io_context.
struct Exchange {
  const ServerUrl& server;
  const HttpClientOptions& options;
  http::request<http::string_body> request;
  Clock::time_point deadline;
  const BodySink* sink = nullptr;  // set: stream a 2xx body to it
  ssl::context* tls = nullptr;
  bool sent = false;
  std::optional<HttpResponse> response;
  std::string failure;
};

std::string Seconds(std::chrono::milliseconds ms) {
  return std::to_string((ms.count() + 999) / 1000) + " s";
}

// Turns an error into words; TLS failures say which certificate check failed and how to get
// past it in development.
std::string Describe(const boost::system::error_code& ec, const Exchange& ex, SSL* ssl_handle) {
  if (ec == beast::error::timeout) {
    return "timed out after " +
           Seconds(ex.sent ? ex.options.total_timeout : ex.options.connect_timeout);
  }
  if (ec.category() == asio::error::get_ssl_category() && ssl_handle != nullptr) {
    const long verify = SSL_get_verify_result(ssl_handle);
    if (verify != X509_V_OK) {
      return std::string("certificate verification failed: ") +
             X509_verify_cert_error_string(verify) +
             " (KEYWARD_INSECURE=1 skips verification for a self-signed development certificate)";
    }
  }
  return ec.message();
}

// Waits at most the total timeout from now for the next step of a streamed exchange.
template <typename Stream>
void Rearm(Stream& stream, Exchange& ex) {
  ex.deadline = Clock::now() + ex.options.total_timeout;
  beast::get_lowest_layer(stream).expires_at(ex.deadline);
}

// Reads the rest of a response whose header is read, a piece at a time: to the sink for a 2xx
// status, into the response's body (up to kMaxResponseBody) for any other.
template <typename Stream>
asio::awaitable<void> ReadPieces(Stream& stream, beast::flat_buffer& buffer,
                                 http::response_parser<http::buffer_body>& parser, Exchange& ex) {
  const unsigned status = parser.get().result_int();
  const bool to_sink = status >= 200 && status < 300;
  HttpResponse response{status, std::string(parser.get().reason()), {}};
  std::string piece(kStreamPiece, '\0');
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    Rearm(stream, ex);
    boost::system::error_code ec;
    co_await http::async_read_some(stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec && ec != http::error::need_buffer) throw boost::system::system_error(ec);
    const std::string_view got(piece.data(), piece.size() - parser.get().body().size);
    if (got.empty()) continue;
    if (!to_sink) {
      if (response.body.size() + got.size() > kMaxResponseBody) {
        throw std::runtime_error("the response is too large");
      }
      response.body += got;
    } else if (!(*ex.sink)(got)) {
      throw std::runtime_error("stopped reading the response");
    }
  }
  ex.response = std::move(response);
}

// Sends the request and reads the response on an established (and handshaken) stream.
template <typename Stream>
asio::awaitable<void> Talk(Stream& stream, Exchange& ex) {
  beast::get_lowest_layer(stream).expires_at(ex.deadline);
  ex.sent = true;
  co_await http::async_write(stream, ex.request, asio::use_awaitable);
  if (ex.sink != nullptr) {
    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    Rearm(stream, ex);
    co_await http::async_read_header(stream, buffer, parser, asio::use_awaitable);
    co_await ReadPieces(stream, buffer, parser, ex);
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBody);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  auto& res = parser.get();
  ex.response = HttpResponse{res.result_int(), std::string(res.reason()), std::move(res.body())};
}

void ConfigureTls(ssl::stream<beast::tcp_stream>& stream, const Exchange& ex) {
  SSL* handle = stream.native_handle();
  if (!ex.server.host_is_ip) {
    // RFC 6066 allows only DNS names in SNI.
    SSL_set_tlsext_host_name(handle, ex.server.host.c_str());
  }
  if (!ex.options.verify_peer) {
    stream.set_verify_mode(ssl::verify_none);
    return;
  }
  // OpenSSL's own name check, so a mismatch is reported as one by SSL_get_verify_result.
  X509_VERIFY_PARAM* param = SSL_get0_param(handle);
  if (ex.server.host_is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(param, ex.server.host.c_str());
  } else {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, ex.server.host.c_str(), 0);
  }
  stream.set_verify_mode(ssl::verify_peer);
}

asio::awaitable<void> Run(Exchange& ex) {
  auto executor = co_await asio::this_coro::executor;
  try {
    tcp::resolver resolver(executor);
    const auto endpoints =
        co_await resolver.async_resolve(ex.server.host, ex.server.port, asio::use_awaitable);
    beast::tcp_stream tcp_stream(executor);
    tcp_stream.expires_at(std::min(Clock::now() + ex.options.connect_timeout, ex.deadline));
    co_await tcp_stream.async_connect(endpoints, asio::use_awaitable);
    if (ex.tls == nullptr) {
      co_await Talk(tcp_stream, ex);
      co_return;
    }
    ssl::stream<beast::tcp_stream> stream(std::move(tcp_stream), *ex.tls);
    ConfigureTls(stream, ex);
    // The verification result lives in the stream, so a handshake failure is described here.
    boost::system::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      ex.failure = Describe(ec, ex, stream.native_handle());
      co_return;
    }
    co_await Talk(stream, ex);
    // No TLS close_notify: the response is complete, and waiting for the peer's would only add
    // a way to hang.
  } catch (const boost::system::system_error& e) {
    ex.failure = Describe(e.code(), ex, nullptr);
  } catch (const std::exception& e) {
    ex.failure = e.what();
  }
}

}  // namespace

std::variant<ServerUrl, std::string> ParseServerUrl(std::string_view text) {
  const auto parsed = urls::parse_uri(text);
  if (!parsed) return "KEYWARD_URL is not a URL such as http://127.0.0.1:8080";
  const urls::url_view u = *parsed;
  ServerUrl server;
  if (u.scheme_id() == urls::scheme::https) {
    server.tls = true;
  } else if (u.scheme_id() != urls::scheme::http) {
    return "KEYWARD_URL must start with http:// or https://";
  }
  if (u.has_userinfo()) {
    return "KEYWARD_URL must not contain credentials; the API key goes in KEYWARD_API_KEY";
  }
  if (u.has_query() || u.has_fragment()) {
    return "KEYWARD_URL must not have a query or a fragment";
  }
  server.host = u.host_address();
  if (server.host.empty()) return "KEYWARD_URL has no host";
  server.host_is_ip =
      u.host_type() == urls::host_type::ipv4 || u.host_type() == urls::host_type::ipv6;
  if (u.has_port() && !u.port().empty()) {
    if (u.port_number() == 0) return "KEYWARD_URL has an invalid port";
    server.port = u.port();
    server.host_header = std::string(u.encoded_host()) + ":" + server.port;
  } else {
    server.port = server.tls ? "443" : "80";
    server.host_header = u.encoded_host();
  }
  server.base_path = u.encoded_path();
  while (!server.base_path.empty() && server.base_path.back() == '/') server.base_path.pop_back();
  server.text = text;
  return server;
}

HttpClient::HttpClient(ServerUrl server, std::string api_key, HttpClientOptions options)
    : server_(std::move(server)), api_key_(std::move(api_key)), options_(options) {}

std::string HttpClient::Target(const HttpRequest& request) const {
  urls::url target;
  target.set_encoded_path(server_.base_path + request.path);
  for (const auto& [key, value] : request.query) target.params().append({key, value});
  return std::string(target.encoded_target());
}

std::variant<HttpResponse, TransportFailure> HttpClient::Send(const HttpRequest& request) const {
  return Perform(request, nullptr);
}

std::variant<HttpResponse, TransportFailure> HttpClient::Stream(const HttpRequest& request,
                                                                const BodySink& sink) const {
  return Perform(request, &sink);
}

std::variant<HttpResponse, TransportFailure> HttpClient::Perform(const HttpRequest& request,
                                                                 const BodySink* sink) const {
  try {
    std::optional<ssl::context> tls;
    if (server_.tls) {
      tls.emplace(ssl::context::tls_client);
      SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
      tls->set_default_verify_paths();
    }
    Exchange ex{.server = server_,
                .options = options_,
                .request = {},
                .deadline = Clock::now() + options_.total_timeout,
                .sink = sink,
                .tls = tls ? &*tls : nullptr,
                .sent = false,
                .response = std::nullopt,
                .failure = {}};
    ex.request = {ToVerb(request.method), Target(request), 11};
    ex.request.set(http::field::host, server_.host_header);
    ex.request.set(http::field::user_agent, "keyward-cli");
    ex.request.set(http::field::accept, sink != nullptr ? "*/*" : "application/json");
    ex.request.set(http::field::authorization, "Bearer " + api_key_);
    if (request.body) {
      ex.request.set(http::field::content_type, "application/json");
      ex.request.body() = *request.body;
    }
    ex.request.keep_alive(false);
    ex.request.prepare_payload();
    {
      asio::io_context ioc;
      asio::co_spawn(ioc, Run(ex), asio::detached);
      // The stream timeouts end every step but name resolution; this ends that too. A stream
      // moves the deadline on as bytes arrive.
      for (Clock::time_point deadline = ex.deadline; !ioc.stopped() && Clock::now() < deadline;
           deadline = ex.deadline) {
        ioc.run_until(deadline);
      }
    }
    if (ex.response) return std::move(*ex.response);
    if (ex.failure.empty()) ex.failure = "timed out after " + Seconds(options_.total_timeout);
    return TransportFailure{ex.sent, std::move(ex.failure)};
  } catch (const std::exception& e) {
    return TransportFailure{false, e.what()};
  }
}

}  // namespace keyward::cli
