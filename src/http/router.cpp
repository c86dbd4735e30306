#include "http/router.hpp"

#include <boost/url/pct_string_view.hpp>

#include <optional>

namespace keyward::http {
namespace {

// No table holds a pattern with more segments; a path with more matches nothing.
constexpr std::size_t kMaxSegments = 8;

// Splits `text` (without its leading '/') on '/'. Empty segments are kept: they match nothing.
std::vector<std::string_view> Split(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return parts;
    start = slash + 1;
  }
}

// The path's segments, percent-decoded; nullopt when the path cannot name a route.
std::optional<std::vector<std::string>> DecodedSegments(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  const std::vector<std::string_view> raw = Split(path.substr(1));
  if (raw.size() > kMaxSegments) return std::nullopt;
  std::vector<std::string> segments;
  segments.reserve(raw.size());
  for (std::string_view part : raw) {
    auto encoded = boost::urls::make_pct_string_view(part);
    if (!encoded) return std::nullopt;
    std::string decoded = encoded->decode();
    if (decoded.empty() || decoded == "." || decoded == "..") return std::nullopt;
    segments.push_back(std::move(decoded));
  }
  return segments;
}

bool IsParameter(std::string_view pattern_segment) {
  return pattern_segment.size() > 2 && pattern_segment.front() == '{' &&
         pattern_segment.back() == '}';
}

// How well `pattern` matches `segments`: one flag per segment, true for a literal match, so that
// comparing two scores lexicographically prefers the literal at the first segment they differ.
// nullopt when the pattern does not match.
std::optional<std::vector<bool>> Score(std::string_view pattern,
                                       const std::vector<std::string>& segments) {
  const std::vector<std::string_view> parts = Split(pattern.substr(1));
  if (parts.size() != segments.size()) return std::nullopt;
  std::vector<bool> score(parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (IsParameter(parts[i])) continue;
    if (parts[i] != segments[i]) return std::nullopt;
    score[i] = true;
  }
  return score;
}

void FillParams(const Route& route, const std::vector<std::string>& segments, RouteMatch& match) {
  const std::vector<std::string_view> parts = Split(route.pattern.substr(1));
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (IsParameter(parts[i])) {
      match.params.emplace_back(parts[i].substr(1, parts[i].size() - 2), segments[i]);
    }
  }
}

}  // namespace

std::string_view RouteMatch::Param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

const Route* MatchSubtreeRoute(RouteTable table, std::string_view method, std::string_view path) {
  for (const Route& route : table) {
    if (!route.subtree || !path.starts_with(route.pattern)) continue;
    const std::string_view rest = path.substr(route.pattern.size());
    if ((rest.empty() || rest.front() == '/') && route.Allows(method)) return &route;
  }
  return nullptr;
}

bool TargetUnder(std::string_view target, std::string_view prefix) {
  if (!target.starts_with(prefix)) return false;
  const std::string_view rest = target.substr(prefix.size());
  return rest.empty() || rest.front() == '/' || rest.front() == '?';
}

RouteMatch MatchRoute(RouteTable table, std::string_view method, std::string_view path) {
  RouteMatch match;
  if (const Route* subtree = MatchSubtreeRoute(table, method, path)) {
    match.kind = RouteMatch::Kind::kFound;
    match.route = subtree;
    return match;
  }
  const auto segments = DecodedSegments(path);
  if (!segments) return match;

  // The most specific pattern that matches the path decides which methods the path has.
  std::optional<std::string_view> best_pattern;
  std::vector<bool> best_score;
  for (const Route& route : table) {
    if (route.subtree) continue;  // MatchSubtreeRoute has had its say
    auto score = Score(route.pattern, *segments);
    if (score && (!best_pattern || *score > best_score)) {
      best_pattern = route.pattern;
      best_score = std::move(*score);
    }
  }
  if (!best_pattern) return match;

  for (const Route& route : table) {
    if (route.subtree || route.pattern != *best_pattern) continue;
    if (route.Allows(method)) {
      match.kind = RouteMatch::Kind::kFound;
      match.route = &route;
      FillParams(route, *segments, match);
      return match;
    }
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += route.method;
  }
  match.kind = RouteMatch::Kind::kMethodNotAllowed;
  return match;
}

}  // namespace keyward::http
