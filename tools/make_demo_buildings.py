#!/usr/bin/env python3
"""Writes the demo building table of the hangzhou_4x4 scenario (buildings.geojson).

The network (assets/scenarios/hangzhou_4x4/roadnet_4_4.json) has its signalised
intersections at x = 0, 800, 1600, 2400 and y = 0, 600, 1200, 1800 m; its roads carry
three 4 m lanes each way, 12 m either side of the centre line. The buildings stand in
the nine blocks between those roads, at least 40 m from every centre line (the test
asks for 25 m), none overlapping, each block with a theme:

    y 1200-1800:  campus        | offices + retail | residential
    y  600-1200:  residential   | CBD              | manufacturing + labs
    y    0- 600:  residential   | offices          | manufacturing
                  x 0-800         x 800-1600         x 1600-2400

Sizes follow the usual SIP stock: offices 40 x 25 m of 6-20 floors, residential slabs
60 x 15 m of 10-30 floors, manufacturing sheds 80 x 50 m of 1-2 storeys, retail
60 x 40 m of 3 floors, labs 50 x 30 m, campus teaching blocks (one L-shaped). Rooftop PV
on the sheds, the campus and some others; feeders split north/south at y = 900 m (grid.toml);
EV chargers at seven car parks and batteries at two buildings (ASSETS below).

Coordinates are the scenario's metres (x east, y north), not WGS84, in the structure of
RFC 7946; exterior rings counter-clockwise and closed. Everything is computed from the
block and slot indices, with no random numbers, so the output is the same on every run:

    python3 tools/make_demo_buildings.py [output path]
"""

import json
import math
import sys

DEFAULT_OUT = "assets/scenarios/hangzhou_4x4/buildings.geojson"
BLOCK_W, BLOCK_H = 800.0, 600.0


def rect(x, y, w, d):
    """Counter-clockwise closed ring of the w x d rectangle with its south-west corner at (x, y)."""
    return [[x, y], [x + w, y], [x + w, y + d], [x, y + d], [x, y]]


def rotated_rect(cx, cy, w, d, degrees):
    """Counter-clockwise closed ring of a w x d rectangle centred on (cx, cy), turned by degrees."""
    a = math.radians(degrees)
    ca, sa = math.cos(a), math.sin(a)
    ring = []
    for ux, uy in [(-w / 2, -d / 2), (w / 2, -d / 2), (w / 2, d / 2), (-w / 2, d / 2)]:
        ring.append([round(cx + ux * ca - uy * sa, 2), round(cy + ux * sa + uy * ca, 2)])
    return ring + [ring[0]]


def l_shape(x, y):
    """An L of a 60 x 20 m wing along x and a 20 x 40 m wing going north from its west end."""
    return [[x, y], [x + 60, y], [x + 60, y + 20], [x + 20, y + 20], [x + 20, y + 60], [x, y + 60],
            [x, y]]


features = []


def add(ident, ring, use, height, **props):
    cy = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
    properties = {"id": ident, "use": use, "height": round(height, 2)}
    properties.update(props)
    properties["feeder"] = "feeder_south" if cy < 900.0 else "feeder_north"
    features.append({"type": "Feature", "properties": properties,
                     "geometry": {"type": "Polygon", "coordinates": [ring]}})


def origin(bx, by):
    return bx * BLOCK_W, by * BLOCK_H


def residential_block(bx, by, skip=()):
    x0, y0 = origin(bx, by)
    for i, dx in enumerate([80.0, 370.0, 660.0]):
        for j, dy in enumerate([80.0, 250.0, 420.0]):
            if (i, j) in skip:
                continue
            floors = 10 + (3 * i + 7 * j + 5 * bx + 2 * by) % 21  # 10..30
            extra = {"floors": floors} if (i + j) % 2 == 0 else {}
            if (i, j) == (1, 1):
                extra["u_wall"] = 0.6  # a retrofitted slab
            if (i, j) == (0, 2):
                extra["pv_kwp"] = 30.0
            add(f"res-{bx}{by}-{i}{j}", rect(x0 + dx, y0 + dy, 60.0, 15.0), "residential",
                floors * 2.8, **extra)


def office(ident, ring, floors, **extra):
    add(ident, ring, "office", floors * 3.5, **extra)


def retail(ident, x, y, **extra):
    add(ident, rect(x, y, 60.0, 40.0), "retail", 15.0, **extra)


# y 0-600: residential | offices | manufacturing
residential_block(0, 0)
x0, y0 = origin(1, 0)
for i, dx in enumerate([120.0, 380.0, 640.0]):
    for j, dy in enumerate([120.0, 400.0]):
        floors = 6 + (5 * i + 9 * j) % 15  # 6..20
        ident = f"off-10-{i}{j}"
        if (i, j) == (1, 1):  # turned 30 degrees off the grid
            office(ident, rotated_rect(x0 + dx + 20.0, y0 + dy + 12.5, 40.0, 25.0, 30.0), floors)
        elif (i, j) == (2, 0):  # a glass tower: the 0.50-0.60 row of GB 50189-2015
            office(ident, rect(x0 + dx, y0 + dy, 40.0, 25.0), floors, window_to_wall=0.6,
                   u_window=2.2, g_value=0.35, pv_kwp=50.0)
        else:
            office(ident, rect(x0 + dx, y0 + dy, 40.0, 25.0), floors)
