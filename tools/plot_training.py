#!/usr/bin/python3
"""Plots the learning curve of a policy that `parktwin train` wrote: the validation and training
average travel time and the mean reward per agent against episodes, into DIR/train.png (or
--out). Reads DIR/train.h5 (or DIR/.training/train.csv of a training still running or killed).
Needs Debian's python3-matplotlib and python3-h5py.

usage: tools/plot_training.py DIR [--out FILE.png] [--baseline NAME=ATT ...]
  --baseline max_pressure=341.6   draws a horizontal line for a baseline's ATT
"""

import argparse
import csv
import os
import sys


def read_curve(folder):
    h5 = os.path.join(folder, "train.h5")
    if os.path.isfile(h5):
        import h5py
        with h5py.File(h5, "r") as f:
            return {k: list(f["curve"][k][...]) for k in f["curve"].keys()}
    for path in (os.path.join(folder, "train.csv"), os.path.join(folder, ".training", "train.csv")):
        if os.path.isfile(path):
            rows = list(csv.DictReader(open(path)))
            return {k: [float(r[k]) for r in rows] for k in rows[0].keys()} if rows else None
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="a folder written by parktwin train")
    ap.add_argument("--out", help="PNG to write (default DIR/train.png)")
    ap.add_argument("--baseline", action="append", default=[], metavar="NAME=ATT",
                    help="a baseline's average travel time to draw (s)")
    a = ap.parse_args()
    curve = read_curve(a.dir)
    if not curve or not curve.get("episode"):
        sys.exit(f"plot_training.py: {a.dir}: no learning curve (expected train.h5 or train.csv "
                 "from parktwin train)")
    baselines = []
    for b in a.baseline:
        name, _, value = b.partition("=")
        try:
            baselines.append((name, float(value)))
        except ValueError:
            sys.exit(f"plot_training.py: --baseline {b}: expected NAME=seconds")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    ep = curve["episode"]
    top.plot(ep, curve["validation_att_s"], "o-", label="validation (greedy, held-out days)")
    top.plot(ep, curve["train_att_s"], ".--", label="training episodes (exploring)")
    for name, att in baselines:
        top.axhline(att, color="grey", linestyle=":")
        top.annotate(name, (ep[0], att), textcoords="offset points", xytext=(2, 3), fontsize=8)
    top.set_ylabel("average travel time (s)")
    top.legend(fontsize=8)
    top.grid(alpha=0.3)
    bottom.plot(ep, curve["mean_reward"], "s-", color="tab:green")
    bottom.set_ylabel("reward per agent and episode")
    bottom.set_xlabel("episodes")
    bottom.grid(alpha=0.3)
    fig.suptitle(f"parktwin train: {os.path.basename(os.path.normpath(a.dir))}")
    fig.tight_layout()
    out = a.out or os.path.join(a.dir, "train.png")
    fig.savefig(out, dpi=100)
    print(out)


if __name__ == "__main__":
    main()
