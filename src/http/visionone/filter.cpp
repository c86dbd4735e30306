#include "http/visionone/filter.hpp"
#include "core/text.hpp"

#include <boost/beast/core/string.hpp>

#include <array>
#include <utility>
#include <variant>

namespace keyward::http::visionone {
namespace {

constexpr std::size_t kMaxNear = 32;

constexpr std::array<std::pair<std::string_view, FilterField>, 5> kFields{{
    {"id", FilterField::kId},
    {"name", FilterField::kName},
    {"role", FilterField::kRole},
    {"status", FilterField::kStatus},
    {"description", FilterField::kDescription},
}};

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '/';
}

// Recursive descent over the text; every failure is recorded once and unwinds.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::variant<Filter, FilterError> Run() {
    if (text_.size() > kMaxFilterLength) return FilterError{FilterErrorKind::kTooLong, 1, {}};
    SkipSpaces();
    if (pos_ == text_.size()) return FilterError{FilterErrorKind::kEmpty, 1, {}};
    const std::optional<std::size_t> root = ParseOr(0);
    if (!root) return *error_;
    SkipSpaces();
    if (pos_ != text_.size()) return Fail(FilterErrorKind::kUnexpected);
    return std::move(filter_);
  }

 private:
  void SkipSpaces() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }

  // The word at the position (letters, digits, '_', '.', '/'), without consuming it.
  std::string_view PeekWord() {
    SkipSpaces();
    std::size_t end = pos_;
    while (end < text_.size() && IsWordChar(text_[end])) ++end;
    return text_.substr(pos_, end - pos_);
  }

  bool AcceptKeyword(std::string_view keyword) {
    const std::string_view word = PeekWord();
    if (!core::AsciiIEquals(word, keyword)) return false;
    pos_ += word.size();
    return true;
  }

  FilterError Fail(FilterErrorKind kind) {
    SkipSpaces();
    std::string near;
    if (pos_ < text_.size()) {
      std::string_view word = PeekWord();
      if (word.empty()) word = text_.substr(pos_, 1);
      near = std::string(word.substr(0, kMaxNear));
    }
    error_ = FilterError{kind, pos_ + 1, std::move(near)};
    return *error_;
  }
  std::optional<std::size_t> Failed(FilterErrorKind kind) {
    Fail(kind);
    return std::nullopt;
  }
  std::optional<std::size_t> FailedAt(FilterErrorKind kind, std::size_t at, std::string near) {
    error_ = FilterError{kind, at + 1, std::move(near)};
    return std::nullopt;
  }

  // Constructs the node in place: no temporary variant is moved (GCC 12 -O2 then warns, wrongly,
  // that a Term's string may be read uninitialised).
  template <typename Kind>
  std::size_t Add(Kind node) {
    filter_.nodes.emplace_back(std::in_place_type<Kind>, std::move(node));
    return filter_.nodes.size() - 1;
  }

  // or_expr = and_expr { "or" and_expr }
  std::optional<std::size_t> ParseOr(int depth) {
    std::optional<std::size_t> left = ParseAnd(depth);
    if (!left) return std::nullopt;
    while (AcceptKeyword("or")) {
      const std::optional<std::size_t> right = ParseAnd(depth);
      if (!right) return std::nullopt;
      left = Add(Filter::Or{*left, *right});
    }
    return left;
  }

  // and_expr = unary { "and" unary }
  std::optional<std::size_t> ParseAnd(int depth) {
    std::optional<std::size_t> left = ParseUnary(depth);
    if (!left) return std::nullopt;
    while (AcceptKeyword("and")) {
      const std::optional<std::size_t> right = ParseUnary(depth);
      if (!right) return std::nullopt;
      left = Add(Filter::And{*left, *right});
    }
    return left;
  }

  // unary = "not" unary | "(" or_expr ")" | term
  std::optional<std::size_t> ParseUnary(int depth) {
    if (depth >= kMaxFilterDepth) return Failed(FilterErrorKind::kTooDeep);
    SkipSpaces();
    if (AcceptKeyword("not")) {
      const std::optional<std::size_t> operand = ParseUnary(depth + 1);
      if (!operand) return std::nullopt;
      return Add(Filter::Not{*operand});
    }
    if (pos_ < text_.size() && text_[pos_] == '(') {
      ++pos_;
      const std::optional<std::size_t> inner = ParseOr(depth + 1);
      if (!inner) return std::nullopt;
      SkipSpaces();
      if (pos_ >= text_.size() || text_[pos_] != ')')
        return Failed(FilterErrorKind::kExpectedClose);
      ++pos_;
      return inner;
    }
    return ParseTerm();
  }

  // term = field "eq" value
  std::optional<std::size_t> ParseTerm() {
    const std::string_view word = PeekWord();
    if (word.empty()) return Failed(FilterErrorKind::kExpectedTerm);
    std::optional<FilterField> field;
    for (const auto& [name, f] : kFields) {
      if (word == name) field = f;
    }
    if (!field) {
      // A keyword where a term belongs is a missing term, not an unknown field.
      if (core::AsciiIEquals(word, "and") || core::AsciiIEquals(word, "or") ||
          core::AsciiIEquals(word, "eq")) {
        return Failed(FilterErrorKind::kExpectedTerm);
      }
      return Failed(FilterErrorKind::kUnknownField);
    }
    pos_ += word.size();
    if (!AcceptKeyword("eq")) return Failed(FilterErrorKind::kExpectedEq);
    SkipSpaces();
    if (pos_ >= text_.size() || text_[pos_] != '\'') return Failed(FilterErrorKind::kExpectedValue);
    const std::size_t open = pos_;
    ++pos_;
    std::string value;
    for (;;) {
      if (pos_ >= text_.size()) return FailedAt(FilterErrorKind::kUnterminated, open, "'");
      const char c = text_[pos_++];
      if (c != '\'') {
        value += c;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '\'') {
        value += '\'';
        ++pos_;
        continue;
      }
      break;
    }
    return Add(Filter::Term{*field, std::move(value)});
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  Filter filter_;
  std::optional<FilterError> error_;
};

