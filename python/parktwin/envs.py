"""Signal-control environments over the C++ engine, in the Gymnasium and PettingZoo styles
(their APIs matched, neither imported: Debian ships neither).

- `SignalEnv`: one agent controls every junction (Gymnasium `Env`): observations of shape
  (agents, phase_slots, PHASE_FEATURES), an action per junction (`MultiDiscrete`).
- `ParallelSignalEnv`: one agent per junction (PettingZoo's parallel API), dicts keyed by
  junction id, action masks in `infos`.
- `VectorSignalEnv`: n copies stepped in C++ threads with the GIL released, autoreset,
  batched arrays (Gymnasium's vector API).

All three are the C++ `ai::SignalVecEnv` (ai/signal_env.h): the same episodes, observations
and rewards as `parktwin train` for a seed, for any thread count. An episode is a simulated
day of the scenario's demand (seeded jitter of the departures, a demand scale); it ends by
time, so it is *truncated*, never *terminated*. Observations are the phase features of
docs/ai.md (one row per green phase of a junction, padded rows 0 and masked); an action is an
index into the junction's greens; the engine keeps minimum and maximum greens and runs the
clearance phases, so any action is safe, and the mask says which would be honoured now.
"""

import os

import numpy as np

from ._parktwin import PHASE_FEATURES, Scenario
from ._parktwin import SignalVecEnv as _SignalVecEnv
from .spaces import Box, Discrete, MultiDiscrete

__all__ = ["SignalEnv", "ParallelSignalEnv", "VectorSignalEnv"]

_OPTIONS = ("decision_s", "episode_s", "reward", "reward_scale", "neighbour_reward",
            "demand_scales", "jitter_s", "min_green_s", "max_green_s")


def _scenario(scenario):
    if isinstance(scenario, Scenario):
        return scenario
    return Scenario.load(os.fspath(scenario))


def _known_options(kwargs, known):
    """The options given, all of them among `known` (else a TypeError naming the first)."""
    unknown = sorted(set(kwargs) - set(known))
    if unknown:
        raise TypeError(f"unknown option {unknown[0]!r} (expected one of {', '.join(known)})")
    return dict(kwargs)


def _env_options(kwargs):
    options = _known_options(kwargs, _OPTIONS)
    if "demand_scales" in options:
        options["demand_scales"] = [float(s) for s in options["demand_scales"]]
    return options


