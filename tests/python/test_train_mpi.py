#!/usr/bin/python3
"""parktwin train under mpirun, as on a cluster: PPO on 2 ranks (2 of the 4 environment copies
each, the rollouts gathered, each minibatch's gradient summed over the ranks' shards) trains the
very weights of one process stepping all 4 copies with the same seed, and the same learning
curve; progress is reported once. ARS for energy on 2 ranks (each batch's episodes shared out)
follows the very curve of one process. What a distributed training cannot do is refused once,
by rank 0, every rank exiting non-zero and nothing written. Runs mpirun as root in CI.

usage: test_train_mpi.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import csv
import os
import shutil
import subprocess
import sys

MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-n", "2"]


def curve(folder):
    with open(os.path.join(folder, "train.csv")) as f:
        return [{k: v for k, v in row.items() if k != "wall_s"} for row in csv.DictReader(f)]


def same_bytes(a, b):
    with open(a, "rb") as x, open(b, "rb") as y:
        return x.read() == y.read()


def main():
    parktwin, source, work = sys.argv[1:4]
    work = os.path.join(work, "train_mpi")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    scenario = os.path.join(source, "assets/scenarios/hangzhou_4x4/scenario.toml")
    def train(agent="ppo", envs="4"):
        return ["--threads", "1", "train", scenario, "--agent", agent, "--envs", envs,
                "--episodes", "8", "--seed", "5"]

    one = os.path.join(work, "one")
    subprocess.run([parktwin] + train() + ["--out", one, "--quiet"], check=True,
                   capture_output=True, timeout=600)
    two = os.path.join(work, "two")
    p = subprocess.run(MPIRUN + [parktwin] + train() + ["--out", two], capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stderr.count("on each of 2 ranks") == 1, p.stderr
    assert p.stderr.count("episode    8/8") == 1, p.stderr
    assert p.stdout.count("trained ppo") == 1, p.stdout
    assert same_bytes(os.path.join(one, "policy.pt"), os.path.join(two, "policy.pt")), \
        "2 ranks trained other weights than 1 process"
    assert curve(one) == curve(two), (curve(one), curve(two))
    assert len(curve(one)) >= 1
    assert not os.path.exists(os.path.join(two, ".training"))

    # ARS for energy: one iteration of two directions (the rules' search, then 4 candidates on
    # 6 windows), one process on 2 threads against 2 ranks of one thread.
    ars = [scenario, "--control", "charging", "--agent", "ars", "--iterations", "1",
           "--directions", "2", "--rules", "time_of_use+llf+schedule", "--episode-days", "1",
           "--traffic-days", "2", "--seed", "2"]
    one = os.path.join(work, "ars_one")
    subprocess.run([parktwin, "--threads", "2", "train"] + ars + ["--out", one, "--quiet"],
                   check=True, capture_output=True, timeout=600)
    two = os.path.join(work, "ars_two")
    p = subprocess.run(MPIRUN + [parktwin, "--threads", "1", "train"] + ars + ["--out", two],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stderr.count("on each of 2 ranks") == 1 and p.stdout.count("trained ars") == 1, p
    assert curve(one) == curve(two) and len(curve(one)) == 3, (curve(one), curve(two))
    assert same_bytes(os.path.join(one, "policy.pt"), os.path.join(two, "policy.pt"))

    # Refused, once, with nothing written.
    for args, says in ((train(agent="dqn"), "learns with ppo on signals or ars on energy"),
                       (train() + ["--control", "charging"], "learns with ppo on signals or ars"),
                       (train(envs="3"), "--envs a multiple of 2"),
                       (train() + ["--shards", "3"], "--shards a multiple of 2"),
                       (train() + ["--resume"], "cannot resume yet")):
        out = os.path.join(work, "bad")
        p = subprocess.run(MPIRUN + [parktwin] + args + ["--out", out],
                           capture_output=True, text=True, timeout=600)
        assert p.returncode != 0, (args, p)
        assert (p.stdout + p.stderr).count(says) == 1, (args, p.stdout + p.stderr)
        assert not os.path.exists(out), args
    print("ppo and ars on 2 ranks: the weights and curves of 1 process; bad commands refused once")


if __name__ == "__main__":
    main()
