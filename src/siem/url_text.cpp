#include "siem/url_text.hpp"

namespace keyward::siem {

std::string RedactedUrl(std::string_view text) {
  const std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::string(text);
  const std::size_t start = scheme_end + 3;
  const std::size_t authority_end = text.find_first_of("/?#", start);
  const std::string_view authority = text.substr(start, authority_end - start);
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(text);
  std::string out(text.substr(0, start));
  out += "***";
  out += text.substr(start + at);
  return out;
}

}  // namespace keyward::siem
