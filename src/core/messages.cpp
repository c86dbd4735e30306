#include "core/messages.hpp"

#include <fmt/args.h>
#include <fmt/format.h>

#include <array>

#include "core/locale.hpp"

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
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& a : args) store.push_back(a);
  try {
    return fmt::vformat(tmpl, store);
  } catch (const fmt::format_error&) {
    std::string out = tmpl;
    for (const auto& a : args) out += " " + a;
    return out;
  }
}

}  // namespace keyward::core
