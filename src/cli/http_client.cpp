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

// Sends the request and reads the response on an established (and handshaken) stream.
template <typename Stream>
asio::awaitable<void> Talk(Stream& stream, Exchange& ex) {
  beast::get_lowest_layer(stream).expires_at(ex.deadline);
  ex.sent = true;
  co_await http::async_write(stream, ex.request, asio::use_awaitable);
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
                .tls = tls ? &*tls : nullptr,
                .sent = false,
                .response = std::nullopt,
                .failure = {}};
    ex.request = {ToVerb(request.method), Target(request), 11};
    ex.request.set(http::field::host, server_.host_header);
    ex.request.set(http::field::user_agent, "keyward-cli");
    ex.request.set(http::field::accept, "application/json");
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
      // The stream timeouts end every step but name resolution; this ends that too.
      ioc.run_until(ex.deadline);
    }
    if (ex.response) return std::move(*ex.response);
    if (ex.failure.empty()) ex.failure = "timed out after " + Seconds(options_.total_timeout);
    return TransportFailure{ex.sent, std::move(ex.failure)};
  } catch (const std::exception& e) {
    return TransportFailure{false, e.what()};
  }
}

}  // namespace keyward::cli