class SignalEnv:
    """Every junction's signal driven by one agent (Gymnasium's `Env` API).

    `SignalEnv(scenario, decision_s=5.0, episode_s=None, reward="queue", reward_scale=0.1,
    neighbour_reward=0.5, demand_scales=(1.0,), jitter_s=30.0, min_green_s=None,
    max_green_s=None)`: `scenario` is a `Scenario` or a manifest path; `episode_s` defaults to
    the scenario's duration, the greens to its `[controllers]`. `reset(seed=s)` starts the day
    of seed s; `reset()` the next seed. The reward is the sum over junctions of each one's
    reward (`info["agent_rewards"]` has them one by one).
    """

    metadata = {"render_modes": []}
    render_mode = None

    def __init__(self, scenario, **options):
        self.scenario = _scenario(scenario)
        self._options = _env_options(options)
        self._scales = self._options.pop("demand_scales", [1.0])
        self._env = _SignalVecEnv(self.scenario, copies=1, first_seed=1,
                                  demand_scales=self._scales[:1], **self._options)
        self.agent_ids = list(self._env.agent_ids)
        self.greens = list(self._env.greens)
        shape = (self._env.agents, self._env.phase_slots, PHASE_FEATURES)
        self.observation_space = Box(-np.inf, np.inf, shape, np.float32)
        self.action_space = MultiDiscrete(self.greens)
        self._next_seed = 1
        self._episodes = 0
        self._needs_reset = True
        self.episode_seed = None

    def reset(self, *, seed=None, options=None):
        """Starts a new day: `seed` (default: the one after the last), `options` may give
        `demand_scale` (default: the scales given, in turn). Returns (obs, info)."""
        if seed is not None:
            if int(seed) < 0:
                raise ValueError(f"seed: expected an integer >= 0; found {seed}")
            self._next_seed = int(seed)
        options = dict(options or {})
        scale = options.pop("demand_scale", self._scales[self._episodes % len(self._scales)])
        if options:
            raise KeyError(f"unknown reset option {next(iter(options))!r} (expected demand_scale)")
        self._env = _SignalVecEnv(self.scenario, copies=1, first_seed=self._next_seed,
                                  demand_scales=[float(scale)], **self._options)
        self.episode_seed = self._next_seed
        self._next_seed += 1
        self._episodes += 1
        self._needs_reset = False
        return self._env.observations()[0], {"action_mask": self._env.masks()[0],
                                             "seed": self.episode_seed,
                                             "demand_scale": float(scale)}

    def action_mask(self):
        """(agents, phase_slots) booleans: the greens that would be honoured now."""
        return self._env.masks()[0]

    def step(self, action):
        """One decision interval. Returns (obs, reward, terminated, truncated, info)."""
        if self._needs_reset:
            raise RuntimeError("the episode has ended (or not started): call reset() first")
        a = np.asarray(action)
        if a.shape != self.action_space.shape:
            raise ValueError(f"action: expected shape {self.action_space.shape} (one green "
                             f"index per junction); found {a.shape}")
        if a.dtype.kind not in "iu":
            raise ValueError(f"action: expected integers; found dtype {a.dtype}")
        self._env.step(a.reshape(1, -1))
        rewards = self._env.rewards()[0]
        truncated = bool(self._env.dones()[0])
        if truncated:
            obs, mask = self._env.final_observations()[0], self._env.final_masks()[0]
            self._needs_reset = True
        else:
            obs, mask = self._env.observations()[0], self._env.masks()[0]
        info = {"action_mask": mask, "agent_rewards": rewards, "seed": self.episode_seed}
        if truncated:
            info["episode"] = self._env.finished()[-1]
        return obs, float(rewards.sum()), False, truncated, info

    def close(self):
        pass


class ParallelSignalEnv:
    """One agent per signalised junction (PettingZoo's parallel API): dicts keyed by junction
    id. Options as `SignalEnv`'s. Each agent's reward is its own (with the neighbours' share,
    `neighbour_reward`); action masks are in `infos[agent]["action_mask"]`."""

    metadata = {"render_modes": [], "name": "parktwin_signals_v0"}
    render_mode = None

    def __init__(self, scenario, **options):
        self._single = SignalEnv(scenario, **options)
        self.possible_agents = list(self._single.agent_ids)
        self.agents = []
        self._index = {a: i for i, a in enumerate(self.possible_agents)}
        slots = self._single.observation_space.shape[1:]
        self._obs_spaces = {a: Box(-np.inf, np.inf, slots, np.float32) for a in self.possible_agents}
        self._act_spaces = {a: Discrete(n) for a, n in zip(self.possible_agents,
                                                         self._single.greens)}

    def observation_space(self, agent):
        return self._obs_spaces[agent]

    def action_space(self, agent):
        return self._act_spaces[agent]

    @property
    def num_agents(self):
        return len(self.agents)

    @property
    def max_num_agents(self):
        return len(self.possible_agents)

    def _split(self, obs, mask):
        observations = {a: obs[i] for a, i in self._index.items()}
        infos = {a: {"action_mask": mask[i]} for a, i in self._index.items()}
        return observations, infos

    def reset(self, seed=None, options=None):
        obs, info = self._single.reset(seed=seed, options=options)
        self.agents = list(self.possible_agents)
        return self._split(obs, info["action_mask"])

    def step(self, actions):
        if not self.agents:
            raise RuntimeError("the episode has ended (or not started): call reset() first")
        unknown = [a for a in actions if a not in self._index]
        if unknown:
            raise KeyError(f"no agent {unknown[0]!r} (agents are the signalised junctions: "
                           f"{', '.join(self.possible_agents[:4])}, ...)")
        missing = [a for a in self.possible_agents if a not in actions]
        if missing:
            raise ValueError(f"no action for agent {missing[0]!r}: every agent acts each step")
        flat = np.array([int(actions[a]) for a in self.possible_agents], dtype=np.int64)
        obs, _, _, truncated, info = self._single.step(flat)
        observations, infos = self._split(obs, info["action_mask"])
        rewards = {a: float(info["agent_rewards"][i]) for a, i in self._index.items()}
        terminations = {a: False for a in self.possible_agents}
        truncations = {a: truncated for a in self.possible_agents}
        if truncated:
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    def close(self):
        pass


