"""The environments' contracts: spaces, shapes and dtypes; reset determinism for a seed;
truncation at the end of the day (never termination) and no step after it; masks; the same
numbers as the C++ environment for a seed, from SignalEnv, VectorSignalEnv (any thread count)
and ParallelSignalEnv; bad actions as exceptions naming what was expected."""

import subprocess

import numpy as np
import pytest

import parktwin
from parktwin.envs import ParallelSignalEnv, SignalEnv, VectorSignalEnv
from conftest import BUILD, HANGZHOU

SHORT = dict(episode_s=120.0)  # 24 decisions of 5 s


def cycle_actions(env, t):
    """Every junction asks for green (t mod its greens): the rule of parktwin_env_trace."""
    return np.array([t % n for n in env.greens], dtype=np.int64)


def test_spaces_shapes_and_dtypes(hangzhou):
    env = SignalEnv(hangzhou, **SHORT)
    obs, info = env.reset(seed=3)
    A, P, F = env.observation_space.shape
    assert (A, P, F) == (16, 8, parktwin.PHASE_FEATURES)
    assert obs.dtype == np.float32 and obs.shape == (A, P, F)
    assert env.observation_space.contains(obs)
    assert list(env.action_space.nvec) == env.greens
    assert env.action_space.contains(env.action_space.sample())
    assert info["action_mask"].dtype == bool and info["action_mask"].shape == (A, P)
    assert info["action_mask"].any(axis=1).all()  # every junction has an allowed green
    obs, reward, terminated, truncated, info = env.step(cycle_actions(env, 0))
    assert isinstance(reward, float)
    assert terminated is False and truncated is False
    assert info["agent_rewards"].shape == (A,)
    assert reward == pytest.approx(float(info["agent_rewards"].sum()), rel=1e-6)


def run_episode(env, seed, steps):
    obs, _ = env.reset(seed=seed)
    out = [obs]
    rewards = []
    for t in range(steps):
        obs, r, _, _, info = env.step(cycle_actions(env, t))
        out.append(obs)
        rewards.append(info["agent_rewards"])
    return np.stack(out), np.stack(rewards)


def test_reset_with_a_seed_repeats_the_day(hangzhou):
    env = SignalEnv(hangzhou, **SHORT)
    a = run_episode(env, 5, 10)
    b = run_episode(env, 5, 10)
    c = run_episode(env, 6, 10)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_the_day_is_truncated_then_steps_refused(hangzhou):
    env = SignalEnv(hangzhou, **SHORT)
    env.reset(seed=1)
    for t in range(23):
        _, _, terminated, truncated, _ = env.step(cycle_actions(env, t))
        assert not terminated and not truncated
    obs, _, terminated, truncated, info = env.step(cycle_actions(env, 23))
    assert truncated and not terminated
    assert info["episode"]["seed"] == 1
    assert obs.shape == env.observation_space.shape
    with pytest.raises(RuntimeError, match="reset"):
        env.step(cycle_actions(env, 24))
    env.reset()  # the next day: seed 2
    assert env.episode_seed == 2


def test_bad_actions_raise(hangzhou):
    env = SignalEnv(hangzhou, **SHORT)
    with pytest.raises(RuntimeError, match="reset"):
        env.step(cycle_actions(env, 0))
    env.reset(seed=1)
    with pytest.raises(ValueError, match=r"expected shape \(16,\)"):
        env.step(np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="expected integers"):
        env.step(np.zeros(16, dtype=np.float32))
    bad = np.zeros(16, dtype=np.int64)
    bad[4] = 99
    with pytest.raises(ValueError, match=r"agent 4.*expected 0..7"):
        env.step(bad)
    with pytest.raises(TypeError, match="unknown option"):
        SignalEnv(hangzhou, decision=5)
    with pytest.raises(ValueError, match="reward: expected one of"):
        SignalEnv(hangzhou, reward="speed")


def test_python_gives_the_numbers_of_the_cpp_environment(hangzhou, tmp_path):
    tool = BUILD / "python" / "parktwin_env_trace"
    if not tool.exists():
        pytest.skip(f"no {tool}")
    steps = 30
    out = tmp_path / "trace.bin"
    subprocess.run([str(tool), str(HANGZHOU), "7", str(steps), str(out)], check=True)
    raw = np.fromfile(out, dtype="<f4")
    env = SignalEnv(hangzhou)  # the scenario's full day, as the trace
    obs, rewards = run_episode(env, 7, steps)
    n_obs = steps * obs[0].size
    assert raw.size == n_obs + rewards.size
    assert np.array_equal(raw[:n_obs], obs[1:].ravel())
    assert np.array_equal(raw[n_obs:], rewards.ravel())


def test_vector_env_is_the_single_env_in_every_copy_for_any_thread_count(hangzhou):
    runs = []
    for threads in (1, 2):
        venv = VectorSignalEnv(hangzhou, 3, threads=threads, seed=11, **SHORT)
        obs, info = venv.reset()
        assert obs.shape == (3, 16, 8, parktwin.PHASE_FEATURES)
        assert info["action_mask"].shape == (3, 16, 8)
        frames, rewards = [obs], []
        for t in range(8):
            actions = np.tile(cycle_actions(venv, t), (3, 1))
            obs, r, terminated, truncated, info = venv.step(actions)
            assert r.shape == (3,) and not terminated.any() and not truncated.any()
            frames.append(obs)
            rewards.append(info["agent_rewards"])
        runs.append((np.stack(frames), np.stack(rewards)))
    assert np.array_equal(runs[0][0], runs[1][0]) and np.array_equal(runs[0][1], runs[1][1])
    single = SignalEnv(hangzhou, **SHORT)
    for c in range(3):  # copy c's first day is the day of seed 11 + c
        obs, rewards = run_episode(single, 11 + c, 8)
        assert np.array_equal(obs, runs[0][0][:, c])
        assert np.array_equal(rewards, runs[0][1][:, c])


