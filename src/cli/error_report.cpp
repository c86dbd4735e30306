#include "cli/error_report.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "cli/render.hpp"

namespace keyward::cli {
namespace {

namespace json = boost::json;

void PrintErrorDocument(std::ostream& out, json::object error) {
  out << json::serialize(json::object{{"error", std::move(error)}}) << '\n';
}

}  // namespace

int ReportError(std::ostream& out, std::ostream& err, bool json, std::string_view code,
                std::string_view message, int exit_code) {
  err << "keyward: " << message << '\n';
  if (json) PrintErrorDocument(out, json::object{{"code", code}, {"message", message}});
  return exit_code;
}

int ReportApiError(std::ostream& out, std::ostream& err, bool json, unsigned status,
                   std::string_view reason, std::string_view body, int exit_code) {
  const std::string described = DescribeApiError(status, reason, body);
  err << described << '\n';
  if (!json) return exit_code;
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  const json::object* root = ec ? nullptr : parsed.if_object();
  const json::value* error = root != nullptr ? root->if_contains("error") : nullptr;
  const json::value* code =
      error != nullptr && error->is_object() ? error->get_object().if_contains("code") : nullptr;
  if (code != nullptr && code->is_string()) {
    PrintErrorDocument(out, error->get_object());
  } else {
    constexpr std::string_view kPrefix = "keyward: ";
    PrintErrorDocument(out, json::object{{"code", "http_" + std::to_string(status)},
                                         {"message", described.substr(kPrefix.size())}});
  }
  return exit_code;
}

}  // namespace keyward::cli
