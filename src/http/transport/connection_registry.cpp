#include "http/transport/connection_registry.hpp"

#include <vector>

namespace keyward::http {

std::optional<std::string> LimitedAddress(const std::optional<core::IpAddress>& peer,
                                          const std::vector<core::Ipv4Range>& unlimited_peers) {
  if (!peer) return std::string("-");
  if (peer->is_v4()) {
    for (const core::Ipv4Range& range : unlimited_peers) {
      if (range.Contains(peer->v4())) return std::nullopt;
    }
  }
  return peer->ToString();
}

ConnectionRegistry::Admission ConnectionRegistry::TryAdd(
    const std::shared_ptr<Connection>& connection, const std::optional<std::string>& address) {
  std::lock_guard lock(mu_);
  if (closed_) return Admission::kShutDown;
  if (connections_.size() >= limit_) return Admission::kServerFull;
  if (address) {
    const auto it = per_address_.find(*address);
    if ((it == per_address_.end() ? 0 : it->second) >= per_address_limit_) {
      return Admission::kAddressFull;
    }
    ++per_address_[*address];
  }
  connections_.emplace(connection.get(), Entry{connection, address});
  return Admission::kAdmitted;
}

void ConnectionRegistry::Remove(const Connection* connection) {
  std::lock_guard lock(mu_);
  const auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  if (it->second.address) {
    const auto count = per_address_.find(*it->second.address);
    if (count != per_address_.end() && --count->second == 0) per_address_.erase(count);
  }
  connections_.erase(it);
}

void ConnectionRegistry::ShutdownAll() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    live.reserve(connections_.size());
    for (const auto& [raw, entry] : connections_) {
      // A connection whose destructor is running has expired; it is closing anyway.
      if (auto strong = entry.connection.lock()) live.push_back(std::move(strong));
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

std::size_t ConnectionRegistry::CountFrom(const std::string& address) const {
  std::lock_guard lock(mu_);
  const auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

}  // namespace keyward::http
