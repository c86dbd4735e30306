#include "http/transport/tls_context.hpp"

#include <openssl/ssl.h>

#include <utility>

namespace keyward::http {
namespace {

namespace ssl = boost::asio::ssl;

core::Error FileError(const char* field, const std::string& file, const char* what) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kWrongType,
                         {std::string(field) + " \"" + file + "\"", what}, field);
}

}  // namespace

core::Result<std::unique_ptr<ssl::context>> MakeTlsContext(const std::string& cert_file,
                                                           const std::string& key_file) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return core::Internal("cannot set the minimum TLS version");
  }
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                       ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);

  boost::system::error_code ec;
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) return FileError("tls_cert_file", cert_file, "a readable PEM certificate chain");
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return FileError("tls_key_file", key_file, "a readable PEM private key");
  if (SSL_CTX_check_private_key(native) != 1) {
    return FileError("tls_key_file", key_file, "the private key of tls_cert_file");
  }
  return context;
}

}  // namespace keyward::http
