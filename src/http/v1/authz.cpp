#include "http/v1/authz.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/permissions.hpp"
#include "core/text.hpp"
#include "http/auth.hpp"
#include "http/router.hpp"
#include "http/secret_scan.hpp"
#include "http/v1/routes.hpp"

namespace keyward::http {
namespace {

namespace beast = boost::beast;
namespace bh = boost::beast::http;

constexpr std::string_view kPermissionParam = "permission";
constexpr std::string_view kPermissionHeader = "X-Keyward-Permission";
constexpr std::string_view kSecretKeyHeader = "api-secret-key";
constexpr std::string_view kApiKeyHeader = "X-API-Key";
constexpr std::string_view kBearer = "bearer";
// How many required permissions fit without a heap allocation; more spill into a vector.
constexpr std::size_t kInlinePermissions = 8;

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the percent-decoding of `text` to `out`; false when `text` holds a malformed escape
// (then `out` holds part of it). '+' stays '+': no permission name holds a space anyway.
bool PercentDecode(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return false;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return true;
}

// Whether a query parameter's (encoded) name is "permission".
bool IsPermissionParam(std::string_view name) {
  if (name == kPermissionParam) return true;
  if (name.find('%') == std::string_view::npos) return false;
  std::string decoded;
  return PercentDecode(name, decoded) && decoded == kPermissionParam;
}

// The Damerau-Levenshtein distance (optimal string alignment) of two short ASCII strings: edits,
// insertions, deletions and swaps of neighbours each count one.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

bool IsNearPermissionParam(std::string_view name) {
  if (name == kPermissionParam) return false;
  // Longer names are no typo of "permission" and are not worth the distance.
  constexpr std::size_t kLongestNearMiss = 16;
  if (name.size() > kLongestNearMiss) return false;
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.ends_with("[]")) lower.resize(lower.size() - 2);  // permission[]=, PHP style
  if (lower == "perm" || lower == "perms") return true;
  return EditDistance(lower, kPermissionParam) <= 1 || EditDistance(lower, "permissions") <= 1;
}

namespace {

// The permissions a request requires, as views into the request or into this object's own
// decoding buffer (so it must outlive its names() and cannot be copied). Invalid names are not
// kept: they only set has_invalid().
class RequiredPermissions {
 public:
  RequiredPermissions() = default;
  RequiredPermissions(const RequiredPermissions&) = delete;
  RequiredPermissions& operator=(const RequiredPermissions&) = delete;

  // Every `permission` parameter of `query` (the text after '?').
  void AddQuery(std::string_view query) {
    const std::size_t budget = query.size();
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
      const std::size_t eq = pair.find('=');
      if (!IsPermissionParam(pair.substr(0, eq))) {
        NoteNearMiss(pair.substr(0, eq));
        continue;
      }
      if (eq == std::string_view::npos) continue;
      const std::string_view value = pair.substr(eq + 1);
      if (value.find('%') == std::string_view::npos) {
        AddList(value);
        continue;
      }
      // Decoded text is never longer than its encoding, so one reservation for the whole query
      // keeps every view into decoded_ valid.
      if (decoded_.empty()) decoded_.reserve(budget);
      const std::size_t start = decoded_.size();
      if (!PercentDecode(value, decoded_)) {
        invalid_ = true;
        decoded_.resize(start);
        continue;
      }
      AddList(std::string_view(decoded_).substr(start));
    }
  }

  // Every X-Keyward-Permission header of `request`.
  void AddHeaders(const Request& request) {
    const auto [first, last] = request.equal_range(kPermissionHeader);
    for (auto it = first; it != last; ++it) AddList(it->value());
  }

  std::span<const std::string_view> names() const {
    if (!spilled_.empty()) return spilled_;
    return std::span<const std::string_view>(inline_.data(), inline_size_);
  }
  bool has_invalid() const { return invalid_; }
  // The first query parameter whose name is nearly "permission" (IsNearPermissionParam),
  // decoded; empty when there is none.
  const std::string& near_miss() const { return near_miss_; }

 private:
  void NoteNearMiss(std::string_view encoded_name) {
    if (!near_miss_.empty()) return;
    std::string name;
    if (!PercentDecode(encoded_name, name)) name = std::string(encoded_name);
    if (IsNearPermissionParam(name)) near_miss_ = std::move(name);
  }

