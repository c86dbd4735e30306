#include "http/connection_registry.hpp"

#include <vector>

namespace keyward::http {

bool ConnectionRegistry::TryAdd(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mu_);
  if (closed_ || connections_.size() >= limit_) return false;
  connections_.emplace(connection.get(), connection);
  return true;
}

void ConnectionRegistry::Remove(const Connection* connection) {
  std::lock_guard lock(mu_);
  connections_.erase(connection);
}

void ConnectionRegistry::ShutdownAll() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    live.reserve(connections_.size());
    for (const auto& [raw, weak] : connections_) {
      // A connection whose destructor is running has expired; it is closing anyway.
      if (auto strong = weak.lock()) live.push_back(std::move(strong));
    }
  }
  // Outside the lock: dropping the last reference to a connection here runs its destructor,
  // which calls Remove().
  for (const auto& connection : live) connection->Shutdown();
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mu_);
  return connections_.size();
}

}  // namespace keyward::http
