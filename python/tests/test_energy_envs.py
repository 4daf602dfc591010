"""The energy environments' contracts (parktwin.energy_envs): spaces, shapes and dtypes; a
policy of zeros is the rules; truncation at the end of the window (never termination) and no
step after it; the same numbers for any thread count and from EnergyEnv and VectorEnergyEnv;
the held-out weeks reachable by reset option; bad options and actions as exceptions naming what
was expected. Then a short training loop as a researcher writes one: a linear Gaussian policy
trained by REINFORCE on the battery of the district for a few episodes, in numpy."""

import numpy as np
import pytest

import parktwin
from parktwin.energy_envs import ENERGY_FEATURES, EVALUATION_WEEKS, EnergyEnv, VectorEnergyEnv

SHORT = dict(episode_days=1, traffic_days=2, start_days=[200, 201, 202])


def test_spaces_shapes_and_the_rules_at_zero(hangzhou):
    env = EnergyEnv(hangzhou, **SHORT)
    obs, info = env.reset(seed=3)
    B, F = env.observation_space.shape
    assert (B, F) == (56, ENERGY_FEATURES) and obs.dtype == np.float32
    assert env.action_space.shape == (56, 3) and env.action_space.contains(np.zeros((56, 3)))
    mask = info["action_mask"]
    assert mask.dtype == bool and mask.shape == (56, 3)
    assert mask[:, 0].sum() == 2 and mask[:, 1].sum() == 7 and mask[:, 2].all()
    total, steps = 0.0, 0
    while True:
        obs, reward, terminated, truncated, info = env.step(np.zeros((56, 3), np.float32))
        total += reward
        steps += 1
        assert terminated is False
        if truncated:
            break
    assert steps == 96  # a day of 15-minute decisions
    assert info["episode"]["reward_sum"] == pytest.approx(total, rel=1e-5)
    with pytest.raises(RuntimeError, match="call reset"):
        env.step(np.zeros((56, 3)))
    # Zeros are the rules: the same day with control "none" gives the same KPIs.
    rules = EnergyEnv(hangzhou, control="none", **SHORT)
    rules.reset(seed=3)
    while not rules.step(np.zeros((56, 3)))[3]:
        pass
    assert rules._vec.finished()[-1]["cost"] == info["episode"]["cost"]


def test_threads_and_single_and_vector_agree(hangzhou):
    def trace(threads):
        env = VectorEnergyEnv(hangzhou, 2, threads=threads, seed=5, **SHORT)
        env.reset()
        out = []
        for t in range(100):
            a = np.sin(0.3 * np.arange(2 * 56 * 3) + 0.1 * t).reshape(2, 56, 3)
            obs, rewards, _, dones, infos = env.step(a)
            out.append((obs.copy(), rewards.copy()))
        return out, env.finished()
    one, fin1 = trace(1)
    two, fin2 = trace(2)
    assert all((a[0] == b[0]).all() and (a[1] == b[1]).all() for a, b in zip(one, two))
    assert fin1 == fin2 and len(fin1) == 2
    single = EnergyEnv(hangzhou, **SHORT)
    single.reset(seed=5)
    a = np.sin(0.3 * np.arange(2 * 56 * 3)).reshape(2, 56, 3)[0]
    _, reward, _, _, _ = single.step(a)
    assert reward == pytest.approx(float(one[0][1][0]), rel=1e-6)


def test_held_out_weeks_and_bad_input(hangzhou):
    assert dict(EVALUATION_WEEKS) == {"summer": 214, "winter": 11}
    env = EnergyEnv(hangzhou, episode_days=1, traffic_days=1)
    env.reset(seed=1, options={"start_day": 214})
    *_, truncated, info = env.step(np.zeros((56, 3)))
    env.reset(seed=1)  # back to the training days
    with pytest.raises(ValueError, match=r"expected shape \(56, 3\)"):
        env.step(np.zeros((55, 3)))
    with pytest.raises(ValueError, match="finite"):
        env.step(np.full((56, 3), np.nan))
    with pytest.raises(TypeError, match="unknown option 'weather'"):
        EnergyEnv(hangzhou, weather="hot")
    with pytest.raises(ValueError, match="control: expected one of hvac"):
        EnergyEnv(hangzhou, control="solar")
    with pytest.raises(ValueError, match="rules: expected BATTERY"):
        EnergyEnv(hangzhou, rules="time_of_use+sometimes+schedule")
    with pytest.raises(ValueError, match="episode start day out of range"):
        EnergyEnv(hangzhou, start_days=[400], traffic_days=1)
    with pytest.raises(ValueError, match="w_discomfort"):
        EnergyEnv(hangzhou, w_discomfort=-1.0, traffic_days=1)


def test_a_short_reinforce_training_runs_from_python(hangzhou):
    """Battery control only, rewarded by cost: a linear Gaussian policy in numpy."""
    env = VectorEnergyEnv(hangzhou, 2, threads=2, seed=11, control="battery",
                          rules="idle+immediate+schedule", w_co2=0.0, w_discomfort=0.0,
                          w_unserved=0.0, w_overload=0.0, **SHORT)
    mask = env.action_mask()[:, 0]
    rng = np.random.default_rng(0)
    w = np.zeros(ENERGY_FEATURES)
    returns = []
    for episode in range(3):
        obs, _ = env.reset(seed=11 + 2 * episode)
        grads, rewards = [], []
        for t in range(96):
            mean = obs @ w  # (2, 56)
            noise = rng.normal(0.0, 0.5, mean.shape)
            a = np.zeros((2, 56, 3), np.float32)
            a[:, :, 0] = np.clip(mean + noise, -1, 1) * mask
            obs_next, r, _, dones, infos = env.step(a)
            agent = infos["agent_rewards"][:, mask]
            grads.append((noise[:, mask, None] / 0.25 * obs[:, mask, :]))
            rewards.append(agent)
            obs = obs_next
        g = np.cumsum(np.array(rewards)[::-1], axis=0)[::-1]
        g = (g - g.mean()) / (g.std() + 1e-8)
        w += 1e-3 * np.mean(np.array(grads) * g[..., None], axis=(0, 1, 2))
        returns.append(float(np.sum(rewards)))
    assert np.isfinite(w).all() and len(returns) == 3
    assert len(env.finished()) == 2  # since the last reset: its two copies' days
