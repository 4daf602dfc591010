"""read_run on a real run file: metadata, KPIs, scalar series indexed by time, per-lane,
per-signal, per-building and per-feeder series with their ids as columns, tables."""

import subprocess

import numpy as np
import pytest

import parktwin
from conftest import HANGZHOU


@pytest.fixture(scope="module")
def run_file(cli, tmp_path_factory):
    path = tmp_path_factory.mktemp("run") / "run.h5"
    subprocess.run([cli, "run", str(HANGZHOU), "--duration", "600", "--quiet", "--out",
                    str(path)], check=True, capture_output=True)
    return path


def test_read_run_gives_dataframes(run_file):
    run = parktwin.read_run(str(run_file))
    assert run.meta["scenario"] == "hangzhou_4x4"
    assert run.meta["duration_s"] == 600.0
    world = parktwin.World(parktwin.Scenario.load(str(HANGZHOU), duration=600))
    world.step(600)
    k = world.kpis()
    assert run.kpis["average_travel_time_s"] == k["average_travel_time_s"]
    assert run.kpis["finished"] == k["finished"]
    s = run.series
    assert s.index.name == "time_s" and s.index[-1] == 600.0
    assert np.all(np.diff(s.index) == 60.0)
    assert s["traffic/finished"].iloc[-1] == k["finished"]
    assert "buildings/site_pv_w" in s and "energy/site_import_w" in s
    lanes = run.lanes()
    assert lanes.shape == (len(s), len(world.lanes()["vehicles"]))
    assert lanes.columns[0].startswith("road_")
    assert np.array_equal(lanes.iloc[-1].to_numpy(), world.lanes()["vehicles"])
    assert list(run.signals().columns) == parktwin.Scenario.load(str(HANGZHOU)).signal_junctions
    assert run.buildings("air_c").shape[1] == k["buildings"]["buildings"]
    assert list(run.feeders().columns) == [f["name"] for f in k["energy"]["feeders"]]
    assert "network/roads" in run.tables and "buildings" in run.tables
    with pytest.raises(KeyError, match="no /trajectories"):
        run.trajectories()
    with pytest.raises(KeyError, match="no series/traffic/nothing"):
        run.lanes("nothing")
    run.close()


def test_read_run_refuses_what_is_not_a_run_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no run file"):
        parktwin.read_run(str(tmp_path / "none.h5"))
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"not hdf5 at all")
    with pytest.raises(ValueError, match="not an HDF5 run file"):
        parktwin.read_run(str(junk))


def test_read_sweep_gives_one_row_per_run(cli, tmp_path):
    spec = tmp_path / "sweep.toml"
    spec.write_text(f'base = "{HANGZHOU}"\nseeds = 2\n[parameters]\nduration = [120]\n'
                    '"controllers.charging" = ["immediate", "llf"]\n')
    subprocess.run([cli, "sweep", str(spec), "--out", str(tmp_path / "out"), "--jobs", "2",
                    "--quiet"], check=True, capture_output=True)
    df = parktwin.read_sweep(str(tmp_path / "out"))
    assert list(df.columns[:3]) == ["run", "variant", "seed"]
    assert list(df["controllers.charging"]) == ["immediate", "immediate", "llf", "llf"]
    assert (df["status"] == "ok").all() and (df["time_s"] == 120.0).all()
    assert df.groupby("controllers.charging")["energy.charging_kwh"].mean().shape == (2,)
    with pytest.raises(FileNotFoundError, match="no sweep summary"):
        parktwin.read_sweep(str(tmp_path))
