// Logger: structured logs, one JSON object per line, e.g.
//   {"time":"2026-01-02T03:04:05.678Z","level":"info","msg":"listening","port":8080}
// "time" is RFC 3339 UTC with milliseconds. Values are serialized by Boost.JSON, so any string
// (a path, a peer address, an exception message) is escaped correctly and a line never breaks.
// Callers must never pass a secret, a token or a request header as a field.
// Thread-safe: lines from concurrent callers never interleave (one mutex around each write).
#pragma once

#include <boost/json/value.hpp>

#include <atomic>
#include <cstdio>
#include <initializer_list>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace keyward::http {

class Logger {
 public:
  enum class Level { kInfo, kWarn, kError };

  // One extra field: {"name", value} where value is anything boost::json::value takes (numbers,
  // bools, string views, C strings) or a std::string.
  struct Field {
    Field(std::string_view k, boost::json::value v) : key(k), value(std::move(v)) {}
    Field(std::string_view k, const std::string& v) : key(k), value(boost::json::string_view(v)) {}
    Field(std::string_view k, const char* v) : key(k), value(v) {}

    std::string_view key;
    boost::json::value value;
  };

  // Writes to standard error.
  Logger();
  // Writes to `out`, which must outlive the Logger (tests pass a std::ostringstream).
  explicit Logger(std::ostream& out);
  // Writes to `out`, which must stay open for the Logger's lifetime. Not closed by the Logger.
  explicit Logger(std::FILE* out);

  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Lines below `level` are dropped. Default: kInfo (everything).
  void set_min_level(Level level);

  // Writes one line with `msg` and `fields` after "time", "level" and "msg". A field named like
  // one of those three is ignored rather than allowed to overwrite it. Never throws.
  void Log(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

  void Info(std::string_view msg, std::initializer_list<Field> fields = {}) {
    Log(Level::kInfo, msg, fields);
  }
  void Warn(std::string_view msg, std::initializer_list<Field> fields = {}) {
    Log(Level::kWarn, msg, fields);
  }
  void Error(std::string_view msg, std::initializer_list<Field> fields = {}) {
    Log(Level::kError, msg, fields);
  }

  // The lower-case wire name of `level`: "info", "warn" or "error".
  static const char* LevelName(Level level);

 private:
  void Write(const std::string& line);

  std::mutex mu_;
  std::ostream* stream_ = nullptr;  // exactly one of stream_ and file_ is set
  std::FILE* file_ = nullptr;
  std::atomic<Level> min_level_{Level::kInfo};
};

}  // namespace keyward::http
