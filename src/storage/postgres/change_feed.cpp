#include "storage/postgres/change_feed.hpp"

#include <libpq-fe.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <chrono>
#include <optional>
#include <string_view>
#include <thread>

#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/postgres_store.hpp"

namespace keyward::storage::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::chrono::seconds kRetry{1};

std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace

bool ParseChanges(std::string_view payload, std::string& tag, StoreChanges& out) {
  const std::size_t space = payload.find(' ');
  tag = std::string(payload.substr(0, space));
  if (tag.empty() || tag[0] != 'n') return false;
  std::string_view rest = space == std::string_view::npos ? "" : payload.substr(space + 1);
  while (!rest.empty()) {
    const std::size_t end = rest.find(' ');
    const std::string_view entry = rest.substr(0, end);
    rest = end == std::string_view::npos ? "" : rest.substr(end + 1);
    if (entry.size() < 2) continue;
    if (entry[0] == 'r') {
      if (ParseId(entry.substr(1))) out.roles = true;
    } else if (entry[0] == 'k') {
      const std::size_t colon = entry.find(':');
      if (colon == std::string_view::npos || colon + 1 >= entry.size()) continue;
      const std::optional<std::int64_t> id = ParseId(entry.substr(1, colon - 1));
      if (id) out.keys.emplace_back(*id, std::string(entry.substr(colon + 1)));
    }
  }
  return true;
}

struct PgChangeFeed::State {
  State(std::string u, std::string tag, Handlers h, std::atomic<bool>& up)
      : url(std::move(u)), self_tag(std::move(tag)), handlers(std::move(h)), connected(up) {}

  // Connects and LISTENs; false when the server cannot be reached.
  core::Status Connect() {
    KW_ASSIGN_OR_RETURN(connection, PgConnection::Open(url));
    KW_RETURN_IF_ERROR(
        connection->Execute("LISTEN " + std::string(kChangeChannel), "listen for changes"));
    socket.emplace(io, PQsocket(connection->raw()));
    connected.store(true);
    return core::Ok();
  }

  void Drop() {
    connected.store(false);
    if (socket) {
      socket->release();  // the descriptor is libpq's: PQfinish closes it
      socket.reset();
    }
    connection.reset();
  }

  void Wait() {
    socket->async_wait(asio::posix::stream_descriptor::wait_read,
                       [this](const boost::system::error_code& ec) {
                         if (ec == asio::error::operation_aborted) return;
                         if (ec) {
                           Lost();
                           return;
                         }
                         Read();
                       });
  }

  void Read() {
    pg_conn* conn = connection->raw();
    if (PQconsumeInput(conn) == 0) {
      Lost();
      return;
    }
    StoreChanges changes;
    while (PGnotify* n = PQnotifies(conn)) {
      std::string tag;
      StoreChanges one;
      if (ParseChanges(n->extra, tag, one) && tag != self_tag) {
        changes.keys.insert(changes.keys.end(), one.keys.begin(), one.keys.end());
        changes.roles = changes.roles || one.roles;
      }
      PQfreemem(n);
    }
    if (!changes.empty() && handlers.on_changes) handlers.on_changes(changes);
    if (PQstatus(conn) != CONNECTION_OK) {
      Lost();
      return;
    }
    Wait();
  }

  void Lost() {
    Drop();
    Retry();
  }

  void Retry() {
    timer.expires_after(kRetry);
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      if (!Connect()) {
        Drop();
        Retry();
        return;
      }
      // Whatever was announced while the feed was away is lost: re-read it all.
      if (handlers.on_resync) handlers.on_resync();
      Wait();
    });
  }

  const std::string url;
  const std::string self_tag;
  const Handlers handlers;
  std::atomic<bool>& connected;
  asio::io_context io;
  asio::steady_timer timer{io};
  std::unique_ptr<PgConnection> connection;
  std::optional<asio::posix::stream_descriptor> socket;
  std::thread thread;
};

PgChangeFeed::PgChangeFeed(std::string url, std::string self_tag, Handlers handlers)
    : state_(std::make_unique<State>(std::move(url), std::move(self_tag), std::move(handlers),
                                     connected_)) {}

PgChangeFeed::~PgChangeFeed() {
  state_->io.stop();
  if (state_->thread.joinable()) state_->thread.join();
  state_->Drop();
}

core::Status PgChangeFeed::Start() {
  if (state_->thread.joinable()) return core::Ok();
  if (core::Status st = state_->Connect(); !st) {
    state_->Drop();
    return st;
  }
  state_->Wait();
  state_->thread = std::thread([state = state_.get()] { state->io.run(); });
  return core::Ok();
}

}  // namespace keyward::storage::postgres
