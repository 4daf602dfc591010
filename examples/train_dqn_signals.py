#!/usr/bin/env python3
"""A small DQN for every junction's signal on parktwin.envs.VectorSignalEnv, in one file
(CleanRL's dqn.py in spirit: Mnih et al. 2015, double-DQN targets): one phase-scoring network
shared by every junction and phase (MPLight / FRAP), epsilon-greedy over the allowed greens,
replay, a target network. Trains on seeded days and compares the greedy policy with max
pressure on days it never saw.

    PYTHONPATH=build/release/python python3 examples/train_dqn_signals.py --decisions 3000

Needs python3-torch (Debian). `parktwin train` does the same in C++, faster.
"""

import argparse
import time

import numpy as np
import torch

import parktwin
from parktwin.envs import SignalEnv, VectorSignalEnv


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenario", default="assets/scenarios/hangzhou_4x4/scenario.toml")
    p.add_argument("--decisions", type=int, default=3000, help="vectorised decisions to train")
    p.add_argument("--envs", type=int, default=8, help="copies stepped together")
    p.add_argument("--episode-s", type=float, default=900.0, help="simulated s per day")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eval-days", type=int, default=2, help="held-out days (seeds 1..N)")
    return p.parse_args()


class PhaseQ(torch.nn.Module):
    """Scores each (junction, green) row of phase features: [..., A, P, F] -> [..., A, P]."""

    def __init__(self, features, hidden=64):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(features, hidden), torch.nn.ReLU(),
                                       torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
                                       torch.nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1)


def greedy(q, obs, mask):
    with torch.no_grad():
        scores = q(torch.as_tensor(obs)).numpy()
    return np.argmax(np.where(mask, scores, -np.inf), axis=-1)


def evaluate(scenario, policy, days, episode_s):
    env = SignalEnv(scenario, episode_s=episode_s)
    atts = []
    for seed in range(1, days + 1):
        obs, info = env.reset(seed=seed)
        done = False
        while not done:
            obs, _, _, done, info = env.step(policy(obs, info["action_mask"]))
        atts.append(info["episode"]["average_travel_time_s"])
    return float(np.mean(atts))


def main():
    args = parse()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    scenario = parktwin.Scenario.load(args.scenario)
    # Training days from seed 1,000,000 on: never the evaluation days.
    env = VectorSignalEnv(scenario, args.envs, threads=2, seed=1_000_000 + 1000 * args.seed,
                          episode_s=args.episode_s)
    obs, info = env.reset()
    mask = info["action_mask"]
    q = PhaseQ(parktwin.PHASE_FEATURES)
    target = PhaseQ(parktwin.PHASE_FEATURES)
    target.load_state_dict(q.state_dict())
    opt = torch.optim.Adam(q.parameters(), lr=1e-3)
    cap, size, at = 20_000, 0, 0
    S = np.zeros((cap,) + obs.shape[1:], np.float32)
    S2 = np.zeros_like(S)
    M2 = np.zeros((cap,) + mask.shape[1:], bool)
    Act = np.zeros((cap,) + mask.shape[1:2], np.int64)
    R = np.zeros((cap,) + mask.shape[1:2], np.float32)
    gamma, start = 0.9, time.time()
    for t in range(args.decisions):
        eps = max(0.05, 1.0 - t / (0.4 * args.decisions))
        actions = greedy(q, obs, mask)
        explore = rng.random(actions.shape) < eps
        random_allowed = np.array([[rng.choice(np.flatnonzero(m)) for m in row] for row in mask])
        actions = np.where(explore, random_allowed, actions)
        next_obs, _, _, truncated, info = env.step(actions)
        final = next_obs.copy()
        if truncated.any():  # the day that ended, not the next one, is what followed
            final[truncated] = info["final_observation"][truncated]
        for c in range(args.envs):
            S[at], Act[at], R[at] = obs[c], actions[c], info["agent_rewards"][c]
            S2[at], M2[at] = final[c], (info["final_action_mask"][c] if truncated[c]
                                        else info["action_mask"][c])
            at, size = (at + 1) % cap, min(size + 1, cap)
        obs, mask = next_obs, info["action_mask"]
        if size >= 256:
            j = rng.integers(size, size=32)
            s, s2 = torch.as_tensor(S[j]), torch.as_tensor(S2[j])
            with torch.no_grad():
                best = q(s2).masked_fill(~torch.as_tensor(M2[j]), -1e9).argmax(-1, keepdim=True)
                y = torch.as_tensor(R[j]) + gamma * target(s2).gather(-1, best).squeeze(-1)
            pred = q(s).gather(-1, torch.as_tensor(Act[j]).unsqueeze(-1)).squeeze(-1)
            loss = torch.nn.functional.smooth_l1_loss(pred, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if t % 100 == 0:
                target.load_state_dict(q.state_dict())
        if (t + 1) % max(1, args.decisions // 10) == 0:
            rate = (t + 1) * args.envs / (time.time() - start)
            eta = (args.decisions - t - 1) * args.envs / rate
            print(f"decision {t + 1}/{args.decisions}  {rate:.0f} env steps/s  eps {eps:.2f}  "
                  f"days finished {len(env.finished())}  ETA {eta:.0f} s", flush=True)
    learned = evaluate(scenario, lambda o, m: greedy(q, o[None], m[None])[0], args.eval_days,
                       args.episode_s)
    pressure = evaluate(scenario, parktwin.policies.max_pressure(), args.eval_days,
                        args.episode_s)
    print(f"held-out days 1..{args.eval_days}: ATT learned {learned:.1f} s, "
          f"max pressure {pressure:.1f} s")


if __name__ == "__main__":
    main()
