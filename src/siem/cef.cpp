#include "siem/cef.hpp"

#include <array>
#include <chrono>
#include <utility>

#ifndef KEYWARD_VERSION
#define KEYWARD_VERSION "0.0.0"
#endif

namespace keyward::siem {
namespace {

struct KnownAction {
  std::string_view action;
  std::string_view name;
};

constexpr std::array<KnownAction, 16> kKnownActions = {{
    {"apikey.create", "API key created"},
    {"apikey.update", "API key updated"},
    {"apikey.delete", "API key deleted"},
    {"apikey.enable", "API key enabled"},
    {"apikey.disable", "API key disabled"},
    {"apikey.lock", "API key locked"},
    {"apikey.unlock", "API key unlocked"},
    {"apikey.rotate", "API key secret rotated"},
    {"auth.failure", "Authentication failed"},
    {"auth.lockout", "API key locked out after failed attempts"},
    {"role.create", "Role created"},
    {"role.update", "Role updated"},
    {"role.delete", "Role deleted"},
    {"account.create", "Account created"},
    {"account.update", "Account updated"},
    {"account.delete", "Account deleted"},
}};

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Appends "key=value" (after a space unless first) with the value escaped, or nothing when the
// value is empty.
void AppendExtension(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  if (!out.empty()) out += ' ';
  out += key;
  out += '=';
  out += EscapeCefExtension(value);
}

}  // namespace

std::string EscapeCefHeader(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '|':
        out += "\\|";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string EscapeCefExtension(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '=':
        out += "\\=";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out;
}

int CefSeverity(std::string_view action, std::string_view outcome) {
  if (action == "auth.lockout") return 8;
  if (action == "auth.failure") return 6;
  if (outcome == "failure") return 5;
  if (EndsWith(action, ".delete") || EndsWith(action, ".lock") || EndsWith(action, ".disable")) {
    return 4;
  }
  return 3;
}

std::string CefEventName(std::string_view action) {
  for (const KnownAction& known : kKnownActions) {
    if (known.action == action) return std::string(known.name);
  }
  std::string words(action);
  for (char& c : words) {
    if (c == '.' || c == '_') c = ' ';
  }
  return words;
}

std::string_view DefaultProductVersion() { return KEYWARD_VERSION; }

std::string FormatCef(const core::AuditEvent& event, std::string_view chain_head,
                      std::string_view product_version) {
  std::string out = "CEF:0|Keyward|Keyward|";
  out += EscapeCefHeader(product_version);
  out += '|';
  out += EscapeCefHeader(event.action);
  out += '|';
  out += EscapeCefHeader(CefEventName(event.action));
  out += '|';
  out += std::to_string(CefSeverity(event.action, event.outcome));
  out += '|';
  std::string ext;
  const auto epoch_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(event.time.time_since_epoch());
  AppendExtension(ext, "rt", std::to_string(epoch_ms.count()));
  AppendExtension(ext, "suser", event.actor);
  AppendExtension(ext, "src", event.ip);
  AppendExtension(ext, "act", event.action);
  AppendExtension(ext, "outcome", event.outcome);
  if (!event.target.empty()) {
    AppendExtension(ext, "cs1Label", "target");
    AppendExtension(ext, "cs1", event.target);
  }
  if (!event.details_json.empty()) {
    AppendExtension(ext, "cs2Label", "details");
    AppendExtension(ext, "cs2", event.details_json);
  }
  if (!chain_head.empty()) {
    AppendExtension(ext, "cs3Label", "chainHead");
    AppendExtension(ext, "cs3", chain_head);
  }
  if (!event.prev_hash.empty()) {
    AppendExtension(ext, "cs4Label", "prevHash");
    AppendExtension(ext, "cs4", event.prev_hash);
  }
  AppendExtension(ext, "externalId", std::to_string(event.id));
  out += ext;
  return out;
}

}  // namespace keyward::siem
