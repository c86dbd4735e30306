#include "cli/api_session.hpp"

#include <boost/json/parse.hpp>
#include <utility>

#include "cli/error_report.hpp"
#include "cli/exit_code.hpp"
#include "cli/render.hpp"

namespace keyward::cli {
namespace {

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

ApiSession::ApiSession(ClientIo io, HttpClient client, bool json)
    : io_(std::move(io)), client_(std::move(client)), json_(json) {}

std::variant<ApiSession, int> ApiSession::Open(const ClientIo& io, const std::string& url_override,
                                               bool json) {
  const auto usage = [&io, json](std::string_view message) {
    return ReportError(*io.out, *io.err, json, "usage", message, kExitUsage);
  };
  const std::string key = Trim(io.get_env("KEYWARD_API_KEY").value_or(""));
  if (key.empty()) {
    return usage(
        "KEYWARD_API_KEY is not set; export the API key to use, e.g.\n"
        "  export KEYWARD_API_KEY=kw_...");
  }
  if (!IsUsableKey(key)) {
    return usage("KEYWARD_API_KEY contains spaces or characters that no key has");
  }
  std::string url = url_override;
  if (url.empty()) url = Trim(io.get_env("KEYWARD_URL").value_or(""));
  if (url.empty()) url = kDefaultUrl;
  auto parsed = ParseServerUrl(url);
  if (const auto* problem = std::get_if<std::string>(&parsed)) return usage(*problem);
  HttpClientOptions options;
  options.verify_peer = !IsTrue(io.get_env("KEYWARD_INSECURE").value_or(""));
  auto& server = std::get<ServerUrl>(parsed);
  if (server.tls && !options.verify_peer) {
    *io.err << "keyward: warning: KEYWARD_INSECURE is set, the server's certificate is not "
               "verified\n";
  }
  return ApiSession(io, HttpClient(std::move(server), key, options), json);
}

int ApiSession::TransportError(const TransportFailure& failure) const {
  constexpr std::string_view kPrefix = "keyward: ";
  const std::string described = DescribeTransportFailure(client_.server().text, failure);
  return failure.request_sent
             ? Fail("failure", described.substr(kPrefix.size()), kExitFailure)
             : Fail("unreachable", described.substr(kPrefix.size()), kExitUnreachable);
}

std::variant<Reply, int> ApiSession::Call(const HttpRequest& request) const {
  auto outcome = client_.Send(request);
  if (const auto* failure = std::get_if<TransportFailure>(&outcome)) {
    return TransportError(*failure);
  }
  auto& response = std::get<HttpResponse>(outcome);
  const ExitCode code = ExitCodeForStatus(response.status);
  if (code != kExitOk) {
    return ReportApiError(out(), err(), json_, response.status, response.reason, response.body,
                          code);
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
      // Part of the body may already be on standard output: no error document after it.
      err() << "keyward: the response was cut short (" << failure->reason
            << "); what arrived is incomplete\n";
      return kExitFailure;
    }
    return TransportError(*failure);
  }
  const auto& response = std::get<HttpResponse>(outcome);
  const ExitCode code = ExitCodeForStatus(response.status);
  if (code != kExitOk) {
    return ReportApiError(out(), err(), json_, response.status, response.reason, response.body,
                          code);
  }
  return code;
}

int ApiSession::BadResponse(std::string_view what) const {
  return Fail("bad_response", "the server's response " + std::string(what), kExitFailure);
}

int ApiSession::Fail(std::string_view code, std::string_view message, int exit_code) const {
  return ReportError(out(), err(), json_, code, message, exit_code);
}

int ApiSession::UsageError(std::string_view message) const {
  return Fail("usage", message, kExitUsage);
}

void PrintRaw(std::ostream& out, const Reply& reply) {
  out << reply.raw;
  if (reply.raw.empty() || reply.raw.back() != '\n') out << '\n';
}

}  // namespace keyward::cli
