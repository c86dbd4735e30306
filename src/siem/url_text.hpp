// URL text fit for messages and logs: credentials in the authority are hidden, so a mistyped
// "https://user:password@host" never shows its password. Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace keyward::siem {

// `text` with anything between "://" and an '@' in the authority replaced by "***"; unchanged
// when there is none. Works on text that does not parse as a URL too.
std::string RedactedUrl(std::string_view text);

}  // namespace keyward::siem
