#!/usr/bin/env bash
# CityFlow's engine beside parktwin on the same files, measured in one run, taking turns
# (bench/cityflow/README.md): vehicle-updates per second of
#   - CityFlow (bench_cityflow, 1 thread, its roadnet's fixed-time plans),
#   - parktwin's traffic alone (bench_traffic --case, 1 thread, the same plans),
#   - one copy of parktwin's signal environment (bench_control --traffic-only, 1 copy, 1
#     thread, every junction an agent deciding every 5 s), hangzhou_4x4 only,
# medians over REPEATS turns, and the ratios.
#   bench/cityflow_side_by_side.sh PATH/TO/bench_cityflow [REPEATS=3]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cityflow=${1:?usage: cityflow_side_by_side.sh PATH/TO/bench_cityflow [REPEATS]}
repeats=${2:-3}
bin="$root/build/release/bin"
shared="$root/../shared/data/cityflow"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

run_network() {  # NAME DIR ROADNET FLOW
  local name=$1 dir=$2 roadnet=$3 flow=$4
  printf '{"interval": 1.0, "seed": 0, "dir": "%s/", "roadnetFile": "%s", "flowFile": "%s", "rlTrafficLight": false, "laneChange": false, "saveReplay": false, "roadnetLogFile": "", "replayLogFile": ""}\n' \
    "$dir" "$roadnet" "$flow" > "$tmp/$name.json"
  : > "$tmp/cf" ; : > "$tmp/pt" ; : > "$tmp/env"
  for _ in $(seq "$repeats"); do
    "$cityflow" "$tmp/$name.json" 3600 1 | cut -d, -f4 >> "$tmp/cf"
    "$bin/bench_traffic" --case "$name" "$dir/$roadnet" "$dir/$flow" --threads-max 1 \
      | tail -n 1 | cut -d, -f6 >> "$tmp/pt"
    if [ "$name" = hangzhou_4x4 ]; then
      "$bin/bench_control" --copies 1 --threads 1 --traffic-only 2>/dev/null \
        | tail -n 1 | cut -d, -f6 >> "$tmp/env"
    fi
  done
  local cf pt env
  cf=$(median < "$tmp/cf"); pt=$(median < "$tmp/pt")
  printf '%-13s CityFlow %9.3g   parktwin %9.3g (%5.1fx)' "$name" "$cf" "$pt" \
    "$(awk -v a="$pt" -v b="$cf" 'BEGIN {print a / b}')"
  if [ -s "$tmp/env" ]; then
    env=$(median < "$tmp/env")
    printf '   one env copy %9.3g (%5.1fx)' "$env" "$(awk -v a="$env" -v b="$cf" 'BEGIN {print a / b}')"
  fi
  printf '\n'
}

echo "vehicle-updates/s, 1 thread, median of $repeats turns, $(date -u '+%Y-%m-%d %H:%M UTC')"
run_network hangzhou_4x4 "$root/assets/scenarios/hangzhou_4x4" roadnet_4_4.json anon_4_4_hangzhou_real.json
run_network grid_4x4 "$shared/grid_4x4" roadnet.json flow.json
run_network grid_10x10 "$shared/grid_10x10" roadnet.json flow.json
