#include "scenarios/json_file.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "engine/error.h"

namespace parktwin::scenarios {

namespace {

// nlohmann reports a byte offset; people read lines and columns.
void line_column(const std::string& text, std::size_t offset, int& line, int& column) {
  line = 1;
  column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
}

const char* type_name(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

}  // namespace

Json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open file").in_file(path).expected("a readable JSON file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    int line = 0, column = 0;
    line_column(text, e.byte > 0 ? e.byte - 1 : 0, line, column);
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: "
    if (const auto colon = what.find(": "); colon != std::string::npos)
      what = what.substr(colon + 2);
    throw Error("invalid JSON: " + what).in_file(path).at_line(line, column);
  }
}

std::string element(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string element(const std::string& parent, std::size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

std::string brief(const Json& value) {
  std::string s = value.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

void JsonReader::fail(const std::string& where, const std::string& message,
                      const std::string& expected, const std::string& found) const {
  throw Error(message).in_file(file_).field(where).expected(expected).found(found);
}

const Json* JsonReader::optional(const Json& obj, std::string_view key,
                                 const std::string& where) const {
  if (!obj.is_object()) fail(where, "wrong type", "an object", type_name(obj));
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const Json& JsonReader::member(const Json& obj, std::string_view key,
                               const std::string& where) const {
  const Json* v = optional(obj, key, where);
  if (v == nullptr) fail(element(where, key), "missing required key", "a value");
  return *v;
}

double JsonReader::number(const Json& obj, std::string_view key, const std::string& where) const {
  const Json& v = member(obj, key, where);
  if (!v.is_number()) fail(element(where, key), "wrong type", "a number", brief(v));
  return v.get<double>();
}

double JsonReader::number_or(const Json& obj, std::string_view key, const std::string& where,
                             double fallback) const {
  const Json* v = optional(obj, key, where);
  if (v == nullptr) return fallback;
  if (!v->is_number()) fail(element(where, key), "wrong type", "a number", brief(*v));
  return v->get<double>();
}

long long JsonReader::integer(const Json& obj, std::string_view key,
                              const std::string& where) const {
  const Json& v = member(obj, key, where);
  if (!v.is_number_integer()) fail(element(where, key), "wrong type", "an integer", brief(v));
  return v.get<long long>();
}

std::string JsonReader::string(const Json& obj, std::string_view key,
                               const std::string& where) const {
  const Json& v = member(obj, key, where);
  if (!v.is_string()) fail(element(where, key), "wrong type", "a string", brief(v));
  return v.get<std::string>();
}

bool JsonReader::boolean_or(const Json& obj, std::string_view key, const std::string& where,
                            bool fallback) const {
  const Json* v = optional(obj, key, where);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) fail(element(where, key), "wrong type", "true or false", brief(*v));
  return v->get<bool>();
}

const Json& JsonReader::array(const Json& obj, std::string_view key,
                              const std::string& where) const {
  const Json& v = member(obj, key, where);
  if (!v.is_array()) fail(element(where, key), "wrong type", "an array", type_name(v));
  return v;
}

const Json& JsonReader::object(const Json& obj, std::string_view key,
                               const std::string& where) const {
  const Json& v = member(obj, key, where);
  if (!v.is_object()) fail(element(where, key), "wrong type", "an object", type_name(v));
  return v;
}

}  // namespace parktwin::scenarios
