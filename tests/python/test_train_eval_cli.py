#!/usr/bin/python3
"""parktwin train, eval and a trained policy in a scenario, as a researcher runs them: a tiny
training writes a policy folder with its card, learning curve (read with h5py) and TorchScript
weights (run by Python's torch); eval
compares it with max pressure on the same seeds into a table, CSV and HDF5; `run` takes the
policy through `[controllers] signals = "policy:DIR"`. Bad input gets exit 1 and a message
naming the file: an unknown policy, a policy trained on another network, corrupt weights, an
output folder that holds a policy already.

usage: test_train_eval_cli.py PARKTWIN SOURCE_DIR WORK_DIR
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
    work = os.path.join(work, "train_eval")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    scenario = os.path.abspath(os.path.join(source, "assets/scenarios/hangzhou_4x4/scenario.toml"))
    policy = os.path.join(work, "policy")
    short = ["--episode-length", "300"]

    p = run([parktwin, "train", scenario, "--episodes", "4", "--envs", "2", "--seed", "3",
             "--out", policy] + short, 0)
    assert "validation ATT" in p.stderr and "ETA" in p.stderr, p.stderr
    for f in ("policy.pt", "policy.json", "train.csv", "train.h5"):
        assert os.path.isfile(os.path.join(policy, f)), f
    card = json.load(open(os.path.join(policy, "policy.json")))
    assert card["format"] == "parktwin-policy" and card["agent"] == "dqn", card
    assert len(card["network"]["junctions"]) == 16, card["network"]
    assert card["training"]["seed"] == 3 and card["training"]["best_validation_att_s"] > 0
    with h5py.File(os.path.join(policy, "train.h5"), "r") as f:
        assert f["curve/episode"][-1] == 4, f["curve/episode"][...]
        assert (f["curve/validation_att_s"][...] > 0).all()

    # The learning curve as a picture.
    png = subprocess.run([sys.executable, os.path.join(source, "tools/plot_training.py"), policy,
                          "--baseline", "max pressure=341.6"], capture_output=True, text=True)
    assert png.returncode == 0, png.stderr
    assert open(os.path.join(policy, "train.png"), "rb").read(8) == b"\x89PNG\r\n\x1a\n"

    # The weights are TorchScript that Python's torch runs without parktwin.
    model = torch.jit.load(os.path.join(policy, "policy.pt"))
    agents, slots = 16, max(card["network"]["green_phases"])
    q = model(torch.rand(3, agents, slots, card["model"]["feature_count"]))
    assert q.shape == (3, agents, slots) and torch.isfinite(q).all(), q.shape

    p = run([parktwin, "train", scenario, "--episodes", "4", "--out", policy] + short, 1)
    assert "holds a policy already" in p.stderr, p.stderr
    # A training that fails keeps the policy it was to replace.
    before = open(os.path.join(policy, "policy.pt"), "rb").read()
    p = run([parktwin, "train", scenario, "--episodes", "4", "--out", policy, "--force",
             "--min-green", "30", "--max-green", "20"] + short, 1)
    assert "max_green" in p.stderr, p.stderr
    assert open(os.path.join(policy, "policy.pt"), "rb").read() == before
    assert json.load(open(os.path.join(policy, "policy.json")))["training"]["seed"] == 3

    # PPO writes a policy of the same form.
    ppo = os.path.join(work, "ppo")
    run([parktwin, "train", scenario, "--agent", "ppo", "--episodes", "2", "--envs", "2",
         "--out", ppo, "--quiet"] + short, 0)
    assert json.load(open(os.path.join(ppo, "policy.json")))["agent"] == "ppo"

    table = os.path.join(work, "eval.csv")
    runs = os.path.join(work, "eval.h5")
    p = run([parktwin, "eval", scenario, "--policy", "max_pressure", "--policy", policy,
             "--seeds", "2", "--demand-scale", "0.8,1.2", "--csv", table, "--out", runs,
             "--quiet"] + short, 0)
    assert "max_pressure" in p.stdout and "ATT (s)" in p.stdout, p.stdout
    rows = list(csv.DictReader(open(table)))
    assert [(r["policy"], r["demand_scale"]) for r in rows] == [
        ("max_pressure", "0.8"), ("max_pressure", "1.2"), (policy, "0.8"), (policy, "1.2")], rows
    assert all(float(r["att_s_mean"]) > 0 for r in rows), rows
    with h5py.File(runs, "r") as f:
        assert len(f["runs/seed"]) == 8 and len(f["summary/att_s_mean"]) == 4

    # The same table for 1 and 2 threads.
    table2 = os.path.join(work, "eval2.csv")
    run([parktwin, "--threads", "2", "eval", scenario, "--policy", "max_pressure", "--policy",
         policy, "--seeds", "2", "--demand-scale", "0.8,1.2", "--csv", table2, "--quiet"] + short, 0)
    table1 = os.path.join(work, "eval1.csv")
    run([parktwin, "--threads", "1", "eval", scenario, "--policy", "max_pressure", "--policy",
         policy, "--seeds", "2", "--demand-scale", "0.8,1.2", "--csv", table1, "--quiet"] + short, 0)
    assert open(table1).read() == open(table2).read() == open(table).read()

    # The shipped policy runs the shipped what-if.
    shipped = os.path.join(source, "assets/scenarios/hangzhou_4x4/learned_signals.toml")
    run([parktwin, "run", shipped, "--duration", "300", "--quiet"], 0)

    p = run([parktwin, "eval", scenario, "--policy", "smart", "--seeds", "1"] + short, 1)
    assert "unknown policy" in p.stderr and "smart" in p.stderr, p.stderr

    # A trained policy in a scenario manifest, as run, render and view take it.
    manifest = os.path.join(work, "learned.toml")
    with open(manifest, "w") as f:
        f.write(f'extends = "{scenario}"\n[controllers]\nsignals = "policy:policy"\n')
    kpis = os.path.join(work, "kpi.json")
    run([parktwin, "run", manifest, "--duration", "300", "--quiet", "--kpi-json", kpis], 0)
    assert json.load(open(kpis))["finished"] > 0

    # Another network: a generated grid's junctions are not Hangzhou's.
    grid = os.path.join(work, "grid")
    run([parktwin, "generate", "grid", "--rows", "2", "--cols", "2", "--out", grid], 0)
    p = run([parktwin, "eval", os.path.join(grid, "scenario.toml"), "--policy", policy,
             "--seeds", "1"] + short, 1)
    assert "another network" in p.stderr and "policy.json" in p.stderr, p.stderr

    # Corrupt weights name the file.
    with open(os.path.join(policy, "policy.pt"), "r+b") as f:
        f.truncate(100)
    p = run([parktwin, "run", manifest, "--duration", "60", "--quiet"], 1)
    assert "policy.pt" in p.stderr, p.stderr
    print("train, eval and policy:DIR work end to end; bad input refused with the file named")


if __name__ == "__main__":
    main()
