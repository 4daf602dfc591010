"""Run files (`parktwin run --out F.h5`, docs/hdf5-layout.md) as pandas DataFrames, with
python3-h5py and python3-pandas."""

import os

import numpy as np

__all__ = ["RunFile", "read_run", "read_sweep"]


def _text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    if isinstance(value, np.generic):
        return value.item()
    return value


def _columns(group):
    """The 1-D datasets of an HDF5 group as {name: array} (strings decoded)."""
    out = {}
    for name, ds in group.items():
        if getattr(ds, "ndim", None) != 1:
            continue
        data = ds[()]
        if data.dtype.kind in "SO":
            data = np.array([_text(v) for v in data], dtype=object)
        out[name] = data
    return out


class RunFile:
    """What a run file holds, read at once (the trajectories excepted: `trajectories()`).

    - `meta`: the run's settings (/meta), a dict;
    - `kpis`: the KPIs at the end (/kpi), a dict (empty for a run still going);
    - `series`: the scalar series (traffic counts, site totals, ...) as one DataFrame indexed
      by `time_s`, columns named `traffic/running`, `buildings/site_pv_w`, ...;
    - `lanes(name)`, `signals()`, `buildings(name)`, `feeders(name)`: the per-lane, per-signal,
      per-building and per-feeder series as DataFrames indexed by `time_s`, one column per
      lane (road id and index), signal (junction id), building or feeder;
    - `tables`: /events, /controllers, /buildings, /network/* as DataFrames.
    """

    def __init__(self, path):
        import h5py
        import pandas as pd

        self.path = os.fspath(path)
        if not os.path.isfile(self.path):
            raise FileNotFoundError(f"no run file at '{self.path}'")
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as e:
            raise ValueError(f"{self.path}: not an HDF5 run file ({e})") from None
        f = self._file
        if "meta" not in f or _text(f["meta"].attrs.get("format", b"")) != "parktwin-run":
            raise ValueError(f"{self.path}: not a parktwin run file (no /meta with "
                             "format = parktwin-run)")
        self.meta = {k: _text(v) for k, v in f["meta"].attrs.items()}
        # /kpi exists from a run file's creation; it holds the KPIs once the run finished
        # (state_hash is written last).
        finished = "kpi" in f and "state_hash" in f["kpi"].attrs
        self.kpis = {k: _text(v) for k, v in f["kpi"].attrs.items()} if finished else {}
        self.time_s = f["series/time_s"][()] if "series/time_s" in f else np.zeros(0)
        index = pd.Index(self.time_s, name="time_s")
        scalar = {}
        for part in ("traffic", "buildings", "energy"):
            if f"series/{part}" not in f:
                continue
            for name, ds in f[f"series/{part}"].items():
                if ds.ndim == 1 and len(ds) == len(self.time_s):
                    scalar[f"{part}/{name}"] = ds[()]
        self.series = pd.DataFrame(scalar, index=index)
        self.tables = {}
        for name in ("events", "controllers", "buildings", "network/junctions", "network/roads",
                     "network/lanes", "network/links", "energy/feeders"):
            if name in f and isinstance(f[name], h5py.Group):
                cols = _columns(f[name])
                lengths = {len(v) for v in cols.values()}
                if len(lengths) == 1:
                    self.tables[name] = pd.DataFrame(cols)
        self._pd = pd
        self._index = index

    def _matrix(self, dataset, columns):
        f = self._file
        if dataset not in f:
            raise KeyError(f"{self.path}: no {dataset} (available: "
                           f"{', '.join(sorted(self._matrices()))})")
        data = f[dataset][()]
        if data.ndim != 2 or data.shape[0] != len(self.time_s):
            raise ValueError(f"{self.path}: {dataset} has shape {data.shape}, expected "
                             f"({len(self.time_s)}, n)")
        if columns is None or len(columns) != data.shape[1]:
            columns = range(data.shape[1])
        return self._pd.DataFrame(data, index=self._index, columns=list(columns))

    def _matrices(self):
        out = []
        self._file.visititems(lambda n, o: out.append(n) if getattr(o, "ndim", 0) == 2 else None)
        return out

    def lanes(self, name="lane_vehicles"):
        """lane_vehicles, lane_halting or lane_mean_speed_mps, one column per lane."""
        lanes = self.tables.get("network/lanes")
        roads = self.tables.get("network/roads")
        columns = None
        if lanes is not None and roads is not None:
            columns = [f"{roads['id'][r]}_{i}" for r, i in zip(lanes["road"], lanes["index"])]
        return self._matrix(f"series/traffic/{name}", columns)

    def signals(self):
        """The phase of every signal, one column per signalised junction."""
        j = self.tables.get("network/junctions")
        columns = None
        if j is not None:
            signalised = j[j["signal"] >= 0].sort_values("signal")
            columns = list(signalised["id"])
        return self._matrix("series/traffic/signal_phase", columns)

    def buildings(self, name="air_c"):
        """air_c, operative_c, electric_w, pv_w or hvac_heat_w (or an energy series per
        building: charger_w, battery_w, import_w, export_w, stored_kwh), one column each."""
        b = self.tables.get("buildings")
        columns = list(b["id"]) if b is not None else None
        part = "energy" if f"series/energy/{name}" in self._file else "buildings"
        return self._matrix(f"series/{part}/{name}", columns)

    def feeders(self, name="feeder_w"):
        feeders = self.tables.get("energy/feeders")
        return self._matrix(f"series/energy/{name}", list(feeders["name"]) if feeders is not None
                            else None)

    def trajectories(self):
        """Every recorded vehicle sample (run with --trajectories): time_s, vehicle (trip
        index), segment, pos_m, speed_mps."""
        f = self._file
        if "trajectories" not in f:
            raise KeyError(f"{self.path}: no /trajectories (run with --trajectories)")
        g = f["trajectories"]
        counts = g["vehicles_in_network"][()]
        return self._pd.DataFrame({
            "time_s": np.repeat(self.time_s[:len(counts)], counts),
            "vehicle": g["vehicle"][()], "segment": g["segment"][()],
            "pos_m": g["pos_m"][()], "speed_mps": g["speed_mps"][()]})

    def close(self):
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return (f"RunFile('{self.path}': {self.meta.get('scenario', '?')}, "
                f"{len(self.time_s)} samples, {len(self.kpis)} KPIs)")


def read_run(path):
    """Opens a run file: `read_run("run.h5").series`, `.kpis`, `.lanes()`, ... (RunFile)."""
    return RunFile(path)


def read_sweep(path):
    """A sweep's summary (`parktwin sweep SPEC --out DIR`, docs/sweeps.md) as a pandas DataFrame,
    one row per run: `run`, `variant`, `seed`, the swept parameters, `status`, `exit_code`,
    `error`, `wall_s`, `host` and every KPI. `path`: the sweep's folder or its summary.h5."""
    import h5py
    import pandas as pd

    if os.path.isdir(path):
        path = os.path.join(path, "summary.h5")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no sweep summary (expected a folder parktwin sweep wrote)")
    with h5py.File(path, "r") as f:
        if "runs" not in f:
            raise ValueError(f"{path}: not a sweep summary (expected a /runs group)")
        runs = f["runs"]
        # Columns in the order parktwin wrote them (HDF5 lists names sorted).
        order = ["run", "variant", "seed"]
        cols = _columns(runs)
    df = pd.DataFrame(cols)
    front = [c for c in order if c in df.columns]
    return df[front + [c for c in df.columns if c not in front]]
