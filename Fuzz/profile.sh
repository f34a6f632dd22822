#!/usr/bin/env bash
# Fuzz/profile.sh TARGET [FILE or FOLDER...] [-repeat=N] [-max_len=N]
#
# Builds the harnesses WITHOUT sanitizers or coverage into .build-fuzz/native/, with
# Fuzz/replay.c standing in for libFuzzer's driver, and runs TARGET's harness on the inputs
# (default: its corpus in .build-fuzz/corpus/TARGET), printing the mean time per input. This is
# runlens's own cost per input; Fuzz/run.sh's exec/s adds AddressSanitizer and libFuzzer.
# Profile it with perf or callgrind, e.g.
#   RUNLENS_FUZZ_TARGET=gh valgrind --tool=callgrind .build-fuzz/native/release/runlens-fuzz FILE
# RUNLENS_FUZZ_CROSSCHECK=1 also parses every rendered JSON with JSONSerialization and stops
# when it disagrees with the harnesses' JSONCheck.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: Fuzz/profile.sh TARGET [FILE or FOLDER...] [-repeat=N] [-max_len=N]" >&2
  exit 64
fi
target=$1
shift
scratch=.build-fuzz/native
mkdir -p "$scratch"
clang -O2 -c Fuzz/replay.c -o "$scratch/replay.o"
RUNLENS_FUZZ=1 swift build --scratch-path "$scratch" -c release --product runlens-fuzz \
  -Xswiftc -parse-as-library -Xlinker "$(pwd)/$scratch/replay.o" >&2
inputs=()
for argument in "$@"; do [[ $argument == -* ]] || inputs+=("$argument"); done
[ ${#inputs[@]} -gt 0 ] || set -- "$@" ".build-fuzz/corpus/$target"
RUNLENS_FUZZ_TARGET=$target "$scratch/release/runlens-fuzz" "$@"
