"""parktwin: the smart-city simulation and digital-twin engine, from Python.

The C++ engine's scenarios and Worlds (`Scenario`, `World`), environments for learning signal
control in the Gymnasium and PettingZoo styles (`parktwin.envs`) and energy control
(`parktwin.energy_envs`), the classic and trained
signal policies (`parktwin.policies`), and run files as pandas DataFrames (`read_run`).
See docs/python.md.
"""

from ._parktwin import PHASE_FEATURES, Scenario, Snapshot, World, __version__
from . import energy_envs, envs, policies, spaces
from .runs import RunFile, read_run, read_sweep

__all__ = [
    "PHASE_FEATURES",
    "RunFile",
    "Scenario",
    "Snapshot",
    "World",
    "__version__",
    "energy_envs",
    "envs",
    "policies",
    "read_run",
    "read_sweep",
    "spaces",
]
