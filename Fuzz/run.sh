#!/usr/bin/env bash
# Fuzz/run.sh TARGET SECONDS [libFuzzer flags...]
#
# Builds the harnesses with libFuzzer and AddressSanitizer (LeakSanitizer on; the C targets
# too, with libFuzzer's coverage) into
# .build-fuzz/, seeds TARGET's corpus from Fixtures/, and runs TARGET for SECONDS seconds.
# TARGET is one of: log gh junit jobs caches metrics config zip run history api, or `all` (each
# in turn, for SECONDS seconds each), or jsoncheck (the harnesses' JSON check against JSONSerialization; not
# in `all`). Findings (crash-*, leak-*, timeout-*, slow-unit-*) are written to
# .build-fuzz/findings/TARGET/; the corpus grows in .build-fuzz/corpus/TARGET/. A long
# campaign: run with a large SECONDS (and -jobs=N -workers=N to use N cores); the corpus
# carries over between runs. Exits non-zero when libFuzzer finds anything. Each run appends one
# line (its executions and final coverage) to .build-fuzz/campaign.tsv and to the committed
# Fuzz/campaign.tsv; Fuzz/campaign.sh adds them up.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ $# -lt 2 ]; then
  echo "usage: Fuzz/run.sh TARGET SECONDS [libFuzzer flags...]" >&2
  exit 64
fi
target=$1
seconds=$2
shift 2
targets="log gh junit jobs caches metrics config zip run history api"
# Not an entry point, so not in `all`: the harnesses' own JSON check against JSONSerialization.
extra="jsoncheck"

scratch="$root/.build-fuzz"
echo "== building the fuzz harnesses (-sanitize=fuzzer,address, release)"
RUNLENS_FUZZ=1 swift build --scratch-path "$scratch/build" -c release \
  --product runlens-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
  -Xswiftc -enforce-exclusivity=checked -Xswiftc -use-ld=lld \
  -Xcc -fsanitize=fuzzer-no-link,address
binary="$scratch/build/release/runlens-fuzz"

# Seeds: the fixtures each harness reads. The split-checking harnesses take four leading
# bytes that choose where the input is cut.
seed() {
  local name=$1
  local corpus="$scratch/corpus/$name"
  mkdir -p "$corpus"
  local files=()
  case $name in
    log) files=(Fixtures/*/job.log Fixtures/*/input.log Benchmarks/data/*.log) ;;
    gh) files=(Fixtures/*/gh.txt) ;;
    junit) files=(Fixtures/*/*.xml) ;;
    jobs) files=(Fixtures/*/jobs.json) ;;
    caches) files=(Fixtures/*/caches.json) ;;
    metrics) files=(Fixtures/*/metrics.json Fixtures/compare-*/*/*.json) ;;
    config) files=(Fuzz/seeds/config/*.json) ;;
    jsoncheck) files=(Fuzz/seeds/jsoncheck/*.json Fixtures/*/*.json) ;;
    zip) files=(Fixtures/*/*.zip) ;;
    history) files=(Fixtures/*/metrics.json Fixtures/history-*/run-*.json Fixtures/compare-*/*.json) ;;
    api) files=(Fuzz/seeds/api/*) ;;
    run) files=() ;;
  esac
  for file in "${files[@]}"; do
    [ -f "$file" ] || continue
    # Large files slow every execution; the fixtures' small logs cover the grammar.
    [ "$(wc -c < "$file")" -le 262144 ] || continue
    local out
    out="$corpus/seed-$(echo "$file" | tr '/' '_')"
    case $name in
      log | gh | junit) { printf '\000\020\000\100'; cat "$file"; } > "$out" ;;
      # A metrics document past -max_len would be cut: the same document without its layout.
      history) python3 -c 'import json, sys; d = open(sys.argv[1], "rb").read()
if len(d) > 16384: d = json.dumps(json.loads(d), separators=(",", ":")).encode()
open(sys.argv[2], "wb").write(d)' "$file" "$out" ;;
      *) cp "$file" "$out" ;;
    esac
  done
  if [ "$name" = run ]; then
    # Mixed runs: a fixture folder's inputs joined with the byte 0x1E, after one byte that
    # chooses the chunk size.
    for dir in Fixtures/*/; do
      local parts=("$dir"*.log "$dir"gh.txt "$dir"*.xml "$dir"jobs.json "$dir"*.zip)
      local out="$corpus/seed-run-$(basename "$dir")"
      printf '\007' > "$out"
      local first=1
      for part in "${parts[@]}"; do
        [ -f "$part" ] || continue
        [ "$(wc -c < "$part")" -le 65536 ] || continue
        [ $first = 1 ] || printf '\036' >> "$out"
        cat "$part" >> "$out"
        first=0
      done
    done
  fi
  if [ "$name" = history ]; then
    # Runs of the same workflow a few days apart, for trends: metrics documents (not the
    # reports beside them) without their layout, joined with the byte 0x1E, up to four or as
    # many as fit in 16 KiB, a new seed when the next does not.
    python3 - "$corpus" Fixtures/history-3-weeks Fixtures/compare-3v3-faster <<'PY'
import json, pathlib, sys
corpus = pathlib.Path(sys.argv[1])
for folder in map(pathlib.Path, sys.argv[2:]):
    seeds, out, count = [], b"", 0
    for path in sorted(folder.glob("*.json")):
        document = json.loads(path.read_bytes())
        if "schemaVersion" not in document or "totals" not in document:
            continue
        text = json.dumps(document, separators=(",", ":")).encode()
        if out and (count == 4 or len(out) + len(text) + 1 > 16384):
            seeds.append(out)
            out, count = b"", 0
        out += (b"\x1e" if out else b"") + text
        count += 1
    seeds.append(out)
    for index, seed in enumerate(seeds):
        (corpus / f"seed-runs-{folder.name}-{index}").write_bytes(seed)
PY
  fi
  if [ "$name" = zip ]; then
    # A well-formed run-logs zip made from the fixtures (stored, deflated, step folders).
    python3 Fuzz/make-zip-seeds.py "$corpus" Fixtures
  fi
}

