// The files of web/ as the build embedded them into the binary (embed_web.cmake writes the
// definition of EmbeddedFiles from web/ at build time; a change to a file there rebuilds it).
// Immutable data with static storage: thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace keyward::http::console {

struct EmbeddedFile {
  std::string_view path;    // below web/, '/'-separated: "index.html", "js/app.js"
  std::string_view bytes;   // the file's bytes, exactly
  std::string_view gzip;    // `gzip -9 -n` of bytes; empty when that is no smaller
  std::string_view sha256;  // the hex SHA-256 of bytes (64 lower-case digits)
};

// Every embedded file, sorted by path. Empty when web/ held none.
std::span<const EmbeddedFile> EmbeddedFiles();

}  // namespace keyward::http::console
