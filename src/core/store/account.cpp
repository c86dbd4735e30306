#include "core/store/account.hpp"

#include <array>

namespace keyward::core {
namespace {

constexpr std::array<std::pair<AccessLevel, const char*>, 3> kAccessLevels{{
    {AccessLevel::kConsoleAndApi, "console_and_api"},
    {AccessLevel::kApiOnly, "api_only"},
    {AccessLevel::kConsoleOnly, "console_only"},
}};

bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// Printable ASCII other than space and the characters RFC 5322 reserves outside quotes.
bool IsLocalChar(char c) {
  if (c <= ' ' || c > '~') return false;
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '[':
    case ']':
    case ',':
    case ';':
    case ':':
    case '\\':
    case '"':
    case '@':
      return false;
    default:
      return true;
  }
}

bool ValidDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!IsLabelChar(c)) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

const char* AccessLevelName(AccessLevel level) {
  for (const auto& [value, name] : kAccessLevels) {
    if (value == level) return name;
  }
  return "console_and_api";
}

std::optional<AccessLevel> ParseAccessLevel(std::string_view text) {
  for (const auto& [value, name] : kAccessLevels) {
    if (text == name) return value;
  }
  return std::nullopt;
}

Error AccountNotFound(AccountId id) {
  return MakeError(ErrorCode::kNotFound, Msg::kAccountNotFound, {std::to_string(id)});
}

std::string EmailKey(std::string_view email) {
  std::string key(email);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

std::string PrintableEmail(std::string_view email) {
  std::string out(email.substr(0, kMaxEmailLength));
  for (char& c : out) {
    if (c < ' ' || c > '~') c = '?';
  }
  return out;
}

Status ValidateEmail(std::string_view email, std::string_view field) {
  const auto invalid = [&] {
    return InvalidArgument(Msg::kEmailInvalid, std::string(field), {PrintableEmail(email)});
  };
  if (email.size() < 3 || email.size() > kMaxEmailLength) return invalid();
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return invalid();
  }
  const std::string_view local = email.substr(0, at);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return invalid();
  }
  for (char c : local) {
    if (!IsLocalChar(c)) return invalid();
  }
  if (!ValidDomain(email.substr(at + 1))) return invalid();
  return Ok();
}

bool AuditableSignInEmail(std::string_view email) {
  if (!ValidateEmail(email).has_value()) return false;
  // What someone typed into the email field may be a secret pasted in the wrong place: anything
  // with the shape of a token or a generated password stays out of the trail.
  std::string lower = EmailKey(email);
  if (lower.find("kw_") != std::string::npos) return false;
  std::size_t run = 0;
  for (const char c : email) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    run = alnum ? run + 1 : 0;
    if (run >= 20) return false;
  }
  return true;
}

}  // namespace keyward::core
