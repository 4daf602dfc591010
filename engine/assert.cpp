#include "engine/assert.h"

#include <cstdio>
#include <cstdlib>

namespace parktwin::detail {

void assert_failed(const char* condition, const char* message, const char* file,
                   int line) noexcept {
  // stdio rather than the logger: the process may be in any state when an invariant breaks.
  std::fprintf(stderr, "%s:%d: PT_ASSERT(%s) failed: %s\n", file, line, condition, message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace parktwin::detail
