#!/usr/bin/python3
"""Reads a parktwin run file with Debian's h5py, without parktwin: every dataset and attribute
that docs/hdf5-layout.md lists must be there, of the listed type and shape, and consistent.

usage: test_run_file_h5py.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import os
import re
import subprocess
import sys

import h5py
import numpy as np

TYPES = {"u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64, "i64": np.int64,
         "f32": np.float32, "f64": np.float64}


def layout(source_dir):
    """(datasets, attributes) from the layout document's tables."""
    datasets, attributes = [], []
    with open(os.path.join(source_dir, "docs", "hdf5-layout.md"), encoding="utf-8") as doc:
        for line in doc:
            m = re.match(r"\| `(/[^`]+)` \| (\w+) \| \[([^\]]*)\] \|", line)
            if m:
                datasets.append((m.group(1), m.group(2), [d.strip() for d in m.group(3).split(",")]))
                continue
            m = re.match(r"\| `(/\w+)` \| `(\w+)` \| (\w+) \|", line)
            if m:
                attributes.append((m.group(1), m.group(2), m.group(3)))
    return datasets, attributes


def check_type(where, value_dtype, expected):
    if expected == "string":
        assert h5py.check_string_dtype(value_dtype) is not None, f"{where}: not a string"
    else:
        assert value_dtype == TYPES[expected], f"{where}: {value_dtype}, expected {expected}"


