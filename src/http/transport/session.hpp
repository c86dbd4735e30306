// Session: one accepted connection of the Server, plain or TLS. Reads a request under the
// limits of ServerOptions, takes the Handler's inline answer (Handler::TryInline) or else runs
// the Handler (Handler::Respond) on the worker pool, writes the response on the connection's
// I/O thread, and loops while keep-alive holds. A streamed answer (handler.hpp) is written a
// chunk at a time: each chunk produced on the worker pool, then written on the I/O thread (each
// write under read_timeout), then the next asked for; a stopping server cuts a stream short at
// the next chunk. See server.hpp for the behaviour at each limit. A session owns itself (shared_ptr
// kept alive by its pending operations) and registers in the ConnectionRegistry for the connection
// limit and graceful stop.
//
// Thread-safety: a connection belongs to one io_context, run by one I/O thread, for its whole
// life (server.hpp); everything a session does runs on that thread, except Handler::Respond and
// a streamed answer's BodyProducer, whose results are posted back to it. So no strand.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "http/handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "http/transport/connection_registry.hpp"
#include "http/transport/server.hpp"

namespace keyward::http {

// What every session of one Server shares. All members outlive every session.
struct SessionContext {
  const ServerOptions& options;
  Handler& handler;
  Logger& logger;
  Metrics& metrics;
  boost::asio::thread_pool& workers;
  ConnectionRegistry& registry;
  boost::asio::ssl::context* tls = nullptr;  // null: plain HTTP
};

// A connection's socket: its executor is the io_context's own (not the type-erased
// any_io_executor), so no call on it pays for type erasure.
using Socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

// Serves `socket`, whose io_context must be run by exactly one thread. May be called from
// another thread (the listener's) before anything runs on that io_context for the socket. Over
// the connection limit, or once the registry is shut down, closes the socket at once and counts
// the rejection. Returns at once.
void StartSession(SessionContext& context, Socket socket);

}  // namespace keyward::http
