#!/usr/bin/python3
"""`parktwin view --demo` in a real window on a virtual X display (Xvfb), seen as a person sees
it: screenshots of the whole screen with xwd while it runs; the last one must be a picture
(many colours, the map and the panels), and the viewer must close by itself, cleanly (exit 0,
no Vulkan validation message). The screenshot is kept as viewer_demo.png in the work folder.

usage: test_viewer_xvfb.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xwd_image  # noqa: E402
from x_display import virtual_display  # noqa: E402


def main():
    parktwin, source_dir, work_dir = sys.argv[1:4]
    os.makedirs(work_dir, exist_ok=True)
    with virtual_display() as env:
        scenario = os.path.join(source_dir, "assets", "scenarios", "hangzhou_4x4", "roadworks.toml")
        viewer = subprocess.Popen([parktwin, "view", scenario, "--demo", "--exit-after", "6",
                                   "--device", "cpu", "--size", "1200x760"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        shot = os.path.join(work_dir, "viewer_demo.xwd")
        best = None
        deadline = time.time() + 240
        while viewer.poll() is None and time.time() < deadline:
            time.sleep(0.7)
            if viewer.poll() is not None:
                break
            if subprocess.run(["xwd", "-root", "-silent", "-out", shot],
                              env=env).returncode == 0:
                w, h, rows = xwd_image.read_xwd(shot)
                colours = set()
                for row in rows[::4]:
                    for x in range(0, len(row), 12):
                        colours.add(row[x:x + 3])
                if best is None or len(colours) >= best[0]:
                    best = (len(colours), w, h, rows)
        out, err = viewer.communicate(timeout=60)
        err = err.decode(errors="replace")
        assert viewer.returncode == 0, f"viewer exited {viewer.returncode}: {err[-2000:]}"
        assert "validation" not in err, err[-2000:]
        assert "frames in" in err, err
        assert best is not None, "no screenshot taken while the viewer ran"
        n_colours, w, h, rows = best
        xwd_image.write_png(os.path.join(work_dir, "viewer_demo.png"), w, h, rows)
        # Not blank, not one colour: the dark ground, lanes of the speed ramp, vehicles, stop
        # lines, panels and captions with their text.
        assert n_colours >= 40, f"only {n_colours} colours on screen"
        lit = sum(1 for row in rows[::8] for x in range(0, len(row), 24) if sum(row[x:x + 3]) > 120)
        total = len(rows[::8]) * (w // 8)
        assert lit > total * 0.03, f"only {lit} of {total} sampled pixels are lit"
        print(err.strip().splitlines()[-1])
        print(f"screenshot: {n_colours} colours, {lit}/{total} sampled pixels lit")


if __name__ == "__main__":
    main()
