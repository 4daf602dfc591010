"""Energy-control environments over the C++ engine, in the Gymnasium style (its API matched,
not imported): every building of a scenario's district an agent driving its battery, its car
park's charging and its HVAC set-points (docs/ai.md, "The energy environment").

- `EnergyEnv`: one agent for the whole district (Gymnasium `Env`): observations of shape
  (buildings, ENERGY_FEATURES), actions of shape (buildings, 3) in [-1, 1].
- `VectorEnergyEnv`: n copies stepped in C++ threads with the GIL released, autoreset,
  batched arrays (Gymnasium's vector API).

Both are the C++ `ai::EnergyVecEnv`: the same episodes, observations and rewards as `parktwin
train --control` for a seed, for any thread count. An episode is a window of the weather year
(`episode_days` days from a seeded start day away from the held-out weeks, or one of
`start_days`), its EVs replayed from days of the scenario's own traffic; it ends by time, so it
is *truncated*, never *terminated*. Actions near zero hand each asset to the rules (`rules`,
default the scenario's battery and charging policies and the HVAC schedule): a policy of zeros
is the rules. `info["action_mask"]` says which actions act (a building without a battery
ignores action 0).
"""

import numpy as np

from ._parktwin import ENERGY_ACTIONS, ENERGY_FEATURES, EVALUATION_WEEKS
from ._parktwin import EnergyVecEnv as _EnergyVecEnv
from .envs import _known_options, _scenario
from .spaces import Box

__all__ = ["EnergyEnv", "VectorEnergyEnv", "ENERGY_FEATURES", "ENERGY_ACTIONS",
           "EVALUATION_WEEKS"]

_OPTIONS = ("control", "rules", "decision_s", "episode_days", "start_days", "traffic_days",
            "departure_noise_h", "w_cost", "w_co2", "w_discomfort", "w_unserved", "w_overload")


def _options(kwargs):
    options = _known_options(kwargs, _OPTIONS)
    if "start_days" in options:
        options["start_days"] = [int(d) for d in options["start_days"]]
    return options


class VectorEnergyEnv:
    """`num_envs` copies of the district stepped together in C++ threads (Gymnasium's vector
    API, autoreset in the same step): observations (num_envs, buildings, ENERGY_FEATURES),
    actions (num_envs, buildings, 3), rewards (num_envs,) summed over buildings
    (`infos["agent_rewards"]` one by one). Copy c's e-th episode has seed seed + e * num_envs
    + c. When a copy's episode ends, the observation returned is the new episode's first and
    `infos["final_observation"][c]` the last of the ended one.

    Options: control ("energy", "hvac", "battery", "charging", "none"), rules
    ("BATTERY+CHARGING+HVAC"), decision_s (900), episode_days (7), start_days (days of the
    year 0..364; default every day whose window misses the evaluation weeks), traffic_days (4),
    departure_noise_h (0.5), and the reward weights w_cost (1), w_co2 (0.1 per kg),
    w_discomfort (50 per degree-hour), w_unserved (5 per kWh), w_overload (1 per kWh)."""

    metadata = {"render_modes": [], "autoreset_mode": "same-step"}

    def __init__(self, scenario, num_envs, *, threads=1, seed=1, **options):
        if int(num_envs) < 1:
            raise ValueError(f"num_envs: expected >= 1; found {num_envs}")
        if int(seed) < 0:
            raise ValueError(f"seed: expected an integer >= 0; found {seed}")
        self.scenario = _scenario(scenario)
        self.num_envs = int(num_envs)
        self._env = _EnergyVecEnv(self.scenario, copies=self.num_envs, threads=int(threads),
                                  first_seed=int(seed), **_options(options))
        self.building_ids = list(self._env.building_ids)
        self.rules = self._env.rules
        self.control = self._env.control
        n = len(self.building_ids)
        self.single_observation_space = Box(-np.inf, np.inf, (n, ENERGY_FEATURES), np.float32)
        self.single_action_space = Box(-1.0, 1.0, (n, ENERGY_ACTIONS), np.float32)
        self.observation_space = Box(-np.inf, np.inf, (self.num_envs, n, ENERGY_FEATURES),
                                     np.float32)
        self.action_space = Box(-1.0, 1.0, (self.num_envs, n, ENERGY_ACTIONS), np.float32)

    def action_mask(self):
        """(buildings, 3) booleans: the actions that act (asset present, driven by the agent)."""
        return self._env.action_mask()

    def reset(self, *, seed=None, options=None):
        if options:
            raise KeyError(f"unknown reset option {next(iter(options))!r}")
        if seed is not None:
            if int(seed) < 0:
                raise ValueError(f"seed: expected an integer >= 0; found {seed}")
            self._env.reset(int(seed))
        return self._env.observations(), {"action_mask": self._env.action_mask()}

    def step(self, actions):
        a = np.asarray(actions)
        if a.shape != self.action_space.shape:
            raise ValueError(f"actions: expected shape {self.action_space.shape}; found {a.shape}")
        if a.dtype.kind not in "fiu" or not np.all(np.isfinite(a)):
            raise ValueError("actions: expected finite numbers in [-1, 1]")
        self._env.step(a.astype(np.float32, copy=False))
        rewards = self._env.rewards()
        dones = self._env.dones()
        infos = {"action_mask": self._env.action_mask(), "agent_rewards": rewards}
        if dones.any():
            infos["final_observation"] = self._env.final_observations()
            infos["_final_observation"] = dones.copy()
        return (self._env.observations(), rewards.sum(axis=1), np.zeros_like(dones), dones,
                infos)

    def finished(self):
        """Every episode finished so far: seed, start day, reward sum and its KPIs."""
        return self._env.finished()

    def close(self):
        pass


