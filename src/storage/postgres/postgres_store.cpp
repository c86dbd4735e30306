#include "storage/postgres/postgres_store.hpp"

#include <openssl/rand.h>

#include <exception>
#include <utility>

#include "core/store/observed_unit_of_work.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/sql/sql_unit_of_work.hpp"

namespace keyward::storage::postgres {
namespace {

// NOTIFY payloads stay under PostgreSQL's limit of 8000 bytes.
constexpr std::size_t kMaxPayload = 7000;

// Notes the keys and roles a unit of work wrote, for the change notification sent before COMMIT:
// entries "k<id>:<public id>" and "r<id>" (change_feed.hpp reads them).
class Announcements final : public core::StoreWriteObserver {
 public:
  explicit Announcements(std::vector<std::string>& entries) : entries_(entries) {}
  void KeyWritten(const core::ApiKey& key) override { NoteKey(key.id, key.public_id); }
  void KeyErased(core::KeyId id, const std::string& public_id) override { NoteKey(id, public_id); }
  void RoleWritten(const core::Role& role) override { NoteRole(role.id); }
  void RoleErased(core::RoleId id) override { NoteRole(id); }

 private:
  void NoteKey(core::KeyId id, std::string_view public_id) {
    entries_.push_back("k" + std::to_string(id) + ":" + std::string(public_id));
  }
  void NoteRole(core::RoleId id) { entries_.push_back("r" + std::to_string(id)); }

