#!/usr/bin/python3
"""Kills a recording run at KILLS random instants and counts what each kill left: a file that
opens (h5py), one that `parktwin run --resume` continues, and a resumed run whose datasets and
KPIs equal those of the run never killed (issue 22's torture benchmark).

The run is short and writes often (a sample every 10 s, a checkpoint every 60 s of a 600 s run
of a generated 3x3 grid, paced to 1000x real time), so a good share of its wall time is spent
inside HDF5 flushes and checkpoint writes, where a kill does the most harm. Every kill's
outcome is one of:
  resumed-identical   resume finished it, every dataset and KPI as the uninterrupted run
  killed-while-starting  no run file yet (only PATH.partial, as documented)
  refused-early       killed before its first checkpoint: resume refuses, naming the file
  killed-after-kpis   killed after its KPIs were written: complete, resume says so
  resume-differs      resumed, but a dataset or KPI differs (a bug)
  resume-failed       the file opens but resume fails (the known HDF5 gap, or a bug)
  unreadable          h5py cannot open the file
and, besides, how many files h5py opens and in how many it cannot read /checkpoint before
`--resume` repairs them (a torn write).
Prints a line per 50 kills (rate, ETA) and the counts at the end; exits 1 if any kill ended
in resume-differs.

With --at-writes, instead of a random instant each kill comes at a random one of the run's
file writes (an LD_PRELOAD shim, compiled here, counts HDF5's pwrite calls): it writes half of
that write's bytes, a torn write, and kills the process, so that every kill lands inside an
HDF5 flush or a checkpoint write.

usage: torture_kill_resume.py PARKTWIN [KILLS=1000] [WORK_DIR=/tmp/parktwin_torture] [--at-writes]
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


# Kills the process at its PARKTWIN_KILL_AT_WRITE-th pwrite, after writing half of it; with
# PARKTWIN_COUNT_WRITES=FILE, writes the number of pwrite calls to FILE at exit instead.
SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static long kill_at = -1, calls = 0;
static ssize_t (*real)(int, const void*, size_t, off_t);
static void report(void) {
  const char* f = getenv("PARKTWIN_COUNT_WRITES");
  FILE* out = f ? fopen(f, "w") : NULL;
  if (out) { fprintf(out, "%ld\n", calls); fclose(out); }
}
ssize_t pwrite(int fd, const void* buf, size_t n, off_t at) {
  if (!real) real = (ssize_t (*)(int, const void*, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
  if (kill_at < 0) {
    const char* k = getenv("PARKTWIN_KILL_AT_WRITE");
    kill_at = k ? atol(k) : 0;
    if (getenv("PARKTWIN_COUNT_WRITES")) atexit(report);
  }
  if (++calls == kill_at) {
    real(fd, buf, n / 2, at);
    kill(getpid(), SIGKILL);
  }
  return real(fd, buf, n, at);
}
"""


def build_shim(work):
    src, lib = os.path.join(work, "kill_at_write.c"), os.path.join(work, "kill_at_write.so")
    with open(src, "w", encoding="utf-8") as f:
        f.write(SHIM)
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", lib, src, "-ldl"], check=True)
    return lib


def main():
    args = [a for a in sys.argv[1:] if a != "--at-writes"]
    at_writes = len(args) < len(sys.argv) - 1
    parktwin = os.path.abspath(args[0])
    kills = int(args[1]) if len(args) > 1 else 1000
    work = args[2] if len(args) > 2 else "/tmp/parktwin_torture"
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
    writes = 0
    if at_writes:
        shim = build_shim(work)
        count_file = os.path.join(work, "writes.txt")
        counted = os.path.join(work, "counted.h5")
        subprocess.run([parktwin, "run", scenario, "--out", counted] + ARGS, check=True,
                       stdout=subprocess.DEVNULL,
                       env=dict(os.environ, LD_PRELOAD=shim, PARKTWIN_COUNT_WRITES=count_file))
        with open(count_file, encoding="utf-8") as f:
            writes = int(f.read())
        print(f"the run makes {writes} file writes; each kill tears one of them")
    # The paced run lasts 0.6 s once its file exists; kill anywhere in it.
    rng = random.Random(int(os.environ.get("SEED", "1")))
    counts = collections.Counter()
    examples = {}
    start = time.monotonic()
    path = os.path.join(work, "killed.h5")
    for k in range(kills):
        for leftover in (path, path + ".partial"):
            if os.path.exists(leftover):
                os.remove(leftover)
        if at_writes:
            env = dict(os.environ, LD_PRELOAD=shim,
                       PARKTWIN_KILL_AT_WRITE=str(rng.randint(1, writes)))
            proc = subprocess.Popen([parktwin, "run", scenario, "--out", path] + ARGS, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            proc = subprocess.Popen([parktwin, "run", scenario, "--out", path, "--pace", "1000"]
                                    + ARGS, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while not os.path.exists(path) and proc.poll() is None:
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.65))
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.returncode != -signal.SIGKILL:
            counts["finished-before-kill"] += 1
            continue
        if not os.path.exists(path):
            # Killed while the file was being made: only PATH.partial exists, as documented.
            counts["killed-while-starting"] += 1
            continue
        checkpointed = None  # unknown: h5py could not read /checkpoint
        try:
            with h5py.File(path, "r") as f:
                counts["opens-in-h5py"] += 1
                try:
                    checkpointed = bool(f["checkpoint"].attrs["latest_slot"] >= 0)
                except Exception as e:  # noqa: BLE001 -- a torn write: resume must repair it
                    counts["checkpoint-unreadable-before-resume"] += 1
                    examples.setdefault("checkpoint-unreadable-before-resume", str(e)[:200])
        except Exception as e:  # noqa: BLE001 -- any failure to open counts
            counts["unreadable"] += 1
            examples.setdefault("unreadable", str(e)[:200])
            continue
        r = subprocess.run([parktwin, "run", "--resume", path, "--quiet"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if checkpointed is not True and r.returncode == 1 and "before its first checkpoint" in r.stderr:
            counts["refused-early"] += 1
        elif r.returncode == 1 and "has finished" in r.stderr:
            counts["killed-after-kpis"] += 1  # the run was complete: nothing to resume
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
