#pragma once
// The energy environment (ai/energy_env.h) for Python: `_parktwin.EnergyVecEnv`.

#include <pybind11/pybind11.h>

namespace parktwin::python {

void bind_energy_env(pybind11::module_& m);

}  // namespace parktwin::python