x0, y0 = origin(2, 0)
for i, dx in enumerate([100.0, 420.0]):
    for j, dy in enumerate([100.0, 350.0]):
        storeys = 1 + (i + j) % 2
        add(f"mfg-20-{i}{j}", rect(x0 + dx, y0 + dy, 80.0, 50.0), "manufacturing",
            10.0 if storeys == 1 else 16.0, floors=storeys, pv_kwp=300.0)

# y 600-1200: residential | CBD | manufacturing + labs
residential_block(0, 1, skip=[(2, 2)])
x0, y0 = origin(0, 1)
retail("ret-01-0", x0 + 660.0, y0 + 420.0)
x0, y0 = origin(1, 1)
retail("ret-11-0", x0 + 100.0, y0 + 100.0, pv_kwp=120.0)
retail("ret-11-1", x0 + 100.0, y0 + 400.0, cooling_setpoint=25.0)
for k, (dx, dy) in enumerate([(350.0, 100.0), (350.0, 400.0), (600.0, 100.0), (600.0, 400.0)]):
    office(f"off-11-{k}", rect(x0 + dx, y0 + dy, 40.0, 25.0), 15 + (3 * k) % 6,
           heating_setpoint=21.0 if k == 0 else None)
x0, y0 = origin(2, 1)
for i, dx in enumerate([100.0, 420.0]):
    add(f"mfg-21-{i}", rect(x0 + dx, y0 + 100.0, 80.0, 50.0), "manufacturing", 9.0,
        pv_kwp=300.0)
    add(f"lab-21-{i}", rect(x0 + dx, y0 + 380.0, 50.0, 30.0), "lab", 18.0, floors=4)

# y 1200-1800: campus | offices + retail | residential
x0, y0 = origin(0, 2)
add("cam-02-0", l_shape(x0 + 100.0, y0 + 100.0), "campus", 4 * 3.9, pv_kwp=80.0)
for k, (dx, dy) in enumerate([(300.0, 100.0), (500.0, 100.0), (300.0, 380.0)]):
    add(f"cam-02-{k + 1}", rect(x0 + dx, y0 + dy, 50.0, 20.0), "campus", (4 + k) * 3.9)
add("cam-02-4", rect(x0 + 550.0, y0 + 380.0, 40.0, 40.0), "campus", 3 * 3.9, pv_kwp=40.0)
x0, y0 = origin(1, 2)
for k, (dx, dy) in enumerate([(120.0, 120.0), (380.0, 120.0), (120.0, 400.0)]):
    office(f"off-12-{k}", rect(x0 + dx, y0 + dy, 40.0, 25.0), 8 + 4 * k)
retail("ret-12-0", x0 + 380.0, y0 + 400.0)
residential_block(2, 2)

# Electrical assets. EV chargers at car parks entered from the roads on which most trips of
# the demand end (the exit roads at the grid's corners and edges: CityFlow routes end where
# the network does), 7 kW AC points (GB/T 20234.2 mode 3, the usual Chinese wall box) and one
# DC fast-charging hub at a shop; batteries at a factory and a shop with PV.
ASSETS = {
    "off-10-00": {"chargers": 60, "car_park_road": "road_2_1_3"},
    "off-12-2": {"chargers": 60, "car_park_road": "road_2_4_1"},
    "ret-12-0": {"chargers": 12, "charger_kw": 60.0, "car_park_road": "road_3_4_1"},
    "res-22-22": {"chargers": 100, "car_park_road": ["road_4_4_1", "road_4_4_0"]},
    "res-00-00": {"chargers": 100, "car_park_road": ["road_1_1_3", "road_1_2_2"]},
    "cam-02-0": {"chargers": 40, "car_park_road": ["road_1_4_1", "road_1_3_2"]},
    "mfg-20-10": {"chargers": 30, "car_park_road": "road_4_1_0", "battery_kwh": 500.0,
                  "battery_kw": 250.0},
    "ret-11-0": {"battery_kwh": 200.0, "battery_kw": 100.0},
}
for f in features:
    f["properties"].update(ASSETS.get(f["properties"]["id"], {}))
assert all(any(f["properties"]["id"] == k for f in features) for k in ASSETS)

# Properties left at None are not written: the archetype gives them.
for f in features:
    f["properties"] = {k: v for k, v in f["properties"].items() if v is not None}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    lines = [
        "{",
        '  "type": "FeatureCollection",',
        '  "name": "hangzhou_4x4 demo buildings (tools/make_demo_buildings.py)",',
        '  "description": "Coordinates in the scenario metres of roadnet_4_4.json (x east, y'
        ' north), not WGS84.",',
        '  "features": [',
    ]
    body = [("    " + json.dumps(f, separators=(", ", ": "))) for f in features]
    lines.append(",\n".join(body))
    lines += ["  ]", "}"]
    with open(out, "w", encoding="utf-8", newline="\n") as fp:
        fp.write("\n".join(lines) + "\n")
    print(f"{out}: {len(features)} buildings")


if __name__ == "__main__":
    main()
