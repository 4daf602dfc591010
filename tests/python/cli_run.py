"""Runs a parktwin command as a test does: its output on success, the test ended with the
command, its exit code and output when the exit code is not the one expected."""

import subprocess
import sys


def run(cmd, expect=0, env=None):
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env)
    if done.returncode != expect:
        sys.exit(f"exit {done.returncode} (expected {expect}): {' '.join(map(str, cmd))}\n"
                 f"{done.stdout}{done.stderr}")
    return done.stdout + done.stderr