class VectorSignalEnv:
    """`num_envs` copies of `SignalEnv` stepped together in C++ threads (Gymnasium's vector
    API, autoreset in the same step): observations (num_envs, agents, phase_slots,
    PHASE_FEATURES), actions (num_envs, agents), rewards (num_envs,) summed over junctions
    (`infos["agent_rewards"]` one by one). Copy c's e-th day has seed seed + e * num_envs + c,
    the same for any thread count. When a copy's day ends, the observation returned is the new
    day's first and `infos["final_observation"][c]` the last of the ended one
    (`infos["_final_observation"]` flags the copies)."""

    metadata = {"render_modes": [], "autoreset_mode": "same-step"}

    def __init__(self, scenario, num_envs, *, threads=1, seed=1, **options):
        if int(num_envs) < 1:
            raise ValueError(f"num_envs: expected >= 1; found {num_envs}")
        self.scenario = _scenario(scenario)
        self.num_envs = int(num_envs)
        self.threads = int(threads)
        self._options = _env_options(options)
        self._seed = int(seed)
        self._env = self._make()
        self.agent_ids = list(self._env.agent_ids)
        self.greens = list(self._env.greens)
        single = (self._env.agents, self._env.phase_slots, PHASE_FEATURES)
        self.single_observation_space = Box(-np.inf, np.inf, single, np.float32)
        self.single_action_space = MultiDiscrete(self.greens)
        self.observation_space = Box(-np.inf, np.inf, (self.num_envs,) + single, np.float32)
        self.action_space = MultiDiscrete(np.tile(self.greens, (self.num_envs, 1)))

    def _make(self):
        if self._seed < 0:
            raise ValueError(f"seed: expected an integer >= 0; found {self._seed}")
        return _SignalVecEnv(self.scenario, copies=self.num_envs, threads=self.threads,
                             first_seed=self._seed, **self._options)

    def reset(self, *, seed=None, options=None):
        if options:
            raise KeyError(f"unknown reset option {next(iter(options))!r}")
        if seed is not None:
            self._seed = int(seed)
        self._env = self._make()
        return self._env.observations(), {"action_mask": self._env.masks()}

    def step(self, actions):
        a = np.asarray(actions)
        if a.shape != self.action_space.shape:
            raise ValueError(f"actions: expected shape {self.action_space.shape}; found {a.shape}")
        self._env.step(a)
        rewards = self._env.rewards()
        dones = self._env.dones()
        infos = {"action_mask": self._env.masks(), "agent_rewards": rewards}
        if dones.any():
            infos["final_observation"] = self._env.final_observations()
            infos["final_action_mask"] = self._env.final_masks()
            infos["_final_observation"] = dones.copy()
        return (self._env.observations(), rewards.sum(axis=1), np.zeros_like(dones), dones,
                infos)

    def finished(self):
        """Every day finished so far: seed, demand scale, reward sum, ATT, vehicles finished."""
        return self._env.finished()

    def close(self):
        pass
