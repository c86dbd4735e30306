#include "siem/syslog_sender.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <optional>
#include <utility>

#include "siem/cef.hpp"
#include "siem/connection.hpp"

namespace keyward::siem {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

std::string DestinationName(const SyslogDestination& destination) {
  if (!destination.text.empty()) return "syslog " + destination.text;
  const bool v6 = destination.host.find(':') != std::string::npos;
  return "syslog " + std::string(TransportName(destination.transport)) + "://" +
         (v6 ? "[" + destination.host + "]" : destination.host) + ":" +
         std::to_string(destination.port);
}

// One datagram per event (RFC 5426); a message too long is truncated, never split.
class UdpSyslogSender final : public Sender {
 public:
  UdpSyslogSender(const SyslogDestination& destination, SyslogHeader header,
                  std::string product_version)
      : destination_(destination),
        header_(std::move(header)),
        product_version_(std::move(product_version)),
        name_(DestinationName(destination)) {}

  core::Status Send(const Batch& batch, const SendLimits& limits) override {
    KW_RETURN_IF_ERROR(Open(limits));
    for (const auto& event : batch) {
      const std::string message = TruncateMessage(SyslogMessage(header_, *event, product_version_),
                                                  destination_.max_datagram);
      error_code ec;
      socket_.send_to(asio::buffer(message), *endpoint_, 0, ec);
      if (ec) {
        Reset();
        return core::Unavailable("send to " + name_ + ": " + ec.message());
      }
    }
    return core::Ok();
  }

  const std::string& name() const override { return name_; }

 private:
  // Resolves the receiver (again after an error, in case its address moved) and opens a socket.
  core::Status Open(const SendLimits& limits) {
    if (endpoint_ && socket_.is_open()) return core::Ok();
    asio::ip::udp::resolver resolver(ioc_);
    std::optional<asio::ip::udp::endpoint> found;
    error_code ec = RunBounded(
        ioc_, limits,
        [&](OnDone done) {
          resolver.async_resolve(destination_.host, std::to_string(destination_.port),
                                 [&found, done](error_code e, auto results) {
                                   if (!e && !results.empty()) found = results.begin()->endpoint();
                                   done(e);
                                 });
        },
        [&] { resolver.cancel(); });
    if (ec || !found) {
      return core::Unavailable("resolve " + name_ + ": " +
                               (ec ? ec.message() : std::string("no address")));
    }
    socket_.open(found->protocol(), ec);
    // A full send buffer must not block the worker: such a send fails and is retried.
    if (!ec) socket_.non_blocking(true, ec);
    if (ec) {
      Reset();
      return core::Unavailable("open a UDP socket for " + name_ + ": " + ec.message());
    }
    endpoint_ = *found;
    return core::Ok();
  }

  void Reset() {
    error_code ignored;
    socket_.close(ignored);
    endpoint_.reset();
  }

  SyslogDestination destination_;
  SyslogHeader header_;
  std::string product_version_;
  std::string name_;
  asio::io_context ioc_;
  asio::ip::udp::socket socket_{ioc_};
  std::optional<asio::ip::udp::endpoint> endpoint_;
};

// Octet-counted frames (RFC 6587, RFC 5425) over one kept-open TCP or TLS connection.
class StreamSyslogSender final : public Sender {
 public:
  StreamSyslogSender(const SyslogDestination& destination, SyslogHeader header,
                     std::string product_version, std::shared_ptr<asio::ssl::context> tls)
      : header_(std::move(header)),
        product_version_(std::move(product_version)),
        name_(DestinationName(destination)),
        connection_(std::move(tls), !destination.insecure, destination.host, destination.port) {}

  core::Status Send(const Batch& batch, const SendLimits& limits) override {
    // Syslog has no acknowledgements: writing into a connection the receiver already closed
    // would lose the batch silently, so look before writing.
    if (connection_.is_open() && connection_.PeerClosed()) connection_.Close();
    if (!connection_.is_open()) KW_RETURN_IF_ERROR(connection_.Connect(limits));
    std::string frames;
    for (const auto& event : batch) {
      frames += FrameOctetCounted(SyslogMessage(header_, *event, product_version_));
    }
    return connection_.Write(frames, limits);
  }

  const std::string& name() const override { return name_; }

 private:
  SyslogHeader header_;
  std::string product_version_;
  std::string name_;
  StreamConnection connection_;
};

}  // namespace

std::string SyslogMessage(const SyslogHeader& header, const core::AuditEvent& event,
                          std::string_view product_version) {
  const std::string cef = FormatCef(event, event.hash, product_version);
  return FormatSyslog(header, event, CefSeverity(event.action, event.outcome), cef);
}

core::Result<std::unique_ptr<Sender>> MakeSyslogSender(const SyslogDestination& destination,
                                                       SyslogHeader header,
                                                       std::string product_version) {
  header.facility = destination.facility;
  if (destination.transport == SyslogTransport::kUdp) {
    return std::unique_ptr<Sender>(
        std::make_unique<UdpSyslogSender>(destination, std::move(header), product_version));
  }
  std::shared_ptr<asio::ssl::context> tls;
  if (destination.transport == SyslogTransport::kTls) {
    KW_ASSIGN_OR_RETURN(tls, MakeClientTlsContext(destination.insecure, destination.ca_file));
  }
  return std::unique_ptr<Sender>(std::make_unique<StreamSyslogSender>(
      destination, std::move(header), std::move(product_version), std::move(tls)));
}

}  // namespace keyward::siem
