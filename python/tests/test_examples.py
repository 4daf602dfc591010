"""The examples run (briefly) and do what they say: the DQN example trains and evaluates, the
comparison reads two run files and writes its figure."""

import os
import subprocess
import sys

import pytest

from conftest import HANGZHOU, SOURCE


def run_example(name, *args, cwd):
    env = dict(os.environ)
    return subprocess.run([sys.executable, str(SOURCE / "examples" / name), *args], cwd=cwd,
                          env=env, check=True, capture_output=True, text=True).stdout


def test_dqn_example_trains_and_evaluates(tmp_path):
    pytest.importorskip("torch")
    out = run_example("train_dqn_signals.py", "--scenario", str(HANGZHOU), "--decisions", "80",
                      "--envs", "2", "--episode-s", "60", "--eval-days", "1", cwd=tmp_path)
    assert "env steps/s" in out
    assert "held-out days 1..1: ATT learned" in out


def test_compare_example_plots_two_runs(cli, tmp_path):
    for name, manifest in (("a.h5", HANGZHOU), ("b.h5", HANGZHOU.parent / "max_pressure.toml")):
        subprocess.run([cli, "run", str(manifest), "--duration", "600", "--quiet", "--out",
                        str(tmp_path / name)], check=True, capture_output=True)
    out = run_example("compare_runs.py", "a.h5", "b.h5", "--png", "c.png", cwd=tmp_path)
    assert "average_travel_time_s" in out
    assert (tmp_path / "c.png").stat().st_size > 10_000
