#include "siem/hec_sender.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <utility>

#include "siem/connection.hpp"
#include "siem/url_text.hpp"

namespace keyward::siem {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

// An HEC answer is a short JSON object; anything longer is not worth reading.
constexpr std::uint64_t kResponseBodyLimit = 64 * 1024;
constexpr std::size_t kLoggedBodyChars = 200;

class HecSender final : public Sender {
 public:
  HecSender(const HecDestination& destination, HecEndpoint endpoint, std::string hostname,
            std::shared_ptr<asio::ssl::context> tls)
      : authorization_(HecAuthorization(destination.token)),
        endpoint_(std::move(endpoint)),
        hostname_(std::move(hostname)),
        name_("hec " + RedactedUrl(destination.url)),
        connection_(std::move(tls), !destination.insecure, endpoint_.host, endpoint_.port) {}

  core::Status Send(const Batch& batch, const SendLimits& limits) override {
    if (batch.empty()) return core::Ok();
    if (connection_.is_open() && connection_.PeerClosed()) connection_.Close();
    if (!connection_.is_open()) KW_RETURN_IF_ERROR(connection_.Connect(limits));

    bhttp::request<bhttp::string_body> request{bhttp::verb::post, endpoint_.target, 11};
    request.set(bhttp::field::host, endpoint_.host_header);
    request.set(bhttp::field::authorization, authorization_);
    request.set(bhttp::field::content_type, "application/json");
    request.set(bhttp::field::user_agent, "keyward");
    request.keep_alive(true);
    request.body() = FormatHecBatch(batch, hostname_);
    request.prepare_payload();

    error_code ec = RunBounded(
        connection_.io_context(), limits,
        [&](OnDone done) {
          connection_.Visit([&](auto& stream) {
            bhttp::async_write(stream, request, [done](error_code e, std::size_t) { done(e); });
          });
        },
        [&] { connection_.Cancel(); });
    if (ec) return Fail(connection_.Failure("POST to", ec));

    boost::beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kResponseBodyLimit);
    ec = RunBounded(
        connection_.io_context(), limits,
        [&](OnDone done) {
          connection_.Visit([&](auto& stream) {
            bhttp::async_read(stream, buffer, parser,
                              [done](error_code e, std::size_t) { done(e); });
          });
        },
        [&] { connection_.Cancel(); });
    if (ec) return Fail(connection_.Failure("read the answer of", ec));
    return Judge(parser.release());
  }

  const std::string& name() const override { return name_; }

 private:
  core::Status Fail(core::Error error) {
    connection_.Close();
    return error;
  }

  // 2xx: taken. 400 and 413: HEC refuses this data itself, so retrying cannot help. Anything else
  // (401/403 while a token is being fixed, 429, 5xx): retry.
  core::Status Judge(const bhttp::response<bhttp::string_body>& response) {
    if (!response.keep_alive()) connection_.Close();
    const unsigned status = response.result_int();
    if (status >= 200 && status < 300) return core::Ok();
    std::string detail = name_ + " answered " + std::to_string(status) + ": " +
                         response.body().substr(0, kLoggedBodyChars);
    if (status == 400 || status == 413) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kInternal,
                             {std::move(detail)});
    }
    return core::Unavailable(std::move(detail));
  }

  std::string authorization_;
  HecEndpoint endpoint_;
  std::string hostname_;
  std::string name_;
  StreamConnection connection_;
};

}  // namespace

core::Result<std::unique_ptr<Sender>> MakeHecSender(const HecDestination& destination,
                                                    std::string hostname) {
  KW_ASSIGN_OR_RETURN(HecEndpoint endpoint, ParseHecUrl(destination.url));
  if (destination.token.empty()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kRequired,
                           {"the HEC token for " + RedactedUrl(destination.url)});
  }
  std::shared_ptr<asio::ssl::context> tls;
  if (endpoint.tls) {
    KW_ASSIGN_OR_RETURN(tls, MakeClientTlsContext(destination.insecure, destination.ca_file));
  }
  return std::unique_ptr<Sender>(std::make_unique<HecSender>(destination, std::move(endpoint),
                                                             std::move(hostname), std::move(tls)));
}

}  // namespace keyward::siem
