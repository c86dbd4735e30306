#include "http/visionone/errors.hpp"

#include <array>
#include <cstdint>
#include <utility>

#include "http/error_map.hpp"

namespace keyward::http::visionone {
namespace {

struct Sentence {
  Words words;
  std::string_view en;
  std::string_view ja;
};

// clang-format off
constexpr std::array<Sentence, 14> kSentences{{
  {Words::kBodyNotArray, "the request body must be a JSON array", "リクエスト本文は JSON 配列である必要があります"},
  {Words::kArrayEmpty, "the request body must hold at least one item", "リクエスト本文には 1 つ以上の項目が必要です"},
  {Words::kArrayTooLong, "the request body may hold at most {0} items", "リクエスト本文の項目は最大 {0} 個です"},
  {Words::kItemNotObject, "each item must be a JSON object", "各項目は JSON オブジェクトである必要があります"},
  {Words::kMasterAdministrator, "the Master Administrator role cannot be given to an API key through this API", "この API ではマスター管理者ロールを API キーに付与できません"},
  {Words::kMonthsInvalid, "monthsToExpiration must be 0, 1, 3, 6 or 12", "monthsToExpiration は 0、1、3、6、12 のいずれかである必要があります"},
  {Words::kStatusInvalid, "{0} must be \"enabled\" or \"disabled\"", "{0} は \"enabled\" または \"disabled\" である必要があります"},
  {Words::kTopInvalid, "top must be an integer from 1 to {0}", "top は 1 から {0} までの整数である必要があります"},
  {Words::kOrderByInvalid, "orderBy must be one of {0}", "orderBy は {0} のいずれかである必要があります"},
  {Words::kSkipTokenInvalid, "skipToken is not valid; start again from the first page", "skipToken が無効です。最初のページからやり直してください"},
  {Words::kIfMatchRequired, "this call requires an If-Match header with the key's ETag", "この呼び出しにはキーの ETag を指定した If-Match ヘッダーが必要です"},
  {Words::kIfMatchStale, "the API key has changed since its ETag was read; get it again", "ETag の取得後に API キーが変更されています。もう一度取得してください"},
  {Words::kIdInvalid, "{0} must be a string holding an API key id", "{0} は API キー ID を表す文字列である必要があります"},
  {Words::kFilter, "TMV1-Filter: {0} at position {1}{2}", "TMV1-Filter: {1} 文字目: {0}{2}"},
}};

struct FilterSentence {
  FilterErrorKind kind;
  std::string_view en;
  std::string_view ja;
};

constexpr std::array<FilterSentence, 10> kFilterSentences{{
  {FilterErrorKind::kTooLong, "the filter is longer than 4096 bytes", "フィルターが 4096 バイトを超えています"},
  {FilterErrorKind::kTooDeep, "the filter nests deeper than 32 levels", "フィルターの入れ子が 32 段を超えています"},
  {FilterErrorKind::kEmpty, "the filter is empty", "フィルターが空です"},
  {FilterErrorKind::kExpectedTerm, "expected a term (field eq 'value'), not or (", "条件 (field eq 'value')、not、( のいずれかが必要です"},
  {FilterErrorKind::kUnknownField, "unknown field; use id, name, role, status or description", "不明なフィールドです。id、name、role、status、description のいずれかを使用してください"},
  {FilterErrorKind::kExpectedEq, "expected eq after the field name", "フィールド名の後に eq が必要です"},
  {FilterErrorKind::kExpectedValue, "expected a value in single quotes after eq", "eq の後に単一引用符で囲んだ値が必要です"},
  {FilterErrorKind::kUnterminated, "the quoted value has no closing quote", "引用符で囲んだ値が閉じられていません"},
  {FilterErrorKind::kExpectedClose, "expected )", ") が必要です"},
  {FilterErrorKind::kUnexpected, "expected and, or or the end of the filter", "and、or、またはフィルターの終わりが必要です"},
}};
// clang-format on

std::string Substitute(std::string_view text, const std::vector<std::string>& args) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 2 < text.size() && text[i + 2] == '}' && text[i + 1] >= '0' &&
        text[i + 1] <= '9') {
      const auto n = static_cast<std::size_t>(text[i + 1] - '0');
      if (n < args.size()) out += args[n];
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace

std::string_view CodeName(unsigned status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "AccessDenied";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 409:
      return "Conflict";
    case 412:
      return "PreconditionFailed";
    case 413:
      return "RequestEntityTooLarge";
    case 428:
      return "PreconditionRequired";
    case 429:
      return "TooManyRequests";
    case 503:
      return "ServiceUnavailable";
    default:
      return status >= 500 ? "InternalServerError" : "BadRequest";
  }
}

std::string Render(Words words, core::Locale locale, const std::vector<std::string>& args) {
  for (const Sentence& s : kSentences) {
    if (s.words == words) return Substitute(locale == core::Locale::kJaJp ? s.ja : s.en, args);
  }
  return {};
}

std::string FilterMessage(const FilterError& error, core::Locale locale) {
  std::string_view what;
  for (const FilterSentence& s : kFilterSentences) {
    if (s.kind == error.kind) what = locale == core::Locale::kJaJp ? s.ja : s.en;
  }
  std::string near;
  if (!error.near.empty()) {
    near = locale == core::Locale::kJaJp ? " (「" + SafeEcho(error.near) + "」)"
                                         : " (found \"" + SafeEcho(error.near) + "\")";
  }
  return Render(Words::kFilter, locale,
                {std::string(what), std::to_string(error.position), std::move(near)});
}

boost::json::object ErrorBody(unsigned status, std::string message) {
  boost::json::object error;
  error["code"] = CodeName(status);
  error["message"] = std::move(message);
  error["number"] = static_cast<std::int64_t>(status);
  return boost::json::object{{"error", std::move(error)}};
}

std::string Message(const core::Error& error, core::Locale locale) {
  // The dialect's own refusals (codec.hpp Refusal) carry their sentence already rendered.
  if (error.msg == core::Msg::kSetting && error.args.size() == 1 && HttpStatus(error.code) < 500) {
    return error.args.front();
  }
  return PublicMessage(error, locale);
}

boost::json::object ErrorBody(const core::Error& error, core::Locale locale) {
  return ErrorBody(HttpStatus(error.code), Message(error, locale));
}

Reply ErrorReply(unsigned status, std::string message) {
  Reply reply = Reply::Json(status, ErrorBody(status, std::move(message)));
  if (status == 401) reply.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (status == 429) reply.headers.emplace_back("Retry-After", std::to_string(kRetryAfterSeconds));
  return reply;
}

Reply ErrorReply(const core::Error& error, core::Locale locale) {
  return ErrorReply(HttpStatus(error.code), Message(error, locale));
}

}  // namespace keyward::http::visionone
