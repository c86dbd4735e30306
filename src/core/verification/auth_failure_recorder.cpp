#include "core/verification/auth_failure_recorder.hpp"

#include <chrono>
#include <utility>
#include <vector>

#include "core/crypto/token.hpp"
#include "core/json_text.hpp"
#include "core/store/audit_record.hpp"
#include "core/time_zone.hpp"

namespace keyward::core {
namespace {

constexpr std::int64_t kMinute = 60;

std::int64_t MinuteOf(Time t) {
  const std::int64_t s = t.time_since_epoch().count();
  return s >= 0 ? s / kMinute : (s - kMinute + 1) / kMinute;  // floor, also before 1970
}

Time MinuteStart(std::int64_t minute) { return Time{Seconds{minute * kMinute}}; }

std::string PairKey(const std::optional<KeyId>& key, std::string_view key_prefix,
                    std::string_view ip) {
  std::string out = key ? "#" + std::to_string(*key) : "p" + std::string(key_prefix);
  out.push_back('|');
  out.append(ip);
  return out;
}

AuditEvent FailureEvent(const std::optional<KeyId>& key, Time time, std::string ip,
                        std::string details) {
  AuditEvent e;
  e.time = time;
  e.actor = "anonymous";
  e.action = "auth.failure";
  e.target = key ? KeyTarget(*key) : "";
  e.ip = std::move(ip);
  e.outcome = "failure";
  e.details_json = std::move(details);
  return e;
}

}  // namespace

AuthFailureRecorder::AuthFailureRecorder(Store& store, const Clock& clock,
                                         AuthFailureOptions options)
    : store_(store), clock_(clock), options_(options) {}

AuthFailureRecorder::~AuthFailureRecorder() { Stop(); }

void AuthFailureRecorder::Start() {
  std::lock_guard lock(thread_mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void AuthFailureRecorder::Stop() {
  {
    std::lock_guard lock(thread_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mu_);
    QueueEndedLocked(std::nullopt);
  }
  Drain();
}

void AuthFailureRecorder::Record(Outcome outcome, std::optional<KeyId> key,
                                 std::string_view key_prefix,
                                 const std::optional<IpAddress>& client, Time now) {
  const std::string ip = client ? client->ToString() : std::string();
  const std::string pair = PairKey(key, key_prefix, ip);
  bool queued_first = false;
  {
    std::lock_guard lock(mu_);
    Minute& minute = minutes_[MinuteOf(now)];
    auto it = minute.pairs.find(pair);
    if (it == minute.pairs.end()) {
      if (tracked_ >= options_.max_pairs) {
        ++minute.overflow.summed;
        ++minute.overflow.reasons[outcome];
        minute.overflow.last = now;
        ++overflow_failures_;
        return;
      }
      Bucket bucket;
      bucket.key = key;
      bucket.key_prefix = std::string(key_prefix);
      bucket.ip = ip;
      it = minute.pairs.emplace(pair, std::move(bucket)).first;
      ++tracked_;
      if (queue_.size() < options_.max_queued) {
        JsonObject details;
        details.Add("reason", OutcomeName(outcome)).Add("count", std::int64_t{1});
        if (!key_prefix.empty()) details.Add("keyPrefix", key_prefix);
        queue_.push_back(FailureEvent(key, now, ip, details.str()));
        queued_first = true;
      }
    }
    if (!queued_first) {
      Bucket& bucket = it->second;
      ++bucket.summed;
      ++bucket.reasons[outcome];
      bucket.last = now;
    }
  }
  if (queued_first) {
    {
      std::lock_guard lock(thread_mu_);
      pending_ = true;
    }
    wake_.notify_one();
  }
}

void AuthFailureRecorder::Flush(Time now) {
  {
    std::lock_guard lock(mu_);
    QueueEndedLocked(now);
  }
  Drain();
}

void AuthFailureRecorder::Failed(Outcome outcome, const KeyEntry* key_or_null,
                                 std::string_view public_id, const std::optional<IpAddress>& client,
                                 Time now) {
  std::optional<KeyId> key;
  if (key_or_null != nullptr) key = key_or_null->id;
  Record(outcome, key, public_id.empty() ? std::string() : TokenPrefix(public_id), client, now);
}

AuthFailureStats AuthFailureRecorder::Stats() const {
  std::lock_guard lock(mu_);
  AuthFailureStats stats;
  stats.events_written = events_written_;
  stats.writes_failed = writes_failed_;
  stats.overflow_failures = overflow_failures_;
  stats.tracked_pairs = tracked_;
  stats.queued = queue_.size();
  return stats;
}

void AuthFailureRecorder::QueueEndedLocked(std::optional<Time> now) {
  auto summary = [&](const Bucket& bucket, std::int64_t minute, bool overflow) {
    Outcome reason = bucket.reasons.begin()->first;
    for (const auto& [outcome, count] : bucket.reasons) {
      if (count > bucket.reasons.at(reason)) reason = outcome;
    }
    JsonObject details;
    details.Add("reason", OutcomeName(reason)).Add("count", bucket.summed);
    if (overflow) details.Add("overflow", true);
    if (!bucket.key_prefix.empty()) details.Add("keyPrefix", bucket.key_prefix);
    details.Add("windowStart", FormatTime(MinuteStart(minute), "UTC"));
    if (bucket.reasons.size() > 1) {
      JsonObject reasons;
      for (const auto& [outcome, count] : bucket.reasons) reasons.Add(OutcomeName(outcome), count);
      details.AddRaw("reasons", reasons.str());
    }
    queue_.push_back(FailureEvent(bucket.key, bucket.last, bucket.ip, details.str()));
  };
  for (auto it = minutes_.begin(); it != minutes_.end();) {
    const auto& [minute, state] = *it;
    if (now && MinuteStart(minute + 1) > *now) break;  // minutes_ is ordered: the rest are open
    for (const auto& [pair, bucket] : state.pairs) {
      if (bucket.summed > 0) summary(bucket, minute, false);
    }
    if (state.overflow.summed > 0) summary(state.overflow, minute, true);
    tracked_ -= state.pairs.size();
    it = minutes_.erase(it);
  }
}

void AuthFailureRecorder::Drain() {
  std::lock_guard write_lock(write_mu_);
  for (;;) {
    AuditEvent event;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty()) return;
      event = std::move(queue_.front());
      queue_.pop_front();
    }
    const Status st = store_.Transact([&](UnitOfWork& uow) -> Status {
      KW_ASSIGN_OR_RETURN(const std::int64_t id, uow.AppendAudit(event));
      (void)id;
      return Ok();
    });
    std::lock_guard lock(mu_);
    if (st) {
      ++events_written_;
    } else {
      ++writes_failed_;
    }
  }
}

void AuthFailureRecorder::Run() {
  Time next_flush = clock_.Now();
  std::unique_lock lock(thread_mu_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_ || pending_; });
    if (stopping_) break;
    pending_ = false;
    lock.unlock();
    const Time now = clock_.Now();
    if (now >= next_flush) {
      Flush(now);
      next_flush = now + options_.flush_interval;
    } else {
      Drain();
    }
    lock.lock();
  }
}

}  // namespace keyward::core
