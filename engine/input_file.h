#pragma once
// Input files are read only from regular files: a named pipe blocks its reader until someone
// writes to it and a device may never end, so either would hang a run. Errors of the file
// system itself (a name too long, a loop of symbolic links) are the file's errors, named with
// it, never internal ones.

#include <string>

namespace parktwin {

// True for a regular file (after symbolic links); otherwise false with the reason in `why`
// ("no such file", "a named pipe", "File name too long", ...).
bool is_input_file(const std::string& path, std::string& why);

// Throws parktwin::Error naming `path` unless it is a regular file; `expected` says what
// should be there ("a CityFlow roadnet JSON").
void require_input_file(const std::string& path, const std::string& expected);

}  // namespace parktwin
