#include "http/logger.hpp"

#include <date/date.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <iostream>
#include <ostream>

namespace keyward::http {
namespace {

std::string NowRfc3339() {
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  return date::format("%FT%TZ", now);
}

bool IsReserved(std::string_view key) { return key == "time" || key == "level" || key == "msg"; }

}  // namespace

Logger::Logger() : file_(stderr) {}
Logger::Logger(std::ostream& out) : stream_(&out) {}
Logger::Logger(std::FILE* out) : file_(out) {}

void Logger::set_min_level(Level level) { min_level_.store(level, std::memory_order_relaxed); }

const char* Logger::LevelName(Level level) {
  switch (level) {
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

void Logger::Log(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (level < min_level_.load(std::memory_order_relaxed)) return;
  // Logging is called from error paths; a failure to log (out of memory) must not become a
  // second error, so everything that may throw stays inside this block.
  try {
    boost::json::object line;
    line.reserve(3 + fields.size());
    line.emplace("time", NowRfc3339());
    line.emplace("level", LevelName(level));
    line.emplace("msg", msg);
    for (const auto& [key, value] : fields) {
      if (!IsReserved(key)) line.emplace(key, value);
    }
    std::string text = boost::json::serialize(line);
    text += '\n';
    Write(text);
  } catch (...) {  // NOLINT(bugprone-empty-catch): see above
  }
}

void Logger::Write(const std::string& line) {
  std::lock_guard lock(mu_);
  if (stream_ != nullptr) {
    stream_->write(line.data(), static_cast<std::streamsize>(line.size()));
    stream_->flush();
  } else {
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
  }
}

}  // namespace keyward::http
