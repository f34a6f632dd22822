#!/usr/bin/env bash
# History benchmarks: `runlens history add` of 1,000 metrics JSON files into an empty store,
# then a `history report` over 10,000 stored runs; wall and CPU times, runs per second, peak
# RSS and the store's size per run. Writes a Markdown table to Benchmarks/out/history.md (and stdout).
#
# usage: Benchmarks/history.sh [--quick] [--bin PATH]
#   --quick     100 adds and a report over 1,000 runs (checks the harness; times not judged)
#   --bin PATH  the runlens binary (default: .build/release/runlens, built when missing)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
adds=1000
stored=10000
bin=""
while (($# > 0)); do
  case "$1" in
    --quick) adds=100; stored=1000 ;;
    --bin) bin="$2"; shift ;;
    -h | --help) sed -n 2,8p "$0"; exit 0 ;;
    *) echo "history.sh: unknown option: $1" >&2; exit 64 ;;
  esac
  shift
done
if [ -z "$bin" ]; then
  bin="$root/.build/release/runlens"
  [ -x "$bin" ] || (cd "$root" && swift build -c release --product runlens >&2)
fi
[ -x /usr/bin/time ] || { echo "history.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }

work="$here/data/history"
rm -rf "$work"
mkdir -p "$work/runs" "$here/out"

# Runs: the 40 fixture runs cycled, each with its own run id and a start 4 minutes after the
# previous one (10,000 runs span 28 days, inside the report's default 30-day window).
python3 - "$root/Fixtures/history-3-weeks" "$work/runs" "$stored" <<'PY'
import datetime, json, os, sys
source, target, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
templates = [json.load(open(os.path.join(source, f"run-{i:02d}.json"))) for i in range(1, 41)]
start = datetime.datetime(2026, 10, 1, tzinfo=datetime.timezone.utc)
for n in range(count):
    document = templates[n % 40]
    document["run"]["runId"] = str(100000 + n)
    t = start + datetime.timedelta(minutes=4 * n)
    stamp = t.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
    for job in document["jobs"]:
        job["startedAt"] = stamp
        job["completedAt"] = None
        for step in job["steps"]:
            step["startedAt"] = None
    with open(os.path.join(target, f"{n:05d}.json"), "w") as f:
        json.dump(document, f)
PY

measure() { # command...: prints "seconds max_rss_kib cpu_seconds" (cpu: user + system)
  /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || {
    cat "$work/stderr.txt" >&2
    exit 1
  }
  read -r seconds kib user system <"$work/time.txt"
  echo "$seconds $kib $(python3 -c "print(f'{$user + $system:.2f}')")"
}

db="$work/history.sqlite"
mapfile -t files < <(ls "$work/runs"/*.json | sort)
read -r add_s add_kib add_cpu < <(measure "$bin" history add --db "$db" "${files[@]:0:$adds}")
# The rest of the store, in batches (not measured).
for ((i = adds; i < stored; i += 2000)); do
  "$bin" history add --db "$db" "${files[@]:$i:2000}" 2>/dev/null
done
read -r report_s report_kib report_cpu < <(measure "$bin" history report --db "$db" --format json)
read -r md_s md_kib md_cpu < <(measure "$bin" history report --db "$db" --format markdown)
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1 || true
bytes=$(($(stat -c %s "$db") + $(stat -c %s "$db-wal" 2>/dev/null || echo 0)))
count=$(sqlite3 "$db" "SELECT count(*) FROM runs")

rate=$(python3 -c "print(f'{$adds / max($add_s, 0.001):.0f}')")
cpu_rate=$(python3 -c "print(f'{$adds / max($add_cpu, 0.001):.0f}')")
table="| measurement | value | goal |
|---|--:|---|
| \`history add\` of $adds metrics JSON files, empty store | ${add_s} s (CPU ${add_cpu} s), ${rate} runs/s (${cpu_rate} a CPU second), peak RSS $((add_kib / 1024)) MiB | ≥ 500 runs/s, < 64 MiB |
| \`history report --format json\` over $count stored runs | ${report_s} s (CPU ${report_cpu} s), peak RSS $((report_kib / 1024)) MiB | < 1 s, < 64 MiB |
| \`history report --format markdown\` over $count stored runs | ${md_s} s (CPU ${md_cpu} s), peak RSS $((md_kib / 1024)) MiB | < 1 s, < 64 MiB |
| store size | $((bytes / 1024)) KiB for $count runs, $((bytes / count)) bytes a run | |"
{
  echo "# History benchmarks"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg), binary \`${bin#"$root/"}\`; runs of 2 jobs, 16 steps, 4 restores, 4 saves, 5 named tests."
  echo
  echo "$table"
} | tee "$here/out/history.md"
