// The server's TLS configuration: a certificate chain and private key from PEM files, TLS 1.2
// as the floor, no compression, no renegotiation. Thread-safety: the context returned is
// read-only once built and shared by every connection.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "core/result.hpp"

namespace keyward::http {

// Builds the server context from `cert_file` (PEM chain, leaf first) and `key_file` (PEM).
// Errors name the file that could not be loaded, or say that the key does not match the
// certificate; never the key's content.
core::Result<std::unique_ptr<boost::asio::ssl::context>> MakeTlsContext(
    const std::string& cert_file, const std::string& key_file);

}  // namespace keyward::http