class EnergyEnv:
    """The district driven by one agent (Gymnasium's `Env` API). Options as
    `VectorEnergyEnv`'s. `reset(seed=s)` starts the episode of seed s; `reset()` the next
    seed; `reset(options={"start_day": d})` the window from day d of the year (the held-out
    weeks: `EVALUATION_WEEKS`)."""

    metadata = {"render_modes": []}
    render_mode = None

    def __init__(self, scenario, **options):
        self.scenario = _scenario(scenario)
        self._options = _options(options)
        self._vec = VectorEnergyEnv(self.scenario, 1, **self._options)
        self.building_ids = self._vec.building_ids
        self.observation_space = self._vec.single_observation_space
        self.action_space = self._vec.single_action_space
        self._next_seed = 1
        self._start_day = None
        self._needs_reset = True
        self.episode_seed = None

    def reset(self, *, seed=None, options=None):
        """Starts an episode. Returns (obs, info)."""
        if seed is not None:
            if int(seed) < 0:
                raise ValueError(f"seed: expected an integer >= 0; found {seed}")
            self._next_seed = int(seed)
        options = dict(options or {})
        start_day = options.pop("start_day", None)
        if options:
            raise KeyError(f"unknown reset option {next(iter(options))!r} (expected start_day)")
        start_day = None if start_day is None else int(start_day)
        if start_day != self._start_day:  # another window pool: another environment
            options = dict(self._options)
            if start_day is not None:
                options["start_days"] = [start_day]
            self._vec = VectorEnergyEnv(self.scenario, 1, **options)
            self._start_day = start_day
        obs, info = self._vec.reset(seed=self._next_seed)
        self.episode_seed = self._next_seed
        self._next_seed += 1
        self._needs_reset = False
        return obs[0], {"action_mask": info["action_mask"], "seed": self.episode_seed}

    def action_mask(self):
        return self._vec.action_mask()

    def step(self, action):
        """One decision. Returns (obs, reward, terminated, truncated, info)."""
        if self._needs_reset:
            raise RuntimeError("the episode has ended (or not started): call reset() first")
        a = np.asarray(action)
        if a.shape != self.action_space.shape:
            raise ValueError(f"action: expected shape {self.action_space.shape} (three per "
                             f"building); found {a.shape}")
        obs, reward, _, truncated, infos = self._vec.step(a[None])
        info = {"action_mask": infos["action_mask"], "agent_rewards": infos["agent_rewards"][0],
                "seed": self.episode_seed}
        if truncated[0]:
            obs = infos["final_observation"]
            info["episode"] = self._vec.finished()[-1]
            self._needs_reset = True
        return obs[0], float(reward[0]), False, bool(truncated[0]), info

    def close(self):
        pass
