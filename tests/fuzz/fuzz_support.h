#pragma once
// What every fuzz target shares: the folder it works in and the contract it checks.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include "engine/error.h"

namespace parktwin::fuzz {

// Makes a copy of the fixture (tests/fuzz/fixtures/grid1x1) per process (libFuzzer's -jobs
// run several) and works in it, so that a manifest or run file naming "roadnet.json" finds it
// and the sources stay untouched; the copy goes at exit.
inline void enter_work_dir() {
  namespace fs = std::filesystem;
  static fs::path dir;
  dir = fs::temp_directory_path() / ("parktwin_fuzz_" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::copy(PARKTWIN_FUZZ_FIXTURES, dir,
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  fs::current_path(dir);
  std::atexit([] {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  });
}

// Runs `read` and checks the contract of issue 22: success, or a parktwin::Error naming the
// file at fault; anything else aborts, which libFuzzer reports as a finding with its input.
template <class F>
void expect_success_or_error(const char* target, F&& read) {
  try {
    read();
  } catch (const Error& e) {
    if (e.context().file.empty()) {
      std::fprintf(stderr, "%s: an error naming no file: %s\n", target, e.what());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: not a parktwin::Error: %s\n", target, e.what());
    std::abort();
  }
}

}  // namespace parktwin::fuzz
