#pragma once
// What the extension's files share: a scenario loaded once, and fresh numpy copies of buffers.

#include <pybind11/numpy.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "scenarios/run_file.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"

namespace parktwin::python {

namespace py = pybind11;

// A scenario loaded once: its settings, network and demand, shared by every World and
// environment made from it (they must outlive those, hence the shared pointers).
struct Scenario {
  scenarios::RunMeta meta;
  std::shared_ptr<const traffic::Network> net;
  std::shared_ptr<const traffic::Demand> demand;
};

// A fresh array of `shape` holding a copy of v (environments overwrite their buffers).
template <class T>
py::array_t<T> copy_of(std::span<const T> v, std::vector<py::ssize_t> shape) {
  py::array_t<T> a(shape);
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

// A fresh boolean array of `shape` from bytes (0: false).
inline py::array_t<bool> bools_of(std::span<const std::uint8_t> v, std::vector<py::ssize_t> shape) {
  py::array_t<bool> a(shape);
  for (std::size_t i = 0; i < v.size(); ++i) a.mutable_data()[i] = v[i] != 0;
  return a;
}

}  // namespace parktwin::python
