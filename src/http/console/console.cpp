#include "http/console/console.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include <optional>
#include <string>
#include <utility>

#include "http/console/console_path.hpp"
#include "http/console/media_type.hpp"
#include "http/console/negotiation.hpp"

namespace keyward::http::console {
namespace {

namespace bh = boost::beast::http;

// The console's own scripts, styles, images, fonts and API calls, nothing inline and nothing
// from elsewhere; no <base>, no framing by another page (docs/security.md "The web console").
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// 128 bits of the SHA-256: no two versions of a file will ever share it.
constexpr std::size_t kEtagDigits = 32;

Response Start(const Request& request, bh::status status) {
  Response response{status, request.version()};
  response.set("Content-Security-Policy", kContentSecurityPolicy);
  response.set(bh::field::x_frame_options, "DENY");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Content-Type-Options", "nosniff");
  response.set(bh::field::cache_control, "no-cache");
  response.keep_alive(request.keep_alive());
  return response;
}

// A small plain-text answer: the console's 301, 404 and 405.
Response Plain(const Request& request, bh::status status, std::string_view text) {
  Response response = Start(request, status);
  response.set(bh::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(text) + "\n";
  response.prepare_payload();
  return response;
}

// Every value of header `field` in `request`, joined with commas (RFC 9110 5.3).
std::string Joined(const Request& request, bh::field field) {
  std::string joined;
  const auto [first, last] = request.equal_range(field);
  for (auto it = first; it != last; ++it) {
    if (!joined.empty()) joined += ',';
    joined += it->value();
  }
  return joined;
}

}  // namespace

Console::Console(std::span<const EmbeddedFile> files) {
  for (const EmbeddedFile& file : files) {
    const std::optional<std::string_view> type = MediaTypeFor(file.path);
    if (!type) continue;
    const std::string digest(file.sha256.substr(0, kEtagDigits));
    assets_.emplace(file.path, Asset{.file = &file,
                                     .media_type = *type,
                                     .etag = '"' + digest + '"',
                                     .gzip_etag = '"' + digest + "-gzip\""});
  }
}

bool Console::Owns(const Request& request) { return IsConsoleTarget(request.target()); }

Response Console::Answer(const Request& request) const {
  if (request.method() != bh::verb::get && request.method() != bh::verb::head) {
    Response response = Plain(request, bh::status::method_not_allowed, "method not allowed");
    response.set(bh::field::allow, "GET, HEAD");
    return response;
  }
  const ConsoleTarget target = ResolveConsoleTarget(request.target());
  switch (target.kind) {
    case ConsoleTarget::Kind::kRedirect: {
      Response response = Plain(request, bh::status::moved_permanently, "moved permanently");
      response.set(bh::field::location, "/console/");
      return response;
    }
    case ConsoleTarget::Kind::kFile:
      if (const auto it = assets_.find(target.file); it != assets_.end()) {
        return FileAnswer(request, it->second);
      }
      break;
    case ConsoleTarget::Kind::kNotFound:
      break;
  }
  return Plain(request, bh::status::not_found, "not found");
}

Response Console::FileAnswer(const Request& request, const Asset& asset) const {
  const bool gzip =
      !asset.file->gzip.empty() && AcceptsGzip(Joined(request, bh::field::accept_encoding));
  const std::string& etag = gzip ? asset.gzip_etag : asset.etag;
  Response response = Start(request, bh::status::ok);
  response.set(bh::field::etag, etag);
  // Always, whether or not this file has a gzip encoding: a cache must not hand one client's
  // answer to another that asked differently.
  response.set(bh::field::vary, "Accept-Encoding");
  if (EtagMatches(Joined(request, bh::field::if_none_match), etag)) {
    response.result(bh::status::not_modified);
    return response;
  }
  response.set(bh::field::content_type, asset.media_type);
  if (gzip) response.set(bh::field::content_encoding, "gzip");
  response.body() = std::string(gzip ? asset.file->gzip : asset.file->bytes);
  response.prepare_payload();
  return response;
}

}  // namespace keyward::http::console
