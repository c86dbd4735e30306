// A versioned schema migration, as each store embeds its own (storage/<store>/migrations/
// V<version>__<name>.sql, compiled in by storage/embed_migrations.cmake).
//
// Thread-safety: plain values and a pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace keyward::storage::sql {

struct Migration {
  int version;
  std::string_view name;  // e.g. "initial"
  std::string_view sql;   // one or more statements, no transaction control
};

// Ok when `migrations` is non-empty and strictly ascending by version.
inline core::Status CheckMigrations(const std::vector<Migration>& migrations) {
  if (migrations.empty()) return core::Internal("no schema migrations compiled in");
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return core::Internal("schema migrations out of order at version " +
                            std::to_string(m.version));
    }
    previous = m.version;
  }
  return core::Ok();
}

}  // namespace keyward::storage::sql
