// Fuzzes the Deep Security search language and key bodies: any body is parsed as a SearchFilter
// over the ApiKey's searchable fields and, when it parses, applied to a few keys (wildcards,
// every test kind), and read as an ApiKey create and modify body. Any input is answered or
// refused with an error, never a crash, a hang or a blow-up.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/api_key.hpp"
#include "http/ds/key_codec.hpp"
#include "http/ds/search.hpp"
#include "http/json_fields.hpp"

namespace {

std::vector<keyward::core::ApiKey> Keys() {
  using keyward::core::ApiKey;
  const keyward::core::Time t{std::chrono::seconds(1'700'000'000)};
  std::vector<ApiKey> keys(4);
  keys[0].id = 1;
  keys[0].name = "deploy-bot";
  keys[0].role_id = 2;
  keys[0].created_at = t;
  keys[1].id = 7;
  keys[1].name = "ci%runner_日本";
  keys[1].description = "nightly";
  keys[1].role_id = 100;
  keys[1].enabled = false;
  keys[1].created_at = t + std::chrono::hours(1);
  keys[1].last_used_at = t + std::chrono::hours(2);
  keys[1].expires_at = t + std::chrono::hours(24);
  keys[2].id = 3;
  keys[2].name = std::string(200, 'a');
  keys[2].locked = true;
  keys[2].unlock_at = t + std::chrono::hours(3);
  keys[2].failed_attempts = 5;
  keys[3].id = 2;
  keys[3].name = "";
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ds = keyward::http::ds;
  static const std::vector<keyward::core::ApiKey> keys = Keys();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = keyward::http::ParseBody(body);
  if (!parsed) return 0;
  auto search = ds::Search::Parse(*parsed, ds::KeySearchFields());
  if (search) {
    const keyward::core::Time now{std::chrono::seconds(1'700'003'600)};
    (void)ds::ApplySearch(
        *search, keys,
        [&](const keyward::core::ApiKey& key, std::string_view name) {
          return ds::KeyFieldValue(key, name, now);
        },
        [](const keyward::core::ApiKey& key) { return key.id; });
  }
  (void)ds::ParseDsCreateKey(*parsed);
  (void)ds::ParseDsModifyKey(*parsed);
  return 0;
}
