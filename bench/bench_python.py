#!/usr/bin/env python3
"""Environment steps per second from Python (parktwin.envs.VectorSignalEnv) beside the same
stepping from C++ (bench_signal_env), measured in one run: hangzhou_4x4, one decision every
5 s, every junction asking for green (t mod its greens), 1, 8 and 32 copies with 1 and 2
threads. Prints a table and the Python / C++ ratio.

    PYTHONPATH=build/release/python python3 bench/bench_python.py [--decisions 720]
"""

import argparse
import pathlib
import subprocess
import time

import numpy as np

import parktwin
from parktwin.envs import VectorSignalEnv

ROOT = pathlib.Path(__file__).resolve().parents[1]


def python_rate(scenario, copies, threads, decisions):
    env = VectorSignalEnv(scenario, copies, threads=threads, seed=1)
    env.reset()
    greens = np.array(env.greens)
    start = time.perf_counter()
    for t in range(decisions):
        actions = np.tile(t % greens, (copies, 1))
        env.step(actions)
    wall = time.perf_counter() - start
    return decisions * copies / wall


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenario", default=str(ROOT / "assets/scenarios/hangzhou_4x4/scenario.toml"))
    p.add_argument("--decisions", type=int, default=720, help="decisions per copy")
    p.add_argument("--copies", type=int, nargs="+", default=[1, 8, 32])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--bench-bin", default=str(ROOT / "build/release/bin/bench_signal_env"))
    args = p.parse_args()
    scenario = parktwin.Scenario.load(args.scenario)
    cpp = subprocess.run([args.bench_bin, "--scenario", args.scenario, "--decisions",
                          str(args.decisions), "--copies", *map(str, args.copies), "--threads",
                          *map(str, args.threads)], check=True, capture_output=True, text=True)
    rates = {}
    for line in cpp.stdout.splitlines()[1:]:
        copies, threads, _, _, rate = line.split(",")
        rates[(int(copies), int(threads))] = float(rate)
    print(f"{'copies':>6} {'threads':>7} {'C++ env steps/s':>16} {'Python env steps/s':>19} "
          f"{'Python / C++':>13}")
    for threads in args.threads:
        for copies in args.copies:
            py = python_rate(scenario, copies, threads, args.decisions)
            c = rates[(copies, threads)]
            print(f"{copies:>6} {threads:>7} {c:>16.0f} {py:>19.0f} {py / c:>13.2f}", flush=True)


if __name__ == "__main__":
    main()
