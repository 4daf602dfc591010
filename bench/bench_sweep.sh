#!/bin/sh
# bench_sweep.sh PARKTWIN [WORK_DIR]: a 16-run sweep (4 demand scales x 4 seeds on CityFlow's
# grid_10x10, ../shared/data/cityflow, 8000 vehicles over 3600 s; a generated 10x10 grid where
# ../shared is missing) with 1 job and with 2 jobs, each run on one thread, and under mpirun
# with 1 and 2 ranks, in one run on one machine; prints the wall times and the ratios (issue
# 20's target for 2 ranks: at least 1.8x). REPEATS=N rounds (default 3), the best of each.
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
# REPEATS rounds (default 3), the four ways taking turns in each; each way's best (least
# disturbed) time gives the ratios. This machine's speed drifts by several percent from one
# minute to the next, which a single timing of each would read as a change of the ratio.
REPEATS=${REPEATS:-3}
min() { awk "BEGIN { a = $1; b = $2; print (b < a ? b : a) }"; }
one=1e9; two=1e9; r1=1e9; r2=1e9
echo "round,1 job,2 jobs,mpirun -n 1,mpirun -n 2 (wall s)"
i=1
while [ "$i" -le "$REPEATS" ]; do
  a=$(elapsed 1); b=$(elapsed 2); c=-; d=-
  one=$(min "$one" "$a"); two=$(min "$two" "$b")
  if command -v mpirun > /dev/null; then
    c=$(ranks 1); d=$(ranks 2)
    r1=$(min "$r1" "$c"); r2=$(min "$r2" "$d")
  fi
  echo "$i,$a,$b,$c,$d"
  i=$((i + 1))
done
awk "BEGIN { printf \"best of $REPEATS: 1 job %.2f s, 2 jobs %.2f s: ratio 1 job / 2 jobs %.2fx\\n\", $one, $two, $one / $two }"
if command -v mpirun > /dev/null; then
  awk "BEGIN { printf \"best of $REPEATS: mpirun -n 1 %.2f s, -n 2 %.2f s: ratio 1 rank / 2 ranks %.2fx\\n\", $r1, $r2, $r1 / $r2 }"
fi
