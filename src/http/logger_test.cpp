#include "http/logger.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace keyward::http {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Logger, WritesOneJsonObjectPerLineWithTimeLevelAndMessage) {
  std::ostringstream out;
  Logger logger(out);
  logger.Info("listening", {{"port", 8080}, {"tls", false}, {"address", std::string("::1")}});
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 1u);
  const boost::json::object line = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(line.at("level").as_string(), "info");
  EXPECT_EQ(line.at("msg").as_string(), "listening");
  EXPECT_EQ(line.at("port").as_int64(), 8080);
  EXPECT_EQ(line.at("tls").as_bool(), false);
  EXPECT_EQ(line.at("address").as_string(), "::1");
  const std::string time(line.at("time").as_string());
  EXPECT_TRUE(std::regex_match(time, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << time;
}

TEST(Logger, WritesToAFile) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    Logger logger(file);
    logger.Warn("to a file", {{"n", 1}});
  }
  std::rewind(file);
  char buffer[256] = {};
  const std::size_t size = std::fread(buffer, 1, sizeof(buffer) - 1, file);
  std::fclose(file);
  const std::string text(buffer, size);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(boost::json::parse(text).at("msg").as_string(), "to a file");
}

TEST(Logger, NamesEachLevel) {
  std::ostringstream out;
  Logger logger(out);
  logger.Info("a");
  logger.Warn("b");
  logger.Error("c");
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(boost::json::parse(lines[0]).at("level").as_string(), "info");
  EXPECT_EQ(boost::json::parse(lines[1]).at("level").as_string(), "warn");
  EXPECT_EQ(boost::json::parse(lines[2]).at("level").as_string(), "error");
}

TEST(Logger, EscapesQuotesControlCharactersAndNewlines) {
  std::ostringstream out;
  Logger logger(out);
  logger.Error("bad \"thing\"\nsecond line", {{"path", "/a\"b\\c\x01"}});
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 1u);
  const auto line = boost::json::parse(lines[0]);
  EXPECT_EQ(line.at("msg").as_string(), "bad \"thing\"\nsecond line");
  EXPECT_EQ(line.at("path").as_string(), "/a\"b\\c\x01");
}

TEST(Logger, DoesNotLetAFieldOverwriteTheStandardOnes) {
  std::ostringstream out;
  Logger logger(out);
  logger.Warn("real", {{"msg", "fake"}, {"level", "info"}});
  const auto line = boost::json::parse(Lines(out.str()).at(0));
  EXPECT_EQ(line.at("msg").as_string(), "real");
  EXPECT_EQ(line.at("level").as_string(), "warn");
}

TEST(Logger, DropsLinesBelowTheMinimumLevel) {
  std::ostringstream out;
  Logger logger(out);
  logger.set_min_level(Logger::Level::kWarn);
  logger.Info("dropped");
  logger.Warn("kept");
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(boost::json::parse(lines[0]).at("msg").as_string(), "kept");
}

TEST(Logger, KeepsLinesWholeUnderConcurrentWriters) {
  std::ostringstream out;
  Logger logger(out);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&logger, t] {
      for (int i = 0; i < 200; ++i) logger.Info("tick", {{"thread", t}, {"i", i}});
    });
  }
  for (auto& thread : threads) thread.join();
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 800u);
  for (const auto& line : lines) {
    boost::system::error_code ec;
    boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << line;
  }
}

}  // namespace
}  // namespace keyward::http
