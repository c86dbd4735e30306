// /v1/authz through the real transport with one I/O thread: while a counted wrong secret waits for
// its store write (held shut by the test), the same I/O thread goes on answering other
// connections, and the wrong secret is answered once the write is made. The wiring is the one
// `keyward serve` uses: a Verifier over the in-memory KeyIndex, writes through the index's store.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/verification/key_index.hpp"
#include "http/transport/server.hpp"
#include "testing/http/api_test_util.hpp"
#include "testing/http/server_test_util.hpp"
#include "testing/key_fixture.hpp"
#include "testing/memory_store.hpp"

namespace keyward::http {
namespace {

using core::testing::kTestEpochSeconds;
using core::testing::TestPeppers;
using core::testing::WrongSecret;
using testing::Client;

// A store whose units of work wait, while it is shut, until it is opened again.
class GatedStore final : public core::Store {
 public:
  explicit GatedStore(core::Store& inner) : inner_(inner) {}

  core::Status Transact(const std::function<core::Status(core::UnitOfWork&)>& fn) override {
    {
      std::unique_lock lock(mu_);
      if (shut_) {
        ++waiting_;
        cv_.notify_all();
        cv_.wait(lock, [this] { return !shut_; });
      }
    }
    return inner_.Transact(fn);
  }

  void Shut() {
    std::lock_guard lock(mu_);
    shut_ = true;
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      shut_ = false;
    }
    cv_.notify_all();
  }
  // Whether a unit of work is waiting at the gate, within a generous limit that only keeps a
  // broken build from hanging.
  bool AwaitWaiter() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [this] { return waiting_ > 0; });
  }

 private:
  core::Store& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool shut_ = false;
  int waiting_ = 0;
};

class AuthzTransport : public ::testing::Test {
 protected:
  AuthzTransport()
      : clock_(core::Time{core::Seconds{kTestEpochSeconds}}),
        random_(5),
        hasher_(TestPeppers()),
        gated_(memory_),
        index_(gated_, clock_,
               core::KeyIndexOptions{core::Seconds{1}, core::Seconds{0}, core::Seconds{300}}),
        keys_(index_.store(), clock_, random_, hasher_),
        verifier_(index_, hasher_, clock_),
        services_(index_.store(), clock_, random_, keys_, hasher_),
        logger_(log_),
        handler_(services_.Wire(keys_, verifier_, index_.store(), clock_, metrics_, logger_)) {
    const core::IssuedKey admin = keys_.IssueMasterKey(core::Principal::System(), "admin").value();
    EXPECT_TRUE(index_.Load().has_value());
    master_ = core::Authenticate(verifier_, admin.token, core::IpAddress::Parse("8.8.8.8")).value();
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.io_threads = 1;
    options.worker_threads = 2;
    server_ = std::make_unique<Server>(options, handler_, logger_, metrics_);
    if (!server_->Start()) throw std::runtime_error("Start failed");
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~AuthzTransport() override {
    gated_.Open();
    server_->Stop();
    thread_.join();
  }

  core::IssuedKey Create(const std::string& name) {
    core::CreateKeyInput in;
    in.name = name;
    in.role = "Auditor";
    return keys_.Create(master_, in).value();
  }
  static std::string AuthzRequest(const std::string& token) {
    return "GET /v1/authz HTTP/1.1\r\nHost: test\r\nX-API-Key: " + token + "\r\n\r\n";
  }
  core::ApiKey Stored(core::KeyId id) { return core::testing::StoredKey(memory_, id); }

  storage::MemoryStore memory_;
  core::ManualClock clock_;
  core::SeededRandom random_;
  core::SecretHasher hasher_;
  GatedStore gated_;
  core::KeyIndex index_;
  core::KeyService keys_;
  core::Verifier verifier_;
  testing::ApiTestServices services_;
  std::ostringstream log_;
  Logger logger_;
  Metrics metrics_;
  ApiHandler handler_;
  core::Principal master_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(AuthzTransport, TheIoThreadServesOthersWhileACountedFailureIsBeingWritten) {
  const core::IssuedKey target = Create("target");
  const core::IssuedKey other = Create("other");

  gated_.Shut();
  Client attacker(server_->port());
  ASSERT_TRUE(attacker.Send(AuthzRequest(WrongSecret(target.token))));
  // The counted failure's unit of work has begun, on a worker, and is held at the gate.
  ASSERT_TRUE(gated_.AwaitWaiter());

  // The only I/O thread still answers another connection, inline, meanwhile.
  Client user(server_->port());
  ASSERT_TRUE(user.Send(AuthzRequest(other.token)));
  const auto valid = user.Read();
  ASSERT_TRUE(valid.has_value());
  EXPECT_EQ(valid->result_int(), 200u);
  EXPECT_EQ((*valid)["X-Keyward-Outcome"], "VALID");
  EXPECT_EQ(Stored(target.key.id).failed_attempts, 0);  // the write is still held

  // Once the write is made, the wrong secret is answered, and it is counted in the store.
  gated_.Open();
  const auto refused = attacker.Read();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->result_int(), 401u);
  EXPECT_EQ((*refused)["X-Keyward-Outcome"], "NOT_FOUND");
  EXPECT_EQ(Stored(target.key.id).failed_attempts, 1);
}

}  // namespace
}  // namespace keyward::http
