#include "engine/error.h"

#include <utility>

namespace parktwin {

std::string format_error(const std::string& message, const ErrorContext& context) {
  std::string out;
  if (!context.file.empty()) {
    out += context.file;
    if (context.line > 0) {
      out += ':' + std::to_string(context.line);
      if (context.column > 0) out += ':' + std::to_string(context.column);
    }
    out += ": ";
  }
  if (!context.field.empty()) out += context.field + ": ";
  out += message;
  if (!context.expected.empty() || !context.found.empty()) {
    out += " (";
    if (!context.expected.empty()) out += "expected " + context.expected;
    if (!context.expected.empty() && !context.found.empty()) out += ", ";
    if (!context.found.empty()) out += "found " + context.found;
    out += ')';
  }
  return out;
}

Error::Error(std::string message) : Error(std::move(message), ErrorContext{}) {}

Error::Error(std::string message, ErrorContext context)
    : message_(std::move(message)), context_(std::move(context)) {
  reformat();
}

Error& Error::in_file(std::string path) {
  context_.file = std::move(path);
  reformat();
  return *this;
}

Error& Error::at_line(int line, int column) {
  context_.line = line;
  context_.column = column;
  reformat();
  return *this;
}

Error& Error::field(std::string key) {
  context_.field = std::move(key);
  reformat();
  return *this;
}

Error& Error::expected(std::string what) {
  context_.expected = std::move(what);
  reformat();
  return *this;
}

Error& Error::found(std::string what) {
  context_.found = std::move(what);
  reformat();
  return *this;
}

void Error::reformat() { formatted_ = format_error(message_, context_); }

}  // namespace parktwin
