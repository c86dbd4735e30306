// The pepper queries of SqlUnitOfWork (keyward pepper status and retire): what one pepper
// version still protects, counted or listed in the database.
#include <string>

#include "storage/sql/sql_rows.hpp"
#include "storage/sql/sql_unit_of_work.hpp"

namespace keyward::storage::sql {

// ?1 the version, ?2 now. COALESCE: SUM over no rows is NULL.
core::Result<core::PepperVersionUse> SqlUnitOfWork::CountPepperUse(std::uint32_t version,
                                                                   core::Time now) {
  KW_ASSIGN_OR_RETURN(
      Statement keys,
      Prepare("SELECT COALESCE(SUM(CASE WHEN k.digest_version = ?1 THEN 1 ELSE 0 END), 0),"
              " COALESCE(SUM(CASE WHEN k.digest_version = ?1 AND k.source = 'account'"
              " THEN 1 ELSE 0 END), 0),"
              " COALESCE(SUM(CASE WHEN k.prev_digest_version = ?1 AND k.prev_digest_until > ?2"
              " THEN 1 ELSE 0 END), 0) FROM api_keys k",
              "count keys by pepper version"));
  keys.BindInt(1, version).BindInt(2, ToSeconds(now));
  KW_ASSIGN_OR_RETURN(const bool row, keys.Step());
  if (!row) return core::Internal("pepper use: no row");
  core::PepperVersionUse use;
  use.keys = keys.Int(0);
  use.account_tokens = keys.Int(1);
  use.previous_secrets = keys.Int(2);

  // The hash names its chain key version first: "v<version>:<hex>". No '%' or '_' in the
  // pattern but the final '%', and no letter but the 'v' every hash begins with.
  KW_ASSIGN_OR_RETURN(Statement events,
                      Prepare("SELECT COUNT(*) FROM audit_events WHERE hash LIKE ?1",
                              "count audit events by pepper version"));
  events.BindText(1, "v" + std::to_string(version) + ":%");
  KW_ASSIGN_OR_RETURN(const bool event_row, events.Step());
  if (!event_row) return core::Internal("pepper use: no audit row");
  use.audit_events = events.Int(0);
  return use;
}

core::Result<std::vector<core::ApiKey>> SqlUnitOfWork::KeysUsingPepper(std::uint32_t version,
                                                                       core::Time now) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare(std::string(kSelectKey) +
                                  " WHERE k.digest_version = ?1 OR (k.prev_digest_version = ?1"
                                  " AND k.prev_digest_until > ?2) ORDER BY k.id",
                              "list keys by pepper version"));
  stmt.BindInt(1, version).BindInt(2, ToSeconds(now));
  return ReadKeys(stmt);
}

}  // namespace keyward::storage::sql
