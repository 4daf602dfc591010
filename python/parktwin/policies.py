"""Signal policies callable from Python on the environments' observations, so that a Python
experiment compares against the same baselines and trained policies as `parktwin eval`.

A policy maps observations (..., agents, phase_slots, PHASE_FEATURES) and action masks
(..., agents, phase_slots) to actions (..., agents): one call serves `SignalEnv` and a batch
of `VectorSignalEnv`.
"""

import json
import os

import numpy as np

__all__ = ["max_pressure", "load", "LearnedPolicy"]

# Phase-feature columns (ai/phase_features.h, docs/ai.md).
_UPSTREAM, _DOWNSTREAM_PER_LANE, _IS_CURRENT = 0, 2, 3
_MAX_CARD_BYTES = 1 << 20


def _masked_argmax(scores, mask):
    scores = np.where(mask, scores, -np.inf)
    return np.argmax(scores, axis=-1).astype(np.int64)


def max_pressure(env=None):
    """Max pressure (Varaiya 2013) on the phase features: each junction asks for the allowed
    green whose served movements have the most vehicles upstream minus vehicles per lane
    downstream; ties keep the current green. (The engine's own `max_pressure` controller runs
    without the surface's maximum green; this one drives the surface like any agent.)
    `env` is accepted for symmetry with `load` and not needed."""

    def act(obs, mask):
        obs = np.asarray(obs)
        pressure = obs[..., _UPSTREAM] - obs[..., _DOWNSTREAM_PER_LANE]
        # Prefer the current green on a tie: a tiny bonus below any real difference.
        pressure = pressure + 1e-6 * obs[..., _IS_CURRENT]
        return _masked_argmax(pressure, np.asarray(mask, dtype=bool))

    return act


class LearnedPolicy:
    """A policy written by `parktwin train` (policy.pt, TorchScript; policy.json, its card),
    run with python3-torch: greedy over the allowed greens of its phase scores."""

    def __init__(self, directory):
        self.directory = os.fspath(directory)
        card_path = os.path.join(self.directory, "policy.json")
        weights_path = os.path.join(self.directory, "policy.pt")
        for path in (card_path, weights_path):
            if not os.path.isfile(path):
                raise FileNotFoundError(f"no {os.path.basename(path)} in '{self.directory}' "
                                        "(expected a folder written by parktwin train)")
        # As the C++ reader (ai/policy_card.h): a card is small and shallow; a huge or deeply
        # nested file is refused rather than read (Python's parser would recurse out).
        if os.path.getsize(card_path) > _MAX_CARD_BYTES:
            raise ValueError(f"{card_path}: not a policy card (over {_MAX_CARD_BYTES} bytes)")
        with open(card_path, encoding="utf-8") as f:
            try:
                self.card = json.load(f)
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
                raise ValueError(f"{card_path}: not a policy card ({e})") from None
        if not isinstance(self.card, dict):
            raise ValueError(f"{card_path}: not a policy card (expected a JSON object)")
        import torch  # python3-torch; only trained policies need it

        self._torch = torch
        try:
            self._module = torch.jit.load(weights_path)
        except RuntimeError as e:
            raise ValueError(f"{weights_path}: cannot read the policy's weights "
                             f"({str(e).splitlines()[0]})") from None
        self._module.eval()

    @property
    def junctions(self):
        return list(self.card.get("network", {}).get("junctions", []))

    @property
    def control(self):
        """The timing it was trained under: decision_s, min_green_s, max_green_s."""
        return dict(self.card.get("control", {}))

    def check(self, env):
        """Raises ValueError unless the policy was trained on env's junctions, in its order."""
        ids = list(getattr(env, "agent_ids", []))
        if self.junctions and ids != self.junctions:
            raise ValueError(f"{self.directory}: the policy was trained on other junctions "
                             f"({len(self.junctions)}: {self.junctions[:3]}...; the environment "
                             f"has {len(ids)}: {ids[:3]}...)")

    def __call__(self, obs, mask):
        torch = self._torch
        x = torch.as_tensor(np.asarray(obs, dtype=np.float32))
        single = x.dim() == 3
        if single:
            x = x.unsqueeze(0)
        with torch.no_grad():
            q = self._module(x).numpy()
        if single:
            q = q[0]
        return _masked_argmax(q, np.asarray(mask, dtype=bool))


def load(directory, env=None):
    """The trained policy in `directory`; checked against `env`'s junctions when given."""
    policy = LearnedPolicy(directory)
    if env is not None:
        policy.check(env)
    return policy
