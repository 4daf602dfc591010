#!/usr/bin/env bash
# Runs parktwin's libFuzzer targets (tests/fuzz, built by the `fuzz` preset) on their corpora.
#   tools/fuzz.sh [SECONDS_EACH] [TARGET...]   every target (or those named) for SECONDS_EACH
#                                              (default 6) on tests/fuzz/corpus/TARGET plus the
#                                              inputs it makes; new finds go to build/fuzz/new/
# A crash, a hang (-timeout), an out-of-memory, a sanitizer report or an error that is not a
# parktwin::Error naming a file stops the target: its input is left in build/fuzz/findings/
# and the script ends non-zero after the others have run. docs/development.md says how to
# run them for hours.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-6}
shift || true
bin="$root/build/fuzz/fuzz"
[ -d "$bin" ] || { echo "fuzz.sh: $bin not found: cmake --preset fuzz && cmake --build --preset fuzz" >&2; exit 2; }
if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for t in "$bin"/fuzz_*; do targets+=("$(basename "$t" | sed 's/^fuzz_//')"); done
fi

findings="$root/build/fuzz/findings"
mkdir -p "$findings"
failed=()
for t in "${targets[@]}"; do
  corpus="$root/tests/fuzz/corpus/$t"
  new="$root/build/fuzz/new/$t"
  mkdir -p "$new"
  case $t in
    cityflow_* | buildings | land_cover) dict=json ;;
    sumo_* | sumocfg) dict=xml ;;
    manifest | tariff | grid | sweep_spec) dict=toml ;;
    *) dict= ;;
  esac
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
        -artifact_prefix="$findings/$t-" -print_final_stats=0)
  [ -n "$dict" ] && args+=(-dict="$root/tests/fuzz/dict/$dict.dict")
  printf '== fuzz_%s: %s s\n' "$t" "$seconds"
  if ! "$bin/fuzz_$t" "${args[@]}" "$new" "$corpus" > "$findings/$t.log" 2>&1; then
    failed+=("$t")
    tail -n 40 "$findings/$t.log"
  else
    grep -E "^#[0-9]+ +DONE|Done [0-9]+ runs" "$findings/$t.log" | tail -n 1 || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in: ${failed[*]} (inputs in $findings)" >&2
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets, no findings"
