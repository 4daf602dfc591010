#pragma once
// Reading JSON inputs with errors that point into the file: syntax errors carry line and
// column; a missing or mistyped value carries the element path ("intersections[3].width")
// and what was expected.

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace parktwin::scenarios {

using Json = nlohmann::json;

// Parses the whole file; throws parktwin::Error naming the file (and line:column for a
// syntax error) when it cannot be read or parsed.
Json read_json_file(const std::string& path);

// Reading a large JSON file one element at a time, so that the file never lives in memory as
// a whole (a 30x30 grid's roadnet is 48 MB of text and would be ~130 MB as a tree).
struct JsonStream {
  // Keys of the root object whose arrays are streamed; empty: the root array is streamed.
  std::vector<std::string> array_keys;
  // Called for each element of a streamed array, in file order, with the array's key ("" for
  // the root array) and the element's index; the element is freed when it returns.
  std::function<void(std::string_view key, std::size_t index, const Json& element)> on_element;
};

// Parses `path` from disk, handing streamed elements to `stream.on_element` as each one ends.
// Returns the rest of the document, with streamed arrays left empty; a root of the other kind
// (an array where an object was expected, or the reverse) is returned whole, unstreamed.
// Throws parktwin::Error as read_json_file does, and passes on what on_element throws.
Json stream_json_file(const std::string& path, const JsonStream& stream);

// Typed access to obj[key] for the element at `where` in `file`; throws parktwin::Error
// naming file, where.key and the expected type when the key is missing or of another type.
class JsonReader {
 public:
  explicit JsonReader(std::string file) : file_(std::move(file)) {}

  const Json& member(const Json& obj, std::string_view key, const std::string& where) const;
  const Json* optional(const Json& obj, std::string_view key, const std::string& where) const;
  double number(const Json& obj, std::string_view key, const std::string& where) const;
  double number_or(const Json& obj, std::string_view key, const std::string& where,
                   double fallback) const;
  long long integer(const Json& obj, std::string_view key, const std::string& where) const;
  std::string string(const Json& obj, std::string_view key, const std::string& where) const;
  bool boolean_or(const Json& obj, std::string_view key, const std::string& where,
                  bool fallback) const;
  const Json& array(const Json& obj, std::string_view key, const std::string& where) const;
  const Json& object(const Json& obj, std::string_view key, const std::string& where) const;

  // Throws an Error at `where` with the given message, expected and found text.
  [[noreturn]] void fail(const std::string& where, const std::string& message,
                         const std::string& expected = {}, const std::string& found = {}) const;
  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

// "roads[3]" style element paths.
std::string element(const std::string& parent, std::string_view key);
std::string element(const std::string& parent, std::size_t index);
// A short rendering of a JSON value for "found ..." in messages.
std::string brief(const Json& value);

}  // namespace parktwin::scenarios
