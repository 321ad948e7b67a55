#!/usr/bin/env bash
# Performance regression gate: instruction counts, not time.
#
# Builds mmush-bench in release mode, runs the walk and interpreter scenarios with small
# fixtures under callgrind, and compares the instructions per operation of the timed region
# (the bench's measuredRegion(), selected with --toggle-collect) with Benchmarks/baseline.txt.
# A scenario fails when it takes more than THRESHOLD (default 2) times its baseline. Counts
# are deterministic to a fraction of a percent, so the gate does not flap on a busy machine.
#
#   Benchmarks/check.sh            # check (exit 1 on a regression)
#   Benchmarks/check.sh --update   # rewrite the baseline from this build
#
# valgrind 3.19 cannot read this toolchain's DWARF 5, so it runs a copy of the binary stripped
# with `strip --strip-debug`. Environment: THRESHOLD, SCRATCH (build folder, default
# .build-check), OPS (operations per batch, default 4096).
set -euo pipefail
cd "$(dirname "$0")/.."

threshold=${THRESHOLD:-2}
scratch=${SCRATCH:-.build-check}
ops=${OPS:-4096}
baseline=Benchmarks/baseline.txt
scenarios=(walk-4k-48 walk-tlb-hit walk-tlb-hit-pa walk-nested walk-lpa2 script-loop script-walks
  json-walks text-walks dump-text-1g)

update=0
if [ "${1:-}" = "--update" ]; then update=1; fi

if ! command -v valgrind >/dev/null 2>&1; then
  echo "check.sh: valgrind is not installed (apt-get install valgrind)" >&2
  exit 2
fi

echo "building mmush-bench (release, $scratch)..."
swift build -c release --product mmush-bench --scratch-path "$scratch" 2>&1 | tail -n 1
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/mmush-bench"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$bin" "$work/mmush-bench"
strip --strip-debug "$work/mmush-bench"

# Instructions per operation: one untimed warm-up batch and one timed batch, both inside the
# collected region, so the count is divided by 2 * the operations of a batch (the bench's
# ops_per_batch: OPS for walks and statements, the rows of the dump for dump-text-1g). The
# rendering scenarios count the rendered run only (the unrendered one is outside the region).
count() {
  local name=$1
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.$name" --collect-atstart=no \
    '--toggle-collect=*measuredRegion*' \
    "$work/mmush-bench" "$name" --small --ops "$ops" --batches 1 --warmup 1 --json \
    >"$work/$name.out" 2>"$work/$name.err" || {
    echo "check.sh: $name failed under valgrind:" >&2
    tail -n 20 "$work/$name.err" >&2
    return 1
  }
  local ir per
  ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/$name.err")
  per=$(sed -n 's/.*"ops_per_batch": \([0-9]*\).*/\1/p' "$work/$name.out" | head -n 1)
  if [ "${ir:-0}" -eq 0 ]; then
    echo "check.sh: $name: callgrind collected nothing in measuredRegion" >&2
    return 1
  fi
  echo $((ir / (2 * ${per:-$ops})))
}

declare -A base
if [ -f "$baseline" ]; then
  while read -r name value _; do
    case "$name" in '#'* | '') continue ;; esac
    base[$name]=$value
  done <"$baseline"
fi

failed=0
out=()
printf '%-16s %14s %14s %8s  %s\n' scenario "instr/op" baseline ratio result
for s in "${scenarios[@]}"; do
  now=$(count "$s")
  out+=("$s $now")
  b=${base[$s]:-}
  if [ -z "$b" ]; then
    printf '%-16s %14s %14s %8s  %s\n' "$s" "$now" - - "no baseline"
    continue
  fi
  ratio=$(awk -v n="$now" -v b="$b" 'BEGIN { printf "%.2f", n / b }')
  verdict=ok
  if awk -v n="$now" -v b="$b" -v t="$threshold" 'BEGIN { exit !(n > b * t) }'; then
    verdict="REGRESSION (> ${threshold}x)"
    failed=1
  fi
  printf '%-16s %14s %14s %8s  %s\n' "$s" "$now" "$b" "$ratio" "$verdict"
done

if [ $update -eq 1 ]; then
  {
    echo "# Instructions per operation under callgrind (Benchmarks/check.sh, --small --ops $ops)."
    echo "# Regenerate with Benchmarks/check.sh --update after an intended change."
    for line in "${out[@]}"; do echo "$line"; done
  } >"$baseline"
  echo "baseline written to $baseline"
  exit 0
fi
if [ $failed -ne 0 ]; then
  echo "check.sh: instruction counts regressed beyond ${threshold}x the baseline" >&2
  exit 1
fi
echo "check.sh: all within ${threshold}x the baseline"
