#pragma once
// Reading JSON inputs with errors that point into the file: syntax errors carry line and
// column; a missing or mistyped value carries the element path ("intersections[3].width")
// and what was expected.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace parktwin::scenarios {

using Json = nlohmann::json;

// Parses the whole file; throws parktwin::Error naming the file (and line:column for a
// syntax error) when it cannot be read or parsed.
Json read_json_file(const std::string& path);

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
