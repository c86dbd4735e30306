#include "storage/postgres/postgres_store.hpp"

#include <openssl/rand.h>

#include <exception>
#include <utility>

#include "core/store/forwarding_unit_of_work.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/sql/sql_unit_of_work.hpp"

namespace keyward::storage::postgres {
namespace {

// NOTIFY payloads stay under PostgreSQL's limit of 8000 bytes.
constexpr std::size_t kMaxPayload = 7000;

// A UnitOfWork that forwards every call and notes the keys and roles written, for the change
// notification sent before COMMIT.
class AnnouncingUnitOfWork final : public core::ForwardingUnitOfWork {
 public:
  using ForwardingUnitOfWork::ForwardingUnitOfWork;

  core::Result<core::KeyId> InsertKey(const core::ApiKey& key) override {
    core::Result<core::KeyId> id = inner_.InsertKey(key);
    if (id) NoteKey(*id, key.public_id);
    return id;
  }
  core::Status UpdateKey(const core::ApiKey& key) override {
    core::Status st = inner_.UpdateKey(key);
    if (st) NoteKey(key.id, key.public_id);
    return st;
  }
  core::Status DeleteKey(core::KeyId id) override {
    KW_ASSIGN_OR_RETURN(std::optional<core::ApiKey> key, inner_.FindKey(id));
    core::Status st = inner_.DeleteKey(id);
    if (st && key) NoteKey(id, key->public_id);
    return st;
  }
  core::Result<core::RoleId> InsertRole(const core::Role& role) override {
    core::Result<core::RoleId> id = inner_.InsertRole(role);
    if (id) NoteRole(*id);
    return id;
  }
  core::Status UpdateRole(const core::Role& role) override {
    core::Status st = inner_.UpdateRole(role);
    if (st) NoteRole(role.id);
    return st;
  }
  core::Status DeleteRole(core::RoleId id) override {
    core::Status st = inner_.DeleteRole(id);
    if (st) NoteRole(id);
    return st;
  }

  // The entries written, each "k<id>:<public id>" or "r<id>" (change_feed.hpp reads them).
  const std::vector<std::string>& entries() const { return entries_; }

 private:
  void NoteKey(core::KeyId id, std::string_view public_id) {
    entries_.push_back("k" + std::to_string(id) + ":" + std::string(public_id));
  }
  void NoteRole(core::RoleId id) { entries_.push_back("r" + std::to_string(id)); }

  std::vector<std::string> entries_;
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

core::Status PostgresStore::RunUnitOfWork(
    PgConnection& connection, const std::function<core::Status(core::UnitOfWork&)>& fn) {
  core::Status st;
  std::vector<std::string> entries;
  try {
    sql::SqlUnitOfWork uow(connection);
    AnnouncingUnitOfWork announcing(uow);
    st = fn(announcing);
    entries = announcing.entries();
  } catch (const std::exception& e) {
    st = core::Internal(std::string("unit of work: ") + e.what());
  } catch (...) {
    st = core::Internal("unit of work: unknown exception");
  }
  if (st && !entries.empty()) st = Announce(connection, node_tag_, entries);
  if (st) return connection.Execute("COMMIT", "commit unit of work");
  (void)connection.Execute("ROLLBACK", "roll back unit of work");
  return st;
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

core::Status PostgresStore::Transact(const std::function<core::Status(core::UnitOfWork&)>& fn) {
  core::Result<std::unique_ptr<PgConnection>> connection = Acquire();
  if (!connection) {
    unreachable_.store(true);
    return connection.error();
  }
  core::Status begun = Begin(**connection);
  if (!begun && (*connection)->Broken()) {
    // An idle connection the server dropped (a restart, a failover): nothing has run yet, so the
    // unit of work starts again on a new connection, and the other idle ones go too.
    Release(std::move(*connection));
    DropIdle();
    connection = Acquire();
    if (!connection) {
      unreachable_.store(true);
      return connection.error();
    }
    begun = Begin(**connection);
  }
  core::Status st = begun ? RunUnitOfWork(**connection, fn) : begun;
  const bool broken = (*connection)->Broken();
  Release(std::move(*connection));
  if (broken || (!st && st.error().msg == core::Msg::kStoreUnreachable)) {
    unreachable_.store(true);
  } else {
    unreachable_.store(false);
  }
  return st;
}

std::string PostgresStore::WriteFault() const {
  return unreachable_.load() ? "the database server cannot be reached" : "";
}

}  // namespace keyward::storage::postgres
