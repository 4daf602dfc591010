#!/usr/bin/python3
"""A planner's what-if in `parktwin view`, driven as a person drives it: in a real window on a
virtual X display (Xvfb), with the mouse and keys sent by xdotool.

1. click a road (the camera starts over road_1_4_0): the inspector opens on it;
2. C: close it, an edit from the time now;  V: re-run from now as a variant beside the
   baseline;  S: save the edits as what-if.toml;
3. a screenshot shows the split view: the divider, the road busy on the baseline's side and
   empty (closed) on the variant's;
4. the viewer closes by itself, cleanly, printing the KPIs of both at its last moment;
5. `parktwin run` of the saved what-if and of the scenario, to that moment, give exactly those
   KPIs: what the planner saw is what the saved file runs.

The screenshot is kept as viewer_what_if.png in the work folder.

usage: test_viewer_what_if.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xwd_image  # noqa: E402
from x_display import virtual_display  # noqa: E402

W, H = 1200, 760


def wait_for(path, pattern, timeout=90):
    """The first match of `pattern` in the file at `path` (the viewer's stderr)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(path, encoding="utf-8", errors="replace") as f:
            m = re.search(pattern, f.read())
        if m:
            return m
        time.sleep(0.2)
    with open(path, encoding="utf-8", errors="replace") as f:
        raise AssertionError(f"no /{pattern}/ in the viewer's output:\n{f.read()[-3000:]}")


def closed_lane_pixels(rows, x0, x1, y0, y1):
    """Pixels in the box of the closed-lane colour (render/palette.h kClosedLane, blue)."""
    n = 0
    for row in rows[y0:y1:2]:
        for x in range(x0, x1, 2):
            r, g, b = row[3 * x:3 * x + 3]
            n += abs(r - 45) < 12 and abs(g - 95) < 12 and abs(b - 200) < 12
    return n


def kpis(path):
    return json.load(open(path))


def main():
    parktwin, source_dir, work_dir = sys.argv[1:4]
    work_dir = os.path.join(work_dir, "what_if")
    os.makedirs(work_dir, exist_ok=True)
    for name in ("what-if.toml", "viewer_err.txt"):
        if os.path.exists(os.path.join(work_dir, name)):
            os.remove(os.path.join(work_dir, name))
    scenario = os.path.join(source_dir, "assets", "scenarios", "hangzhou_4x4", "scenario.toml")
    with virtual_display() as env:
        err_path = os.path.join(work_dir, "viewer_err.txt")
        # From above, 0.1 m per pixel, centred on the lanes of road_1_4_0 (it runs east along
        # y = 1800 from x = 0 to 800; its lanes lie south of that line).
        with open(err_path, "w") as err:
            viewer = subprocess.Popen(
                [parktwin, "view", scenario, "--camera", "400,1794,0.1", "--speed", "60",
                 "--exit-after", "40", "--device", "cpu", "--size", f"{W}x{H}"],
                stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=work_dir)
        xdo = ["xdotool"]
        window = subprocess.run(xdo + ["search", "--sync", "--name", "^parktwin"], env=env,
                                capture_output=True, text=True, timeout=120).stdout.split()[0]
        time.sleep(3.0)  # traffic builds up on the road
        subprocess.run(xdo + ["mousemove", "--window", window, str(W // 2), str(H // 2),
                              "click", "1"], env=env, check=True)
        wait_for(err_path, r"inspecting road 'road_1_4_0'")
        subprocess.run(xdo + ["key", "--window", window, "c"], env=env, check=True)
        edit = wait_for(err_path, r"edit t = +(\d+) s  close_road 'road_1_4_0'")
        subprocess.run(xdo + ["key", "--window", window, "v"], env=env, check=True)
        wait_for(err_path, r"variant started with 1 edits")
        wait_for(err_path, r"variant caught up with the baseline")
        subprocess.run(xdo + ["key", "--window", window, "s"], env=env, check=True)
        wait_for(err_path, r"saved what-if.toml")
        time.sleep(3.0)  # the road empties on the variant's side
        shot = os.path.join(work_dir, "viewer_what_if.xwd")
        subprocess.run(["xwd", "-root", "-silent", "-out", shot], env=env, check=True)
        viewer.wait(timeout=120)
        err = open(err_path, encoding="utf-8", errors="replace").read()
        assert viewer.returncode == 0, f"viewer exited {viewer.returncode}: {err[-3000:]}"
        assert "validation" not in err, err[-3000:]

        w, h, rows = xwd_image.read_xwd(shot)
        xwd_image.write_png(os.path.join(work_dir, "viewer_what_if.png"), w, h, rows)
        # The divider: a light column at the middle of the window, from the top down to the
        # KPI table at the bottom (some 300 px with the energy rows).
        mid = W // 2
        light = sum(1 for row in rows[40:H - 320] if any(min(row[3 * x:3 * x + 3]) > 200
                                                          for x in range(mid - 2, mid + 2)))
        assert light > (H - 360) * 0.9, f"no divider at x = {mid}: {light} light rows"
        # The road across both panes, between the panels: open on the baseline's side, in the
        # closed-lane colour on the variant's (its three lanes, some 40 px wide each).
        base = closed_lane_pixels(rows, 440, 590, 180, 440)
        variant = closed_lane_pixels(rows, 610, 760, 180, 440)
        assert base == 0, f"the baseline's road shows {base} closed-lane pixels"
        assert variant > 3 * 75 * 15, f"the closed road shows only {variant} closed-lane pixels"

        # What the viewer showed at its last moment, and the saved what-if's own run to then.
        t = int(re.findall(r"view: at t = (\d+) s average travel time", err)[-1])
        shown = {m[0]: (float(m[1]), float(m[2])) for m in re.findall(
            r"view: at t = \d+ s ([a-zA-Z0-9 ()]+): baseline ([-0-9.e+]+) variant ([-0-9.e+]+)",
            err)}
        saved = os.path.join(work_dir, "what-if.toml")
        text = open(saved).read()
        assert f"at = {edit.group(1)}\n" in text and "road = 'road_1_4_0'" in text, text
        for manifest, column, name in ((scenario, 0, "base.json"), (saved, 1, "variant.json")):
            out = os.path.join(work_dir, name)
            # --force: the work folder keeps the last run's files.
            subprocess.run([parktwin, "run", manifest, "--duration", str(t), "--kpi-json", out,
                            "--force", "--quiet"], check=True, cwd=work_dir,
                           stdout=subprocess.DEVNULL)
            k = kpis(out)
            for key, label in (("average_travel_time_s", "average travel time"),
                               ("finished", "trips finished"), ("co2_kg", "CO2"),
                               ("closure_reroutes", "rerouted around closures")):
                seen = shown[label][column]
                assert abs(k[key] - seen) <= 1e-5 * max(1.0, abs(seen)), \
                    f"{manifest}: {key} {k[key]} at t = {t} s, the viewer showed {seen}"
        assert shown["rerouted around closures"][1] > 0, shown
        print(f"edit at t = {edit.group(1)} s; at t = {t} s: " + "; ".join(
            f"{k} {v[0]:g} -> {v[1]:g}" for k, v in shown.items()))
        print(f"screenshot: closed-lane pixels {base} (baseline) vs {variant} (variant)")


if __name__ == "__main__":
    main()
