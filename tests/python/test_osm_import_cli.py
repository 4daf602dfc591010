#!/usr/bin/python3
"""`parktwin import osm` as a user runs it (issue 18's acceptance): the small town written for
the tests becomes a folder whose scenario.toml runs for an hour (`parktwin run`) and renders
(`parktwin render`, offscreen); the image shows the buildings, the lake and the park. A file
that is not OpenStreetMap XML exits non-zero naming the file. The picture is kept as
osm_town.png in the work folder.

usage: test_osm_import_cli.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import json
import os
import pathlib
import shutil
import sys

import matplotlib.image as mpimg
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_run import run  # noqa: E402


def main():
    parktwin, source, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    town = work / "osm_town"
    shutil.rmtree(town, ignore_errors=True)
    out = run([parktwin, "import", "osm", source / "tests/data/osm/small_town.osm", "--out", town])
    print(out)
    assert "buildings: 2" in out and "1 signals" in out, out
    manifest = town / "scenario.toml"
    kpi = work / "osm_town_kpi.json"
    kpi.unlink(missing_ok=True)
    run([parktwin, "run", manifest, "--quiet", "--kpi-json", kpi])
    k = json.loads(kpi.read_text())
    k = k.get("kpi", k)
    print(f"an hour: {k['created']} trips, {k['finished']} finished, {k['teleports']} teleports")
    assert k["time_s"] == 3600 and k["created"] > 100 and k["finished"] >= 0.95 * k["created"], k
    png = work / "osm_town.png"
    run([parktwin, "render", manifest, "--time", "1500", "--out", png, "--force"])
    image = mpimg.imread(png)[:, :, :3]
    background = image[0, 0]
    drawn = np.any(np.abs(image - background) > 0.05, axis=2).mean()
    # Buildings (pink-ish), water (blue) and park (green) each cover part of the frame.
    red, green, blue = image[:, :, 0], image[:, :, 1], image[:, :, 2]
    buildings = ((red > 0.75) & (green > 0.55) & (blue > 0.55)).mean()
    water = ((blue > red + 0.1) & (blue > green)).mean()
    park = ((green > red + 0.05) & (green > blue + 0.05)).mean()
    print(f"drawn {drawn:.2%}, buildings {buildings:.2%}, water {water:.2%}, park {park:.2%}")
    assert drawn > 0.10 and buildings > 0.02 and water > 0.02 and park > 0.01
    bad = work / "not_osm.osm"
    bad.write_text("<?xml version='1.0'?>\n<net>\n</net>\n")
    shutil.rmtree(work / "osm_bad", ignore_errors=True)
    err = run([parktwin, "import", "osm", bad, "--out", work / "osm_bad"], expect=1)
    assert str(bad) in err and "not an OpenStreetMap XML file" in err, err
    print("OK")


if __name__ == "__main__":
    main()
