"""The core API: scenarios, Worlds, KPIs under the CLI's names, snapshots, the state as
read-only numpy views, and errors as Python exceptions naming what was expected."""

import json
import subprocess

import numpy as np
import pytest

import parktwin
from conftest import HANGZHOU


def test_scenario_loads_with_overrides(hangzhou):
    assert hangzhou.name == "hangzhou_4x4"
    assert hangzhou.trips == 2983
    assert hangzhou.duration_s == 3600.0
    assert len(hangzhou.signal_junctions) == 16
    s = parktwin.Scenario.load(str(HANGZHOU), duration=600, seed=3, signals="max_pressure")
    assert (s.duration_s, s.seed, s.signals) == (600.0, 3, "max_pressure")


def test_bad_scenarios_raise_python_exceptions(tmp_path):
    with pytest.raises(FileNotFoundError, match="no scenario manifest"):
        parktwin.Scenario.load(str(tmp_path / "missing.toml"))
    with pytest.raises(KeyError, match="unknown override 'speed'.*expected seed"):
        parktwin.Scenario.load(str(HANGZHOU), speed=2)
    with pytest.raises(ValueError, match="signals: expected one of"):
        parktwin.Scenario.load(str(HANGZHOU), signals="magic")
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nduration = -5\n')
    with pytest.raises(ValueError, match="bad.toml"):
        parktwin.Scenario.load(str(bad))


def test_world_steps_and_its_kpis_are_the_clis(hangzhou, cli, tmp_path):
    world = parktwin.World(parktwin.Scenario.load(str(HANGZHOU), duration=300))
    world.step(300)
    assert world.time_s == 300.0
    k = world.kpis()
    out = tmp_path / "kpi.json"
    subprocess.run([cli, "run", str(HANGZHOU), "--duration", "300", "--quiet", "--out", str(tmp_path / "run.h5"),
                    "--kpi-json", str(out)], check=True, capture_output=True)
    ref = json.loads(out.read_text())
    for name in ("average_travel_time_s", "created", "finished", "running", "waiting",
                 "co2_kg", "vehicle_updates"):
        assert k[name] == ref[name], name
    assert k["buildings"]["buildings"] == ref["buildings"]["buildings"]
    assert k["energy"]["cost"] == pytest.approx(ref["energy"]["cost"])


def test_snapshot_restore_replays_bit_for_bit(hangzhou):
    world = parktwin.World(hangzhou, seed=4)
    world.step(120)
    snap = world.snapshot()
    assert snap.step == 120
    world.step(180)
    first = (world.state_hash(), world.kpis()["average_travel_time_s"])
    world.restore(snap)
    assert world.time_s == 120.0
    world.step(180)
    assert (world.state_hash(), world.kpis()["average_travel_time_s"]) == first


def test_thread_count_does_not_change_the_state(hangzhou):
    hashes = set()
    for threads in (1, 2):
        world = parktwin.World(hangzhou, seed=2, threads=threads)
        world.step(400)
        hashes.add(world.state_hash())
    assert len(hashes) == 1


def test_state_arrays_are_read_only_views(hangzhou):
    world = parktwin.World(hangzhou)
    world.step(300)
    lanes = world.lanes()
    assert lanes["vehicles"].dtype == np.uint32
    assert lanes["mean_speed_mps"].dtype == np.float32
    assert len(lanes["vehicles"]) == len(hangzhou.lane_ids)
    assert 0 < lanes["vehicles"].sum() <= world.kpis()["running"]
    assert np.all(lanes["halting"] <= lanes["vehicles"])
    with pytest.raises(ValueError):
        lanes["vehicles"][0] = 1
    phases = world.signals()["phase"]
    assert len(phases) == 16
    b = world.buildings()
    assert len(b["air_c"]) == world.kpis()["buildings"]["buildings"]
    assert np.all((b["air_c"] > 10) & (b["air_c"] < 40))
    f = world.feeders()
    assert list(f["name"]) == [x["name"] for x in world.kpis()["energy"]["feeders"]]
    assert np.all(f["load_w"] > 0)


def test_bad_world_arguments(hangzhou):
    with pytest.raises(ValueError, match="threads"):
        parktwin.World(hangzhou, threads=-1)
    world = parktwin.World(hangzhou)
    with pytest.raises(ValueError, match="n: expected >= 0"):
        world.step(-1)
    with pytest.raises(TypeError):
        world.step("ten")


