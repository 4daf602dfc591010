#!/bin/sh
# bench_sweep.sh PARKTWIN [WORK_DIR]: a 16-run sweep (4 demand scales x 4 seeds on CityFlow's
# grid_10x10, ../shared/data/cityflow, 8000 vehicles over 3600 s; a generated 10x10 grid where
# ../shared is missing) with 1 job and with 2 jobs, each run on one thread, and under mpirun
# with 1 and 2 ranks, in one run on one machine; prints the wall times and the ratios (issue
# 20's target for 2 ranks: at least 1.8x).
set -eu
PARKTWIN=${1:?usage: bench_sweep.sh PARKTWIN [WORK_DIR]}
WORK=${2:-$(mktemp -d)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CITYFLOW="$ROOT/../shared/data/cityflow/grid_10x10"
mkdir -p "$WORK"
if [ -f "$CITYFLOW/roadnet.json" ]; then
  mkdir -p "$WORK/grid"
  cat > "$WORK/grid/scenario.toml" <<MANIFEST
name = "grid_10x10"
description = "CityFlow's synthetic 10x10 grid (../shared/data/cityflow/grid_10x10)"
duration = 3600
step = 1.0
[traffic]
network = "$CITYFLOW/roadnet.json"
demand = "$CITYFLOW/flow.json"
MANIFEST
  echo "network: CityFlow's grid_10x10"
else
  "$PARKTWIN" generate grid --rows 10 --cols 10 --duration 3600 --out "$WORK/grid" --force > /dev/null
  echo "network: a generated 10x10 grid (no ../shared/data/cityflow/grid_10x10)"
fi
cat > "$WORK/sweep.toml" <<SPEC
base = "$WORK/grid/scenario.toml"
seeds = 4
[parameters]
"traffic.demand_scale" = [0.8, 1.0, 1.2, 1.4]
SPEC
elapsed() {
  rm -rf "$WORK/out_$1"
  start=$(date +%s.%N)
  "$PARKTWIN" --threads 1 sweep "$WORK/sweep.toml" --out "$WORK/out_$1" --jobs "$1" --quiet > /dev/null
  end=$(date +%s.%N)
  awk "BEGIN { print $end - $start }"
}
# The same under mpirun: 1 rank against 2 ranks (rank 0 hands the runs out).
ranks() {
  rm -rf "$WORK/mpi_$1"
  start=$(date +%s.%N)
  mpirun --allow-run-as-root --oversubscribe -n "$1" "$PARKTWIN" --threads 1 sweep \
    "$WORK/sweep.toml" --out "$WORK/mpi_$1" --quiet > /dev/null
  end=$(date +%s.%N)
  awk "BEGIN { print $end - $start }"
}
one=$(elapsed 1)
two=$(elapsed 2)
echo "how,wall_s"
echo "1 job,$one"
echo "2 jobs,$two"
awk "BEGIN { printf \"ratio 1 job / 2 jobs: %.2fx\\n\", $one / $two }"
if command -v mpirun > /dev/null; then
  r1=$(ranks 1)
  r2=$(ranks 2)
  echo "mpirun -n 1,$r1"
  echo "mpirun -n 2,$r2"
  awk "BEGIN { printf \"ratio 1 rank / 2 ranks: %.2fx\\n\", $r1 / $r2 }"
fi
