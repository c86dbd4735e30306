// ConnectionRegistry: the set of a Server's open connections, so that the connection limits (in
// all, and per client address) are enforced at accept time and Stop() can reach every
// connection. Holds weak references: a connection's lifetime is its own (its pending I/O keeps
// it alive).
// Thread-safe (one mutex; touched once per connection opened or closed, and by Stop()).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/net/ip.hpp"

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

// The address whose connections count against the per-address limit, for a connection from
// `peer`: the peer with IPv4-mapped IPv6 folded to IPv4, so that one client cannot count twice;
// nullopt for a peer in `unlimited_peers` (exempt). A peer with no address at all (nullopt) shares
// one count, "-".
std::optional<std::string> LimitedAddress(const std::optional<core::IpAddress>& peer,
                                          const std::vector<core::Ipv4Range>& unlimited_peers);

class ConnectionRegistry {
 public:
  enum class Admission {
    kAdmitted,
    kServerFull,   // `limit` connections are open
    kAddressFull,  // `per_address_limit` connections from the same address are open
    kShutDown,     // ShutdownAll() was called
  };

  // At most `limit` connections are registered at a time, and at most `per_address_limit` of
  // them from one address.
  ConnectionRegistry(std::size_t limit, std::size_t per_address_limit)
      : limit_(limit), per_address_limit_(per_address_limit) {}

  // Registers `connection`, from `address` (nullopt: an address exempt from the per-address
  // limit), and answers kAdmitted; otherwise keeps nothing and answers why.
  Admission TryAdd(const std::shared_ptr<Connection>& connection,
                   const std::optional<std::string>& address);
  // Forgets `connection` (a no-op if it is not registered). Called from its destructor.
  void Remove(const Connection* connection);
  // Refuses every later TryAdd and calls Shutdown() on each registered connection.
  void ShutdownAll();
  std::size_t size() const;
  // How many registered connections came from `address`.
  std::size_t CountFrom(const std::string& address) const;

 private:
  struct Entry {
    std::weak_ptr<Connection> connection;
    std::optional<std::string> address;
  };

  mutable std::mutex mu_;
  std::unordered_map<const Connection*, Entry> connections_;
  std::unordered_map<std::string, std::size_t> per_address_;  // only addresses with connections
  std::size_t limit_;
  std::size_t per_address_limit_;
  bool closed_ = false;
};

}  // namespace keyward::http
