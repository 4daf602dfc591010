#!/usr/bin/env python3
"""Compares two run files (`parktwin run ... --out F.h5`): their KPIs side by side on the
terminal and a figure (vehicles in the network and finished over time, the district's
electricity bought) with matplotlib.

    parktwin run assets/scenarios/hangzhou_4x4/scenario.toml --out fixed.h5
    parktwin run assets/scenarios/hangzhou_4x4/max_pressure.toml --out pressure.h5
    PYTHONPATH=build/release/python python3 examples/compare_runs.py fixed.h5 pressure.h5 \\
        --png compare.png
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import parktwin  # noqa: E402

KPIS = ["average_travel_time_s", "mean_finished_delay_s", "finished", "throughput_veh_per_h",
        "mean_stops_per_vehicle", "co2_kg"]


def main():
    p = argparse.ArgumentParser(description="Compare the KPIs and series of two run files")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--png", default="compare.png", help="figure to write")
    args = p.parse_args()
    runs = [parktwin.read_run(args.a), parktwin.read_run(args.b)]
    names = [f"{r.meta['scenario']} ({r.path})" for r in runs]
    print(f"{'KPI':<26}{'A':>14}{'B':>14}{'B - A':>12}")
    for k in KPIS:
        a, b = runs[0].kpis.get(k), runs[1].kpis.get(k)
        if a is None or b is None:
            continue
        print(f"{k:<26}{a:>14.1f}{b:>14.1f}{b - a:>+12.1f}")
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    for run, name in zip(runs, names):
        s = run.series
        axes[0].plot(s.index / 60, s["traffic/running"], label=name)
        axes[1].plot(s.index / 60, s["traffic/finished"], label=name)
        if "energy/site_import_w" in s:
            axes[2].plot(s.index / 60, s["energy/site_import_w"] / 1e3, label=name)
    for ax, title in zip(axes, ["vehicles in the network", "trips finished",
                                "electricity bought (kW)"]):
        ax.set_title(title)
        ax.set_xlabel("minutes")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.png, dpi=100)
    print(f"figure: {args.png}")


if __name__ == "__main__":
    main()
