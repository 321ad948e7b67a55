#!/usr/bin/env bash
# Builds the fuzz targets (libFuzzer + AddressSanitizer, release) and runs one of them:
#
#   Fuzz/run.sh [script|walker|core] SECONDS [extra libFuzzer flags...]
#
#   script  arbitrary bytes as a .mmu script: lexer, parser, interpreter, renderers
#   walker  random registers and descriptor trees: walker, AT, TLB, software walks, mapper
#   core    bytes as an ELF core: ELF/note reader, VMCOREINFO, registers, mapping, walks
#
# The working corpus grows in Fuzz/corpus/TARGET (not committed); it starts from the seeds:
# every script in scripts/ and stdlib/, the test inputs, and the kept crash inputs in
# Tests/MMUShellTests/Golden/fuzz/TARGET. A crash, leak or slow input (over 1 s) stops the run
# and is written to Fuzz/artifacts/TARGET/; keep it beside the others in
# Tests/MMUShellTests/Golden/fuzz/TARGET, where `swift test` replays it, and fix it.
# Scripts run in an empty temporary folder and may not write files.
set -euo pipefail
target=${1:-script}
seconds=${2:-60}
shift $(( $# < 2 ? $# : 2 ))
case $target in script | walker | core) ;; *) echo "usage: $0 [script|walker|core] SECONDS" >&2; exit 2 ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build -c release --scratch-path .build-fuzz --product MMUFuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld 2>&1 | tail -n 2
bin=$root/.build-fuzz/release/MMUFuzz

corpus=$root/Fuzz/corpus/$target
artifacts=$root/Fuzz/artifacts/$target
kept=$root/Tests/MMUShellTests/Golden/fuzz/$target
mkdir -p "$corpus" "$artifacts" "$kept"
if [ "$target" = script ]; then
  seeds=("$root/scripts" "$root/stdlib" "$root/Tests/MMUShellTests/Golden" "$kept")
  max_len=8192
elif [ "$target" = core ]; then
  seeds=("$kept")
  max_len=16384
else
  seeds=("$kept")
  max_len=2048
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# Swift's own backtracer must be off, or ASan misreports the crash (docs: swift-recipes §4).
export SWIFT_BACKTRACE=enable=no
# Five frames of allocation stack (not 30) halve the cost of every malloc under ASan.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:malloc_context_size=5}
"$bin" --target="$target" "$corpus" "${seeds[@]}" \
  -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -max_len="$max_len" \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$@"