const std::string& FieldOf(const FilterSubject& subject, FilterField field) {
  switch (field) {
    case FilterField::kId:
      return subject.id;
    case FilterField::kName:
      return subject.name;
    case FilterField::kRole:
      return subject.role;
    case FilterField::kStatus:
      return subject.status;
    case FilterField::kDescription:
      return subject.description;
  }
  return subject.id;
}

std::string Quote(std::string_view value) {
  std::string out = "'";
  for (const char c : value) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

}  // namespace

std::string_view FilterFieldName(FilterField field) {
  for (const auto& [name, f] : kFields) {
    if (f == field) return name;
  }
  return "id";
}

bool Filter::Matches(const FilterSubject& subject) const {
  if (nodes.empty()) return true;
  return Eval(nodes.size() - 1, subject);
}

bool Filter::Eval(std::size_t node, const FilterSubject& subject) const {
  const Node& n = nodes[node];
  if (const auto* term = std::get_if<Term>(&n)) return FieldOf(subject, term->field) == term->value;
  if (const auto* negation = std::get_if<Not>(&n)) return !Eval(negation->operand, subject);
  if (const auto* both = std::get_if<And>(&n)) {
    return Eval(both->left, subject) && Eval(both->right, subject);
  }
  const auto& either = std::get<Or>(n);
  return Eval(either.left, subject) || Eval(either.right, subject);
}

std::string Filter::ToString() const {
  if (nodes.empty()) return "";
  return Write(nodes.size() - 1);
}

std::string Filter::Write(std::size_t node) const {
  const Node& n = nodes[node];
  if (const auto* term = std::get_if<Term>(&n)) {
    return std::string(FilterFieldName(term->field)) + " eq " + Quote(term->value);
  }
  if (const auto* negation = std::get_if<Not>(&n)) return "not " + Write(negation->operand);
  if (const auto* both = std::get_if<And>(&n)) {
    return "(" + Write(both->left) + " and " + Write(both->right) + ")";
  }
  const auto& either = std::get<Or>(n);
  return "(" + Write(either.left) + " or " + Write(either.right) + ")";
}

std::variant<Filter, FilterError> ParseFilter(std::string_view text) { return Parser(text).Run(); }

}  // namespace keyward::http::visionone
