#!/usr/bin/python3
"""parktwin sweep under mpirun, as on a cluster: 2 ranks share the runs (rank 0 hands them
out), the summary's KPIs equal those of the same sweep run locally with one job; a bad spec is
reported once by rank 0 and every rank exits non-zero, leaving no folder. Runs mpirun as root
in CI (--allow-run-as-root --oversubscribe).

usage: test_sweep_mpi.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweep_summary import kpis  # noqa: E402

MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-n", "2"]


def main():
    parktwin, source, work = sys.argv[1:4]
    work = os.path.join(work, "sweep_mpi")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    base = os.path.abspath(os.path.join(source, "assets/scenarios/hangzhou_4x4/scenario.toml"))
    spec = os.path.join(work, "sweep.toml")
    with open(spec, "w") as f:
        f.write(f'base = "{base}"\nseeds = 2\n[parameters]\nduration = [300]\n'
                '"traffic.ev_share" = [0.1, 0.3]\n')
    local = os.path.join(work, "local")
    subprocess.run([parktwin, "sweep", spec, "--out", local, "--jobs", "1", "--quiet"],
                   check=True, capture_output=True)
    ranks = os.path.join(work, "ranks")
    p = subprocess.run(MPIRUN + [parktwin, "sweep", spec, "--out", ranks], capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "on each of 2 ranks" in p.stderr and p.stdout.count("sweep: 4 of 4 runs ok") == 1, p
    assert kpis(os.path.join(ranks, "summary.csv")).equals(kpis(os.path.join(local, "summary.csv")))

    bad = os.path.join(work, "bad.toml")
    with open(bad, "w") as f:
        f.write(f'base = "{base}"\n[parameters]\n"traffic.nope" = [1]\n')
    p = subprocess.run(MPIRUN + [parktwin, "sweep", bad, "--out", os.path.join(work, "bad")],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode != 0, p
    assert (p.stdout + p.stderr).count("parameters.traffic.nope") == 1, p.stdout + p.stderr
    assert not os.path.exists(os.path.join(work, "bad"))
    print("sweep under mpirun: the same summary as one job; a bad spec reported once")


if __name__ == "__main__":
    main()
