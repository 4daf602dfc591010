#!/usr/bin/python3
"""A trained energy policy running a scenario (`[controllers] energy = "policy:DIR"`), as a
planner runs the shipped what-if: its KPIs name the policy and differ from those of the rules it
runs beside (the policy acts); 1 and 2 threads give the same state; a run killed after a
checkpoint and resumed equals one never killed (the policy keeps no state of its own); the run
file records the policy. Bad input gets exit 1 and a message naming what is wrong: a folder
that does not exist, a value that is no energy control, a signal policy, a policy for another
district, rules that are not the policy's.

usage: test_energy_policy_run.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py

ARGS = ["--duration", "1800", "--sample-interval", "60", "--checkpoint-interval", "300",
        "--quiet"]


def run(args, expect):
    p = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if p.returncode != expect:
        sys.exit(f"{' '.join(args)}: exit {p.returncode}, expected {expect}\n{p.stdout}\n{p.stderr}")
    return p


def kpi_attrs(path):
    with h5py.File(path, "r") as f:
        return sorted((k, str(v)) for k, v in f["kpi"].attrs.items() if k != "step_wall_s")


def main():
    parktwin, source, work = sys.argv[1:4]
    work = os.path.join(work, "energy_policy_run")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    scenarios = os.path.abspath(os.path.join(source, "assets/scenarios/hangzhou_4x4"))
    shipped = os.path.abspath(os.path.join(source, "assets/policies/hangzhou_4x4_energy_ars"))
    what_if = os.path.join(scenarios, "learned_energy.toml")

    # The shipped what-if, on 1 and 2 threads.
    k1, k2 = os.path.join(work, "k1.json"), os.path.join(work, "k2.json")
    full = os.path.join(work, "full.h5")
    p = run([parktwin, "--threads", "1", "run", what_if, "--kpi-json", k1, "--out", full] + ARGS, 0)
    assert "driven by the learned policy hangzhou_4x4_energy_ars" in p.stdout, p.stdout
    run([parktwin, "--threads", "2", "run", what_if, "--kpi-json", k2] + ARGS, 0)
    a, b = json.load(open(k1)), json.load(open(k2))
    assert a["energy"]["energy_policy"] == shipped, a["energy"]
    assert a["state_hash"] == b["state_hash"], "1 and 2 threads differ"
    assert a["energy"] == b["energy"] and a["buildings"] == b["buildings"]
    with h5py.File(full, "r") as f:
        assert f["controllers"].attrs["energy_policy_path"] == shipped
        assert f["controllers"].attrs["charging"] == "llf"

    # The same rules without the policy: the policy acts (batteries, charging, set-points).
    rules = os.path.join(work, "rules.toml")
    with open(rules, "w") as f:
        f.write(f'extends = "{what_if}"\n[controllers]\nenergy = "rules"\n')
    k3 = os.path.join(work, "k3.json")
    run([parktwin, "run", rules, "--kpi-json", k3] + ARGS, 0)
    c = json.load(open(k3))
    assert c["energy"]["energy_policy"] == "rules"
    for key in ("battery_in_kwh", "charging_kwh", "cost"):
        assert a["energy"][key] != c["energy"][key], (key, a["energy"][key])
    assert a["buildings"]["hvac_electric_kwh"] != c["buildings"]["hvac_electric_kwh"]

    # Killed after a checkpoint and resumed: the run never killed, KPI for KPI.
    for attempt in range(4):
        path = os.path.join(work, f"killed_{attempt}.h5")
        proc = subprocess.Popen([parktwin, "run", what_if, "--out", path, "--pace", "600"] + ARGS,
                                stdout=subprocess.DEVNULL)
        waited = 0.0
        while not os.path.exists(path) and waited < 60.0 and proc.poll() is None:
            time.sleep(0.01)
            waited += 0.01
        time.sleep(1.2 + 0.3 * attempt)  # past the first checkpoint (0.5 s), before the end (3 s)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with h5py.File(path, "r") as f:
            checkpointed = f["checkpoint"].attrs["latest_slot"] >= 0
        if checkpointed:
            break
    assert checkpointed, "no checkpoint before the kill"
    run([parktwin, "run", "--resume", path, "--quiet"], 0)
    assert kpi_attrs(path) == kpi_attrs(full), "the resumed run differs"

    # Bad input.
    def manifest(name, body):
        m = os.path.join(work, name)
        with open(m, "w") as f:
            f.write(f'extends = "{os.path.join(scenarios, "scenario.toml")}"\n{body}')
        return m

    m = manifest("missing.toml", '[controllers]\nenergy = "policy:nowhere"\n')
    p = run([parktwin, "run", m, "--duration", "60", "--quiet"], 1)
    assert "policy folder not found" in p.stderr and "controllers.energy" in p.stderr, p.stderr
    assert "missing.toml" in p.stderr, p.stderr

    m = manifest("number.toml", "[controllers]\nenergy = 3\n")
    p = run([parktwin, "run", m, "--duration", "60", "--quiet"], 1)
    assert "unknown energy control" in p.stderr and "number.toml" in p.stderr, p.stderr

    m = manifest("rules.toml", f'[controllers]\nenergy = "policy:{shipped}"\n')
    p = run([parktwin, "run", m, "--duration", "60", "--quiet"], 1)
    assert "differs from the energy policy's rules" in p.stderr, p.stderr
    assert 'charging = "llf"' in p.stderr and "policy.json" in p.stderr, p.stderr

    signals = os.path.abspath(os.path.join(source, "assets/policies/hangzhou_4x4_colight"))
    m = manifest("signals.toml", f'[controllers]\nenergy = "policy:{signals}"\n')
    p = run([parktwin, "run", m, "--duration", "60", "--quiet"], 1)
    assert os.path.join(signals, "policy.json") in p.stderr, p.stderr
    assert "a policy of another kind" in p.stderr and "parktwin-policy" in p.stderr, p.stderr

    other = os.path.join(work, "other_district")
    shutil.copytree(shipped, other)
    card = json.load(open(os.path.join(other, "policy.json")))
    card["district"]["buildings"][3] = "somewhere-else"
    json.dump(card, open(os.path.join(other, "policy.json"), "w"))
    m = manifest("other.toml", f'[controllers]\nenergy = "policy:{other}"\n'
                 'charging = "llf"\n')
    p = run([parktwin, "run", m, "--duration", "60", "--quiet"], 1)
    assert "another district" in p.stderr and "district.buildings[3]" in p.stderr, p.stderr
    print("a trained energy policy runs a scenario: it acts, 1 and 2 threads agree, a killed run "
          "resumes to the same KPIs; bad input refused with the file named")


if __name__ == "__main__":
    main()
