// ConnectionRegistry: the set of a Server's open connections, so that the connection limit is
// enforced at accept time and Stop() can reach every connection. Holds weak references: a
// connection's lifetime is its own (its pending I/O keeps it alive).
// Thread-safe (one mutex; touched once per connection opened or closed, and by Stop()).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace keyward::http {

// What the registry needs from a connection.
class Connection {
 public:
  virtual ~Connection() = default;
  // Asks the connection to wind down: an idle connection closes, a request being read or handled
  // is answered (with Connection: close) and then the connection closes. Thread-safe; returns
  // at once.
  virtual void Shutdown() = 0;
};

class ConnectionRegistry {
 public:
  // At most `limit` connections are registered at a time.
  explicit ConnectionRegistry(std::size_t limit) : limit_(limit) {}

  // Registers `connection` and returns true, unless the limit is reached or ShutdownAll() was
  // called (then returns false and keeps nothing).
  bool TryAdd(const std::shared_ptr<Connection>& connection);
  // Forgets `connection` (a no-op if it is not registered). Called from its destructor.
  void Remove(const Connection* connection);
  // Refuses every later TryAdd and calls Shutdown() on each registered connection.
  void ShutdownAll();
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections_;
  std::size_t limit_;
  bool closed_ = false;
};

}  // namespace keyward::http
