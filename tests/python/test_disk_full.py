#!/usr/bin/python3
"""A recording run that runs out of disk (here: a file-size limit, RLIMIT_FSIZE, as a small
tmpfs would) ends with exit 1 and one error line naming the run file and the system's reason;
what it had written stays readable (h5py and h5dump); and once space is back, `parktwin run
--resume` continues it to a file whose every dataset and KPI equals those of a run that never
ran out (issue 22).

usage: test_disk_full.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import os
import resource
import subprocess
import sys

import h5py


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hdf5_leaks import without_hdf5_leaks  # noqa: E402
from test_kill_resume import digests  # noqa: E402

PARKTWIN, SOURCE, WORK = sys.argv[1:4]
SCENARIO = os.path.join(SOURCE, "assets", "scenarios", "hangzhou_4x4", "scenario.toml")
ARGS = ["--trajectories", "--sample-interval", "10", "--checkpoint-interval", "300", "--quiet"]
LIMIT_BYTES = 2_000_000  # the whole run's file is about 4.7 MB


def limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT_BYTES, LIMIT_BYTES))


def main():
    os.makedirs(WORK, exist_ok=True)
    # Under AddressSanitizer, libhdf5's own leaks on the failed flush and the repair pass.
    env = without_hdf5_leaks(WORK)
    full, cut = os.path.join(WORK, "disk_full_reference.h5"), os.path.join(WORK, "disk_full.h5")
    for p in (full, cut):
        if os.path.exists(p):
            os.remove(p)
    subprocess.run([PARKTWIN, "run", SCENARIO, "--out", full] + ARGS, check=True,
                   stdout=subprocess.DEVNULL)
    assert os.path.getsize(full) > 2 * LIMIT_BYTES, os.path.getsize(full)

    r = subprocess.run([PARKTWIN, "run", SCENARIO, "--out", cut] + ARGS, preexec_fn=limit_file_size,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120,
                       env=env)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert len(lines) == 1 and lines[0].startswith("parktwin run: error: "), r.stderr
    assert cut in lines[0] and "File too large" in lines[0], lines[0]
    print("out of space:", lines[0])

    with h5py.File(cut, "r") as f:
        rows = len(f["series/time_s"])
        assert rows > 10 and "state_hash" not in f["kpi"].attrs
        assert f["checkpoint"].attrs["latest_slot"] >= 0
    print(f"readable after it: {rows} samples and a checkpoint")

    subprocess.run([PARKTWIN, "run", "--resume", cut, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL, timeout=120, env=env)
    assert subprocess.run(["h5dump", "-H", cut], stdout=subprocess.DEVNULL).returncode == 0
    expected, got = digests(full), digests(cut)
    differ = [name for name in expected if expected[name] != got.get(name)]
    assert not differ, f"resumed run differs in {differ}"
    print(f"resumed once space was back: {len(expected)} datasets and the KPIs as the run "
          "that never ran out")


if __name__ == "__main__":
    main()