def test_vector_env_autoresets_with_the_final_observation(hangzhou):
    venv = VectorSignalEnv(hangzhou, 2, seed=1, episode_s=20.0)  # 4 decisions
    venv.reset()
    single = SignalEnv(hangzhou, episode_s=20.0)
    last_single, _ = run_episode(single, 1, 4)
    for t in range(4):
        obs, _, _, truncated, info = venv.step(np.tile(cycle_actions(venv, t), (2, 1)))
    assert truncated.all()
    assert info["_final_observation"].all()
    assert np.array_equal(info["final_observation"][0], last_single[-1])
    # The observation returned is the next day's first (seeds 3 and 4).
    first_next, _ = single.reset(seed=3)
    assert np.array_equal(obs[0], first_next)
    assert [e["seed"] for e in venv.finished()] == [1, 2]


def test_parallel_env_speaks_pettingzoo(hangzhou):
    env = ParallelSignalEnv(hangzhou, episode_s=20.0)
    assert env.possible_agents[0] == "intersection_1_1" and env.max_num_agents == 16
    observations, infos = env.reset(seed=2)
    assert set(observations) == set(env.possible_agents) == set(env.agents)
    a = env.possible_agents[5]
    assert env.observation_space(a).shape == (8, parktwin.PHASE_FEATURES)
    assert env.observation_space(a).contains(observations[a])
    assert env.action_space(a).n == 8
    assert infos[a]["action_mask"].shape == (8,)
    actions = {agent: env.action_space(agent).sample() for agent in env.agents}
    with pytest.raises(KeyError, match="no agent 'nowhere'"):
        env.step({**actions, "nowhere": 0})
    with pytest.raises(ValueError, match="no action for agent"):
        env.step({k: v for k, v in list(actions.items())[1:]})
    for _ in range(4):
        observations, rewards, terms, truncs, infos = env.step(actions)
    assert all(truncs.values()) and not any(terms.values())
    assert set(rewards) == set(env.possible_agents)
    assert env.agents == []
    with pytest.raises(RuntimeError):
        env.step(actions)


def mean_att(env, policy, seeds):
    atts = []
    for seed in seeds:
        obs, info = env.reset(seed=seed)
        truncated = False
        while not truncated:
            obs, _, _, truncated, info = env.step(policy(obs, info["action_mask"]))
        atts.append(info["episode"]["average_travel_time_s"])
    return float(np.mean(atts))


def test_max_pressure_beats_random_and_the_shipped_policy_beats_max_pressure(hangzhou):
    from conftest import POLICY

    # The shipped policy's timing (minimum green 5 s); 15 minutes of days 1 and 2, never
    # trained on. Measured 2026-12-06: random 295 s, max pressure 267 s, shipped policy 240 s
    # (holding the first green until the maximum green: 307 s).
    env = SignalEnv(parktwin.Scenario.load(str(HANGZHOU), min_green=5.0), episode_s=900.0)
    rng = np.random.default_rng(0)
    random = mean_att(env, lambda obs, mask: np.array([rng.choice(np.flatnonzero(m))
                                                       for m in mask]), [1, 2])
    pressure = mean_att(env, parktwin.policies.max_pressure(env), [1, 2])
    learned = mean_att(env, parktwin.policies.load(str(POLICY), env), [1, 2])
    assert pressure < 0.95 * random
    assert learned < 0.95 * pressure


def test_policies_refuse_what_does_not_fit(hangzhou, tmp_path):
    from conftest import POLICY

    with pytest.raises(FileNotFoundError, match="policy.json"):
        parktwin.policies.load(str(tmp_path))
    (tmp_path / "policy.json").write_text("{not json")
    (tmp_path / "policy.pt").write_bytes(b"junk")
    with pytest.raises(ValueError, match="not a policy card"):
        parktwin.policies.load(str(tmp_path))
    (tmp_path / "policy.json").write_text("[" * 200_000 + "]" * 200_000)  # deeply nested
    with pytest.raises(ValueError, match="not a policy card"):
        parktwin.policies.load(str(tmp_path))
    (tmp_path / "policy.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="expected a JSON object"):
        parktwin.policies.load(str(tmp_path))
    (tmp_path / "policy.json").write_text(" " * (2 << 20) + "{}")  # over 1 MiB
    with pytest.raises(ValueError, match="over 1048576 bytes"):
        parktwin.policies.load(str(tmp_path))
    (tmp_path / "policy.json").write_text((POLICY / "policy.json").read_text())
    with pytest.raises(ValueError, match="cannot read the policy's weights"):
        parktwin.policies.load(str(tmp_path))

    class Other:
        agent_ids = ["a", "b"]

    with pytest.raises(ValueError, match="other junctions"):
        parktwin.policies.load(str(POLICY), Other())