def main():
    parktwin, source_dir, work_dir = sys.argv[1:4]
    os.makedirs(work_dir, exist_ok=True)
    path = os.path.join(work_dir, "run_h5py.h5")
    if os.path.exists(path):
        os.remove(path)
    # The shipped roadworks what-if (events) with max-pressure signals but one: every table.
    scenario = os.path.join(work_dir, "h5py_whatif.toml")
    roadworks = os.path.join(source_dir, "assets", "scenarios", "hangzhou_4x4", "roadworks.toml")
    with open(scenario, "w", encoding="utf-8") as out:
        out.write(f'extends = "{roadworks}"\n[controllers]\nsignals = "max_pressure"\n'
                  '[controllers.junctions]\nintersection_1_1 = "fixed_time"\n')
    subprocess.run([parktwin, "--threads", "2", "run", scenario, "--duration", "1200",
                    "--sample-interval", "60", "--trajectories", "--out", path, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)

    datasets, attributes = layout(source_dir)
    assert len(datasets) >= 25 and len(attributes) >= 30, "layout tables not found"
    with h5py.File(path, "r") as f:
        sizes = {"T": len(f["/series/time_s"]), "J": len(f["/network/junctions/id"]),
                 "R": len(f["/network/roads/id"]), "L": len(f["/network/lanes/road"]),
                 "K": len(f["/network/links/from_lane"]),
                 "G": int(np.max(f["/network/junctions/signal"][:])) + 1,
                 "V": int(np.sum(f["/trajectories/vehicles_in_network"][:])),
                 "E": len(f["/events/time_s"]), "C": len(f["/controllers/junction"]),
                 "B": len(f["/buildings/id"]), "F": len(f["/energy/feeders/name"])}
        for name, kind, shape in datasets:
            if "D" in shape and name not in f:
                continue  # loop detectors: only in runs of scenarios that have them
            assert name in f, f"{name}: missing"
            data = f[name][...]  # reads the whole dataset
            check_type(name, f[name].dtype, kind)
            assert list(data.shape) == [sizes[d] for d in shape], f"{name}: shape {data.shape}"
        for obj, name, kind in attributes:
            assert name in f[obj].attrs, f"{obj}: attribute {name} missing"
            value = f[obj].attrs[name]
            if kind == "string":
                assert isinstance(value, str), f"{obj}.{name}: {type(value)}"
            else:
                check_type(f"{obj}.{name}", np.asarray(value).dtype, kind)

        # Consistency: the samples, the counts and the KPIs agree.
        t = f["/series/time_s"][:]
        assert np.array_equal(t, np.arange(0.0, 1201.0, 60.0)), t
        created = f["/series/traffic/created"][:]
        assert np.all(np.diff(created.astype(np.int64)) >= 0)
        running = f["/series/traffic/running"][:]
        on_lanes = f["/series/traffic/lane_vehicles"][:].sum(axis=1)
        assert np.all(on_lanes <= running), "vehicles on lanes exceed those running"
        assert np.all(f["/series/traffic/lane_halting"][:] <= f["/series/traffic/lane_vehicles"][:])
        kpi = f["/kpi"].attrs
        assert f["/series/traffic/finished"][-1] == kpi["finished"]
        assert f["/kpi/road_waiting"][:].sum() == kpi["waiting"]
        assert created[-1] == kpi["created"]
        assert f["/meta"].attrs["scenario"] == "hangzhou_4x4 roadworks"
        types = list(f["/events/type"].asstr()[:])
        assert types == ["close_road", "close_lane", "signal_plan", "demand_multiplier",
                         "open_road", "open_lane"], types
        assert f["/events/phases_s"].asstr()[2] == "5,40,40,20,20,40,40,20,20"
        assert list(f["/events/lane"][:]) == [-1, 1, -1, -1, -1, 1]
        assert all(s.startswith(roadworks + ":") for s in f["/events/source"].asstr()[:])
        policies = list(f["/controllers/signal_policy"].asstr()[:])
        assert policies.count("fixed_time") == 1 and policies.count("max_pressure") == 15
        assert kpi["closure_reroutes"] > 0
        assert "[controllers]" in f["/meta"].attrs["scenario_text"]
        # The buildings' and energy's series: sums over buildings close, one row per sample.
        assert sizes["B"] == 56 and sizes["F"] == 2, sizes
        pv = f["/series/buildings/pv_w"][:].astype(np.float64).sum(axis=1)
        assert np.allclose(pv, f["/series/buildings/site_pv_w"][:], rtol=1e-4, atol=1.0)
        demand = f["/series/buildings/electric_w"][:].astype(np.float64).sum(axis=1)
        assert np.allclose(demand, f["/series/buildings/site_electric_w"][:], rtol=1e-4, atol=1.0)
        feeders = f["/series/energy/feeder_w"][:].sum(axis=1)
        assert np.allclose(feeders, f["/series/energy/site_import_w"][:], rtol=1e-6, atol=1.0)
        assert set(np.unique(f["/series/energy/period"][:])) <= {0, 1, 2}
        # Each sample's trajectory rows are the vehicles on lanes and links then.
        n = f["/trajectories/vehicles_in_network"][:]
        assert np.all(n.astype(np.int64) == running.astype(np.int64)), "trajectories != running"
    print(f"read {len(datasets)} datasets and {len(attributes)} attributes of {path}")

    # Loop detectors: SUMO induction loops in a configuration's additional file.
    sumo_dir = os.path.join(source_dir, "tests", "data", "sumo")
    with open(os.path.join(work_dir, "loops.add.xml"), "w", encoding="utf-8") as out:
        out.write('<additional>\n  <inductionLoop id="a" lane="A0B0_0" pos="-5" file="NUL"/>\n'
                  '  <e1Detector id="b" lane="A0A1_0" pos="10" file="NUL"/>\n</additional>\n')
    cfg = os.path.join(work_dir, "loops.sumocfg")
    with open(cfg, "w", encoding="utf-8") as out:
        out.write(f'<configuration><net-file value="{sumo_dir}/grid4.net.xml"/>'
                  f'<route-files value="{sumo_dir}/grid4.rou.xml"/>'
                  '<additional-files value="loops.add.xml"/><end value="900"/></configuration>\n')
    loops = os.path.join(work_dir, "run_loops.h5")
    if os.path.exists(loops):
        os.remove(loops)
    subprocess.run([parktwin, "run", cfg, "--out", loops, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    with h5py.File(loops, "r") as f:
        for name, kind, shape in datasets:
            if "D" not in shape:
                continue
            check_type(name, f[name].dtype, kind)
            assert f[name].shape == (2,), f"{name}: shape {f[name].shape}"
        assert list(f["/kpi/detectors/id"].asstr()[:]) == ["a", "b"]
        assert f["/kpi/detectors/count"][:].sum() > 0
    print(f"and the loop detectors of {loops}")


if __name__ == "__main__":
    main()
