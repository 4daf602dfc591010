#pragma once
// User-facing errors with context (STYLE.md, rule 6): loaders and the CLI throw
// parktwin::Error naming the file, the line/field, the key and what was expected, e.g.
//   roadnet.json:812: roads[3].lanes[0].width: negative lane width (expected > 0, found -2.0)
// The CLI prints what() and exits non-zero. Nothing inside the step throws.

#include <exception>
#include <string>
#include <vector>

namespace parktwin {

// Process exit codes of every parktwin command.
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int failure = 1;  // bad input or a failed run
inline constexpr int usage = 2;    // bad command line
}  // namespace exit_code

// Where an error points. Empty strings and zero numbers mean "not known" and are left out.
struct ErrorContext {
  std::string file;      // path as the user gave it
  int line = 0;          // 1-based
  int column = 0;        // 1-based
  std::string field;     // key or element path, e.g. "roads[3].lanes[0].width"
  std::string expected;  // what would have been accepted
  std::string found;     // what was there instead
};

// Formats "file:line:column: field: message (expected X, found Y)", leaving out unknown parts.
std::string format_error(const std::string& message, const ErrorContext& context);

// "a, b, c": the names an error's "expected" lists.
template <class Names>  // a range of std::string or std::string_view
std::string comma_list(const Names& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : ", ") + std::string(n);
  return text;
}

class Error : public std::exception {
 public:
  explicit Error(std::string message);
  Error(std::string message, ErrorContext context);

  // Fluent setters, so a throw site reads as one sentence:
  //   throw Error("negative lane width").in_file(path).at_line(812).field("width").expected("> 0");
  Error& in_file(std::string path);
  Error& at_line(int line, int column = 0);
  Error& field(std::string key);
  Error& expected(std::string what);
  Error& found(std::string what);

  const std::string& message() const noexcept { return message_; }
  const ErrorContext& context() const noexcept { return context_; }
  const char* what() const noexcept override { return formatted_.c_str(); }

 private:
  void reformat();

  std::string message_;
  ErrorContext context_;
  std::string formatted_;
};

}  // namespace parktwin
