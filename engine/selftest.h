#pragma once
// The engine's self-check, run by `parktwin selftest`: known answers and determinism
// properties that must hold on the machine at hand (RNG, parallel reductions across thread
// counts, clock arithmetic, hashing). A failure here means the build or machine is not fit
// to produce reproducible results.

#include <string>
#include <vector>

namespace parktwin {

struct SelfCheck {
  std::string name;
  bool passed = false;
  std::string detail;  // what was measured, or what went wrong
};

// Runs every check; `max_threads` bounds the thread counts tried for determinism.
std::vector<SelfCheck> run_engine_selftest(int max_threads);

}  // namespace parktwin
