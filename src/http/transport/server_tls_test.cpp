// HTTPS: a self-signed certificate made at test time with OpenSSL's API, and a TLS client that
// skips verification.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/http/write.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "http/transport/server.hpp"
#include "testing/http/server_test_util.hpp"

namespace keyward::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using testing::Client;
using testing::RunningServer;

// A certificate and key in PEM files in a fresh temporary directory, removed on destruction.
class SelfSignedCertificate {
 public:
  SelfSignedCertificate() {
    dir_ = std::filesystem::temp_directory_path() /
           ("keyward-tls-test-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    cert_file_ = (dir_ / "cert.pem").string();
    key_file_ = (dir_ / "key.pem").string();

    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    if (!key || !cert) throw std::runtime_error("OpenSSL allocation failed");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
      throw std::runtime_error("X509_sign failed");
    }
    WritePem(cert_file_, [&](std::FILE* f) { return PEM_write_X509(f, cert.get()); });
    WritePem(key_file_, [&](std::FILE* f) {
      return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
  }

  ~SelfSignedCertificate() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const std::string& cert_file() const { return cert_file_; }
  const std::string& key_file() const { return key_file_; }

 private:
  template <class Write>
  static void WritePem(const std::string& path, Write write) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) throw std::runtime_error("cannot write " + path);
    const int ok = write(f);
    std::fclose(f);
    if (ok != 1) throw std::runtime_error("PEM write failed for " + path);
  }

  std::filesystem::path dir_;
  std::string cert_file_;
  std::string key_file_;
};

// One HTTPS GET over a fresh connection, without certificate verification.
std::optional<testing::ClientResponse> HttpsGet(std::uint16_t port, const std::string& target) {
  asio::io_context io;
  ssl::context context(ssl::context::tls_client);
  context.set_verify_mode(ssl::verify_none);
  ssl::stream<beast::tcp_stream> stream(io, context);
  beast::error_code error;
  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(testing::kClientTimeout);
  tcp.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                    [&](beast::error_code ec) {
                      if (ec) {
                        error = ec;
                        return;
                      }
                      stream.async_handshake(ssl::stream_base::client,
                                             [&](beast::error_code hec) { error = hec; });
                    });
  io.run();
  if (error) return std::nullopt;

  bhttp::request<bhttp::string_body> request{bhttp::verb::get, target, 11};
  request.set(bhttp::field::host, "localhost");
  testing::ClientResponse response;
  beast::flat_buffer buffer;
  bhttp::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
    if (ec) {
      error = ec;
      return;
    }
    bhttp::async_read(stream, buffer, response,
                      [&](beast::error_code rec, std::size_t) { error = rec; });
  });
  io.restart();
  io.run();
  if (error) return std::nullopt;
  return response;
}

TEST(Server, ServesHttps) {
  SelfSignedCertificate certificate;
  ServerOptions options;
  options.tls_cert_file = certificate.cert_file();
  options.tls_key_file = certificate.key_file();
  RunningServer server(options);
  auto response = HttpsGet(server.port(), "/secure");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body(), "GET /secure tls=1 body=0");
}

TEST(Server, ClosesAPlainTextRequestOnTheHttpsPort) {
  SelfSignedCertificate certificate;
  ServerOptions options;
  options.tls_cert_file = certificate.cert_file();
  options.tls_key_file = certificate.key_file();
  RunningServer server(options);
  Client plain(server.port());
  ASSERT_TRUE(plain.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_FALSE(plain.Read());  // no HTTP answer comes back over plain text
  EXPECT_EQ(server.handler.calls.load(), 0);
  EXPECT_TRUE(HttpsGet(server.port(), "/still-serving"));
}

TEST(Server, StartFailsNamingAMissingCertificateFile) {
  SelfSignedCertificate certificate;
  testing::EchoHandler handler;
  std::ostringstream log;
  Logger logger(log);
  Metrics metrics;
  ServerOptions options;
  options.port = 0;
  options.tls_cert_file = certificate.cert_file() + ".missing";
  options.tls_key_file = certificate.key_file();
  Server server(options, handler, logger, metrics);
  const core::Status status = server.Start();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().field, "tls_cert_file");
  EXPECT_NE(status.error().Message().find(".missing"), std::string::npos);
}

}  // namespace
}  // namespace keyward::http
