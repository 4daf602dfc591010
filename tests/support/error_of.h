#pragma once
// Test support: the parktwin::Error an expression throws, for checking its context.

#include <catch2/catch.hpp>

#include <utility>

#include "engine/error.h"

namespace parktwin::test {

// Runs f and returns the parktwin::Error it throws; fails the test if it throws none.
template <class F>
Error error_of(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected a parktwin::Error, but nothing was thrown");
  return Error("unreachable");
}

}  // namespace parktwin::test