run() {
  local name=$1
  shift
  seed "$name"
  local findings="$scratch/findings/$name"
  mkdir -p "$findings"
  local dict=()
  [ -f "Fuzz/dictionaries/$name.dict" ] && dict=("-dict=Fuzz/dictionaries/$name.dict")
  # libFuzzer's -timeout is wall-clock time: at `nice -n 19` on a machine busy with builds the
  # process can wait more than 10 s for a core in the middle of a 10 ms input. The slowest
  # input seen takes about 150 ms under AddressSanitizer; 30 s still catches any hang.
  echo "== fuzzing $name for ${seconds}s"
  local started=$SECONDS
  set +e
  # No Swift backtracer: on a fatalError it forks swift-backtrace, which trips AddressSanitizer
  # ("unknown-crash" in memserver_read) and outlived the harness holding the log pipe open, so
  # the run never ended. libFuzzer and AddressSanitizer print the stack.
  SWIFT_BACKTRACE=enable=no \
    ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:${ASAN_OPTIONS:-}" \
    RUNLENS_FUZZ_TARGET="$name" "$binary" \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$findings/" "${dict[@]}" "$@" \
    "$scratch/corpus/$name" 2>&1 | tee "$scratch/$name.log" | grep -E --line-buffered \
    '^#[0-9]+[[:space:]]+(INITED|DONE)|ERROR|SUMMARY|Test unit written|stat::number_of_executed_units|==[0-9]+==|Fatal error'
  local status=${PIPESTATUS[0]}
  set -e
  local ran=$((SECONDS - started))
  # One line per run, to add up executions across campaigns.
  local executed done_line
  executed=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$scratch/$name.log" | grep -Eo '[0-9]+$' || echo 0)
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$scratch/$name.log" | tail -1 | tr '\t' ' ' || true)
  # A run stopped early has no DONE line: its last status line has the coverage reached.
  [ -n "$done_line" ] || done_line=$(grep -E '^#[0-9]+[[:space:]].*cov: ' "$scratch/$name.log" \
    | tail -1 | tr '\t' ' ' | sed 's/\(rss: [0-9]*Mb\).*/\1/' || true)
  # Also to the committed Fuzz/campaign.tsv, so that the totals survive a new machine; not
  # from CI (CI=true), whose short runs in a throw-away clone would only dirty the tree.
  local ledger=Fuzz/campaign.tsv
  [ "${CI:-}" != true ] || ledger=/dev/null
  # The seconds asked for, and those run (fewer when stopped by hand or by a finding).
  printf '%s\t%s\t%ss\texit %s\t%s executions\t%s\tran %ss\n' "$(date -u +%FT%TZ)" "$name" \
    "$seconds" "$status" "${executed:-0}" "$done_line" "$ran" \
    | tee -a "$scratch/campaign.tsv" >> "$ledger"
  if [ "$status" -eq 72 ]; then
    echo "fuzz: $name was interrupted (exit 72); its executions are in the ledger" >&2
    return 1
  fi
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $name found a problem (exit $status); see $scratch/$name.log and $findings/" >&2
    return 1
  fi
}

if [ "$target" = all ]; then
  failed=0
  for name in $targets; do run "$name" "$@" || failed=1; done
  exit $failed
fi
case " $targets $extra " in
  *" $target "*) run "$target" "$@" ;;
  *) echo "unknown target $target; one of: $targets $extra, all" >&2; exit 64 ;;
esac
