#include "http/v1/audit_export_format.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

namespace keyward::http {
namespace {

namespace json = boost::json;

core::AuditEvent Event() {
  core::AuditEvent e;
  e.id = 7;
  e.time = core::Time{core::Seconds{1'800'000'000}};  // 2027-01-15T08:00:00Z
  e.actor = "apikey:1";
  e.action = "apikey.create";
  e.target = "apikey:7";
  e.ip = "8.8.8.8";
  e.outcome = "success";
  e.details_json = R"x({"name":"=cmd()","role":2})x";
  e.hash = "v1:" + std::string(64, 'a');
  return e;
}

TEST(AuditExportFormat, ParsesOnlyJsonlAndCsv) {
  EXPECT_EQ(ParseAuditExportFormat("jsonl"), AuditExportFormat::kJsonLines);
  EXPECT_EQ(ParseAuditExportFormat("csv"), AuditExportFormat::kCsv);
  EXPECT_FALSE(ParseAuditExportFormat("CSV"));
  EXPECT_FALSE(ParseAuditExportFormat("json"));
  EXPECT_FALSE(ParseAuditExportFormat(""));
  EXPECT_EQ(AuditExportContentType(AuditExportFormat::kJsonLines), "application/x-ndjson");
  EXPECT_EQ(AuditExportContentType(AuditExportFormat::kCsv).substr(0, 8), "text/csv");
}

TEST(AuditExportFormat, CsvCellsQuoteOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvCell("apikey:1"), "apikey:1");
  EXPECT_EQ(CsvCell(""), "");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvCell("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(CsvCell("a=b"), "a=b");  // only a leading character makes a formula
}

TEST(AuditExportFormat, CsvCellsThatStartLikeAFormulaAreEscaped) {
  EXPECT_EQ(CsvCell("=cmd()"), "\"'=cmd()\"");
  EXPECT_EQ(CsvCell("+1"), "\"'+1\"");
  EXPECT_EQ(CsvCell("-1"), "\"'-1\"");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(CsvCell("\tx"), "\"'\tx\"");
  EXPECT_EQ(CsvCell("\rx"), "\"'\rx\"");
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
}

TEST(AuditExportFormat, CsvHasAHeaderRowAndOneRowAnEvent) {
  EXPECT_EQ(AuditExportPreamble(AuditExportFormat::kCsv),
            "id,time,actor,action,target,ip,outcome,details,hash\r\n");
  std::string out;
  AppendAuditExportRecord(out, AuditExportFormat::kCsv, Event(), "Asia/Tokyo");
  EXPECT_EQ(out,
            "7,2027-01-15T17:00:00+09:00,apikey:1,apikey.create,apikey:7,8.8.8.8,success,"
            "\"{\"\"name\"\":\"\"=cmd()\"\",\"\"role\"\":2}\"," +
                std::string("v1:") + std::string(64, 'a') + "\r\n");
  core::AuditEvent crafted = Event();
  crafted.actor = "=cmd()";
  crafted.ip.clear();
  out.clear();
  AppendAuditExportRecord(out, AuditExportFormat::kCsv, crafted, "UTC");
  EXPECT_NE(out.find(",apikey.create,"), std::string::npos);
  EXPECT_NE(out.find(",\"'=cmd()\",apikey.create,apikey:7,,success,"), std::string::npos) << out;
}

TEST(AuditExportFormat, JsonLinesAreTheListItemsOneALine) {
  EXPECT_EQ(AuditExportPreamble(AuditExportFormat::kJsonLines), "");
  std::string out;
  AppendAuditExportRecord(out, AuditExportFormat::kJsonLines, Event(), "UTC");
  AppendAuditExportRecord(out, AuditExportFormat::kJsonLines, Event(), "UTC");
  const std::size_t first_end = out.find('\n');
  ASSERT_NE(first_end, std::string::npos);
  EXPECT_EQ(out.size(), 2 * (first_end + 1));
  const json::object line = json::parse(out.substr(0, first_end)).as_object();
  EXPECT_EQ(line.at("id").as_string(), "7");
  EXPECT_EQ(line.at("time").as_string(), "2027-01-15T08:00:00Z");
  EXPECT_EQ(line.at("details").at("name").as_string(), "=cmd()");
  EXPECT_EQ(line.at("ip").as_string(), "8.8.8.8");
  EXPECT_EQ(line.size(), 9u);
}

}  // namespace
}  // namespace keyward::http
