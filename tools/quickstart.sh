#!/usr/bin/env bash
# The README's two commands, on a fresh Debian 12 machine as root, right after `git clone`:
#   tools/quickstart.sh run    install what is missing, build (release), run the main job
#   tools/quickstart.sh test   the same set-up plus test tools, then build and run every test
#                              (release suite, the AddressSanitizer + UBSan suite, the
#                              ThreadSanitizer suite of the multi-threaded tests, then every
#                              reader's fuzz target for a few seconds)
# Both are incremental: a second run installs nothing and rebuilds only what changed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

# Configure once (the build re-runs CMake by itself when CMakeLists change), then build.
build() {
  local preset=$1
  if [ ! -f "build/$preset/build.ninja" ]; then
    cmake --preset "$preset" >/dev/null
  fi
  cmake --build --preset "$preset"
}

step() { printf '\n== %s\n' "$*"; }

# The tests tagged [threads] (several threads, or a thread of their own), in each module's
# binary that the tsan build preset builds.
tsan_tests() {
  local t
  for t in engine/engine_tests sim/sim_tests sim/buildings/buildings_tests \
    sim/energy/energy_tests scenarios/scenarios_tests ai/ai_tests; do
    echo "-- $t [threads]"
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
      "build/tsan/tests/$t" "[threads]" --warn NoTests
  done
}

case "${1:-}" in
  run)
    step "dependencies"
    tools/install-deps.sh
    step "build (release)"
    build release
    step "main job"
    build/release/bin/parktwin --version
    build/release/bin/parktwin selftest
    build/release/bin/parktwin run assets/scenarios/sip/scenario.toml
    ;;
  test)
    step "dependencies (with test tools)"
    tools/install-deps.sh --test
    step "build and test (release)"
    build release
    ctest --preset release
    step "build and test (asan: AddressSanitizer + UndefinedBehaviorSanitizer)"
    build asan
    ctest --preset asan
    step "build and test (tsan: ThreadSanitizer, the tests that run on several threads)"
    build tsan
    tsan_tests
    step "fuzz every reader (libFuzzer, clang, ASan + UBSan; 6 s each)"
    build fuzz
    tools/fuzz.sh 6
    ;;
  -h | --help)
    usage
    ;;
  *)
    usage >&2
    echo "quickstart.sh: expected 'run' or 'test', found '${1:-nothing}'" >&2
    exit 2
    ;;
esac
