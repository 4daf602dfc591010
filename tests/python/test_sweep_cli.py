#!/usr/bin/python3
"""parktwin sweep as a researcher runs it: a demand x seed sweep on a generated grid, two runs
at a time, its summary (CSV and HDF5) and run files read back with pandas and h5py, compared
per variant with parktwin compare; a run whose process is killed midway is recorded as
killed while the others finish, and the same command again runs only that one, after which
the summary's KPIs equal those of a sweep never interrupted. Bad input gets exit 1 and a
message naming the spec, the line and the key: a key the manifest does not know, an empty
list, a value of the wrong type, an output folder holding another sweep (left as it was).

usage: test_sweep_cli.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import os
import shutil
import subprocess
import sys
import time

import h5py
import matplotlib.image as mpimg
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweep_summary import kpis  # noqa: E402

def run(args, expect):
    p = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if p.returncode != expect:
        sys.exit(f"{' '.join(args)}: exit {p.returncode}, expected {expect}\n{p.stdout}\n{p.stderr}")
    return p


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def process_with(argument):
    """The pid of a process whose command line holds `argument` (from /proc: no pgrep needed)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if argument.encode() in args:
            return int(pid)
    return None


def main():
    parktwin, _source, work = sys.argv[1:4]
    work = os.path.join(work, "sweep_cli")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    grid = os.path.join(work, "grid")
    run([parktwin, "generate", "grid", "--rows", "3", "--cols", "3", "--duration", "1800",
         "--out", grid], 0)
    spec = write(os.path.join(work, "sweep.toml"),
                 f'base = "{grid}/scenario.toml"\nseeds = 2\n[parameters]\n'
                 '"traffic.demand_scale" = [0.5, 1.5]\nduration = [1200]\n')

    # Uninterrupted: 2 variants x 2 seeds, 2 at a time.
    full = os.path.join(work, "full")
    p = run([parktwin, "sweep", spec, "--out", full, "--jobs", "2"], 0)
    assert "4 runs, 0 done before, 4 to run, 2 at a time" in p.stderr, p.stderr
    assert "runs/s, ETA" in p.stderr and "sweep: 4 of 4 runs ok" in p.stdout, p.stdout
    df = pd.read_csv(os.path.join(full, "summary.csv"))
    assert list(df["run"]) == ["v000_s1", "v000_s2", "v001_s1", "v001_s2"], df["run"]
    assert (df["status"] == "ok").all() and (df["exit_code"] == 0).all(), df
    assert list(df["traffic.demand_scale"]) == [0.5, 0.5, 1.5, 1.5]
    assert list(df["seed"]) == [1, 2, 1, 2]
    low = df[df["traffic.demand_scale"] == 0.5]["created"].mean()
    high = df[df["traffic.demand_scale"] == 1.5]["created"].mean()
    assert 2.5 < high / low < 3.5, (low, high)  # three times the demand
    with h5py.File(os.path.join(full, "summary.h5"), "r") as f:  # the same rows, as columns
        runs = f["runs"]
        assert [s.decode() for s in runs["run"][...]] == list(df["run"])
        assert list(runs["traffic.demand_scale"][...]) == [0.5, 0.5, 1.5, 1.5]
        assert list(runs["created"][...]) == list(df["created"])
        assert [s.decode() for s in runs["status"][...]] == ["ok"] * 4
    with h5py.File(os.path.join(full, "runs", "v001_s2.h5"), "r") as f:
        assert f["meta"].attrs["demand_scale"] == 1.5 and f["meta"].attrs["seed"] == 2
        assert f["kpi"].attrs["created"] == df.loc[3, "created"]

    # parktwin compare: per variant mean and interval, against the baseline, as CSV too.
    p = run([parktwin, "compare", full, "--kpi", "created", "--kpi", "average_travel_time_s"], 0)
    assert "baseline v000" in p.stdout and "average_travel_time_s" in p.stdout, p.stdout
    table = pd.read_csv(os.path.join(full, "compare.csv"))
    created = table[table["kpi"] == "created"].set_index("variant")
    assert created.loc["v000", "mean"] == low and created.loc["v001", "mean"] == high
    assert created.loc["v001", "change_pct"] > 150.0 and created.loc["v001", "runs_ok"] == 2
    # ... and its plots: each KPI against the parameter with the most values, a line per value
    # of the other (matplotlib, run by the binary).
    assert "plots: " in p.stdout and "against the parameter with the most values" in p.stdout
    for kpi in ("created", "average_travel_time_s"):
        png = mpimg.imread(os.path.join(full, "plots", f"{kpi}.png"))
        assert png.shape[0] > 300 and png.shape[1] > 500 and png.std() > 0.01, png.shape
    p = run([parktwin, "compare", full, "--x", "duration", "--no-plots"], 0)
    assert "plots:" not in p.stdout, p.stdout
    p = run([parktwin, "compare", full, "--x", "lanes"], 1)
    assert "--x" in p.stderr and "traffic.demand_scale, duration" in p.stderr, p.stderr
    p = run([parktwin, "compare", full, "--baseline", "v009"], 1)
    assert "--baseline" in p.stderr and "v000, v001" in p.stderr, p.stderr
    p = run([parktwin, "compare", full, "--kpi", "happiness"], 1)
    assert "no such KPI" in p.stderr and "happiness" in p.stderr, p.stderr

    # Words as values (a categorical axis), with a comma and quotes: quoted in both CSV files.
    words = os.path.join(work, "words")
    spec_words = write(os.path.join(work, "words.toml"),
                       f'base = "{grid}/scenario.toml"\n[parameters]\n'
                       'name = ["a,b \\"x\\"", "plain"]\nduration = [60]\n')
    run([parktwin, "sweep", spec_words, "--out", words, "--quiet"], 0)
    p = run([parktwin, "compare", words, "--kpi", "created", "--x", "name"], 0)
    table = pd.read_csv(os.path.join(words, "compare.csv"))
    assert list(table["name"]) == ['a,b "x"', "plain"], table
    assert mpimg.imread(os.path.join(words, "plots", "created.png")).shape[1] > 500

    # A run killed midway: recorded, the others finish; the same command runs only it again.
    part = os.path.join(work, "part")
    proc = subprocess.Popen([parktwin, "sweep", spec, "--out", part, "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    victim = None
    for _ in range(2000):
        victim = process_with(os.path.join(part, "runs", "v000_s2.h5"))
        if victim is not None:
            break
        time.sleep(0.005)
    assert victim is not None, "the run never started"
    os.kill(victim, 9)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 1, (proc.returncode, out, err)
    df = pd.read_csv(os.path.join(part, "summary.csv"))
    row = df[df["run"] == "v000_s2"].iloc[0]
    assert row["status"] == "killed" and "signal 9" in row["error"], row
    assert (df[df["run"] != "v000_s2"]["status"] == "ok").all(), df
    assert "1 of 4 runs failed" in err, err
    p = run([parktwin, "sweep", spec, "--out", part, "--jobs", "2"], 0)
    assert "3 done before, 1 to run" in p.stderr, p.stderr
    assert kpis(os.path.join(part, "summary.csv")).equals(kpis(os.path.join(full, "summary.csv")))

    # Bad input: one clear message each; nothing of an earlier sweep overwritten.
    def bad(name, body, *needles, out=None):
        s = write(os.path.join(work, name), f'base = "{grid}/scenario.toml"\n{body}')
        o = out or os.path.join(work, "out_" + name)
        p = run([parktwin, "sweep", s, "--out", o], 1)
        for n in (name,) + needles:
            assert n in p.stderr, (n, p.stderr)
        assert out is not None or not os.path.exists(o), f"{o}: a bad spec left a folder"
        return p

    bad("unknown.toml", '[parameters]\n"traffic.demand_scal" = [1.0]\n', ":3:",
        "parameters.traffic.demand_scal", "unknown key")
    bad("empty.toml", '[parameters]\n"traffic.demand_scale" = []\n', "empty parameter list")
    bad("type.toml", '[parameters]\n"traffic.demand_scale" = ["high"]\n',
        "parameters.traffic.demand_scale", "wrong type")
    bad("mixed.toml", '[parameters]\n"traffic.ev_share" = [0.1, "x"]\n', "different types")
    before = open(os.path.join(full, "summary.csv")).read()
    bad("other.toml", '[parameters]\n"traffic.demand_scale" = [2.0]\n', "holds another sweep",
        out=full)
    assert open(os.path.join(full, "summary.csv")).read() == before
    print("sweep: runs, summary, kill and rerun, bad input: all checks passed")


if __name__ == "__main__":
    main()
