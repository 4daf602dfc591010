#pragma once
// PT_ASSERT: invariants inside the engine. A broken invariant is a bug, not bad input, so it
// aborts with file and line instead of throwing (STYLE.md, rule 6). User-facing problems are
// parktwin::Error (engine/error.h). On in Debug, sanitizer and CI builds; compiled out in
// plain Release (PARKTWIN_ASSERTS).

namespace parktwin::detail {
[[noreturn]] void assert_failed(const char* condition, const char* message, const char* file,
                                int line) noexcept;
}  // namespace parktwin::detail

#if defined(PARKTWIN_ENABLE_ASSERTS)
#define PT_ASSERT(cond, msg)     \
  ((cond) ? static_cast<void>(0) \
          : ::parktwin::detail::assert_failed(#cond, msg, __FILE__, __LINE__))
#else
// sizeof keeps the expression type-checked without evaluating it.
#define PT_ASSERT(cond, msg) static_cast<void>(sizeof(!(cond)))
#endif
