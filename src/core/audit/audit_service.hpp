// AuditService: the audit trail's read use cases (docs/api.md "Roles, accounts, sessions, audit"):
// list it newest first a page at a time, export it oldest first without holding it in memory,
// and verify its hash chain. Every call needs the permission audit:view (a Master
// Administrator, Full Access and the Auditor hold it). Filters name the field at fault; a time
// without an offset is read in the caller's time zone.
//
// Thread-safe: holds references to thread-safe collaborators and no mutable state of its own.
// An AuditExport is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/audit/audit_chain.hpp"
#include "core/crypto/digest.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/store/audit_event.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

// How many events one export step reads from the store.
inline constexpr int kAuditExportPageSize = 500;

// Query parameters as the caller gave them; unset means "no filter" (or the default).
struct AuditListInput {
  std::optional<std::string> since;   // RFC 3339; events at or after it
  std::optional<std::string> until;   // RFC 3339; events before it
  std::optional<std::string> actor;   // exact match, e.g. "apikey:42"
  std::optional<std::string> action;  // exact match, e.g. "apikey.create"
  std::optional<std::string> target;  // exact match, e.g. "apikey:43"
  std::optional<std::string> limit;   // 1..500, default 50 (List only)
  std::optional<std::string> cursor;  // a next_cursor of List (List only)
};

struct AuditPage {
  std::vector<AuditEvent> items;  // newest first
  std::optional<std::string> next_cursor;
};

// Whether `event` passes `filter` (AuditFilter's rules: since <= time < until, exact strings, an
// unset bound or empty string matching everything).
bool AuditEventMatches(const AuditEvent& event, const AuditFilter& filter);

// An export in progress: the events that match its filters, oldest first, read from the store a
// page at a time, each page in a unit of work of its own (so no store lock is held between
// pages). It covers the events that existed when it started: events appended later are not
// included, so an export of a busy trail ends. Must not outlive the store it reads.
class AuditExport {
 public:
  // Reads the next page of the trail (at most kAuditExportPageSize events) and returns those of
  // them that match, oldest first: possibly none, while done() is still false. After the end,
  // returns nothing and done() is true. Errors from the store (the export may be retried).
  Result<std::vector<AuditEvent>> Next();

  // Whether every event has been read.
  bool done() const { return done_; }

 private:
  friend class AuditService;
  AuditExport(Store& store, AuditFilter filter, std::int64_t last_id)
      : store_(&store), filter_(std::move(filter)), last_id_(last_id), done_(last_id == 0) {}

  Store* store_;
  AuditFilter filter_;
  std::int64_t after_id_ = 0;  // the last event read
  std::int64_t last_id_;       // the newest event when the export started
  bool done_;
};

class AuditService {
 public:
  // `store` and `peppers` (the chain keys, for Verify) must outlive the service.
  AuditService(Store& store, const PepperSet& peppers);

  // audit:view. A page of the events matching the filters, newest first; next_cursor when more
  // follow. Errors: kPermissionDenied; kInvalidArgument naming "since", "until", "limit" or
  // "cursor"; the store's.
  Result<AuditPage> List(const Principal& caller, const AuditListInput& input) const;

  // audit:view. Checks the permission and the filters (since, until, actor, action, target;
  // limit and cursor are ignored) and returns the export of the matching events. Nothing is
  // read yet. Errors as List's.
  Result<AuditExport> StartExport(const Principal& caller, const AuditListInput& filters) const;

  // audit:view. Calls `each` with every event matching the filters, oldest first, reading the
  // trail a page at a time and calling `each` outside any unit of work. Stops at, and returns,
  // the first error of StartExport, the store or `each`.
  Status Export(const Principal& caller, const AuditListInput& filters,
                const std::function<Status(const AuditEvent&)>& each) const;

  // audit:view. Checks the whole hash chain in one unit of work (VerifyAuditChain). Errors:
  // kPermissionDenied; the store's. A broken chain is not an error: ok is false.
  Result<AuditVerification> Verify(const Principal& caller) const;

 private:
  Result<AuditFilter> ParseFilter(const Principal& caller, const AuditListInput& input) const;

  Store& store_;
  const PepperSet& peppers_;
};

}  // namespace keyward::core
