#include "siem/forwarder.hpp"

#include <unistd.h>

#include <boost/asio/ip/host_name.hpp>

#include <algorithm>
#include <exception>
#include <new>
#include <utility>

#include "siem/hec_sender.hpp"
#include "siem/syslog_sender.hpp"

namespace keyward::siem {
namespace {

// The layer's edge: an exception from Boost or OpenSSL becomes an error worth retrying.
core::Status SendCatching(Sender& sender, const Batch& batch, const SendLimits& limits) {
  try {
    return sender.Send(batch, limits);
  } catch (const std::exception& e) {
    return core::Unavailable(sender.name() + ": " + e.what());
  }
}

}  // namespace

struct SiemForwarder::Lane {
  explicit Lane(std::unique_ptr<Sender> s) : sender(std::move(s)) {}

  std::unique_ptr<Sender> sender;
  std::thread thread;
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> dropped{0};
  std::uint64_t next = 0;  // guarded by mu_: seq of the first event this lane has not taken
  bool healthy = true;     // guarded by mu_
  std::string last_error;  // guarded by mu_
};

core::Result<std::unique_ptr<SiemForwarder>> SiemForwarder::Create(ForwarderConfig config) {
  if (config.queue_capacity == 0 || config.max_batch == 0) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kWrongType,
                           {"the SIEM queue capacity and batch size", "at least 1"});
  }
  if (config.hostname.empty()) {
    boost::system::error_code ec;
    config.hostname = boost::asio::ip::host_name(ec);
  }
  SyslogHeader header;
  header.hostname = config.hostname;
  header.proc_id = std::to_string(::getpid());
  std::vector<std::unique_ptr<Sender>> senders;
  for (const SyslogDestination& destination : config.syslog) {
    KW_ASSIGN_OR_RETURN(auto sender, MakeSyslogSender(destination, header, config.product_version));
    senders.push_back(std::move(sender));
  }
  for (const HecDestination& destination : config.hec) {
    KW_ASSIGN_OR_RETURN(auto sender, MakeHecSender(destination, config.hostname));
    senders.push_back(std::move(sender));
  }
  return std::make_unique<SiemForwarder>(std::move(config), std::move(senders));
}

SiemForwarder::SiemForwarder(ForwarderConfig config, std::vector<std::unique_ptr<Sender>> senders)
    : config_(std::move(config)) {
  config_.queue_capacity = std::max<std::size_t>(config_.queue_capacity, 1);
  config_.max_batch = std::max<std::size_t>(config_.max_batch, 1);
  for (auto& sender : senders) lanes_.push_back(std::make_unique<Lane>(std::move(sender)));
}

SiemForwarder::~SiemForwarder() { Stop(); }

void SiemForwarder::Start() {
  {
    std::lock_guard lock(mu_);
    if (started_ || stopping_) return;
    started_ = true;
    running_ = lanes_.size();
  }
  for (auto& lane : lanes_) {
    lane->thread = std::thread([this, raw = lane.get()] { Work(*raw); });
  }
}

void SiemForwarder::Stop() {
  std::unique_lock lock(mu_);
  if (stopping_) return;
  stopping_ = true;
  cv_.notify_all();
  if (started_) {
    idle_cv_.wait_for(lock, config_.drain_timeout, [this] { return running_ == 0; });
  }
  // Set under mu_ so that a worker about to wait cannot miss it.
  abort_.store(true);
  cv_.notify_all();
  lock.unlock();
  for (auto& lane : lanes_) {
    if (lane->thread.joinable()) lane->thread.join();
  }
  std::uint64_t abandoned = 0;
  lock.lock();
  for (auto& lane : lanes_) abandoned += AbandonLocked(*lane);
  queue_.clear();
  lock.unlock();
  if (abandoned > 0) {
    dropped_.fetch_add(abandoned, std::memory_order_relaxed);
    if (config_.on_counts) config_.on_counts(0, abandoned);
  }
}

void SiemForwarder::Deliver(const std::vector<core::AuditEvent>& committed) {
  if (committed.empty() || lanes_.empty()) return;
  // Copies are made before taking the lock, so the lock is held for pointer moves only.
  std::vector<std::shared_ptr<const core::AuditEvent>> events;
  try {
    events.reserve(committed.size());
    for (const core::AuditEvent& event : committed) {
      events.push_back(std::make_shared<const core::AuditEvent>(event));
    }
  } catch (const std::bad_alloc&) {
    // The caller's commit stands whatever happens here: count the events as lost.
    const std::uint64_t lost = committed.size() * lanes_.size();
    for (auto& lane : lanes_) lane->dropped.fetch_add(committed.size());
    dropped_.fetch_add(lost, std::memory_order_relaxed);
    if (config_.on_counts) config_.on_counts(0, lost);
    return;
  }
  std::uint64_t dropped = 0;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      for (auto& lane : lanes_) lane->dropped.fetch_add(events.size(), std::memory_order_relaxed);
      dropped = events.size() * lanes_.size();
    } else {
      for (auto& event : events) queue_.push_back(Entry{next_seq_++, std::move(event)});
      while (queue_.size() > config_.queue_capacity) {
        const std::uint64_t oldest = queue_.front().seq;
        for (auto& lane : lanes_) {
          if (lane->next > oldest) continue;
          lane->next = oldest + 1;
          lane->dropped.fetch_add(1, std::memory_order_relaxed);
          ++dropped;
        }
        queue_.pop_front();
      }
    }
  }
  cv_.notify_all();
  if (dropped > 0) {
    dropped_.fetch_add(dropped, std::memory_order_relaxed);
    if (config_.on_counts) config_.on_counts(0, dropped);
  }
}

