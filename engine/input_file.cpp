#include "engine/input_file.h"

#include <filesystem>
#include <system_error>

#include "engine/error.h"

namespace parktwin {

namespace {

const char* kind_of(std::filesystem::file_type type) {
  using std::filesystem::file_type;
  switch (type) {
    case file_type::directory:
      return "a folder";
    case file_type::fifo:
      return "a named pipe";
    case file_type::character:
    case file_type::block:
      return "a device";
    case file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

}  // namespace

bool is_input_file(const std::string& path, std::string& why) {
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (st.type() == std::filesystem::file_type::not_found) {
    why = "no such file";
    return false;
  }
  if (ec) {
    why = ec.message();
    return false;
  }
  if (st.type() != std::filesystem::file_type::regular) {
    why = kind_of(st.type());
    return false;
  }
  return true;
}

void require_input_file(const std::string& path, const std::string& expected) {
  std::string why;
  if (is_input_file(path, why)) return;
  throw Error(why == "no such file" ? "cannot open file" : "not a readable regular file")
      .in_file(path)
      .expected(expected)
      .found(why);
}

}  // namespace parktwin
