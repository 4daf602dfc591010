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
`--resume` repairs them.
Prints a line per 50 kills (rate, ETA) and the counts at the end; exits 1 if any kill ended
in resume-differs.

With --at-syscalls, instead of a random instant each kill comes just before a random one of
the run's file system calls (an LD_PRELOAD shim, compiled here, counts every pwrite, write,
ftruncate, fsync, fdatasync and rename the run makes, on any of its threads), so that every
kill lands inside an HDF5 flush, a checkpoint write or the file's final rename: the state a
scheduler's SIGKILL or a crash can leave. With --at-writes each kill comes at a random pwrite
instead, after writing half of its bytes: a torn write, which only a power cut or a kernel
crash can make, beyond what the issue asks (the file's own documentation names the gap).

With --strict it also exits 1 when a file is unreadable or a resume fails (the test command
runs 80 kills --at-syscalls --strict: tests/python/CMakeLists.txt).

usage: torture_kill_resume.py PARKTWIN [KILLS=1000] [WORK_DIR=/tmp/parktwin_torture]
                              [--at-syscalls | --at-writes] [--strict]
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
from hdf5_leaks import without_hdf5_leaks  # noqa: E402

# An AddressSanitizer build refuses a preloaded library before its runtime unless told.
ASAN_PRELOAD = {"ASAN_OPTIONS": ":".join(
    o for o in (os.environ.get("ASAN_OPTIONS", ""), "verify_asan_link_order=0") if o)}


ARGS = ["--duration", "600", "--sample-interval", "10", "--checkpoint-interval", "60", "--quiet"]


# Kills the process at its PARKTWIN_KILL_AT_CALL-th file system call (pwrite, write,
# ftruncate, fsync, fdatasync, rename), before it runs; with PARKTWIN_TEAR=1 only pwrites count
# and the chosen one writes half its bytes first. With PARKTWIN_COUNT_CALLS=FILE, writes the
# number of calls counted to FILE at exit instead. The count is atomic: the run file's writer
# thread and the main thread both make calls.
SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>
static long kill_at = -1, calls = 0;
static int tear = 0;
static void report(void) {
  const char* f = getenv("PARKTWIN_COUNT_CALLS");
  FILE* out = f ? fopen(f, "w") : NULL;
  if (out) { fprintf(out, "%ld\n", __atomic_load_n(&calls, __ATOMIC_SEQ_CST)); fclose(out); }
}
static void setup(void) {
  if (__atomic_load_n(&kill_at, __ATOMIC_ACQUIRE) >= 0) return;
  const char* k = getenv("PARKTWIN_KILL_AT_CALL");
  const char* t = getenv("PARKTWIN_TEAR");
  tear = t && t[0] == '1';
  if (getenv("PARKTWIN_COUNT_CALLS")) atexit(report);
  __atomic_store_n(&kill_at, k ? atol(k) : 0, __ATOMIC_RELEASE);
}
/* 1 when this call is the one to die at. */
static int counts(int is_pwrite) {
  setup();
  if (tear && !is_pwrite) return 0;
  return __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST) == kill_at;
}
#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))
ssize_t pwrite(int fd, const void* buf, size_t n, off_t at) {
  if (counts(1)) {
    if (tear) REAL(pwrite)(fd, buf, n / 2, at);
    kill(getpid(), SIGKILL);
  }
  return REAL(pwrite)(fd, buf, n, at);
}
ssize_t write(int fd, const void* buf, size_t n) {
  if (counts(0)) kill(getpid(), SIGKILL);
  return REAL(write)(fd, buf, n);
}
int ftruncate(int fd, off_t length) {
  if (counts(0)) kill(getpid(), SIGKILL);
  return REAL(ftruncate)(fd, length);
}
int fsync(int fd) {
  if (counts(0)) kill(getpid(), SIGKILL);
  return REAL(fsync)(fd);
}
int fdatasync(int fd) {
  if (counts(0)) kill(getpid(), SIGKILL);
  return REAL(fdatasync)(fd);
}
int rename(const char* from, const char* to) {
  if (counts(0)) kill(getpid(), SIGKILL);
  return REAL(rename)(from, to);
}
"""


def build_shim(work):
    src, lib = os.path.join(work, "kill_at_write.c"), os.path.join(work, "kill_at_write.so")
    with open(src, "w", encoding="utf-8") as f:
        f.write(SHIM)
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", lib, src, "-ldl"], check=True)
    return lib


def main():
    modes = {"--at-syscalls", "--at-writes", "--strict"}
    args = [a for a in sys.argv[1:] if a not in modes]
    at_calls = "--at-syscalls" in sys.argv or "--at-writes" in sys.argv
    tear = "1" if "--at-writes" in sys.argv else "0"
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
    calls = 0
    if at_calls:
        shim = build_shim(work)
        count_file = os.path.join(work, "calls.txt")
        counted = os.path.join(work, "counted.h5")
        subprocess.run([parktwin, "run", scenario, "--out", counted] + ARGS, check=True,
                       stdout=subprocess.DEVNULL,
                       env=dict(os.environ, LD_PRELOAD=shim, PARKTWIN_COUNT_CALLS=count_file,
                                PARKTWIN_TEAR=tear, **ASAN_PRELOAD))
        with open(count_file, encoding="utf-8") as f:
            calls = int(f.read())
        what = "pwrites; each kill tears one of them" if tear == "1" else \
            "file system calls; each kill comes just before one of them"
        print(f"the run makes {calls} {what}")
    # The paced run lasts 0.6 s once its file exists; kill anywhere in it.
    quiet_leaks = without_hdf5_leaks(work)
    rng = random.Random(int(os.environ.get("SEED", "1")))
    counts = collections.Counter()
    examples = {}
    failures = collections.Counter()  # resume's messages, by message
    start = time.monotonic()
    path = os.path.join(work, "killed.h5")
    for k in range(kills):
        for leftover in (path, path + ".partial"):
            if os.path.exists(leftover):
                os.remove(leftover)
        if at_calls:
            env = dict(os.environ, LD_PRELOAD=shim, PARKTWIN_TEAR=tear,
                       PARKTWIN_KILL_AT_CALL=str(rng.randint(1, calls)), **ASAN_PRELOAD)
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
        r = subprocess.run([parktwin, "run", "--resume", path, "--quiet"], env=quiet_leaks,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if checkpointed is not True and r.returncode == 1 and "before its first checkpoint" in r.stderr:
            counts["refused-early"] += 1
        elif r.returncode == 1 and "has finished" in r.stderr:
            counts["killed-after-kpis"] += 1  # the run was complete: nothing to resume
        elif r.returncode != 0:
            counts["resume-failed"] += 1
            examples.setdefault("resume-failed", r.stderr.strip()[:300])
            failures[r.stderr.strip().replace(path, "FILE")[:200]] += 1
            shutil.copy(path, os.path.join(work, f"failed_{k}.h5"))
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
    for text, n in failures.most_common():
        print(f"  resume failed {n}x: {text}")
    if "--strict" in sys.argv and (counts["resume-failed"] or counts["unreadable"]):
        return 1
    return 1 if counts["resume-differs"] else 0


if __name__ == "__main__":
    sys.exit(main())
