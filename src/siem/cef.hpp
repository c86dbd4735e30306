// CEF (ArcSight Common Event Format, revision 25): one audit event as the single line most SIEMs
// read (QRadar, ArcSight, Sentinel, Splunk's CEF add-on):
//   CEF:0|Keyward|Keyward|<version>|<action>|<name>|<severity>|<extensions>
// Header fields escape '\' and '|'; extension values escape '\', '=', CR and LF. Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/store/audit_event.hpp"

namespace keyward::siem {

// Escapes a CEF header field: '\' -> "\\", '|' -> "\|". A header field cannot span lines, so CR
// and LF become spaces.
std::string EscapeCefHeader(std::string_view text);

// Escapes a CEF extension value: '\' -> "\\", '=' -> "\=", LF -> "\n", CR -> "\r" (the two-char
// sequences backslash-n and backslash-r). '|' is not special in extensions.
std::string EscapeCefExtension(std::string_view text);

// The CEF severity (0-10) of an action: 8 for "auth.lockout", 6 for "auth.failure", 5 for any
// other action whose outcome is "failure", 4 for deletions and locks, 3 for other changes.
int CefSeverity(std::string_view action, std::string_view outcome);

// A short English name for the action, e.g. "API key created" for "apikey.create"; an unknown
// action renders as its words, e.g. "role.update" -> "role update".
std::string CefEventName(std::string_view action);

// The product version written in the CEF header by default (the project's version).
std::string_view DefaultProductVersion();

// `event` as one CEF line without a trailing newline. `chain_head` is the chain hash this
// delivery vouches for (cs3); `product_version` fills the header's version field. Extensions:
//   rt (epoch ms) suser src act outcome cs1Label=target cs1 cs2Label=details cs2
//   cs3Label=chainHead cs3 cs4Label=prevHash cs4 externalId
// Empty values (no client IP, say) are left out.
std::string FormatCef(const core::AuditEvent& event, std::string_view chain_head,
                      std::string_view product_version = DefaultProductVersion());

}  // namespace keyward::siem
