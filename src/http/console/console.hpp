// Console: the web console's surface, the files of web/ embedded in the binary
// (embedded_files.hpp) served at /console/ (docs/security.md "The web console"). It answers
// GET and HEAD only (405 with Allow: GET, HEAD otherwise); "/console" is 301 to "/console/",
// which serves index.html; a path that names no embedded file is 404 (console_path.hpp). A
// file's answer carries a strong ETag (its SHA-256, cut to 128 bits; another one for its gzip
// encoding) and is 304 when If-None-Match holds it; its body is gzip-encoded when the client
// accepts gzip and the encoding is smaller (negotiation.hpp). Every answer carries the console's
// security headers: a Content-Security-Policy that allows only the console's own scripts, styles,
// images, fonts and connections (no inline script or style), X-Frame-Options: DENY,
// Referrer-Policy: no-referrer, X-Content-Type-Options: nosniff; and Cache-Control: no-cache,
// so a browser revalidates each file with its ETag.
//
// Everything is in memory and nothing waits, so the front door answers the console on the I/O
// thread. Immutable after construction: thread-safe.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "http/console/embedded_files.hpp"
#include "http/handler.hpp"

namespace keyward::http::console {

class Console {
 public:
  // Serves `files` (the build's by default), which must outlive the Console. A file whose
  // extension has no media type (media_type.hpp) is left out: it is 404.
  explicit Console(std::span<const EmbeddedFile> files = EmbeddedFiles());

  // Whether `request` is the console's: its path is /console or below (console_path.hpp).
  // Allocates nothing.
  static bool Owns(const Request& request);

  // The answer to a console request (precondition: Owns(request)), in the request's HTTP
  // version and keep-alive, Content-Length set. For HEAD, the GET answer (the transport drops
  // its body). Throws only std::bad_alloc.
  Response Answer(const Request& request) const;

 private:
  struct Asset {
    const EmbeddedFile* file;
    std::string_view media_type;
    std::string etag;       // of the bytes as they are
    std::string gzip_etag;  // of their gzip encoding
  };

  Response FileAnswer(const Request& request, const Asset& asset) const;

  std::map<std::string_view, Asset, std::less<>> assets_;  // by path below web/
};

}  // namespace keyward::http::console
