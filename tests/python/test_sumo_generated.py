#!/usr/bin/python3
"""parktwin against Debian's SUMO on networks SUMO's own tools make (issue 18's acceptance):
a `netgenerate --rand` network and a `--spider` network with signals, a grid with actuated
signals, `randomTrips.py` demand
(routed by duarouter), both simulators run on the same .sumocfg in this test. Arrivals must
agree within 5 %, mean trip duration within 15 %, and parktwin may teleport no more than
SUMO did + 1 % of the trips.

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
}


def run(cmd, **kw):
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        sys.exit(f"FAILED ({done.returncode}): {' '.join(map(str, cmd))}\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def sumo_results(cfg, work):
    """SUMO's arrivals and mean trip duration from its tripinfo, teleports from its log."""
    tripinfo = work / (cfg.stem + ".tripinfo.xml")
    log = run(["sumo", "-c", cfg, "--no-step-log", "--no-warnings", "--xml-validation", "never",
               "--duration-log.statistics", "true", "--tripinfo-output", tripinfo])
    durations = [float(t.get("duration")) for t in ET.parse(tripinfo).getroot().iter("tripinfo")]
    teleports = re.search(r"Teleports:\s*(\d+)", log)
    return len(durations), sum(durations) / len(durations), int(teleports.group(1)) if teleports else 0


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
        cfg.write_text(f"""<configuration>
    <input><net-file value="{net.name}"/><route-files value="{routes.name}"/></input>
    <time><begin value="0"/><end value="{END_S}"/></time>
</configuration>
""")
        arrived, duration, teleports = sumo_results(cfg, work)
        kpi_path = work / f"{name}.kpi.json"
        run([parktwin, "run", cfg, "--quiet", "--kpi-json", kpi_path], env=env)
        k = json.loads(kpi_path.read_text())
        k = k.get("kpi", k)
        trips = k["created"]
        line = (f"{name}: arrived {k['finished']} / SUMO {arrived}, mean trip "
                f"{k['mean_finished_trip_duration_s']:.1f} / {duration:.1f} s, teleports "
                f"{k['teleports']} / {teleports}, {trips} trips")
        print(line)
        if abs(k["finished"] - arrived) > 0.05 * arrived:
            failures.append(line + ": arrivals differ by more than 5 %")
        if abs(k["mean_finished_trip_duration_s"] - duration) > 0.15 * duration:
            failures.append(line + ": mean trip duration differs by more than 15 %")
        if k["teleports"] > teleports + 0.01 * trips:
            failures.append(line + ": more teleports than SUMO's + 1 % of the trips")
    if failures:
        sys.exit("\n".join(failures))
    print("OK")


if __name__ == "__main__":
    main()