  std::vector<std::string>& entries_;
};

// Sends `entries` on the change channel, as few notifications as fit, each led by `tag`.
core::Status Announce(PgConnection& connection, const std::string& tag,
                      const std::vector<std::string>& entries) {
  std::string payload = tag;
  auto send = [&]() -> core::Status {
    KW_ASSIGN_OR_RETURN(sql::Statement stmt,
                        connection.Prepare("SELECT pg_notify(?1, ?2)", "announce changes"));
    return stmt.BindText(1, kChangeChannel).BindText(2, payload).Run();
  };
  for (const std::string& entry : entries) {
    if (payload.size() + 1 + entry.size() > kMaxPayload) {
      KW_RETURN_IF_ERROR(send());
      payload = tag;
    }
    payload += ' ';
    payload += entry;
  }
  if (payload.size() > tag.size()) return send();
  return core::Ok();
}

std::string NewNodeTag() {
  unsigned char bytes[8] = {};
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "n0";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "n";
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace

PostgresStore::PostgresStore(std::string url, PostgresStoreOptions options, std::string node_tag)
    : url_(std::move(url)), options_(options), node_tag_(std::move(node_tag)) {}

PostgresStore::~PostgresStore() = default;

core::Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url,
                                                                 PostgresStoreOptions options) {
  if (options.pool_size < 1) options.pool_size = 1;
  KW_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection,
                      PgConnection::Open(url, options.connect_timeout_seconds));
  KW_RETURN_IF_ERROR(Migrate(*connection, RedactUrl(url), options.create_schema));
  std::unique_ptr<PostgresStore> store(new PostgresStore(url, options, NewNodeTag()));
  store->open_ = 1;
  store->Release(std::move(connection));
  return store;
}

core::Result<std::unique_ptr<PgConnection>> PostgresStore::Acquire() {
  {
    std::unique_lock lock(pool_mu_);
    pool_cv_.wait(lock, [this] { return !idle_.empty() || open_ < options_.pool_size; });
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;  // a slot for the connection made below, outside the lock
  }
  core::Result<std::unique_ptr<PgConnection>> made =
      PgConnection::Open(url_, options_.connect_timeout_seconds);
  if (!made) {
    {
      std::lock_guard lock(pool_mu_);
      --open_;
    }
    pool_cv_.notify_one();
  }
  return made;
}

void PostgresStore::Release(std::unique_ptr<PgConnection> connection) {
  {
    std::lock_guard lock(pool_mu_);
    if (connection && !connection->Broken()) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  pool_cv_.notify_one();
}

// Runs `fn` on `connection` inside the open transaction, noting the keys and roles it wrote in
// `entries`; no exception leaves.
core::Status RunFunction(PgConnection& connection,
                         const std::function<core::Status(core::UnitOfWork&)>& fn,
                         std::vector<std::string>& entries) {
  try {
    sql::SqlUnitOfWork uow(connection);
    Announcements announcements(entries);
    core::ObservedUnitOfWork announcing(uow, announcements);
    return fn(announcing);
  } catch (const std::exception& e) {
    return core::Internal(std::string("unit of work: ") + e.what());
  } catch (...) {
    return core::Internal("unit of work: unknown exception");
  }
}

core::Status PostgresStore::Begin(PgConnection& connection) {
  return connection.Execute("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" +
                                std::to_string(kUnitOfWorkLock) + ")",
                            "begin unit of work");
}

void PostgresStore::DropIdle() {
  std::vector<std::unique_ptr<PgConnection>> stale;
  {
    std::lock_guard lock(pool_mu_);
    stale.swap(idle_);
    open_ -= static_cast<int>(stale.size());
  }
  pool_cv_.notify_all();
}

core::Result<std::unique_ptr<PgConnection>> PostgresStore::AcquireBegun() {
  KW_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection, Acquire());
  core::Status begun = Begin(*connection);
  if (!begun && connection->Broken()) {
    // An idle connection the server dropped (a restart, a failover): nothing has run yet, so the
    // batch starts again on a new connection, and the other idle ones go too.
    Release(std::move(connection));
    DropIdle();
    KW_ASSIGN_OR_RETURN(connection, Acquire());
    begun = Begin(*connection);
  }
  if (!begun) {
    Release(std::move(connection));
    return begun.error();
  }
  return connection;
}

core::Status PostgresStore::Transact(const std::function<core::Status(core::UnitOfWork&)>& fn) {
  return TransactThen(fn, {});
}

core::Status PostgresStore::TransactThen(const std::function<core::Status(core::UnitOfWork&)>& fn,
                                         const std::function<void()>& on_commit) {
  return group_.Run(fn, on_commit, [this](const std::vector<Member*>& batch) { RunBatch(batch); });
}

void PostgresStore::RunBatch(const std::vector<Member*>& batch) {
  core::Result<std::unique_ptr<PgConnection>> opened = AcquireBegun();
  if (!opened) {
    for (Member* m : batch) m->result = opened.error();
    unreachable_.store(opened.error().msg == core::Msg::kStoreUnreachable);
    return;
  }
  PgConnection& connection = **opened;
  // A lone unit of work needs no savepoint: its failure rolls the whole transaction back.
  const bool savepoints = batch.size() > 1;
  std::vector<Member*> kept;
  std::vector<std::string> entries;
  core::Status lost = core::Ok();  // set when the transaction itself failed
  for (Member* m : batch) {
    if (!lost) {
      m->result = lost;
      continue;
    }
    if (savepoints) {
      if (core::Status st = connection.Execute("SAVEPOINT unit_of_work", "begin unit of work");
          !st) {
        lost = st;
        m->result = st;
        continue;
      }
    }
    std::vector<std::string> written;
    m->result = RunFunction(connection, m->fn, written);
    if (connection.Broken()) {
      lost = m->result ? core::MakeError(core::ErrorCode::kUnavailable,
                                         core::Msg::kStoreUnreachable, {"connection lost"})
                       : m->result;
      m->result = lost;
      continue;
    }
    if (m->result) {
      if (savepoints) {
        if (core::Status st =
                connection.Execute("RELEASE SAVEPOINT unit_of_work", "end unit of work");
            !st) {
          lost = st;
          m->result = st;
          continue;
        }
      }
      kept.push_back(m);
      entries.insert(entries.end(), written.begin(), written.end());
    } else if (savepoints) {
      // This unit of work alone is undone; the others of the batch keep theirs.
      if (core::Status st = connection.Execute(
              "ROLLBACK TO SAVEPOINT unit_of_work; RELEASE SAVEPOINT unit_of_work",
              "roll back unit of work");
          !st) {
        lost = st;
      }
    }
  }
  core::Status committed = lost;
  if (committed && !kept.empty() && !entries.empty()) {
    committed = Announce(connection, node_tag_, entries);
  }
  if (committed && !kept.empty()) {
    committed = connection.Execute("COMMIT", "commit unit of work");
  } else {
    (void)connection.Execute("ROLLBACK", "roll back unit of work");
  }
  if (!committed) {
    for (Member* k : kept) k->result = committed;
  } else if (!kept.empty()) {
    group_.Committed(kept.size());
    // Committed: the hooks run in commit order, before any later batch's and before any member's
    // caller returns.
    for (Member* k : kept) {
      if (k->on_commit) sql::RunHook(k->on_commit);
    }
  }
  const bool broken = connection.Broken();
  Release(std::move(*opened));
  unreachable_.store(broken ||
                     (!committed && committed.error().msg == core::Msg::kStoreUnreachable));
}

std::string PostgresStore::WriteFault() const {
  return unreachable_.load() ? "the database server cannot be reached" : "";
}

}  // namespace keyward::storage::postgres
