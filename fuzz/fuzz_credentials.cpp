// Fuzzes what console sign-in reads from strangers: email validation (an accepted address has one
// '@', printable ASCII only, and its uniqueness key folds only ASCII letters) and new-password
// validation. Every input is accepted or rejected with an error naming its field, never a crash.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/crypto/password.hpp"
#include "core/store/account.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const keyward::core::Status email = keyward::core::ValidateEmail(text, "email");
  if (email) {
    std::size_t ats = 0;
    for (const char c : text) {
      if (c == '@') ++ats;
      if (c <= ' ' || c > '~') std::abort();
    }
    if (ats != 1) std::abort();
    const std::string key = keyward::core::EmailKey(text);
    if (key.size() != text.size() || keyward::core::EmailKey(key) != key) std::abort();
  } else {
    if (email.error().field != "email") std::abort();
    (void)email.error().Message();
  }
  const keyward::core::Status password = keyward::core::ValidateNewPassword(text, "newPassword");
  if (!password) {
    if (password.error().field != "newPassword") std::abort();
    (void)password.error().Message();
  }
  return 0;
}