std::vector<SiemForwarder::DestinationStats> SiemForwarder::Stats() const {
  std::vector<DestinationStats> stats;
  std::lock_guard lock(mu_);
  for (const auto& lane : lanes_) {
    DestinationStats s;
    s.name = lane->sender->name();
    s.delivered = lane->delivered.load(std::memory_order_relaxed);
    s.dropped = lane->dropped.load(std::memory_order_relaxed);
    s.pending = next_seq_ - lane->next;
    s.healthy = lane->healthy;
    s.last_error = lane->last_error;
    stats.push_back(std::move(s));
  }
  return stats;
}

void SiemForwarder::Work(Lane& lane) {
  Batch batch;
  std::chrono::milliseconds backoff = config_.initial_backoff;
  while (!abort_.load()) {
    if (batch.empty() && !TakeBatch(lane, batch)) break;
    const SendLimits limits{std::chrono::steady_clock::now() + config_.io_timeout, &abort_};
    const core::Status status = SendCatching(*lane.sender, batch, limits);
    NoteResult(lane, status);
    if (status || status.error().code != core::ErrorCode::kUnavailable) {
      Count(lane, status ? batch.size() : 0, status ? 0 : batch.size());
      batch.clear();
      backoff = config_.initial_backoff;
      continue;
    }
    WaitBackoff(backoff);
    backoff = std::min(backoff * 2, config_.max_backoff);
  }
  if (!batch.empty()) Count(lane, 0, batch.size());
  std::lock_guard lock(mu_);
  --running_;
  idle_cv_.notify_all();
}

bool SiemForwarder::TakeBatch(Lane& lane, Batch& batch) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return abort_.load() || stopping_ || lane.next < next_seq_; });
  if (abort_.load() || lane.next >= next_seq_) return false;
  // Eviction moves every lane past what it evicts, so the lane's next event is still queued.
  for (std::size_t i = lane.next - queue_.front().seq;
       i < queue_.size() && batch.size() < config_.max_batch; ++i) {
    batch.push_back(queue_[i].event);
  }
  lane.next += batch.size();
  TrimLocked();
  return true;
}

void SiemForwarder::WaitBackoff(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, delay, [this] { return abort_.load(); });
}

void SiemForwarder::Count(Lane& lane, std::uint64_t delivered, std::uint64_t dropped) {
  lane.delivered.fetch_add(delivered, std::memory_order_relaxed);
  lane.dropped.fetch_add(dropped, std::memory_order_relaxed);
  delivered_.fetch_add(delivered, std::memory_order_relaxed);
  dropped_.fetch_add(dropped, std::memory_order_relaxed);
  if (config_.on_counts) config_.on_counts(delivered, dropped);
}

void SiemForwarder::NoteResult(Lane& lane, const core::Status& status) {
  std::string message;
  {
    std::lock_guard lock(mu_);
    if (status) {
      if (!lane.healthy) message = "SIEM destination " + lane.sender->name() + " recovered";
      lane.healthy = true;
    } else {
      const std::string detail = ErrorDetail(status.error());
      if (status.error().code != core::ErrorCode::kUnavailable) {
        message = "SIEM destination refused a batch, dropped: " + detail;
      } else if (lane.healthy) {
        message = "SIEM destination failing, retrying with backoff: " + detail;
      }
      lane.healthy = false;
      lane.last_error = detail;
    }
  }
  if (!message.empty() && config_.log) config_.log(message);
}

void SiemForwarder::TrimLocked() {
  std::uint64_t slowest = next_seq_;
  for (const auto& lane : lanes_) slowest = std::min(slowest, lane->next);
  while (!queue_.empty() && queue_.front().seq < slowest) queue_.pop_front();
}

std::uint64_t SiemForwarder::AbandonLocked(Lane& lane) {
  const std::uint64_t left = next_seq_ - lane.next;
  lane.next = next_seq_;
  lane.dropped.fetch_add(left, std::memory_order_relaxed);
  return left;
}

}  // namespace keyward::siem
