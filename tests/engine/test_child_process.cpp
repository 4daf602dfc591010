// run_in_child_process: a crash in the child is an error naming the file; the child's error
// comes back with its text; what the child writes to files stays.

#include <catch2/catch.hpp>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <string>

#include "engine/child_process.h"
#include "engine/error.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;

TEST_CASE("work in a child process: its files stay, its errors and crashes come back",
          "[child_process][errors]") {
  test::TempDir dir;
  const std::string path = (dir.path() / "out.txt").string();

  run_in_child_process([&] { std::ofstream(path) << "written by the child\n"; }, path, "failed");
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  CHECK(line == "written by the child");

  const Error thrown = test::error_of([&] {
    run_in_child_process([&] { throw Error("bad field").in_file(path).field("x"); }, path,
                         "failed");
  });
  CHECK_THAT(thrown.what(),
             Catch::Contains("bad field") && Catch::Contains(path) && Catch::Contains("x"));

  const Error crashed = test::error_of(
      [&] { run_in_child_process([] { std::abort(); }, path, "the library crashed"); });
  CHECK(crashed.context().file == path);
  CHECK_THAT(crashed.what(), Catch::Contains("the library crashed") &&
                                 Catch::Contains("signal " + std::to_string(SIGABRT)));

  const Error exited =
      test::error_of([&] { run_in_child_process([] { ::_exit(3); }, path, "gave up"); });
  CHECK_THAT(exited.what(), Catch::Contains("gave up") && Catch::Contains("exited with 3"));
}
