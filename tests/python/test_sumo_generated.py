#!/usr/bin/python3
"""parktwin against Debian's SUMO on networks SUMO's own tools make (issue 18's acceptance):
a `netgenerate --rand` network and a `--spider` network with signals, a grid with actuated
signals, a two-lane grid with bus lines halting at bus stops, `randomTrips.py` demand
(routed by duarouter), both simulators run on the same .sumocfg in this test. Arrivals must
agree within 5 %, mean trip duration within 15 %, and parktwin may teleport no more than
SUMO did + 1 % of the trips; with buses, both serve every stop.

usage: test_sumo_generated.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

SUMO_HOME = os.environ.get("SUMO_HOME", "/usr/share/sumo")
END_S = 4500  # an hour of departures and time to finish
# name: (netgenerate options, seconds between departures, randomTrips --trip-attributes)
NETWORKS = {
    # Insertion at SUMO's departPos "random" and "free" (several vehicles per lane and step),
    # trips ending at arrivalPos "random".
    "rand": (["--rand", "--rand.iterations", "200"], 2, 'departPos="random" arrivalPos="random"'),
    "spider": (["--spider", "--spider.arm-number", "6", "--spider.circle-number", "5",
                "--spider.space-radius", "150"], 2, 'departPos="free"'),
    # SUMO's gap-based actuated programs (minDur 5 s, maxDur 50 s, max-gap 3 s), as
    # osmWebWizard makes them for OSM imports, under a demand that makes the greens short
    # (left turners then clear the junction from its internal junctions at each change).
    "grid_actuated": (["--grid", "--grid.number", "5", "--grid.length", "200",
                       "--grid.attach-length", "200", "--tls.default-type", "actuated"], 0.7, ""),
    # Two lanes each way; every tenth route becomes a bus line (bus_lines) halting 20 s at a
    # bus stop on the right lane of its second and fourth edges.
    "grid_bus": (["--grid", "--grid.number", "5", "--grid.length", "200",
                  "--grid.attach-length", "200", "--default.lanenumber", "2"], 1.2, ""),
}


def run(cmd, **kw):
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        sys.exit(f"FAILED ({done.returncode}): {' '.join(map(str, cmd))}\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def sumo_results(cfg, work):
    """SUMO's arrivals and mean trip duration from its tripinfo, teleports from its log, stops
    made from its stop output."""
    tripinfo = work / (cfg.stem + ".tripinfo.xml")
    stopinfo = work / (cfg.stem + ".stopinfo.xml")
    log = run(["sumo", "-c", cfg, "--no-step-log", "--no-warnings", "--xml-validation", "never",
               "--duration-log.statistics", "true", "--tripinfo-output", tripinfo,
               "--stop-output", stopinfo])
    durations = [float(t.get("duration")) for t in ET.parse(tripinfo).getroot().iter("tripinfo")]
    teleports = re.search(r"Teleports:\s*(\d+)", log)
    stops = sum(1 for _ in ET.parse(stopinfo).getroot().iter("stopinfo"))
    return (len(durations), sum(durations) / len(durations),
            int(teleports.group(1)) if teleports else 0, stops)


def bus_lines(net, routes, work):
    """Every tenth duarouter route as a bus (vClass bus, 12 m) with 20 s stops at bus stops on
    the right lane of its 2nd and 4th edges; writes bus.rou.xml and stops.add.xml."""
    length = {e.get("id"): float(e.find("lane").get("length"))
              for e in ET.parse(net).getroot().iter("edge") if e.get("function") != "internal"}
    stops = ET.Element("additional")
    buses = ET.Element("routes")
    ET.SubElement(buses, "vType", id="bus", vClass="bus", length="12", accel="1.2", decel="4",
                  maxSpeed="16")
    placed = set()
    for v in ET.parse(routes).getroot().iter("vehicle"):
        edges = v.find("route").get("edges").split()
        if int(v.get("id")) % 10 != 0 or len(edges) < 4:
            continue
        bus = ET.SubElement(buses, "vehicle", id="bus" + v.get("id"), type="bus",
                            depart=v.get("depart"))
        ET.SubElement(bus, "route", edges=" ".join(edges))
        for e in (edges[1], edges[3]):
            if e not in placed:
                placed.add(e)
                ET.SubElement(stops, "busStop", id="bs_" + e, lane=e + "_0",
                              startPos=f"{length[e] - 50:.1f}", endPos=f"{length[e] - 20:.1f}")
            ET.SubElement(bus, "stop", busStop="bs_" + e, duration="20")
    ET.ElementTree(stops).write(work / "stops.add.xml")
    ET.ElementTree(buses).write(work / "bus.rou.xml")


def main():
    parktwin, _source, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]) / "sumo_generated"
    for tool in ("sumo", "netgenerate", "duarouter"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: run tools/install-deps.sh --test (Debian's sumo)")
    random_trips = pathlib.Path(SUMO_HOME) / "tools" / "randomTrips.py"
    if not random_trips.exists():
        sys.exit(f"{random_trips} not found: run tools/install-deps.sh --test (sumo-tools)")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ, SUMO_HOME=SUMO_HOME)
    failures = []
    for name, (options, period, attributes) in NETWORKS.items():
        net, routes, cfg = work / f"{name}.net.xml", work / f"{name}.rou.xml", work / f"{name}.sumocfg"
        run(["netgenerate", *options, "--seed", "3", "--default-junction-type", "traffic_light",
             "--no-turnarounds", "true", "--no-warnings", "-o", net], env=env)
        run([sys.executable, random_trips, "-n", net, "-e", "3600", "-p", str(period), "--seed", "7",
             "--fringe-factor", "5", "--min-distance", "300", "-o", work / f"{name}.trips.xml",
             "-r", routes, *(["--trip-attributes", attributes] if attributes else [])],
            env=env, cwd=work)
        route_files, additional = routes.name, ""
        if name == "grid_bus":
            bus_lines(net, routes, work)
            route_files = f"bus.rou.xml,{routes.name}"
            additional = '<additional-files value="stops.add.xml"/>'
        cfg.write_text(f"""<configuration>
    <input><net-file value="{net.name}"/><route-files value="{route_files}"/>{additional}</input>
    <time><begin value="0"/><end value="{END_S}"/></time>
</configuration>
""")
        arrived, duration, teleports, stops = sumo_results(cfg, work)
        kpi_path = work / f"{name}.kpi.json"
        run([parktwin, "run", cfg, "--quiet", "--kpi-json", kpi_path], env=env)
        k = json.loads(kpi_path.read_text())
        k = k.get("kpi", k)
        trips = k["created"]
        line = (f"{name}: arrived {k['finished']} / SUMO {arrived}, mean trip "
                f"{k['mean_finished_trip_duration_s']:.1f} / {duration:.1f} s, teleports "
                f"{k['teleports']} / {teleports}, {trips} trips, stops made "
                f"{k['stops_served']} / {stops}")
        print(line)
        if abs(k["finished"] - arrived) > 0.05 * arrived:
            failures.append(line + ": arrivals differ by more than 5 %")
        if abs(k["mean_finished_trip_duration_s"] - duration) > 0.15 * duration:
            failures.append(line + ": mean trip duration differs by more than 15 %")
        if k["teleports"] > teleports + 0.01 * trips:
            failures.append(line + ": more teleports than SUMO's + 1 % of the trips")
        if k["stops_served"] != stops:
            failures.append(line + ": not the stops SUMO made")
    if failures:
        sys.exit("\n".join(failures))
    print("OK")


if __name__ == "__main__":
    main()
