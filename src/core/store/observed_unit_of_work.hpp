// ObservedUnitOfWork: a UnitOfWork that forwards every call and tells a StoreWriteObserver of each
// key and role write that succeeds. The decorators that act on what a unit of work wrote use it:
// the key index (applied at commit, core/verification/key_index.cpp) and the PostgreSQL store
// (announced to the other nodes, storage/postgres/postgres_store.cpp).
//
// Thread-safety: as the UnitOfWork it wraps (used by one thread during one unit of work).
#pragma once

#include <optional>
#include <string>

#include "core/store/forwarding_unit_of_work.hpp"

namespace keyward::core {

class StoreWriteObserver {
 public:
  virtual ~StoreWriteObserver() = default;
  // A key inserted or updated, as written (an inserted key with its new id).
  virtual void KeyWritten(const ApiKey& key) = 0;
  virtual void KeyErased(KeyId id, const std::string& public_id) = 0;
  // A role inserted or updated, as written (an inserted role with its new id).
  virtual void RoleWritten(const Role& role) = 0;
  virtual void RoleErased(RoleId id) = 0;
};

class ObservedUnitOfWork final : public ForwardingUnitOfWork {
 public:
  ObservedUnitOfWork(UnitOfWork& inner, StoreWriteObserver& observer)
      : ForwardingUnitOfWork(inner), observer_(observer) {}

  Result<KeyId> InsertKey(const ApiKey& key) override {
    Result<KeyId> id = inner_.InsertKey(key);
    if (id) {
      ApiKey written = key;
      written.id = *id;
      observer_.KeyWritten(written);
    }
    return id;
  }
  Status UpdateKey(const ApiKey& key) override {
    Status st = inner_.UpdateKey(key);
    if (st) observer_.KeyWritten(key);
    return st;
  }
  Status DeleteKey(KeyId id) override {
    // Read first: an observer finds a key by its public id.
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, inner_.FindKey(id));
    Status st = inner_.DeleteKey(id);
    if (st && key) observer_.KeyErased(id, key->public_id);
    return st;
  }
  Result<RoleId> InsertRole(const Role& role) override {
    Result<RoleId> id = inner_.InsertRole(role);
    if (id) {
      Role written = role;
      written.id = *id;
      observer_.RoleWritten(written);
    }
    return id;
  }
  Status UpdateRole(const Role& role) override {
    Status st = inner_.UpdateRole(role);
    if (st) observer_.RoleWritten(role);
    return st;
  }
  Status DeleteRole(RoleId id) override {
    Status st = inner_.DeleteRole(id);
    if (st) observer_.RoleErased(id);
    return st;
  }

 private:
  StoreWriteObserver& observer_;
};

}  // namespace keyward::core
