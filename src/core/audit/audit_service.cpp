#include "core/audit/audit_service.hpp"

#include <utility>

#include "core/ids.hpp"
#include "core/permissions.hpp"
#include "core/store/paging.hpp"
#include "core/time_zone.hpp"

namespace keyward::core {
namespace {

Result<int> ParseLimit(const std::optional<std::string>& text) {
  if (!text) return kDefaultListLimit;
  const std::optional<std::int64_t> limit = ParseId(*text);
  if (!limit || *limit > kMaxListLimit) {
    return InvalidArgument(Msg::kLimitRange, "limit", {std::to_string(kMaxListLimit)});
  }
  return static_cast<int>(*limit);
}

}  // namespace

bool AuditEventMatches(const AuditEvent& event, const AuditFilter& filter) {
  if (filter.since && event.time < *filter.since) return false;
  if (filter.until && event.time >= *filter.until) return false;
  if (!filter.actor.empty() && event.actor != filter.actor) return false;
  if (!filter.action.empty() && event.action != filter.action) return false;
  return filter.target.empty() || event.target == filter.target;
}

Result<std::vector<AuditEvent>> AuditExport::Next() {
  std::vector<AuditEvent> matching;
  if (done_) return matching;
  KW_ASSIGN_OR_RETURN(std::vector<AuditEvent> page,
                      TransactValue<std::vector<AuditEvent>>(*store_, [&](UnitOfWork& uow) {
                        return uow.ListAudit(after_id_, kAuditExportPageSize);
                      }));
  for (AuditEvent& event : page) {
    if (event.id > last_id_) {
      done_ = true;
      break;
    }
    after_id_ = event.id;
    if (AuditEventMatches(event, filter_)) matching.push_back(std::move(event));
  }
  if (page.size() < static_cast<std::size_t>(kAuditExportPageSize) || after_id_ >= last_id_) {
    done_ = true;
  }
  return matching;
}

AuditService::AuditService(Store& store, const PepperSet& peppers)
    : store_(store), peppers_(peppers) {}

Result<AuditFilter> AuditService::ParseFilter(const Principal& caller,
                                              const AuditListInput& input) const {
  AuditFilter filter;
  if (input.since) {
    KW_ASSIGN_OR_RETURN(filter.since, ParseTimeField(*input.since, caller.time_zone, "since"));
  }
  if (input.until) {
    KW_ASSIGN_OR_RETURN(filter.until, ParseTimeField(*input.until, caller.time_zone, "until"));
  }
  filter.actor = input.actor.value_or("");
  filter.action = input.action.value_or("");
  filter.target = input.target.value_or("");
  return filter;
}

Result<AuditPage> AuditService::List(const Principal& caller, const AuditListInput& input) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAuditView));
  KW_ASSIGN_OR_RETURN(const AuditFilter filter, ParseFilter(caller, input));
  KW_ASSIGN_OR_RETURN(const int wanted, ParseLimit(input.limit));
  PageRequest page;
  if (input.cursor) {
    page.before_id = DecodeCursor(*input.cursor);
    if (!page.before_id) return InvalidArgument(Msg::kCursorInvalid, "cursor");
  }
  page.limit = wanted + 1;  // one more tells whether a next page exists
  return TransactValue<AuditPage>(store_, [&](UnitOfWork& uow) -> Result<AuditPage> {
    AuditPage out;
    KW_ASSIGN_OR_RETURN(out.items, uow.QueryAudit(filter, page));
    if (out.items.size() > static_cast<std::size_t>(wanted)) {
      out.items.resize(static_cast<std::size_t>(wanted));
      out.next_cursor = EncodeCursor(out.items.back().id);
    }
    return out;
  });
}

Result<AuditExport> AuditService::StartExport(const Principal& caller,
                                              const AuditListInput& filters) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAuditView));
  KW_ASSIGN_OR_RETURN(AuditFilter filter, ParseFilter(caller, filters));
  KW_ASSIGN_OR_RETURN(const std::optional<AuditEvent> last,
                      TransactValue<std::optional<AuditEvent>>(
                          store_, [](UnitOfWork& uow) { return uow.LastAudit(); }));
  return AuditExport(store_, std::move(filter), last ? last->id : 0);
}

Status AuditService::Export(const Principal& caller, const AuditListInput& filters,
                            const std::function<Status(const AuditEvent&)>& each) const {
  KW_ASSIGN_OR_RETURN(AuditExport exporter, StartExport(caller, filters));
  while (!exporter.done()) {
    KW_ASSIGN_OR_RETURN(const std::vector<AuditEvent> events, exporter.Next());
    for (const AuditEvent& event : events) KW_RETURN_IF_ERROR(each(event));
  }
  return Ok();
}

Result<AuditVerification> AuditService::Verify(const Principal& caller) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAuditView));
  return TransactValue<AuditVerification>(
      store_, [&](UnitOfWork& uow) { return VerifyAuditChain(uow, peppers_); });
}

}  // namespace keyward::core
