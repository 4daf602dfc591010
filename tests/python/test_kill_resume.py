#!/usr/bin/python3
"""A run killed with SIGKILL at a random moment leaves a run file that h5dump and h5py open,
holding every series up to its last flush; `parktwin run --resume` finishes it, and then every
dataset and KPI equals those of a run that was never killed (issue 6's acceptance). The run
has events (closures, a retimed signal, a demand multiplier) and max-pressure signals, so
that resuming must restore what they changed.

usage: test_kill_resume.py PARKTWIN SOURCE_DIR WORK_DIR [KILLS]
"""

import hashlib
import os
import random
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

ARGS = ["--duration", "1800", "--sample-interval", "10", "--checkpoint-interval", "120",
        "--trajectories",
        "--quiet"]


def digests(path):
    """sha256 of every dataset outside /checkpoint, and the KPIs but wall time."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and not name.startswith("checkpoint"):
                if h5py.check_string_dtype(obj.dtype):
                    data = "\0".join(obj.asstr()[...]).encode()
                else:
                    data = obj[...].tobytes()
                out[name] = hashlib.sha256(data).hexdigest()
        f.visititems(visit)
        out["kpi"] = sorted((k, str(v)) for k, v in f["kpi"].attrs.items() if k != "step_wall_s")
    return out


def main():
    parktwin, source_dir, work_dir = sys.argv[1:4]
    kills = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    os.makedirs(work_dir, exist_ok=True)
    scenario = os.path.join(work_dir, "kill_whatif.toml")
    roadworks = os.path.join(source_dir, "assets", "scenarios", "hangzhou_4x4", "roadworks.toml")
    with open(scenario, "w", encoding="utf-8") as out:
        # Buildings, batteries, EVs and feeders come with the default scenario; a heat wave
        # and a feeder outage across the middle of the run put an outdoor offset, buildings
        # without HVAC and an islanded feeder into the state a checkpoint must carry.
        out.write(f'extends = "{roadworks}"\n[controllers]\nsignals = "max_pressure"\n'
                  'charging = "delayed"\n'
                  '[[events]]\nat = 500\nuntil = 1300\ntype = "heat_wave"\ndelta = 5\n'
                  '[[events]]\nat = 700\nuntil = 1100\ntype = "feeder_outage"\n'
                  'feeder = "feeder_north"\n')
    full = os.path.join(work_dir, "uninterrupted.h5")
    if os.path.exists(full):
        os.remove(full)
    subprocess.run([parktwin, "run", scenario, "--out", full] + ARGS, check=True,
                   stdout=subprocess.DEVNULL)
    expected = digests(full)
    assert len(expected) > 20

    rng = random.Random(int(time.time()))
    for k in range(kills):
        path = os.path.join(work_dir, f"killed_{k}.h5")
        if os.path.exists(path):
            os.remove(path)
        # Paced to 1000x real time, the 1800 s run takes 1.8 s of wall time once its file exists
        # (loading takes longer in sanitizer builds); kill it within.
        proc = subprocess.Popen([parktwin, "run", scenario, "--out", path, "--pace", "1000"] + ARGS,
                                stdout=subprocess.DEVNULL)
        waited = 0.0
        while not os.path.exists(path) and waited < 60.0 and proc.poll() is None:
            time.sleep(0.01)
            waited += 0.01
        delay = rng.uniform(0.0, 1.6)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, f"run ended before the kill ({delay:.2f} s)"

        dump = subprocess.run(["h5dump", "-H", path], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        assert dump.returncode == 0, f"h5dump cannot read {path}: {dump.stderr[:500]}"
        with h5py.File(path, "r") as f:
            rows = len(f["series/time_s"])
            for name in ("series/traffic/running", "series/traffic/lane_halting"):
                assert len(f[name]) >= rows, f"{name} shorter than the time axis"
            assert np.array_equal(f["series/time_s"][:], np.arange(rows) * 10.0)
            assert "state_hash" not in f["kpi"].attrs, "a killed run has no KPIs"
            checkpointed = f["checkpoint"].attrs["latest_slot"] >= 0
        if not checkpointed:
            # Killed before its first checkpoint: resume refuses, naming the file, and leaves it.
            with open(path, "rb") as f:
                before = hashlib.sha256(f.read()).hexdigest()
            refused = subprocess.run([parktwin, "run", "--resume", path, "--quiet"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            assert refused.returncode == 1, refused
            assert b"before its first checkpoint" in refused.stderr, refused.stderr
            with open(path, "rb") as f:
                assert hashlib.sha256(f.read()).hexdigest() == before, "refused resume changed it"
            print(f"killed at {delay:.2f} s before the first checkpoint; resume refused")
            continue
        subprocess.run([parktwin, "run", "--resume", path, "--quiet"], check=True,
                       stdout=subprocess.DEVNULL)
        got = digests(path)
        differ = [name for name in expected if expected[name] != got.get(name)]
        assert not differ, f"kill at {delay:.2f} s: resumed run differs in {differ}"
        print(f"killed at {delay:.2f} s after {rows} samples; resumed run equals the "
              f"uninterrupted one in {len(expected)} datasets and the KPIs")


if __name__ == "__main__":
    main()
