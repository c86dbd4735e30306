// PgChangeFeed: how a node learns what the other nodes on its PostgreSQL database wrote. It holds
// one connection of its own that LISTENs on kChangeChannel (postgres_store.hpp), watches libpq's
// socket with Asio on its own thread, and hands each batch of notifications to its handler: the
// keys and roles another node committed, for the node to re-read into its index. Notifications
// tagged with this node's own store tag are skipped (its index applied them at commit).
//
// A lost connection (the server restarted, the network failed) is retried every second; once it
// is back, the handler's resync runs, because notifications sent meanwhile are gone. The first
// connection is made in Start, before the caller loads its index, so nothing falls between the
// load and the first notification.
//
// Thread-safety: Start and the destructor from one thread; the handlers run on the feed's thread,
// one at a time. Connected() is thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/store/api_key.hpp"

namespace keyward::storage::postgres {

// What other nodes committed, as one batch of notifications announced it.
struct StoreChanges {
  std::vector<std::pair<core::KeyId, std::string>> keys;  // id and public id of each key written
  bool roles = false;                                     // some role was written
  bool empty() const { return keys.empty() && !roles; }
};

// Reads one notification's payload ("<tag> k<id>:<public id> r<id> ...") into `out`; false when
// it is not one, and nothing is added. Entries of another form are skipped.
bool ParseChanges(std::string_view payload, std::string& tag, StoreChanges& out);

class PgChangeFeed {
 public:
  struct Handlers {
    std::function<void(const StoreChanges&)> on_changes;
    // After a reconnection: notifications may have been missed, re-read everything.
    std::function<void()> on_resync;
  };

  // Listens on `url` for notifications not tagged `self_tag`.
  PgChangeFeed(std::string url, std::string self_tag, Handlers handlers);
  ~PgChangeFeed();  // stops the thread and closes the connection
  PgChangeFeed(const PgChangeFeed&) = delete;
  PgChangeFeed& operator=(const PgChangeFeed&) = delete;

  // Connects and LISTENs, then starts the thread. Errors: the server cannot be reached (the
  // feed does not start; the caller decides whether a node may run without it).
  core::Status Start();
  // Whether the feed's connection is up now.
  bool Connected() const { return connected_.load(); }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::atomic<bool> connected_{false};
};

}  // namespace keyward::storage::postgres
