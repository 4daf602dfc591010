#!/usr/bin/python3
"""Plots what `parktwin compare` wrote (DIR/compare.csv): for each KPI its mean over the seeds
with the 95 % interval, against a swept parameter, one line per combination of the other
parameters, the baseline's mean dashed; one PNG per KPI in DIR/plots/. `parktwin compare` runs
it (the binary carries a copy of this file); it also runs alone. Needs python3-matplotlib.

usage: plot_compare.py DIR [--x PARAMETER] [--out FOLDER]
"""

import argparse
import csv
import math
import os
import re
import sys

FIXED = ["variant", "runs_ok", "runs", "kpi", "mean", "ci95", "baseline", "baseline_mean",
         "difference", "change_pct"]


def number(text):
    try:
        x = float(text)
        return x if math.isfinite(x) else None
    except ValueError:
        return None


def main():
    ap = argparse.ArgumentParser(prog="plot_compare.py", description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="a sweep folder where parktwin compare wrote compare.csv")
    ap.add_argument("--x", help="the parameter on the x axis (default: the one with the most "
                                "values, numbers before words)")
    ap.add_argument("--out", help="folder for the PNGs (default DIR/plots)")
    a = ap.parse_args()
    path = os.path.join(a.dir, "compare.csv")
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = reader.fieldnames or []
    except OSError as e:
        sys.exit(f"plot_compare.py: {path}: {e.strerror} (run parktwin compare first)")
    params = [h for h in header if h not in FIXED]
    if not rows:
        sys.exit(f"plot_compare.py: {path}: no rows (no variant has a run that ended ok)")
    if a.x is not None and a.x not in params:
        sys.exit(f"plot_compare.py: --x {a.x}: not a swept parameter (the sweep's: "
                 f"{', '.join(params) or 'none'})")

    def values(p):
        return sorted({r[p] for r in rows})

    def numeric(p):
        return all(number(v) is not None for v in values(p))

    x = a.x
    if x is None and params:
        x = max(params, key=lambda p: (numeric(p), len(values(p)), -params.index(p)))
    others = [p for p in params if p != x]
    xs_numeric = x is not None and numeric(x)
    categories = values(x) if x is not None and not xs_numeric else \
        sorted({r["variant"] for r in rows}) if x is None else []

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = a.out or os.path.join(a.dir, "plots")
    os.makedirs(out, exist_ok=True)
    kpis = list(dict.fromkeys(r["kpi"] for r in rows))
    for kpi in kpis:
        mine = [r for r in rows if r["kpi"] == kpi]
        series = {}
        for r in mine:
            series.setdefault(tuple(r[p] for p in others), []).append(r)
        fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=110)
        width = 0.8 / max(1, len(series))
        for i, (key, rs) in enumerate(sorted(series.items())):
            if xs_numeric:
                rs = sorted(rs, key=lambda r: number(r[x]))
                pos = [number(r[x]) for r in rs]
            else:
                where = {c: j for j, c in enumerate(categories)}
                pos = [where[r[x] if x is not None else r["variant"]] +
                       (i - (len(series) - 1) / 2) * width for r in rs]
            mean = [float(r["mean"]) for r in rs]
            ci = [number(r["ci95"]) or 0.0 for r in rs]
            label = ", ".join(f"{p}={v}" for p, v in zip(others, key)) or None
            ax.errorbar(pos, mean, yerr=ci, marker="o", capsize=4, linewidth=1.5,
                        linestyle="-" if xs_numeric else "none", label=label)
        base = next((number(r["baseline_mean"]) for r in mine
                     if number(r["baseline_mean"]) is not None), None)
        if base is not None:
            ax.axhline(base, color="grey", linestyle="--", linewidth=1,
                       label=f"baseline {mine[0]['baseline']}")
        if not xs_numeric:
            ax.set_xticks(range(len(categories)))
            ax.set_xticklabels(categories, rotation=20 if len(categories) > 4 else 0)
        ax.set_xlabel(x if x is not None else "variant")
        ax.set_ylabel(kpi)
        runs = sorted({int(r["runs_ok"]) for r in mine})
        seeds = f"{runs[0]}" if len(runs) == 1 else f"{runs[0]}-{runs[-1]}"
        plural = "" if runs == [1] else "s"
        ax.set_title(f"{kpi}: mean and 95 % interval over {seeds} seed{plural}")
        ax.grid(True, alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
        fig.tight_layout()
        png = os.path.join(out, re.sub(r"[^A-Za-z0-9_.-]", "_", kpi) + ".png")
        fig.savefig(png)
        plt.close(fig)
        print(png)


if __name__ == "__main__":
    main()
