#!/usr/bin/python3
"""Every finding of the fuzz campaign of 2026-12-05 (../shared/fuzz-findings, issue 22) and
each variant its README lists: parktwin ends at once with exit 1 and one line, `parktwin CMD:
error: ...`, naming the file and the field, key or dataset at fault; never a crash, a hang or
an `internal error`. The inputs are made by each folder's make.py into a copy of the folder.
Beside the bad inputs, the untouched copies (a killed run that resumes, a finished run that
exports) still work, so that the checks refuse only what is wrong.

usage: test_fuzz_findings.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import os
import shutil
import stat
import subprocess
import sys
import time

PARKTWIN, SOURCE, WORK = sys.argv[1:4]
FINDINGS = os.path.join(SOURCE, "..", "shared", "fuzz-findings")
DATA = os.path.join(SOURCE, "..", "shared", "data")
LIMIT_S = 20  # "at once": the hangs ran until a 30 s timeout

# (folder, arguments, [text the error line must hold], exit status); run in the folder.
CASES = [
    ("01_deep_nested_json", ["run", "--network", "roadnet.json", "--demand", "gen/flow_deep.json"],
     ["flow_deep.json:", "nested too deeply", "256 levels"], 1),
    ("01_deep_nested_json", ["run", "--network", "gen/roadnet_deep.json", "--demand", "flow.json"],
     ["roadnet_deep.json:", "nested too deeply"], 1),
    ("02_meta_attr_array", ["run", "--resume", "gen/resume_duration_array.h5"],
     ["resume_duration_array.h5", "/meta/duration_s", "wrong shape", "a scalar", "3 values"], 1),
    ("02_meta_attr_array", ["run", "--resume", "gen/resume_network_array.h5"],
     ["resume_network_array.h5", "/meta/network_path", "wrong shape"], 1),
    ("02_meta_attr_array", ["inspect", "gen/finished_duration_array.h5"],
     ["finished_duration_array.h5", "/meta/duration_s", "wrong shape"], 1),
    ("02_meta_attr_array", ["export", "gen/finished_duration_array.h5", "--csv", "gen/csv", "--force"],
     ["finished_duration_array.h5", "/meta/duration_s", "wrong shape"], 1),
    ("03_checkpoint_corrupt_queues", ["run", "--resume", "gen/queue_count.h5"],
     ["queue_count.h5", "/checkpoint/slot0/queue_count", "capacity"], 1),
    ("03_checkpoint_corrupt_queues", ["run", "--resume", "gen/wait_head.h5"],
     ["wait_head.h5", "/checkpoint/slot0/wait_head", "waiting list"], 1),
    ("03_checkpoint_corrupt_queues", ["run", "--resume", "gen/killed.h5"], [], 0),
    ("04_checkpoint_huge_step", ["run", "--resume", "gen/huge_step.h5"],
     ["huge_step.h5", "/checkpoint/slot0/step"], 1),
    ("05_export_short_series", ["export", "gen/short_lane_series.h5", "--csv", "gen/csv", "--force"],
     ["short_lane_series.h5", "/series/traffic/lane_vehicles", "too few rows", "expected 11",
      "found 10"], 1),
    ("05_export_short_series", ["export", "gen/short_total_series.h5", "--csv", "gen/csv", "--force"],
     ["short_total_series.h5", "/series/traffic/running", "too few rows"], 1),
    ("05_export_short_series", ["export", "gen/scalar_series.h5", "--csv", "gen/csv", "--force"],
     ["scalar_series.h5", "/series/traffic/lane_vehicles", "wrong shape", "1 or 2 dimensions"], 1),
    ("05_export_short_series", ["export", "gen/base.h5", "--csv", "gen/csv_base", "--force"], [], 0),
    ("06_json_number_overflow", ["run", "--network", "roadnet.json", "--demand", "flow_overflow.json"],
     ["flow_overflow.json:1:", "number out of range", "a finite number", "1e400"], 1),
    ("06_json_number_overflow", ["run", "--network", "roadnet_overflow.json", "--demand", "flow.json"],
     ["roadnet_overflow.json:", "number out of range", "1e400"], 1),
    # An integer no double holds exactly is taken at the nearest double (9.2e18 kW: a feeder
    # that never overloads); a price of -9.2e18 is refused as any negative price.
    ("07_toml_int64_capacity", ["run", "scenario.toml"], [], 0),
    ("07_toml_int64_capacity", ["run", "scenario_tariff.toml"],
     ["tariff.toml:", "prices.valley", "bad price"], 1),
    ("08_path_too_long", ["run", "long_name.toml"],
     ["long_name.toml:", "traffic.demand", "input file not found", "File name too long"], 1),
    ("08_path_too_long", ["run", "long_extends.toml"],
     ["long_extends.toml:", "extends", "File name too long"], 1),
    ("08_path_too_long", ["run", "symlink_loop.toml"],
     ["symlink_loop.toml:", "traffic.demand", "Too many levels of symbolic links"], 1),
    ("09_meta_threads_not_number", ["run", "--resume", "gen/threads_text.h5"],
     ["threads_text.h5", "/meta/threads", "wrong type", "an integer", '"x"'], 1),
    ("09_meta_threads_not_number", ["run", "--resume", "gen/seed_text.h5"],
     ["seed_text.h5", "/meta/seed", "wrong type"], 1),
    ("09_meta_threads_not_number", ["run", "--resume", "gen/latest_slot_text.h5"],
     ["latest_slot_text.h5", "/checkpoint/latest_slot", "wrong type"], 1),
    ("10_meta_network_path_empty", ["run", "--resume", "gen/network_path_empty.h5"],
     ["network_path_empty.h5", "/meta/network_path", "empty path"], 1),
    ("10_meta_network_path_empty", ["run", "--resume", "gen/demand_path_empty.h5"],
     ["demand_path_empty.h5", "/meta/demand_path", "empty path"], 1),
    ("11_network_fifo_hang", ["run", "--network", "gen/net.fifo", "--demand", "flow.json"],
     ["net.fifo", "a named pipe"], 1),
    ("11_network_fifo_hang", ["run", "--network", "gen/sparse2g.json", "--demand", "flow.json"],
     ["sparse2g.json", "unknown file format"], 1),
    ("12_kpi_json_replaces_fifo", ["run", "--network", "roadnet.json", "--demand", "flow.json",
                                   "--kpi-json", "gen/kpi.fifo", "--force"],
     ["kpi.fifo", "--kpi-json", "not a regular file"], 1),
]


def main():
    if not os.path.isdir(FINDINGS):
        print(f"SKIP: {FINDINGS} not found (the team's shared data)")
        return 0
    root = os.path.join(WORK, "fuzz_findings")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    # 07's manifest names the weather file as ../../data/weather/...
    os.symlink(os.path.abspath(DATA), os.path.join(root, "data"))
    base = os.path.join(root, "fuzz-findings")
    shutil.copytree(FINDINGS, base, ignore=shutil.ignore_patterns("gen"))
    for dirpath, dirnames, filenames in os.walk(base):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    env = dict(os.environ, PARKTWIN=os.path.abspath(PARKTWIN))
    made = set()
    failures = []
    for folder, args, needles, want in CASES:
        where = os.path.join(base, folder)
        if folder not in made and os.path.exists(os.path.join(where, "make.py")):
            subprocess.run(["/usr/bin/python3", "make.py"], cwd=where, env=env, check=True,
                           stdout=subprocess.DEVNULL)
            made.add(folder)
        cmd = [os.path.abspath(PARKTWIN)] + args
        if args[0] == "run":
            cmd += ["--quiet"] + ([] if "--resume" in args else ["--duration", "30"])
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, cwd=where, capture_output=True, text=True, timeout=LIMIT_S)
        except subprocess.TimeoutExpired:
            failures.append(f"{folder} {args}: still running after {LIMIT_S} s")
            continue
        wall = time.monotonic() - t0
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        label = f"{folder} {' '.join(args)}"
        if p.returncode != want:
            failures.append(f"{label}: exit {p.returncode}, expected {want}: {p.stderr.strip()}")
            continue
        if want == 0:
            print(f"ok   {label}: exit 0 ({wall:.1f} s)")
            continue
        if len(lines) != 1 or ": error: " not in lines[0] or "internal error" in lines[0]:
            failures.append(f"{label}: expected one 'error:' line, got: {p.stderr.strip()[:400]}")
            continue
        missing = [n for n in needles if n not in lines[0]]
        if missing:
            failures.append(f"{label}: {missing} not in: {lines[0][:400]}")
            continue
        print(f"ok   {label} ({wall:.1f} s): {lines[0][:160]}")
    # 12: the named pipe is left as it was.
    fifo = os.path.join(base, "12_kpi_json_replaces_fifo", "gen", "kpi.fifo")
    if not stat.S_ISFIFO(os.stat(fifo).st_mode):
        failures.append("12: gen/kpi.fifo is no longer a named pipe")
    # 11's 2 GiB sparse file goes with the rest.
    shutil.rmtree(root, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    print(f"{len(CASES) - len(failures)} of {len(CASES)} cases as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
