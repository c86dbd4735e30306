#include "http/json_duplicate_keys.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <utility>
#include <vector>

namespace keyward::http {
namespace {

namespace json = boost::json;
using boost::system::error_code;

// A basic_parser handler that remembers the keys of every open object and stops at the first
// key seen twice in one of them.
class DuplicateKeyHandler {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) { return Open(false); }
  bool on_array_end(std::size_t, error_code&) { return Close(); }
  bool on_object_begin(error_code&) { return Open(true); }
  bool on_object_end(std::size_t, error_code&) { return Close(); }
  bool on_string_part(json::string_view, std::size_t, error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, error_code&) { return Element(); }
  bool on_key_part(json::string_view s, std::size_t, error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, error_code& ec) {
    key_.append(s.data(), s.size());
    Frame& frame = frames_.back();
    if (!frame.keys.insert(key_).second) {
      duplicate_ = Join(frame.path, key_);
      ec = json::error::syntax;  // any error: it stops the parse
      return false;
    }
    frame.key = std::move(key_);
    key_.clear();
    return true;
  }
  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, error_code&) { return Element(); }
  bool on_uint64(std::uint64_t, json::string_view, error_code&) { return Element(); }
  bool on_double(double, json::string_view, error_code&) { return Element(); }
  bool on_bool(bool, error_code&) { return Element(); }
  bool on_null(error_code&) { return Element(); }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

  const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  struct Frame {
    bool object = false;
    std::string path;  // of this container, "" for the document
    std::unordered_set<std::string> keys;
    std::string key;        // objects: the member being read
    std::size_t index = 0;  // arrays: the element being read
  };

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  // The path of the value about to be read.
  std::string ChildPath() const {
    if (frames_.empty()) return {};
    const Frame& parent = frames_.back();
    if (parent.object) return Join(parent.path, parent.key);
    return parent.path + "[" + std::to_string(parent.index) + "]";
  }

  bool Open(bool object) {
    Frame frame;
    frame.object = object;
    frame.path = ChildPath();
    frames_.push_back(std::move(frame));
    return true;
  }

  bool Close() {
    frames_.pop_back();
    return Element();
  }

  // A value ended: the next one in an array has the next index.
  bool Element() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    return true;
  }

  std::vector<Frame> frames_;
  std::string key_;
  std::optional<std::string> duplicate_;
};

}  // namespace

std::optional<std::string> FindDuplicateKey(std::string_view text) {
  json::basic_parser<DuplicateKeyHandler> parser{json::parse_options{}};
  error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  return parser.handler().duplicate();
}

}  // namespace keyward::http
