#!/usr/bin/python3
"""The SIP district (issue 21): `parktwin generate district --preset sip` writes exactly the
files shipped in assets/scenarios/sip (but for the relative paths to the shipped weather and
tariff: the shipped scenario is the generator's, and a change to the rules shows up there), and the shipped scenario runs its three-hour morning peak with
every trip routed to the end (no route ending early, no teleport), most trips finished by
10:00 and the buildings and energy KPIs present. A --scale out of range is refused.

usage: test_sip_district.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import json
import os
import pathlib
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_run import run  # noqa: E402


def main():
    parktwin, source, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    shipped = source / "assets/scenarios/sip"
    out = work / "sip_generated"
    shutil.rmtree(out, ignore_errors=True)
    printed = run([parktwin, "generate", "district", "--preset", "sip", "--out", out])
    print(printed.splitlines()[0])
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in shipped.iterdir() if p.name != "SOURCE.md"), names
    for name in names:
        a, b = (out / name).read_text(), (shipped / name).read_text()
        if name == "scenario.toml":
            # The paths to the shipped weather and tariff are relative to the folder.
            keep = lambda text: [l for l in text.splitlines()
                                 if not l.startswith(("weather =", "tariff ="))]
            a, b = keep(a), keep(b)
        assert a == b, (f"{name}: generated file differs from {shipped / name}: regenerate with "
                        "parktwin generate district --preset sip --out assets/scenarios/sip --force")
    print(f"generated files equal the shipped ones: {', '.join(names)}")

    kpi = work / "sip_kpi.json"
    kpi.unlink(missing_ok=True)
    run([parktwin, "run", shipped / "scenario.toml", "--quiet", "--kpi-json", kpi])
    k = json.loads(kpi.read_text())
    print({key: k[key] for key in ("created", "finished", "running", "waiting", "dead_ends",
                                   "teleports", "average_travel_time_s", "step_wall_s")})
    assert k["time_s"] == 10800 and k["created"] > 20000, k
    assert k["dead_ends"] == 0 and k["teleports"] == 0, k
    assert k["finished"] >= 0.85 * k["created"], k
    assert k["average_travel_time_s"] < 1500, k
    assert k["buildings"] and k["energy"], k

    err = run([parktwin, "generate", "district", "--scale", "0", "--out", work / "sip_bad"],
              expect=2)
    assert "--scale" in err, err
    print("SIP district: shipped files regenerate exactly, the morning peak runs")


if __name__ == "__main__":
    main()
