// Receivers for the SIEM tests, all on 127.0.0.1 with a port picked by the kernel: a UDP syslog
// socket, a TCP (or TLS) syslog listener reading octet-counted frames, and a tiny HTTP Event
// Collector built on Beast that records each request and answers as told. Each runs its own
// io_context on its own thread; what they receive is read through a thread-safe Inbox.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace keyward::siem::testing {

// Items received so far. Thread-safe.
template <typename T>
class Inbox {
 public:
  void Add(T item) {
    {
      std::lock_guard lock(mu_);
      items_.push_back(std::move(item));
    }
    cv_.notify_all();
  }

  // Waits until at least `n` items have arrived or `timeout` passes; returns all items so far.
  std::vector<T> WaitFor(std::size_t n, std::chrono::milliseconds timeout = kGenerous) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return items_.size() >= n; });
    return items_;
  }

  std::vector<T> Snapshot() {
    std::lock_guard lock(mu_);
    return items_;
  }

  static constexpr std::chrono::milliseconds kGenerous{10000};

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<T> items_;
};

// Runs an io_context on a thread until destroyed.
class IoThread {
 public:
  IoThread() = default;
  ~IoThread() { Stop(); }
  boost::asio::io_context& context() { return ioc_; }
  void Start();
  void Stop();

 private:
  boost::asio::io_context ioc_;
  std::thread thread_;
};

// A UDP syslog receiver: each datagram is one message.
class UdpSyslogReceiver {
 public:
  UdpSyslogReceiver();
  ~UdpSyslogReceiver();
  std::uint16_t port() const { return port_; }
  Inbox<std::string>& messages() { return messages_; }

 private:
  void Receive();

  IoThread io_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint sender_;
  std::vector<char> buffer_;
  std::uint16_t port_ = 0;
  Inbox<std::string> messages_;
};

// A syslog receiver over TCP, or TLS when given a server context, reading RFC 6587
// octet-counted frames. A frame that does not parse is recorded as "<bad frame>" and ends the
// connection.
class StreamSyslogReceiver {
 public:
  explicit StreamSyslogReceiver(std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~StreamSyslogReceiver();
  std::uint16_t port() const { return port_; }
  Inbox<std::string>& messages() { return messages_; }

 private:
  void Accept();

  IoThread io_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  Inbox<std::string> messages_;
};

struct HecRequest {
  std::string method;
  std::string target;
  std::string authorization;
  std::string content_type;
  std::string body;
};

// A Splunk HTTP Event Collector stand-in, over https when given a server context.
class HecCollector {
 public:
  enum class Mode {
    kSuccess,  // 200 {"text":"Success","code":0}
    kBusy,     // 503 {"text":"Server is busy","code":9}
    kSilent,   // reads the request, never answers
  };

  explicit HecCollector(Mode mode = Mode::kSuccess,
                        std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~HecCollector();
  std::uint16_t port() const { return port_; }
  Inbox<HecRequest>& requests() { return requests_; }

 private:
  void Accept();

  IoThread io_;
  Mode mode_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  Inbox<HecRequest> requests_;
};

// A self-signed certificate for "localhost" and 127.0.0.1, valid for an hour.
struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};
TestCertificate MakeTestCertificate();

// A TLS server context serving `certificate`.
std::shared_ptr<boost::asio::ssl::context> MakeServerTlsContext(const TestCertificate& certificate);

// Writes `text` to a fresh file under the temporary directory and returns its path.
std::string WriteTempFile(const std::string& name, const std::string& text);

// A TCP port on 127.0.0.1 with nothing listening (bound, then released).
std::uint16_t DeadPort();

}  // namespace keyward::siem::testing
