// Fuzzes every JSON request-body parser of src/http: the first input byte picks the parser, the
// rest is the body (or, for the Vision One query parsers, the query text). Every parser answers a
// value or an error, never a crash, an exception or a hang, whatever the bytes: deep nesting,
// huge arrays and strings, invalid UTF-8, NUL bytes and duplicate keys included. Checked on the
// way: ParseBody accepts no document that FindDuplicateKey faults, every error renders its
// message in both locales, and a Vision One array body stays within its item limit.
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/locale.hpp"
#include "core/permissions.hpp"
#include "core/result.hpp"
#include "core/store/account.hpp"
#include "http/ds/administrator_codec.hpp"
#include "http/ds/key_codec.hpp"
#include "http/ds/role_codec.hpp"
#include "http/json_duplicate_keys.hpp"
#include "http/json_fields.hpp"
#include "http/v1/account_codec.hpp"
#include "http/v1/key_codec.hpp"
#include "http/v1/role_codec.hpp"
#include "http/v1/verification_codec.hpp"
#include "http/visionone/codec.hpp"
#include "http/visionone/paging.hpp"

namespace {

namespace http = keyward::http;
namespace core = keyward::core;

// Renders an error's message as every surface would (a message id with arguments, in a locale).
template <class T>
void Check(const core::Result<T>& result) {
  if (result) return;
  (void)result.error().Message(core::Locale::kEnUs);
  (void)result.error().Message(core::Locale::kJaJp);
}

const core::Account& StoredAccount() {
  static const core::Account account = [] {
    core::Account a;
    a.id = 7;
    a.email = "admin@example.com";
    a.role_id = 3;
    a.attributes = R"({"timeZone":"UTC","unlockTime":null,"nested":{"a":[1,2,{"b":"c"}]}})";
    return a;
  }();
  return account;
}

const core::Role& StoredRole() {
  static const core::Role role = [] {
    core::Role r;
    r.id = 100;
    r.name = "Custom";
    r.attributes = R"({"rights":{"platformRights":{"x":{"y":true}}},"allComputers":true})";
    return r;
  }();
  return role;
}

// The object parsers of the native and Deep Security dialects, over a body ParseBody accepted.
void ParseObject(unsigned which, const boost::json::object& body) {
  switch (which % 16) {
    case 0:
      return Check(http::ParseCreateKey(body));
    case 1:
      return Check(http::ParseUpdateKey(body));
    case 2:
      return Check(http::ParseRotate(body));
    case 3:
      return Check(http::ParseBulkDelete(body));
    case 4:
      return Check(http::ParseRoleInput(body));
    case 5:
      return Check(http::ParseVerify(body));
    case 6:
      return Check(http::ParseAccountInput(body));
    case 7:
      return Check(http::ParseTokenInput(body));
    case 8:
      return Check(http::ParseSignIn(body));
    case 9:
      return Check(http::ParsePasswordChange(body));
    case 10:
      return Check(http::ParseNoFields(body));
    case 11:
      return Check(http::ds::ParseDsCreateKey(body));
    case 12:
      return Check(http::ds::ParseDsModifyKey(body));
    case 13:
      return Check(http::ds::ParseAdministratorCreate(body));
    case 14:
      return Check(http::ds::ParseAdministratorModify(body, StoredAccount()));
    default:
      break;
  }
  Check(http::ds::ParseRoleCreate(body));
  Check(http::ds::ParseRoleModify(body, StoredRole()));
}

// The Vision One parsers, which read the raw body (an array of items, or a PATCH object) or a
// query string and a TMV1-Filter header.
void ParseVisionOne(unsigned which, std::string_view text) {
  const core::Locale locale = (which & 1) != 0 ? core::Locale::kJaJp : core::Locale::kEnUs;
  switch ((which >> 1) % 4) {
    case 0: {
      constexpr std::size_t kMaxItems = 5;
      const auto items = http::visionone::ParseArrayBody(text, kMaxItems, locale);
      Check(items);
      if (!items) return;
      if (items->empty() || items->size() > kMaxItems) std::abort();
      for (const boost::json::value& item : *items) {
        Check(http::visionone::ParseCreateItem(item, locale));
      }
      return;
    }
    case 1: {
      const auto body = http::ParseBody(text);
      if (body) Check(http::visionone::ParsePatch(*body, locale));
      return;
    }
    case 2:
      return Check(http::visionone::ParseOrderBy(text, locale));
    default: {
      // "query\nfilter header": the header is absent when there is no newline.
      const std::size_t newline = text.find('\n');
      const std::string_view query = text.substr(0, newline);
      std::optional<std::string_view> header;
      if (newline != std::string_view::npos) header = text.substr(newline + 1);
      const std::string target = "/?" + std::string(query);
      const auto url = boost::urls::parse_origin_form(target);
      if (url) Check(http::visionone::ParseListQuery(url->params(), header, locale));
      return;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned selector = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((selector & 0x80) != 0) {
    ParseVisionOne(selector, text);
    return 0;
  }
  const auto body = http::ParseBody(text);
  Check(body);
  const std::optional<std::string> duplicate = http::FindDuplicateKey(text);
  // A body with a duplicated key is never read (its last value would silently win).
  if (body && duplicate) std::abort();
  if (body) ParseObject(selector, *body);
  return 0;
}
