#include "core/messages.hpp"

#include <fmt/args.h>
#include <fmt/format.h>

#include <array>

#include "core/locale.hpp"
#include "core/secret_shape.hpp"

namespace keyward::core {
namespace {

struct Template {
  const char* en;
  const char* ja;
};

constexpr std::array kTemplates = {
#define KEYWARD_MSG_TEMPLATE(name, en, ja) Template{en, ja},
    KEYWARD_MESSAGES(KEYWARD_MSG_TEMPLATE)
#undef KEYWARD_MSG_TEMPLATE
};

}  // namespace

std::string RenderMessage(Msg msg, Locale locale, const std::vector<std::string>& args) {
  const auto index = static_cast<std::size_t>(msg);
  if (index >= kTemplates.size()) return "?";
  const char* tmpl = locale == Locale::kJaJp ? kTemplates[index].ja : kTemplates[index].en;
  // Arguments are often what the caller sent (a field name, a value): bounded, so a 60 KB field
  // name does not come back as a 60 KB message, and never repeating a token or a secret typed
  // where a name or a value belongs (a query's `role`, `status`, `since`, ...).
  std::vector<std::string> bounded;
  bounded.reserve(args.size());
  for (const auto& a : args) bounded.push_back(LooksLikeSecret(a) ? "(omitted)" : BoundEcho(a));
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& a : bounded) store.push_back(a);
  try {
    return fmt::vformat(tmpl, store);
  } catch (const fmt::format_error&) {
    std::string out = tmpl;
    for (const auto& a : bounded) out += " " + a;
    return out;
  }
}

std::string BoundEcho(std::string_view text) {
  std::size_t code_points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // A code point starts at every byte that is not a UTF-8 continuation byte (10xxxxxx).
    if ((static_cast<unsigned char>(text[i]) & 0xC0u) == 0x80u) continue;
    if (code_points == kMaxEchoCodePoints) return std::string(text.substr(0, i)) + "\u2026";
    ++code_points;
  }
  return std::string(text);
}

}  // namespace keyward::core
