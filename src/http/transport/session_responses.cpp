#include "http/transport/session_responses.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/locale.hpp"
#include "core/messages.hpp"
#include "http/reply.hpp"
#include "http/secret_scan.hpp"

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::size_t kMaxLoggedPath = 256;

}  // namespace

Response TransportErrorResponse(unsigned status, unsigned version, std::size_t body_limit,
                                std::string_view detail) {
  Response response;
  if (status == 413) {
    response = JsonErrorResponse(status, version, core::ErrorCode::kPayloadTooLarge,
                                 core::Msg::kPayloadTooLarge, {std::to_string(body_limit)});
  } else if (status == 400) {
    response = JsonErrorResponse(status, version, core::ErrorCode::kInvalidArgument,
                                 core::Msg::kHttpMalformed, {std::string(detail)});
  } else if (status == 431) {
    response = JsonErrorResponse(status, version, core::ErrorCode::kInvalidArgument,
                                 core::Msg::kHeadersTooLarge, {std::string(detail)});
  } else {
    response = Response{static_cast<bhttp::status>(status), version};
    SetApiHeaders(response);
  }
  response.keep_alive(false);
  response.prepare_payload();
  return response;
}

std::string ParseFault(const boost::system::error_code& ec) {
  if (ec == bhttp::error::bad_method) return "a malformed method";
  if (ec == bhttp::error::bad_target) return "a malformed request target";
  if (ec == bhttp::error::bad_version) return "a malformed HTTP version";
  if (ec == bhttp::error::bad_field) return "a malformed header field name";
  if (ec == bhttp::error::bad_value) {
    return "a header field value with a control character (such as NUL)";
  }
  if (ec == bhttp::error::bad_line_ending) return "a line not ended by CRLF";
  if (ec == bhttp::error::bad_chunk) return "a malformed chunk size in a chunked body";
  return ec.message();  // "bad Content-Length", "multiple Content-Length", "bad obs-fold", ...
}

void FinishResponse(Response& response, const Request& request, bool keep_alive) {
  response.version(request.version());
  response.erase(bhttp::field::server);
  const unsigned status = response.result_int();
  const bool bodiless = status < 200 || status == 204 || status == 304;
  if (bodiless) response.body().clear();
  response.keep_alive(keep_alive);
  response.prepare_payload();
  // RFC 9110 8.6: no Content-Length on 1xx and 204; on 304 it would have to be GET's length.
  if (bodiless) response.erase(bhttp::field::content_length);
  // HEAD is answered with GET's headers, Content-Length included, and no body.
  if (request.method() == bhttp::verb::head) response.body().clear();
}

namespace {

// "HTTP/1.1 200 OK\r\n": the status line of `code` (three digits) in HTTP `version` (11 for 1.1).
void AppendStatusLine(unsigned version, unsigned code, std::string_view reason, std::string& out) {
  const char line[] = {'H',
                       'T',
                       'T',
                       'P',
                       '/',
                       static_cast<char>('0' + version / 10),
                       '.',
                       static_cast<char>('0' + version % 10),
                       ' ',
                       static_cast<char>('0' + code / 100),
                       static_cast<char>('0' + (code / 10) % 10),
                       static_cast<char>('0' + code % 10),
                       ' '};
  out.append(line, sizeof line);
  out.append(reason.data(), reason.size());
  out.append("\r\n", 2);
}

}  // namespace

void SerializeHead(const Response& response, std::string& out) {
  AppendStatusLine(response.version(), response.result_int(), response.reason(), out);
  for (const auto& field : response) {
    const std::string_view name = field.name_string();
    const std::string_view value = field.value();
    out.append(name.data(), name.size());
    out.append(": ", 2);
    out.append(value.data(), value.size());
    out.append("\r\n", 2);
  }
  out.append("\r\n", 2);
}

void SerializeHeadAnswer(const HeadAnswer& answer, const Request& request, bool keep_alive,
                         std::string& out) {
  const unsigned version = request.version();
  AppendStatusLine(version, answer.status,
                   bhttp::obsolete_reason(static_cast<bhttp::status>(answer.status)), out);
  out += answer.fields;
  // As Beast's keep_alive() leaves a response that had no Connection field: HTTP/1.1 says only
  // "close", HTTP/1.0 only "keep-alive".
  if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
  if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
  const unsigned code = answer.status;
  const bool bodiless = code < 200 || code == 204 || code == 304;
  if (!bodiless) out += "Content-Length: 0\r\n";
  out.append("\r\n", 2);
}

std::string PathForLog(std::string_view target) {
  const std::size_t end = target.find_first_of("?#");
  const std::string_view path = target.substr(0, end);
  std::string out;
  out.reserve(std::min(path.size(), kMaxLoggedPath));
  std::size_t start = 0;
  while (start <= path.size() && out.size() < kMaxLoggedPath) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view segment = path.substr(start, slash - start);
    // Decoded before it is judged (MayCarrySecret), so that "%6Bw_..." is caught as "kw_..." is;
    // a segment that passes is written as it came, still encoded.
    out += MayCarrySecret(segment) ? std::string_view("[redacted]") : segment;
    if (slash < path.size()) out += '/';
    start = slash + 1;
  }
  if (out.size() > kMaxLoggedPath) out.resize(kMaxLoggedPath);
  return out;
}

std::string_view MethodForLog(const bhttp::request_header<>& header) {
  if (header.method() == bhttp::verb::unknown) return "[unknown]";
  return header.method_string();
}

}  // namespace keyward::http
