#pragma once
// Build identity, written into every run file and printed by `parktwin --version`.

#include <string_view>

namespace parktwin {

std::string_view version();     // project version, e.g. "0.1.0"
std::string_view git_hash();    // `git describe --always --dirty` at build time, or "unknown"
std::string_view build_type();  // CMake build type and sanitizers, e.g. "Release"

}  // namespace parktwin
