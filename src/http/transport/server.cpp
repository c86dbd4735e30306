#include "http/transport/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "http/transport/connection_registry.hpp"
#include "http/transport/listener.hpp"
#include "http/transport/session.hpp"
#include "http/transport/tls_context.hpp"

namespace keyward::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// "[::1]" as well as "::1": the bracketed form is how an IPv6 host appears in HOST:PORT.
std::string_view StripBrackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

// An address literal, or else the first address `host` resolves to.
core::Result<tcp::endpoint> ResolveEndpoint(asio::io_context& io, std::string_view host,
                                            std::uint16_t port) {
  const std::string name(StripBrackets(host));
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(name, ec);
  if (!ec) return tcp::endpoint(address, port);
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(
      name, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return core::MakeError(
        core::ErrorCode::kInvalidArgument, core::Msg::kWrongType,
        {"the listen host \"" + name + "\"", "an IP address or a host name that resolves"}, "host");
  }
  return results.begin()->endpoint();
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Handler& handler, Logger& logger, Metrics& metrics)
      : options_(std::move(options)),
        logger_(logger),
        registry_(options_.max_connections, options_.max_connections_per_address),
        context_{options_, handler, logger, metrics, workers_, registry_, nullptr},
        workers_(static_cast<std::size_t>(std::max(1, options_.worker_threads))) {
    const int threads = std::max(1, options_.io_threads);
    for (int i = 0; i < threads; ++i) {
      // Each io_context is run by exactly one thread, which the hint tells Asio.
      ios_.push_back(std::make_unique<asio::io_context>(1));
      io_pointers_.push_back(ios_.back().get());
      // Keeps an I/O thread that has no connection yet in run() until Stop().
      guards_.push_back(asio::make_work_guard(*ios_.back()));
    }
  }

  ~Impl() {
    // Workers still running a handler post back to the io_contexts: join them while they exist.
    workers_.stop();
    workers_.join();
  }

  core::Status Start() {
    if (options_.tls_cert_file.has_value() != options_.tls_key_file.has_value()) {
      const char* missing = options_.tls_cert_file ? "tls_key_file" : "tls_cert_file";
      return core::InvalidArgument(core::Msg::kRequired, missing, {missing});
    }
    if (options_.tls_cert_file) {
      KW_ASSIGN_OR_RETURN(tls_, MakeTlsContext(*options_.tls_cert_file, *options_.tls_key_file));
      context_.tls = tls_.get();
    }
    KW_ASSIGN_OR_RETURN(const tcp::endpoint endpoint,
                        ResolveEndpoint(*ios_.front(), options_.host, options_.port));
    auto listener = std::make_unique<Listener>(io_pointers_, context_);
    KW_RETURN_IF_ERROR(listener->Open(endpoint));
    listener->Start();
    listener_ = std::move(listener);
    logger_.Info("listening", {{"address", endpoint.address().to_string()},
                               {"port", listener_->port()},
                               {"tls", tls_ != nullptr}});
    return core::Ok();
  }

  std::uint16_t port() const { return listener_ ? listener_->port() : options_.port; }

  // One thread per io_context, the caller's running the first (and the listener).
  void Run() {
    if (!listener_) return;
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < ios_.size(); ++i) {
      threads.emplace_back([this, i] { RunIo(*ios_[i]); });
    }
    RunIo(*ios_.front());
    for (auto& thread : threads) thread.join();
  }

  void Stop() {
    if (stop_requested_.exchange(true)) return;
    // On the listener's I/O thread, so that a Stop() that comes before Run() (or even before
    // Start()) still reaches the listener Start() creates. Once the guards are gone, each I/O
    // thread returns from run() when its last connection has finished.
    asio::post(*ios_.front(), [this] {
      if (listener_) listener_->Close();
      registry_.ShutdownAll();
      guards_.clear();
    });
  }

 private:
  // A handler that throws out of the io_context (it should not) costs one log line, not the
  // process: run() resumes.
  void RunIo(asio::io_context& io) {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        logger_.Error("unexpected exception on an I/O thread", {{"error", e.what()}});
      }
    }
  }

  // Declaration order is destruction order reversed: the listener, the workers and the guards go
  // before the io_contexts, which destroy the sessions, which use the registry and the context.
  ServerOptions options_;
  Logger& logger_;
  std::unique_ptr<asio::ssl::context> tls_;
  ConnectionRegistry registry_;
  SessionContext context_;
  // One per I/O thread; each connection lives on one of them for its whole life.
  std::vector<std::unique_ptr<asio::io_context>> ios_;
  std::vector<asio::io_context*> io_pointers_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  asio::thread_pool workers_;
  std::unique_ptr<Listener> listener_;
  std::atomic<bool> stop_requested_{false};
};

Server::Server(ServerOptions options, Handler& handler, Logger& logger, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), handler, logger, metrics)) {}

Server::~Server() = default;

core::Status Server::Start() { return impl_->Start(); }
std::uint16_t Server::port() const { return impl_->port(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace keyward::http
