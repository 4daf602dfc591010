#!/usr/bin/python3
"""parktwin train and eval with --control, as a researcher runs them: a tiny energy training
writes a policy folder (card, learning curve with the rules' row, TorchScript weights that
Python's torch runs: 28 observations in, 3 action means out); eval compares it with rule
combinations on a held-out week into a table, CSV and HDF5. Bad input gets exit 1 (or 2 for a
bad flag value) and a message naming what is wrong: unknown rules, a signal learner for energy,
an output folder that holds a policy already, resuming an energy training, ars for signals or
with ppo's settings. ARS and SAC train end to end too, and eval compares them with the best
rules.

usage: test_energy_cli.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import csv
import json
import os
import shutil
import subprocess
import sys

import h5py
import torch


def run(args, expect):
    p = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if p.returncode != expect:
        sys.exit(f"{' '.join(args)}: exit {p.returncode}, expected {expect}\n{p.stdout}\n{p.stderr}")
    return p


def main():
    parktwin, source, work = sys.argv[1:4]
    work = os.path.join(work, "energy_cli")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    scenario = os.path.abspath(os.path.join(source, "assets/scenarios/hangzhou_4x4/scenario.toml"))
    policy = os.path.join(work, "policy")
    short = ["--episode-days", "1", "--traffic-days", "2"]

    p = run([parktwin, "--threads", "2", "train", scenario, "--control", "energy", "--episodes",
             "4", "--envs", "2", "--seed", "3", "--out", policy] + short, 0)
    assert "the rules on the validation windows" in p.stderr and "ETA" in p.stderr, p.stderr
    assert "trained ppo (energy control)" in p.stdout, p.stdout
    for f in ("policy.pt", "policy.json", "train.csv"):
        assert os.path.isfile(os.path.join(policy, f)), f
    assert not os.path.exists(os.path.join(policy, ".training"))
    card = json.load(open(os.path.join(policy, "policy.json")))
    assert card["format"] == "parktwin-energy-policy" and card["agent"] == "ppo", card
    assert card["control"] == {"drives": "energy", "rules": "time_of_use+immediate+schedule",
                               "decision_s": 900.0}, card["control"]
    assert len(card["district"]["buildings"]) == 56
    rows = list(csv.DictReader(open(os.path.join(policy, "train.csv"))))
    assert rows[0]["episode"] == "0" and rows[-1]["episode"] == "4", rows
    assert float(rows[0]["validation_cost"]) > 0  # the rules' row

    model = torch.jit.load(os.path.join(policy, "policy.pt"))
    y = model(torch.zeros(5, 28))
    assert tuple(y.shape) == (5, 3), y.shape

    table = os.path.join(work, "eval.csv")
    h5 = os.path.join(work, "eval.h5")
    p = run([parktwin, "--threads", "2", "eval", scenario, "--control", "energy", "--policy",
             "time_of_use+immediate+schedule", "--policy", "peak_shaving+llf+precool",
             "--policy", policy, "--weeks", "summer", "--seeds", "2", "--csv", table, "--out", h5,
             "--quiet"] + short, 0)
    assert "best rules, summer week" in p.stdout, p.stdout
    assert "EV unserved (kWh)" in p.stdout, p.stdout
    rows = list(csv.DictReader(open(table)))
    assert [r["policy"] for r in rows] == ["time_of_use+immediate+schedule",
                                           "peak_shaving+llf+precool", policy], rows
    assert all(float(r["cost_mean"]) > 0 for r in rows), rows
    with h5py.File(h5, "r") as f:
        assert len(f["runs/seed"]) == 6
        assert (f["runs/cost"][...] > 0).all()

    # ARS: one iteration of one direction, end to end; eval says how it fares count by count.
    ars = os.path.join(work, "ars")
    p = run([parktwin, "--threads", "2", "train", scenario, "--control", "charging", "--agent",
             "ars", "--iterations", "1", "--directions", "1", "--rules",
             "time_of_use+llf+schedule", "--out", ars] + short, 0)
    assert "the best rules on the validation windows" in p.stderr and "ETA" in p.stderr, p.stderr
    assert "trained ars (charging control)" in p.stdout, p.stdout
    card = json.load(open(os.path.join(ars, "policy.json")))
    assert card["agent"] == "ars" and card["model"]["hidden"] == [], card
    assert card["control"]["rules"] == "time_of_use+llf+schedule", card["control"]
    rows = list(csv.DictReader(open(os.path.join(ars, "train.csv"))))
    assert [r["iteration"] for r in rows] == ["-1", "0", "1"], rows
    assert float(rows[0]["validation_score"]) == 0.0  # the best rules against themselves
    assert tuple(torch.jit.load(os.path.join(ars, "policy.pt"))(torch.zeros(2, 28)).shape) == (2, 3)
    p = run([parktwin, "--threads", "2", "eval", scenario, "--control", "charging", "--policy",
             ars, "--policy", "time_of_use+llf+schedule", "--weeks", "winter", "--seeds", "1",
             "--quiet"] + short, 0)
    assert f"{ars} against them: cost" in p.stdout and "combined score" in p.stdout, p.stdout

    # SAC: a few one-day episodes end to end; its policy is the actor's tanh(mean), in [-1, 1].
    sac = os.path.join(work, "sac")
    p = run([parktwin, "--threads", "2", "train", scenario, "--control", "hvac", "--agent", "sac",
             "--episodes", "4", "--envs", "2", "--hidden", "16", "--out", sac] + short, 0)
    assert "training sac for hvac control" in p.stderr and "ETA" in p.stderr, p.stderr
    assert "trained sac (hvac control)" in p.stdout, p.stdout
    card = json.load(open(os.path.join(sac, "policy.json")))
    assert card["agent"] == "sac" and card["training"]["settings"]["tau"] == 0.005, card
    y = torch.jit.load(os.path.join(sac, "policy.pt"))(torch.randn(7, 28) * 10)
    assert tuple(y.shape) == (7, 3) and float(y.abs().max()) <= 1.0, y
    p = run([parktwin, "--threads", "2", "eval", scenario, "--control", "hvac", "--policy", sac,
             "--policy", "time_of_use+immediate+schedule",
             "--weeks", "summer", "--seeds", "1", "--quiet"] + short, 0)
    assert f"{sac} against them: cost" in p.stdout, p.stdout
    p = run([parktwin, "train", scenario, "--agent", "sac", "--out", os.path.join(work, "s")], 1)
    assert "--agent: sac learns energy control only" in p.stderr, p.stderr

    # Bad input.
    p = run([parktwin, "eval", scenario, "--control", "none", "--policy", "time_of_use+soon+schedule"]
            + short, 1)
    assert "--policy: unknown energy rules" in p.stderr and "time_of_use+soon+schedule" in p.stderr, p.stderr
    p = run([parktwin, "train", scenario, "--control", "battery", "--agent", "dqn", "--out",
             os.path.join(work, "dqn")] + short, 1)
    assert "--agent: no such energy learner" in p.stderr, p.stderr
    p = run([parktwin, "train", scenario, "--control", "energy", "--out", policy] + short, 1)
    assert "holds a policy already" in p.stderr, p.stderr
    p = run([parktwin, "train", scenario, "--control", "energy", "--resume", "--out",
             os.path.join(work, "r")] + short, 1)
    assert "energy training cannot resume yet" in p.stderr, p.stderr
    p = run([parktwin, "train", scenario, "--agent", "ars", "--out", os.path.join(work, "a")], 1)
    assert "--agent: ars learns energy control only" in p.stderr, p.stderr
    p = run([parktwin, "train", scenario, "--control", "energy", "--agent", "ars", "--episodes",
             "3", "--out", os.path.join(work, "a")] + short, 1)
    assert "ppo and sac settings" in p.stderr, p.stderr
    p = run([parktwin, "train", scenario, "--control", "energy", "--iterations", "3", "--out",
             os.path.join(work, "a")] + short, 1)
    assert "are ars settings" in p.stderr, p.stderr
    p = run([parktwin, "eval", scenario, "--control", "solar", "--policy", "rules"], 2)
    assert "--control" in p.stderr, p.stderr
    print("energy train/eval CLI: all checks passed")


if __name__ == "__main__":
    main()
