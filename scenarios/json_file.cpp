#include "scenarios/json_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "engine/error.h"
#include "engine/input_file.h"

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

// Deeper than any real input needs (GeoJSON's coordinates go 4 or 5 deep); bounded so that
// nothing that recurses over a value (nlohmann's serializer, a message quoting the value) can
// overflow the stack.
constexpr int kMaxJsonDepth = 256;
struct TooDeep {};  // thrown from a parse callback; the caller says where

// Throws `e` located at byte `offset` of the file (read again only on this path, to turn the
// offset into line:column).
[[noreturn]] void throw_at(const std::string& path, std::size_t offset, Error e) {
  std::ifstream in(path, std::ios::binary);
  std::string head(offset, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  int line = 0, column = 0;
  line_column(head, head.size(), line, column);
  throw e.in_file(path).at_line(line, column);
}

[[noreturn]] void throw_parse_error(const std::string& path, const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: "
  if (const auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
  throw_at(path, e.byte > 0 ? e.byte - 1 : 0, Error("invalid JSON: " + what));
}

// Where the stream stopped reading (nlohmann reads a stream one character at a time).
std::size_t offset_of(std::ifstream& in) {
  in.clear();
  const auto at = in.tellg();
  return at < 0 ? 0 : static_cast<std::size_t>(at);
}

// A number beyond a double's range (1e400): nlohmann throws out_of_range 406 and names the
// text in quotes.
[[noreturn]] void throw_out_of_range(const std::string& path, std::ifstream& in,
                                     const nlohmann::json::out_of_range& e) {
  const std::string what = e.what();
  const auto q0 = what.find('\''), q1 = what.rfind('\'');
  const std::string number =
      q0 != std::string::npos && q1 > q0 ? what.substr(q0 + 1, q1 - q0 - 1) : std::string{};
  throw_at(path, offset_of(in),
           Error("number out of range").expected("a finite number").found(number));
}

[[noreturn]] void throw_too_deep(const std::string& path, std::ifstream& in) {
  throw_at(path, offset_of(in),
           Error("nested too deeply")
               .expected(fmt::format("at most {} levels of arrays and objects", kMaxJsonDepth)));
}

std::ifstream open_json(const std::string& path) {
  require_input_file(path, "a readable JSON file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open file").in_file(path).expected("a readable JSON file");
  return in;
}

}  // namespace

Json read_json_file(const std::string& path) {
  std::ifstream in = open_json(path);
  try {
    return Json::parse(in, [](int depth, nlohmann::json::parse_event_t, Json&) {
      if (depth > kMaxJsonDepth) throw TooDeep{};
      return true;
    });
  } catch (const nlohmann::json::parse_error& e) {
    throw_parse_error(path, e);
  } catch (const nlohmann::json::out_of_range& e) {
    throw_out_of_range(path, in, e);
  } catch (const TooDeep&) {
    throw_too_deep(path, in);
  }
}

Json stream_json_file(const std::string& path, const JsonStream& stream) {
  std::ifstream in = open_json(path);
  const bool root_array = stream.array_keys.empty();
  const int element_depth = root_array ? 1 : 2;
  bool root_ok = false;    // the root is of the expected kind
  bool streaming = false;  // inside a streamed array
  std::string key;         // key of the root object's member being read
  std::size_t index = 0;
  auto callback = [&](int depth, nlohmann::json::parse_event_t event, Json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (depth > kMaxJsonDepth) throw TooDeep{};
    if (depth == 0 && (event == Event::object_start || event == Event::array_start)) {
      root_ok = (event == Event::array_start) == root_array;
      streaming = root_ok && root_array;
      return true;
    }
    if (!root_ok) return true;
    if (!root_array && depth == 1) {
      if (event == Event::key) {
        key = parsed.get<std::string>();
      } else if (event == Event::array_start) {
        streaming = std::find(stream.array_keys.begin(), stream.array_keys.end(), key) !=
                    stream.array_keys.end();
        index = 0;
      } else if (event == Event::array_end) {
        streaming = false;
      }
      return true;
    }
    const bool element_end =
        event == Event::object_end || event == Event::array_end || event == Event::value;
    if (streaming && depth == element_depth && element_end) {
      stream.on_element(root_array ? std::string_view{} : std::string_view{key}, index++, parsed);
      return false;  // discard: the element has been used
    }
    return true;
  };
  try {
    return Json::parse(in, callback);
  } catch (const nlohmann::json::parse_error& e) {
    throw_parse_error(path, e);
  } catch (const nlohmann::json::out_of_range& e) {
    throw_out_of_range(path, in, e);
  } catch (const TooDeep&) {
    throw_too_deep(path, in);
  }
}

std::string element(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string element(const std::string& parent, std::size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

namespace {
constexpr std::size_t kBriefChars = 60;

// Writes `v` as JSON into `out`, stopping once `out` is longer than kBriefChars (a value of
// any size is quoted at the cost of its first few elements).
void brief_into(const Json& v, std::string& out) {
  if (out.size() > kBriefChars) return;
  if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const Json& e : v) {
      if (out.size() > kBriefChars) return;
      if (!first) out += ',';
      first = false;
      brief_into(e, out);
    }
    out += ']';
  } else if (v.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [k, e] : v.items()) {
      if (out.size() > kBriefChars) return;
      if (!first) out += ',';
      first = false;
      out += Json(k).dump() + ':';
      brief_into(e, out);
    }
    out += '}';
  } else {
    out += v.dump();
  }
}
}  // namespace

std::string brief(const Json& value) {
  std::string s;
  brief_into(value, s);
  if (s.size() > kBriefChars) s = s.substr(0, kBriefChars - 3) + "...";
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
