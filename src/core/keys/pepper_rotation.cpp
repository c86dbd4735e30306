#include "core/keys/pepper_rotation.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "core/json_text.hpp"
#include "core/store/audit_record.hpp"
#include "core/store/pepper_guard.hpp"

namespace keyward::core {
namespace {

Error PepperUsage(ErrorCode code, Msg msg, std::vector<std::string> args) {
  return MakeError(code, msg, std::move(args));
}

std::string Plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "3 keys: 2 by their secret (1 of them an account's token, 1 disabled), 1 by a previous secret
// in its rotation grace period".
std::string DescribeUsers(const std::vector<ApiKey>& users, std::uint32_t version) {
  std::size_t by_secret = 0;
  std::size_t tokens = 0;
  std::size_t disabled = 0;
  for (const ApiKey& key : users) {
    if (key.digest.pepper_version == version) {
      ++by_secret;
      if (key.source == KeySource::kAccount) ++tokens;
    }
    if (!key.enabled) ++disabled;
  }
  std::string out =
      Plural(users.size(), "key", "keys") + ": " + std::to_string(by_secret) + " by their secret";
  if (tokens > 0) out += " (" + Plural(tokens, "account token", "account tokens") + ")";
  if (by_secret < users.size()) {
    out += ", " + std::to_string(users.size() - by_secret) + " by a previous secret in grace";
  }
  if (disabled > 0) out += "; " + std::to_string(disabled) + " disabled already";
  return out;
}

// "1, 2 and 3 (retired)": what the pepper file holds, for an error about a version it lacks.
std::string Holdings(const PepperSet& set) {
  std::string out;
  for (std::uint32_t v : set.versions()) out += (out.empty() ? "" : ", ") + std::to_string(v);
  for (std::uint32_t v : set.retired_versions()) {
    out += (out.empty() ? "" : ", ") + std::to_string(v) + " (retired)";
  }
  return out;
}

Result<std::vector<ApiKey>> Users(Store& store, std::uint32_t version, Time now) {
  return TransactValue<std::vector<ApiKey>>(
      store, [&](UnitOfWork& uow) { return uow.KeysUsingPepper(version, now); });
}

Principal PepperPrincipal() {
  Principal p = Principal::System();
  p.actor = std::string(kPepperActor);
  return p;
}

}  // namespace

Result<std::vector<PepperVersionStatus>> ReadPepperStatus(Store& store, const PepperSet& peppers,
                                                          Time now) {
  return TransactValue<std::vector<PepperVersionStatus>>(
      store, [&](UnitOfWork& uow) -> Result<std::vector<PepperVersionStatus>> {
        std::set<std::uint32_t> versions;
        for (std::uint32_t v : peppers.versions()) versions.insert(v);
        for (std::uint32_t v : peppers.retired_versions()) versions.insert(v);
        KW_ASSIGN_OR_RETURN(const std::vector<std::uint32_t> recorded, RecordedPepperVersions(uow));
        versions.insert(recorded.begin(), recorded.end());
        std::vector<PepperVersionStatus> out;
        for (std::uint32_t v : versions) {
          PepperVersionStatus status;
          status.version = v;
          status.current = v == peppers.current_version();
          status.retired = peppers.IsRetired(v);
          status.in_pepper_file = status.retired || !peppers.Find(v).empty();
          KW_ASSIGN_OR_RETURN(status.use, uow.CountPepperUse(v, now));
          out.push_back(status);
        }
        return out;
      });
}

Result<PepperRetirement> RetirePepper(Store& store, const KeyService& keys,
                                      const PepperSet& peppers, std::uint32_t version,
                                      bool disable_keys, const Clock& clock,
                                      const std::function<Status()>& commit_file) {
  if (!peppers.IsRetired(version) && peppers.Find(version).empty()) {
    return PepperUsage(ErrorCode::kNotFound, Msg::kPepperVersionUnknown,
                       {std::to_string(version), Holdings(peppers)});
  }
  if (version == peppers.current_version()) {
    return PepperUsage(ErrorCode::kInvalidArgument, Msg::kPepperVersionCurrent,
                       {std::to_string(version)});
  }
  const Time now = clock.Now();
  KW_ASSIGN_OR_RETURN(const std::vector<ApiKey> users, Users(store, version, now));
  if (!users.empty() && !disable_keys) {
    return PepperUsage(ErrorCode::kConflict, Msg::kPepperVersionInUse,
                       {std::to_string(version), DescribeUsers(users, version)});
  }
  const Principal actor = PepperPrincipal();
  PepperRetirement out;
  for (const ApiKey& key : users) {
    if (!key.enabled) {
      ++out.already_disabled;
      continue;
    }
    Result<ApiKey> disabled = keys.SetEnabled(actor, key.id, false);
    if (!disabled) {
      Error e = disabled.error();
      return PepperUsage(e.code, Msg::kPepperKeyNotDisabled,
                         {std::to_string(key.id), std::to_string(version), e.Message(),
                          std::to_string(out.disabled.size())});
    }
    out.disabled.push_back(key.id);
  }
  const Status recorded = store.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(const std::vector<ApiKey> now_using, uow.KeysUsingPepper(version, now));
    const auto enabled = std::count_if(now_using.begin(), now_using.end(),
                                       [](const ApiKey& k) { return k.enabled; });
    if (enabled > 0 || (!disable_keys && !now_using.empty())) {
      return PepperUsage(ErrorCode::kConflict, Msg::kPepperVersionTakenUp,
                         {std::to_string(version), DescribeUsers(now_using, version)});
    }
    KW_RETURN_IF_ERROR(RecordPepperRetired(uow, peppers, version));
    KW_RETURN_IF_ERROR(
        AppendAuditEvent(uow, actor, now, "pepper.retire", "pepper:" + std::to_string(version),
                         JsonObject()
                             .Add("version", std::int64_t{version})
                             .Add("disabledKeys", static_cast<std::int64_t>(out.disabled.size()))
                             .str()));
    return commit_file();
  });
  if (!recorded) return recorded.error();
  return out;
}

}  // namespace keyward::core