def test_signals_driven_from_python_follow_the_actions_within_the_rules():
    s = parktwin.Scenario.load(str(HANGZHOU), signals="agent", duration=900)
    w = parktwin.World(s)
    assert len(w.signal_agents) == 16 and w.signal_agents[0] == "intersection_1_1"
    assert [len(g) for g in w.signal_greens] == [8] * 16
    mask = w.signal_action_mask()
    assert mask.shape == (16, 8) and mask.dtype == bool
    seen = set()
    for t in range(40):  # ask for green (t mod 8) for 20 s at a time
        w.set_signal_actions(np.full(16, t % 8, dtype=np.int64))
        w.step(20)
        seen.add(int(w.signals()["phase"][0]))
    greens = set(w.signal_greens[0])
    assert len(seen & greens) >= 6  # it went where it was sent
    k = w.kpis()
    assert k["created"] == k["waiting"] + k["running"] + k["finished"] and k["finished"] > 0
    w.set_signal_actions(np.full(16, -1, dtype=np.int64))  # -1: keep the current green
    with pytest.raises(ValueError, match=r"expected shape \(16,\)"):
        w.set_signal_actions(np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="expected integers"):
        w.set_signal_actions(np.zeros(16))
    with pytest.raises(ValueError, match=r"signal 0: expected -1..7; found 8"):
        w.set_signal_actions(np.full(16, 8, dtype=np.int64))
    with pytest.raises(ValueError, match="signals='agent'"):
        parktwin.World(parktwin.Scenario.load(str(HANGZHOU))).signal_action_mask()


def test_energy_driven_from_python_batteries_chargers_and_hvac(hangzhou):
    w = parktwin.World(hangzhou)
    n = w.kpis()["buildings"]["buildings"]
    lo, hi = w.battery_limits()
    has_battery = hi > 0
    assert has_battery.sum() == 2 and np.all(lo[has_battery] < 0) and np.all(lo[~has_battery] == 0)
    # Batteries: half their headroom into storage; the others stay on time-of-use (NaN).
    asked = np.where(has_battery, 0.5 * hi, np.nan)
    w.set_battery_power(asked)
    stored = w.buildings()["battery_stored_kwh"].copy()
    w.step(120)  # two building steps
    b = w.buildings()
    assert np.allclose(b["battery_w"][has_battery], asked[has_battery], rtol=1e-6)
    assert np.all(b["battery_stored_kwh"][has_battery] > stored[has_battery])
    # Charging: every car park capped at nothing; the cars wait plugged in.
    cap_max = w.charging_cap_max()
    assert (cap_max > 0).sum() == 7
    w.set_charging_caps(np.zeros(n))
    charged = w.kpis()["energy"]["charging_kwh"]
    w.step(600)
    assert np.all(w.buildings()["charger_w"] == 0)
    assert w.kpis()["energy"]["charging_kwh"] == charged
    w.set_charging_caps(np.full(n, np.nan))  # back to "immediate"
    # HVAC: a July morning; every building at 24 C costs more cooling than at 28 C.
    rng = w.hvac_setpoint_range()
    assert rng["cooling_c"] == (22.0, 30.0) and rng["heating_c"] == (16.0, 26.0)

    def cooling_after(cooling_c):
        world = parktwin.World(hangzhou)
        world.set_hvac_setpoints(np.full(n, 18.0), np.full(n, cooling_c))
        world.step(1800)
        return world.kpis()["buildings"]["cooling_kwh"]

    assert cooling_after(24.0) > 1.2 * cooling_after(28.0)


def test_energy_actions_out_of_bounds_raise_and_change_nothing(hangzhou):
    w = parktwin.World(hangzhou)
    n = w.kpis()["buildings"]["buildings"]
    lo, hi = w.battery_limits()
    with pytest.raises(ValueError, match=r"power_w: expected shape \(56,\)"):
        w.set_battery_power(np.zeros(3))
    with pytest.raises(ValueError, match="power_w: expected numbers"):
        w.set_battery_power(np.array(["a"] * n))
    too_much = np.where(hi > 0, 1e9, np.nan)
    with pytest.raises(ValueError,
                       match=r"building \d+: battery power beyond the battery's rating"):
        w.set_battery_power(too_much)
    with pytest.raises(ValueError, match="without a battery"):
        w.set_battery_power(np.zeros(n))
    with pytest.raises(ValueError, match="outside the car park's chargers"):
        w.set_charging_caps(w.charging_cap_max() + 1.0)
    with pytest.raises(ValueError, match="heating <= cooling"):
        w.set_hvac_setpoints(np.full(n, 25.0), np.full(n, 23.0))
    with pytest.raises(ValueError, match="one NaN and not the other"):
        w.set_hvac_setpoints(np.full(n, np.nan), np.full(n, 26.0))
    # Nothing of the refused calls was taken: the World runs as if never asked.
    ref = parktwin.World(hangzhou)
    w.step(600)
    ref.step(600)
    assert w.kpis() == ref.kpis()