  void AddList(std::string_view list) {
    while (!list.empty()) {
      const std::size_t comma = list.find(',');
      const std::string_view name = core::TrimOws(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      if (!name.empty()) Add(name);
    }
  }

  void Add(std::string_view name) {
    if (!core::IsCataloguePermission(name) && !core::IsValidPermissionName(name)) {
      invalid_ = true;
      return;
    }
    if (spilled_.empty() && inline_size_ < inline_.size()) {
      inline_[inline_size_++] = name;
      return;
    }
    if (spilled_.empty()) spilled_.assign(inline_.begin(), inline_.end());
    spilled_.push_back(name);
  }

  std::array<std::string_view, kInlinePermissions> inline_{};
  std::size_t inline_size_ = 0;
  std::vector<std::string_view> spilled_;
  std::string decoded_;
  std::string near_miss_;
  bool invalid_ = false;
};

// The token of an Authorization value, or empty when its scheme is not Bearer (RFC 7235: the
// scheme is case-insensitive).
std::string_view BearerToken(std::string_view value) {
  value = core::TrimOws(value);
  if (value.size() <= kBearer.size() ||
      !core::AsciiIEquals(value.substr(0, kBearer.size()), kBearer))
    return {};
  const std::string_view rest = value.substr(kBearer.size());
  if (rest.front() != ' ' && rest.front() != '\t') return {};
  return core::TrimOws(rest);
}

struct PresentedToken {
  std::string_view token;  // empty: none presented
  bool conflict = false;   // two different tokens
};

// The one token `request` presents, as a view into it.
PresentedToken FindToken(const Request& request) {
  PresentedToken found;
  for (const auto& field : request) {
    std::string_view token;
    if (field.name() == bh::field::authorization) {
      token = BearerToken(field.value());
    } else if (core::AsciiIEquals(field.name_string(), kSecretKeyHeader) ||
               core::AsciiIEquals(field.name_string(), kApiKeyHeader)) {
      token = core::TrimOws(field.value());
    }
    if (token.empty()) continue;
    if (!found.token.empty() && found.token != token) {
      found.conflict = true;
      return found;
    }
    found.token = token;
  }
  return found;
}

unsigned StatusFor(core::Outcome outcome) {
  switch (outcome) {
    case core::Outcome::kValid:
      return 200;
    case core::Outcome::kIpNotAllowed:
    case core::Outcome::kInsufficientPermissions:
    case core::Outcome::kRateLimited:
      return 403;
    case core::Outcome::kMalformed:
    case core::Outcome::kNotFound:
    case core::Outcome::kDisabled:
    case core::Outcome::kExpired:
    case core::Outcome::kLockedOut:
    case core::Outcome::kUnavailable:
      break;
  }
  return 401;
}

// Writes the fields of the answer for `outcome` to `sink` (Set(name, value)), in order;
// `verification` (may be null) supplies the key and Retry-After.
template <class Sink>
void WriteFields(Sink& sink, core::Outcome outcome, const core::Verification* verification) {
  const unsigned status = StatusFor(outcome);
  sink.Set("X-Keyward-Outcome", core::OutcomeName(outcome));
  if (status == 401) sink.Set(bh::to_string(bh::field::www_authenticate), "Bearer");
  if (outcome == core::Outcome::kRateLimited) {
    const std::int64_t wait = verification != nullptr ? verification->retry_after_seconds : 0;
    sink.Set(bh::to_string(bh::field::retry_after),
             std::to_string(std::max<std::int64_t>(wait, 1)));
  }
  if (status == 200 && verification != nullptr && verification->key) {
    sink.Set("X-Keyward-Key-Id", std::to_string(verification->key->id));
    sink.Set("X-Keyward-Key-Name", PercentEncode(verification->key->name));
    if (verification->role != nullptr) {
      sink.Set("X-Keyward-Role", PercentEncode(verification->role->name));
    }
  }
}

// Sets each field on a Response.
struct ResponseSink {
  Response& response;
  void Set(std::string_view name, std::string_view value) { response.set(name, value); }
};

// Appends each field to a HeadAnswer's text, as Beast's serializer writes it.
struct TextSink {
  std::string& out;
  void Set(std::string_view name, std::string_view value) {
    out.append(name.data(), name.size());
    out.append(": ", 2);
    out.append(value.data(), value.size());
    out.append("\r\n", 2);
  }
};

// The answer for `outcome`; `verification` (may be null) supplies the key and Retry-After.
Response MakeAnswer(const Request& request, core::Outcome outcome,
                    const core::Verification* verification) {
  const unsigned status = StatusFor(outcome);
  Response response{static_cast<bh::status>(status), request.version()};
  ResponseSink sink{response};
  WriteFields(sink, outcome, verification);
  response.keep_alive(request.keep_alive());
  response.content_length(0);
  return response;
}

// The same answer as MakeAnswer, as a HeadAnswer.
void MakeHeadAnswer(HeadAnswer& answer, core::Outcome outcome,
                    const core::Verification* verification) {
  answer.status = StatusFor(outcome);
  TextSink sink{answer.fields};
  WriteFields(sink, outcome, verification);
}

}  // namespace

Authz::Authz(const core::Verifier& verifier, Metrics& metrics,
             const std::vector<core::Ipv4Range>& trusted_proxies, Logger& logger)
    : verifier_(verifier), metrics_(metrics), trusted_proxies_(trusted_proxies), logger_(logger) {}

bool Authz::Owns(const Request& request) {
  const std::string_view target = request.target();
  const Route* route =
      MatchSubtreeRoute(v1::Routes(), request.method_string(), target.substr(0, target.find('?')));
  return route != nullptr && route->access == Access::kPresentedToken;
}

Response Authz::AnswerSafely(const Request& request, const RequestContext& context) const {
  try {
    return Answer(request, context);
  } catch (const std::exception& e) {
    logger_.Error("authz failed", {{"exception", boost::json::string(e.what())}});
  } catch (...) {
    logger_.Error("authz failed", {{"exception", "unknown"}});
  }
  return FailureAnswer(request);
}

std::optional<Response> Authz::TryAnswerSafely(const Request& request,
                                               const RequestContext& context) const {
  try {
    return Decide(request, context, /*may_wait=*/false);
  } catch (const std::exception& e) {
    logger_.Error("authz failed", {{"exception", boost::json::string(e.what())}});
  } catch (...) {
    logger_.Error("authz failed", {{"exception", "unknown"}});
  }
  return FailureAnswer(request);
}

Response Authz::Answer(const Request& request, const RequestContext& context) const {
  // With may_wait the chain never defers; were it to, the request is refused, never let through.
  std::optional<Response> response = Decide(request, context, /*may_wait=*/true);
  return response ? std::move(*response) : FailureAnswer(request);
}

std::optional<Response> Authz::Decide(const Request& request, const RequestContext& context,
                                      bool may_wait) const {
  std::optional<Response> response;
  const bool answered = Judge(request, context, may_wait,
                              [&](core::Outcome outcome, const core::Verification* verification) {
                                response = MakeAnswer(request, outcome, verification);
                              });
  if (!answered) return std::nullopt;
  return response;
}

bool Authz::TryAnswerHead(const Request& request, const RequestContext& context,
                          HeadAnswer& answer) const {
  const auto make = [&](core::Outcome outcome, const core::Verification* verification) {
    MakeHeadAnswer(answer, outcome, verification);
  };
  try {
    return Judge(request, context, /*may_wait=*/false, make);
  } catch (const std::exception& e) {
    logger_.Error("authz failed", {{"exception", boost::json::string(e.what())}});
  } catch (...) {
    logger_.Error("authz failed", {{"exception", "unknown"}});
  }
  answer.fields.clear();
  make(core::Outcome::kUnavailable, nullptr);
  return true;
}

template <class Make>
bool Authz::Judge(const Request& request, const RequestContext& context, bool may_wait,
                  Make&& make) const {
  const std::string_view target = request.target();
  const std::size_t q = target.find('?');
  const std::string_view query =
      q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  // A token in the query is refused like a missing one, before the chain (docs/security.md):
  // the query may be the upstream's, so only the shape of a token counts ("kw_" and a whole
  // public id, after decoding), not any text holding "kw_".
  const PresentedToken presented = FindToken(request);
  if (presented.token.empty() || presented.conflict ||
      (!query.empty() && HasTokenShape(DecodeForScan(query)))) {
    metrics_.IncrementVerification(core::OutcomeName(core::Outcome::kMalformed));
    make(core::Outcome::kMalformed, nullptr);
    return true;
  }
  RequiredPermissions required;
  if (!query.empty()) required.AddQuery(query);
  required.AddHeaders(request);

  core::VerifyRequest verify;
  verify.token = presented.token;
  verify.client_ip = ClientIp(request, context, trusted_proxies_);
  verify.required_permissions = required.names();
  verify.may_wait = may_wait;
  const auto started = std::chrono::steady_clock::now();
  core::Verification result = verifier_.Verify(verify);
  // Nothing was done: the request is answered, and counted in the metrics, where it may wait.
  if (result.deferred) return false;
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  metrics_.ObserveVerification("authz", took.count());
  // A name no key can hold was kept out of the chain's check; it still refuses the request
  // (an open-ended role such as Master Administrator would otherwise pass it).
  if (result.outcome == core::Outcome::kValid && required.has_invalid()) {
    result.outcome = core::Outcome::kInsufficientPermissions;
  }
  // A parameter that is nearly `permission` is most likely a typo in a gateway's configuration
  // that would otherwise let every valid key through: it fails closed, and the log names it so
  // that the operator can find it. Its name is short (IsNearPermissionParam), never a token.
  if (!required.near_miss().empty()) {
    if (result.outcome == core::Outcome::kValid) {
      result.outcome = core::Outcome::kInsufficientPermissions;
    }
    logger_.Warn("authz refused a query parameter that is nearly \"permission\"",
                 {{"parameter", required.near_miss()}, {"expected", "permission"}});
  }
  metrics_.IncrementVerification(core::OutcomeName(result.outcome));
  make(result.outcome, &result);
  return true;
}

Response Authz::FailureAnswer(const Request& request) {
  return MakeAnswer(request, core::Outcome::kUnavailable, nullptr);
}

std::string PercentEncode(std::string_view text) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (IsUnreserved(byte)) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

}  // namespace keyward::http
