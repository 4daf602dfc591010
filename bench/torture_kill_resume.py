#!/usr/bin/python3
"""Kills a recording run at KILLS random instants and counts what each kill left: a file that
opens (h5py), one that `parktwin run --resume` continues, and a resumed run whose datasets and
KPIs equal those of the run never killed (issue 22's torture benchmark).

The run is short and writes often (a sample every 10 s, a checkpoint every 60 s of a 600 s run
of a generated 3x3 grid, paced to 1000x real time), so a good share of its wall time is spent
inside HDF5 flushes and checkpoint writes, where a kill does the most harm. Every kill's
outcome is one of:
  resumed-identical   resume finished it, every dataset and KPI as the uninterrupted run
  refused-early       killed before its first checkpoint: resume refuses, naming the file
  resume-differs      resumed, but a dataset or KPI differs (a bug)
  resume-failed       the file opens but resume fails (the known HDF5 gap, or a bug)
  unreadable          h5py cannot open the file
Prints a line per 50 kills (rate, ETA) and the counts at the end; exits 1 if any kill ended
in resume-differs.

usage: torture_kill_resume.py PARKTWIN [KILLS=1000] [WORK_DIR=/tmp/parktwin_torture]
"""

import collections
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import h5py

# The digests of test_kill_resume.py: every dataset outside /checkpoint, and the KPIs.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "python"))
from test_kill_resume import digests  # noqa: E402

ARGS = ["--duration", "600", "--sample-interval", "10", "--checkpoint-interval", "60", "--quiet"]


def main():
    parktwin = os.path.abspath(sys.argv[1])
    kills = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    work = sys.argv[3] if len(sys.argv) > 3 else "/tmp/parktwin_torture"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    subprocess.run([parktwin, "generate", "grid", "--rows", "3", "--cols", "3", "--duration", "600",
                    "--out", work], check=True, stdout=subprocess.DEVNULL)
    scenario = os.path.join(work, "scenario.toml")
    full = os.path.join(work, "uninterrupted.h5")
    t0 = time.monotonic()
    subprocess.run([parktwin, "run", scenario, "--out", full] + ARGS, check=True,
                   stdout=subprocess.DEVNULL)
    run_wall = time.monotonic() - t0
    expected = digests(full)
    # The paced run lasts 0.6 s once its file exists; kill anywhere in it.
    rng = random.Random(int(os.environ.get("SEED", "1")))
    counts = collections.Counter()
    examples = {}
    start = time.monotonic()
    path = os.path.join(work, "killed.h5")
    for k in range(kills):
        if os.path.exists(path):
            os.remove(path)
        proc = subprocess.Popen([parktwin, "run", scenario, "--out", path, "--pace", "1000"] + ARGS,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not os.path.exists(path) and proc.poll() is None:
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.65))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.returncode != -signal.SIGKILL:
            counts["finished-before-kill"] += 1
            continue
        try:
            with h5py.File(path, "r") as f:
                checkpointed = f["checkpoint"].attrs["latest_slot"] >= 0
        except Exception as e:  # noqa: BLE001 -- any failure to open counts
            counts["unreadable"] += 1
            examples.setdefault("unreadable", str(e)[:200])
            continue
        r = subprocess.run([parktwin, "run", "--resume", path, "--quiet"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if not checkpointed and r.returncode == 1 and "before its first checkpoint" in r.stderr:
            counts["refused-early"] += 1
        elif r.returncode != 0:
            counts["resume-failed"] += 1
            examples.setdefault("resume-failed", r.stderr.strip()[:300])
        elif digests(path) != expected:
            counts["resume-differs"] += 1
            shutil.copy(path, os.path.join(work, f"differs_{k}.h5"))
        else:
            counts["resumed-identical"] += 1
        if (k + 1) % 50 == 0:
            rate = (k + 1) / (time.monotonic() - start)
            print(f"{k + 1}/{kills} kills, {rate:.1f}/s, ETA {(kills - k - 1) / rate:.0f} s: "
                  f"{dict(counts)}", flush=True)
    print(f"uninterrupted run {run_wall:.2f} s; {kills} kills: {dict(counts)}")
    for kind, text in examples.items():
        print(f"  e.g. {kind}: {text}")
    return 1 if counts["resume-differs"] else 0


if __name__ == "__main__":
    sys.exit(main())
