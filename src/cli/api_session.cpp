#include "cli/api_session.hpp"

#include <boost/json/parse.hpp>
#include <utility>

#include "cli/exit_code.hpp"
#include "cli/render.hpp"

namespace keyward::cli {
namespace {

constexpr std::string_view kDefaultUrl = "http://127.0.0.1:8080";

std::string Trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

bool IsTrue(std::string_view value) {
  return value == "1" || value == "true" || value == "yes" || value == "TRUE" || value == "YES";
}

// A key that could break the header line is refused before anything is sent.
bool IsUsableKey(std::string_view key) {
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F) return false;
  }
  return true;
}

}  // namespace

ApiSession::ApiSession(ClientIo io, HttpClient client)
    : io_(std::move(io)), client_(std::move(client)) {}

std::variant<ApiSession, int> ApiSession::Open(const ClientIo& io,
                                               const std::string& url_override) {
  const std::string key = Trim(io.get_env("KEYWARD_API_KEY").value_or(""));
  if (key.empty()) {
    *io.err << "keyward: KEYWARD_API_KEY is not set; export the API key to use, e.g.\n"
               "  export KEYWARD_API_KEY=kw_...\n";
    return kExitUsage;
  }
  if (!IsUsableKey(key)) {
    *io.err << "keyward: KEYWARD_API_KEY contains spaces or characters that no key has\n";
    return kExitUsage;
  }
  std::string url = url_override;
  if (url.empty()) url = Trim(io.get_env("KEYWARD_URL").value_or(""));
  if (url.empty()) url = kDefaultUrl;
  auto parsed = ParseServerUrl(url);
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    *io.err << "keyward: " << *problem << '\n';
    return kExitUsage;
  }
  HttpClientOptions options;
  options.verify_peer = !IsTrue(io.get_env("KEYWARD_INSECURE").value_or(""));
  auto& server = std::get<ServerUrl>(parsed);
  if (server.tls && !options.verify_peer) {
    *io.err << "keyward: warning: KEYWARD_INSECURE is set, the server's certificate is not "
               "verified\n";
  }
  return ApiSession(io, HttpClient(std::move(server), key, options));
}

std::variant<Reply, int> ApiSession::Call(const HttpRequest& request) const {
  auto outcome = client_.Send(request);
  if (const auto* failure = std::get_if<TransportFailure>(&outcome)) {
    err() << DescribeTransportFailure(client_.server().text, *failure) << '\n';
    return failure->request_sent ? kExitFailure : kExitUnreachable;
  }
  auto& response = std::get<HttpResponse>(outcome);
  const ExitCode code = ExitCodeForStatus(response.status);
  if (code != kExitOk) {
    err() << DescribeApiError(response.status, response.reason, response.body) << '\n';
    return code;
  }
  Reply reply{response.status, std::move(response.body), nullptr};
  if (!reply.raw.empty()) {
    boost::system::error_code ec;
    reply.json = boost::json::parse(reply.raw, ec);
    if (ec) return BadResponse("is not JSON (HTTP " + std::to_string(response.status) + ")");
  }
  return reply;
}

int ApiSession::Stream(const HttpRequest& request, const BodySink& sink) const {
  bool receiving = false;
  auto outcome = client_.Stream(request, [&](std::string_view piece) {
    receiving = true;
    return sink(piece);
  });
  if (const auto* failure = std::get_if<TransportFailure>(&outcome)) {
    if (receiving) {
      err() << "keyward: the response was cut short (" << failure->reason
            << "); what arrived is incomplete\n";
      return kExitFailure;
    }
    err() << DescribeTransportFailure(client_.server().text, *failure) << '\n';
    return failure->request_sent ? kExitFailure : kExitUnreachable;
  }
  const auto& response = std::get<HttpResponse>(outcome);
  const ExitCode code = ExitCodeForStatus(response.status);
  if (code != kExitOk) {
    err() << DescribeApiError(response.status, response.reason, response.body) << '\n';
  }
  return code;
}

int ApiSession::BadResponse(std::string_view what) const {
  err() << "keyward: the server's response " << what << '\n';
  return kExitFailure;
}

void PrintRaw(std::ostream& out, const Reply& reply) {
  out << reply.raw;
  if (reply.raw.empty() || reply.raw.back() != '\n') out << '\n';
}

}  // namespace keyward::cli
