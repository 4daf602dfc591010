#!/bin/sh
# bench_sweep.sh PARKTWIN [WORK_DIR]: a 16-run sweep (4 demand scales x 4 seeds on a generated
# 10x10 grid, 1800 s each) with 1 job and with 2 jobs, each run on one thread, in one run on one
# machine; prints both wall times and the ratio (issue 20's target for 2 processes: at least
# 1.8x).
set -eu
PARKTWIN=${1:?usage: bench_sweep.sh PARKTWIN [WORK_DIR]}
WORK=${2:-$(mktemp -d)}
mkdir -p "$WORK"
"$PARKTWIN" generate grid --rows 10 --cols 10 --duration 1800 --out "$WORK/grid" --force > /dev/null
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
one=$(elapsed 1)
two=$(elapsed 2)
echo "jobs,wall_s"
echo "1,$one"
echo "2,$two"
awk "BEGIN { printf \"ratio 1 job / 2 jobs: %.2fx\\n\", $one / $two }"
