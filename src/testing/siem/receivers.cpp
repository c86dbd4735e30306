#include "testing/siem/receivers.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

namespace keyward::siem::testing {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

const asio::ip::address kLoopback = asio::ip::make_address("127.0.0.1");

// Reads octet-counted frames from one connection until it closes.
template <typename Stream>
class FrameSession : public std::enable_shared_from_this<FrameSession<Stream>> {
 public:
  FrameSession(Stream stream, Inbox<std::string>& inbox)
      : stream_(std::move(stream)), inbox_(inbox) {}

  void Read() {
    auto self = this->shared_from_this();
    stream_.async_read_some(asio::buffer(chunk_), [self](error_code ec, std::size_t n) {
      if (ec) return;
      self->pending_.append(self->chunk_.data(), n);
      if (self->Parse()) self->Read();
    });
  }

  Stream& stream() { return stream_; }

 private:
  // Takes every complete frame out of pending_. False on a malformed frame.
  bool Parse() {
    while (true) {
      const std::size_t space = pending_.find(' ');
      if (space == std::string::npos) return pending_.size() < 10;
      std::size_t length = 0;
      auto [ptr, ec] = std::from_chars(pending_.data(), pending_.data() + space, length);
      if (space == 0 || ec != std::errc() || ptr != pending_.data() + space) {
        inbox_.Add("<bad frame>");
        return false;
      }
      if (pending_.size() < space + 1 + length) return true;
      inbox_.Add(pending_.substr(space + 1, length));
      pending_.erase(0, space + 1 + length);
    }
  }

  Stream stream_;
  Inbox<std::string>& inbox_;
  std::array<char, 4096> chunk_{};
  std::string pending_;
};

template <typename Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream stream, HecCollector::Mode mode, Inbox<HecRequest>& inbox)
      : stream_(std::move(stream)), mode_(mode), inbox_(inbox) {}

  Stream& stream() { return stream_; }

  void Read() {
    request_ = {};
    auto self = this->shared_from_this();
    bhttp::async_read(stream_, buffer_, request_, [self](error_code ec, std::size_t) {
      if (ec) return;
      self->Record();
      if (self->mode_ == HecCollector::Mode::kSilent) {
        // Keep the connection open without answering: wait for the client to give up.
        self->Read();
        return;
      }
      self->Answer();
    });
  }

 private:
  void Record() {
    HecRequest r;
    r.method = std::string(request_.method_string());
    r.target = std::string(request_.target());
    r.authorization = std::string(request_[bhttp::field::authorization]);
    r.content_type = std::string(request_[bhttp::field::content_type]);
    r.body = request_.body();
    inbox_.Add(std::move(r));
  }

  void Answer() {
    const bool ok = mode_ == HecCollector::Mode::kSuccess;
    response_ = {ok ? bhttp::status::ok : bhttp::status::service_unavailable, 11};
    response_.set(bhttp::field::content_type, "application/json");
    response_.body() =
        ok ? R"({"text":"Success","code":0})" : R"({"text":"Server is busy","code":9})";
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
    auto self = this->shared_from_this();
    bhttp::async_write(stream_, response_, [self](error_code ec, std::size_t) {
      if (!ec && self->response_.keep_alive()) self->Read();
    });
  }

  Stream stream_;
  HecCollector::Mode mode_;
  Inbox<HecRequest>& inbox_;
  boost::beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_;
  bhttp::response<bhttp::string_body> response_;
};

void ListenOnLoopback(tcp::acceptor& acceptor) {
  const tcp::endpoint endpoint(kLoopback, 0);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen();
}

}  // namespace

void IoThread::Start() {
  thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(ioc_);
    ioc_.run();
  });
}

void IoThread::Stop() {
  ioc_.stop();
  if (thread_.joinable()) thread_.join();
}

UdpSyslogReceiver::UdpSyslogReceiver()
    : socket_(io_.context(), asio::ip::udp::endpoint(kLoopback, 0)), buffer_(65536) {
  port_ = socket_.local_endpoint().port();
  Receive();
  io_.Start();
}

UdpSyslogReceiver::~UdpSyslogReceiver() { io_.Stop(); }

void UdpSyslogReceiver::Receive() {
  socket_.async_receive_from(asio::buffer(buffer_), sender_, [this](error_code ec, std::size_t n) {
    if (ec) return;
    messages_.Add(std::string(buffer_.data(), n));
    Receive();
  });
}

StreamSyslogReceiver::StreamSyslogReceiver(std::shared_ptr<asio::ssl::context> tls)
    : tls_(std::move(tls)), acceptor_(io_.context()) {
  ListenOnLoopback(acceptor_);
  port_ = acceptor_.local_endpoint().port();
  Accept();
  io_.Start();
}

StreamSyslogReceiver::~StreamSyslogReceiver() { io_.Stop(); }

void StreamSyslogReceiver::Accept() {
  acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec) return;
    if (!tls_) {
      std::make_shared<FrameSession<tcp::socket>>(std::move(socket), messages_)->Read();
    } else {
      using TlsStream = asio::ssl::stream<tcp::socket>;
      auto session =
          std::make_shared<FrameSession<TlsStream>>(TlsStream(std::move(socket), *tls_), messages_);
      session->stream().async_handshake(asio::ssl::stream_base::server, [session](error_code e) {
        if (!e) session->Read();
      });
    }
    Accept();
  });
}

HecCollector::HecCollector(Mode mode, std::shared_ptr<asio::ssl::context> tls)
    : mode_(mode), tls_(std::move(tls)), acceptor_(io_.context()) {
  ListenOnLoopback(acceptor_);
  port_ = acceptor_.local_endpoint().port();
  Accept();
  io_.Start();
}

HecCollector::~HecCollector() { io_.Stop(); }

void HecCollector::Accept() {
  acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec) return;
    if (!tls_) {
      std::make_shared<HttpSession<tcp::socket>>(std::move(socket), mode_, requests_)->Read();
    } else {
      using TlsStream = asio::ssl::stream<tcp::socket>;
      auto session = std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket), *tls_),
                                                              mode_, requests_);
      session->stream().async_handshake(asio::ssl::stream_base::server, [session](error_code e) {
        if (!e) session->Read();
      });
    }
    Accept();
  });
}

TestCertificate MakeTestCertificate() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) throw std::runtime_error("cannot allocate a test certificate");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("keyward-test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  if (san == nullptr) throw std::runtime_error("cannot build the subjectAltName");
  X509_add_ext(cert.get(), san, -1);
  X509_EXTENSION_free(san);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    throw std::runtime_error("cannot sign the test certificate");
  }
  auto to_pem = [](auto write) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    write(bio.get());
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
  };
  TestCertificate out;
  out.cert_pem = to_pem([&](BIO* b) { PEM_write_bio_X509(b, cert.get()); });
  out.key_pem = to_pem([&](BIO* b) {
    PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return out;
}

std::shared_ptr<asio::ssl::context> MakeServerTlsContext(const TestCertificate& certificate) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->use_certificate_chain(asio::buffer(certificate.cert_pem));
  ctx->use_private_key(asio::buffer(certificate.key_pem), asio::ssl::context::pem);
  return ctx;
}

std::string WriteTempFile(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("keyward-siem-test-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

std::uint16_t DeadPort() {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc);
  ListenOnLoopback(acceptor);
  return acceptor.local_endpoint().port();
}

}  // namespace keyward::siem::testing
