#!/usr/bin/env bash
# Benchmark harness for runlens: generates inputs (Benchmarks/generate.py), runs
# runlens and a yardstick in interleaved pairs and writes a Markdown report.
# See Benchmarks/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
generator="$here/generate.py"
data_dir="$here/data"

usage() {
  cat <<'EOF'
usage: Benchmarks/run.sh [--quick] [--reps N] [--bin PATH] [--out FILE] [--only REGEX]

  --quick     small inputs (~1 MB logs, 2,000-case JUnit), 2 repetitions;
              report goes to Benchmarks/out/benchmarks-quick.md
  --reps N    interleaved runlens/yardstick pairs per input
              (default 5, or 2 with --quick; the typical CI step uses at least 20)
  --bin PATH  runlens binary to measure
              (default: swift build -c release --static-swift-stdlib)
  --out FILE  write the report here instead of the default location
              (full mode: Reports/benchmarks.md)
  --only REGEX  measure only the inputs whose label matches REGEX (bash =~), e.g.
              'nix-cargo' or 'GiB'; every input is still generated

Environment: RUNLENS_BENCH_DATE overrides the date printed in the report.
Exit status: 0 when every input ran (or is not supported yet, exit 64),
1 when runlens failed on an input, 64 for bad options.
EOF
}

die() {
  echo "run.sh: error: $*" >&2
  exit 1
}

note() { echo "== $*" >&2; }

# ---------------------------------------------------------------- options

mode=full
reps=""
bin=""
out=""
only=""
while (($# > 0)); do
  case "$1" in
    --quick) mode=quick ;;
    --reps | --bin | --out | --only)
      (($# >= 2)) || { echo "run.sh: $1 needs a value" >&2; usage >&2; exit 64; }
      case "$1" in
        --reps) reps="$2" ;;
        --bin) bin="$2" ;;
        --out) out="$2" ;;
        --only) only="$2" ;;
      esac
      shift
      ;;
    --reps=*) reps="${1#--reps=}" ;;
    --bin=*) bin="${1#--bin=}" ;;
    --out=*) out="${1#--out=}" ;;
    --only=*) only="${1#--only=}" ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown option: $1" >&2; usage >&2; exit 64 ;;
  esac
  shift
done

if [[ -z "$reps" ]]; then
  if [[ "$mode" == quick ]]; then reps=2; else reps=5; fi
fi
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --reps must be a positive integer, got '$reps'" >&2; exit 64; }
typical_pairs=$((reps > 20 ? reps : 20))

if [[ -z "$out" ]]; then
  if [[ "$mode" == quick ]]; then out="$here/out/benchmarks-quick.md"; else out="$root/Reports/benchmarks.md"; fi
fi
kept_sections=""
if [[ -f "$out" ]]; then kept_sections="$(sed -n '/^## History/,$p' "$out")"; fi

# ---------------------------------------------------------------- tools

apt_updated=0
install_pkg() { # install_pkg PACKAGE: apt-get install, with one apt-get update first
  local pkg="$1"
  command -v apt-get >/dev/null 2>&1 || die "'$pkg' is needed but apt-get is not available; install it by hand"
  [[ "$(id -u)" -eq 0 ]] || die "'$pkg' is needed; run as root or install it by hand (apt-get install -y $pkg)"
  export DEBIAN_FRONTEND=noninteractive
  if ((apt_updated == 0)); then
    note "apt-get update"
    apt-get update -qq >&2
    apt_updated=1
  fi
  note "installing $pkg"
  apt-get install -y -qq "$pkg" >&2
}

command -v python3 >/dev/null 2>&1 || install_pkg python3
[[ -x /usr/bin/time ]] || install_pkg time
command -v xmllint >/dev/null 2>&1 || install_pkg libxml2-utils
command -v unzip >/dev/null 2>&1 || install_pkg unzip
for tool in grep sha256sum cat; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found"
done

# Microsecond wall clock without forking (bash >= 5 has EPOCHREALTIME).
if ((BASH_VERSINFO[0] >= 5)); then
  clock_us() { REPLY="${EPOCHREALTIME/[.,]/}"; }
else
  clock_us() { REPLY="$(date +%s%6N)"; }
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/runlens-bench.XXXXXX")"
# The input being measured is held in memory (`generate.py hold`, until its standard input
# closes): machines that reclaim idle page cache would otherwise read parts of it from disk
# again between timed runs.
hold_pid=""
hold_fd=""
held_all=1
hold_input() {
  coproc HOLD { exec python3 "$generator" hold "$@"; }
  # Copied at once: bash unsets HOLD when the helper exits early.
  hold_pid=$HOLD_PID
  hold_fd=${HOLD[1]}
  local from=${HOLD[0]} said=""
  read -r said <&"$from" || said="not held (generate.py hold failed)"
  note "  $said"
  [[ "$said" == held* ]] || held_all=0
}
release_hold() {
  [[ -n "$hold_pid" ]] || return 0
  # In braces: a bare `exec ... 2>/dev/null` would silence the rest of the script.
  { exec {hold_fd}>&-; } 2>/dev/null || true
  wait "$hold_pid" 2>/dev/null || true
  hold_pid=""
}
cleanup() {
  [[ -z "$hold_pid" ]] || kill "$hold_pid" 2>/dev/null || true
  rm -rf -- "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
errlog="$tmp/stderr.txt"
: >"$errlog"

# ---------------------------------------------------------------- binary

if [[ -z "$bin" ]]; then
  command -v swift >/dev/null 2>&1 || die "swift not found; install Swift or pass --bin PATH"
  # The binary the README tells CI users to build: the Swift runtime and Foundation linked
  # in, which starts in about half the time of a dynamically linked one.
  note "swift build -c release --static-swift-stdlib"
  (cd "$root" && swift build -c release --static-swift-stdlib >&2)
  bin="$(cd "$root" && swift build -c release --static-swift-stdlib --show-bin-path)/runlens"
fi
case "$bin" in
  */*) ;;
  *) bin="$(command -v -- "$bin" || true)" ;;
esac
[[ -n "$bin" && -f "$bin" && -x "$bin" ]] || die "runlens binary not found or not executable: '${bin}'"
bin="$(cd "$(dirname -- "$bin")" && pwd)/$(basename -- "$bin")"

# ---------------------------------------------------------------- inputs

mkdir -p "$data_dir"
gen_sha="$(sha256sum "$generator" | cut -d' ' -f1)"

# The fixture logs that the fixtures-mix profile draws its lines from: an input made from
# them is generated again when they change.
fixtures_sha="$(cd "$root" && for f in Fixtures/*/job.log Fixtures/*/gh.txt; do
  [[ -f "$f" ]] && cat -- "$f"
done | sha256sum | cut -d' ' -f1)"

# ensure_input FILE GENERATOR-ARGS...: generate FILE (a file, or a directory for `jobs`)
# unless it exists with the same arguments and generator version (recorded in FILE.meta),
# and record its line mix (`generate.py stats`) in FILE.stats for the report.
ensure_input() {
  local file="$1"
  shift
  local meta="$file.meta"
  local want="generator=$gen_sha args=$*"
  [[ " $* " == *fixtures-mix* ]] && want+=" fixtures=$fixtures_sha"
  if [[ -e "$file" && -f "$meta" && "$(cat -- "$meta")" == "$want" ]]; then
    return 0
  fi
  note "generating $(basename -- "$file") ($*)"
  rm -f -- "$meta" "$file.stats"
  rm -rf -- "$file"
  local t0 t1
  clock_us; t0="$REPLY"
  python3 "$generator" "$@" --out "$file"
  clock_us; t1="$REPLY"
  note "  done in $(awk -v us=$((t1 - t0)) 'BEGIN { printf "%.1f s", us / 1e6 }')"
  if [[ "$1" != junit ]]; then
    python3 "$generator" stats --row "$file" >"$file.stats"
  fi
  printf '%s\n' "$want" >"$meta"
}

# Input table: kind|label|file|file (kind: log, junit, typical, dir, zip).
# The profiles that look like real logs (see Benchmarks/README.md); every log row is
# measured for each of them.
new_profiles=(nix-cargo buildkit fixtures-mix)
jobs_profiles="nix-cargo,normal,buildkit,fixtures-mix"
declare -a inputs
if [[ "$mode" == quick ]]; then
  ensure_input "$data_dir/q-log-normal-1m.log" log --profile normal --size 1000000 --seed 101
  ensure_input "$data_dir/q-log-short-1m.log" log --profile short --size 1000000 --seed 102
  ensure_input "$data_dir/q-log-longlines-1m.log" log --profile longlines --size 1000000 --seed 103 --long-line-size 131072
  ensure_input "$data_dir/q-junit-2k.xml" junit --cases 2000 --seed 104
  inputs=(
    "log|log, normal profile, 1 MB|q-log-normal-1m.log"
    "log|log, short lines, 1 MB|q-log-short-1m.log"
    "log|log, 4 long lines of 128 KiB, 1 MB|q-log-longlines-1m.log"
    "junit|JUnit, 2,000 cases|q-junit-2k.xml"
    "typical|typical CI step: 1 MB log + 2,000-case JUnit|q-log-normal-1m.log|q-junit-2k.xml"
  )
  seed=110
  for p in "${new_profiles[@]}"; do
    ensure_input "$data_dir/q-log-$p-1m.log" log --profile "$p" --size 1000000 --seed $((seed += 1))
    inputs+=("log|log, $p profile, 1 MB|q-log-$p-1m.log")
  done
  ensure_input "$data_dir/q-jobs-8x256k" jobs --count 8 --size 262144 --profiles "$jobs_profiles" --seed 120
  ensure_input "$data_dir/q-jobs-4x256k.zip" jobs --count 4 --size 262144 --profiles "$jobs_profiles" --seed 121
  ensure_input "$data_dir/q-jobs-4x256k-gh.txt" jobs --count 4 --size 262144 --profiles "$jobs_profiles" --seed 122 --gh
  inputs+=(
    "dir|8 job logs of 256 KiB in a directory|q-jobs-8x256k"
    "zip|run-logs zip of 4 jobs of 256 KiB|q-jobs-4x256k.zip"
    "log|\`gh run view --log\` output of 4 jobs of 256 KiB|q-jobs-4x256k-gh.txt"
  )
else
  ensure_input "$data_dir/log-normal-10m.log" log --profile normal --size 10000000 --seed 1
  ensure_input "$data_dir/log-normal-100m.log" log --profile normal --size 100000000 --seed 2
  ensure_input "$data_dir/log-normal-1g.log" log --profile normal --size 1073741824 --seed 3
  ensure_input "$data_dir/log-short-1g.log" log --profile short --size 1073741824 --seed 4
  ensure_input "$data_dir/log-longlines-1g.log" log --profile longlines --size 1073741824 --seed 5
  ensure_input "$data_dir/junit-1m.xml" junit --cases 1000000 --seed 6
  ensure_input "$data_dir/junit-25k.xml" junit --cases 25000 --seed 7
  inputs=(
    "log|log, normal profile, 10 MB|log-normal-10m.log"
    "log|log, normal profile, 100 MB|log-normal-100m.log"
    "log|log, normal profile, 1 GiB|log-normal-1g.log"
    "log|log, short lines, 1 GiB|log-short-1g.log"
    "log|log, 4 lines of 10 MiB, 1 GiB|log-longlines-1g.log"
    "junit|JUnit, 1,000,000 cases|junit-1m.xml"
    "typical|typical CI step: 10 MB log + 5 MB JUnit|log-normal-10m.log|junit-25k.xml"
  )
  seed=10
  for p in "${new_profiles[@]}"; do
    ensure_input "$data_dir/log-$p-10m.log" log --profile "$p" --size 10000000 --seed $((seed += 1))
    ensure_input "$data_dir/log-$p-100m.log" log --profile "$p" --size 100000000 --seed $((seed += 1))
    ensure_input "$data_dir/log-$p-1g.log" log --profile "$p" --size 1073741824 --seed $((seed += 1))
    ensure_input "$data_dir/log-$p-longlines-1g.log" log --profile "$p" --variant longlines --size 1073741824 --seed $((seed += 1))
    inputs+=(
      "log|log, $p profile, 10 MB|log-$p-10m.log"
      "log|log, $p profile, 100 MB|log-$p-100m.log"
      "log|log, $p profile, 1 GiB|log-$p-1g.log"
      "log|log, $p profile + 4 lines of 10 MiB, 1 GiB|log-$p-longlines-1g.log"
      "typical|typical CI step: 10 MB $p log + 5 MB JUnit|log-$p-10m.log|junit-25k.xml"
    )
  done
  # 1 GiB as many job logs: 400 of 2.5 MiB in a directory, and a run-logs zip of 200 jobs.
  ensure_input "$data_dir/jobs-400x2.5m" jobs --count 400 --size 2621440 --profiles "$jobs_profiles" --seed 40
  ensure_input "$data_dir/jobs-200x5m.zip" jobs --count 200 --size 5368709 --profiles "$jobs_profiles" --seed 41
  # And as \`gh run view --log\` prints a run: 40 jobs, job and step columns on every line
  # (18.6 MB of log a job, about 1 GiB with the columns).
  ensure_input "$data_dir/jobs-40-gh.txt" jobs --count 40 --size 18600000 --profiles "$jobs_profiles" --seed 42 --gh
  inputs+=(
    "dir|1 GiB as 400 job logs of 2.5 MiB in a directory|jobs-400x2.5m"
    "zip|1 GiB as a run-logs zip of 200 jobs|jobs-200x5m.zip"
    "log|\`gh run view --log\` output of 40 jobs, 1 GiB|jobs-40-gh.txt"
  )
fi

# ---------------------------------------------------------------- commands
# Each command runs with stdin from /dev/null.  WRAP is empty for timed runs and
# holds /usr/bin/time for the (untimed) peak-RSS runs.

WRAP=()
in_a="" # log or JUnit file
in_b="" # JUnit file of the typical step

runlens_log() { ${WRAP[@]+"${WRAP[@]}"} "$bin" report --format json "$in_a" </dev/null >/dev/null; }
runlens_junit() { ${WRAP[@]+"${WRAP[@]}"} "$bin" report --format json --junit "$in_a" </dev/null >/dev/null; }
runlens_typical() {
  ${WRAP[@]+"${WRAP[@]}"} "$bin" report "$in_a" --junit "$in_b" --format markdown --json "$tmp/x.json" </dev/null >"$tmp/x.md"
}
# grep's output goes to a file, not /dev/null: GNU grep notices a /dev/null stdout
# and stops at the first match, which would make the yardstick meaningless.
grep_count() { # grep exits 1 when it counts zero lines; that is not an error here
  local rc=0
  ${WRAP[@]+"${WRAP[@]}"} env LC_ALL=C grep -c -F 'Cache Key:' "$1" </dev/null >"$tmp/grep.out" || rc=$?
  ((rc == 0 || rc == 1))
}
yard_log() { grep_count "$in_a"; }
runlens_dir() { runlens_log; }
runlens_zip() { runlens_log; }
yard_dir() { # grep -r exits 1 when it counts zero lines; that is not an error here
  local rc=0
  ${WRAP[@]+"${WRAP[@]}"} env LC_ALL=C grep -c -F 'Cache Key:' -r "$in_a" </dev/null >"$tmp/grep.out" || rc=$?
  ((rc == 0 || rc == 1))
}
yard_zip() {
  local rc=0
  ${WRAP[@]+"${WRAP[@]}"} unzip -p "$in_a" </dev/null | ${WRAP[@]+"${WRAP[@]}"} env LC_ALL=C grep -c -F 'Cache Key:' >"$tmp/grep.out" || rc=$?
  ((rc == 0 || rc == 1))
}
yard_junit() { ${WRAP[@]+"${WRAP[@]}"} xmllint --stream --noout "$in_a" </dev/null; }
yard_typical() { grep_count "$in_a" && ${WRAP[@]+"${WRAP[@]}"} xmllint --stream --noout "$in_b" </dev/null; }

yardstick_name() {
  case "$1" in
    log) echo "\`grep -c -F 'Cache Key:'\`" ;;
    junit) echo "\`xmllint --stream --noout\`" ;;
    typical) echo "grep + xmllint" ;;
    dir) echo "\`grep -c -F 'Cache Key:' -r\`" ;;
    zip) echo "\`unzip -p FILE \\| grep -c -F 'Cache Key:'\`" ;; # \| keeps the table cell whole
  esac
}

# timed FUNC: run once, set T_US (wall, microseconds) and RC.
timed() {
  local t0 t1
  clock_us; t0="$REPLY"
  set +e
  "$1" 2>>"$errlog"
  RC=$?
  set -e
  clock_us; t1="$REPLY"
  T_US=$((t1 - t0))
}

# peak_rss FUNC: run once under /usr/bin/time, set RSS_KB (max over the commands
# FUNC runs), CPU_S (user + system seconds, summed over them) and RC.
peak_rss() {
  local f="$tmp/rss.txt"
  : >"$f"
  WRAP=(/usr/bin/time -a -o "$f" -f "%M %U %S")
  set +e
  "$1" 2>>"$errlog"
  RC=$?
  set -e
  WRAP=()
  RSS_KB="$(awk 'NF == 3 && $1 ~ /^[0-9]+$/ { if ($1 > m) m = $1 } END { print m + 0 }' "$f")"
  CPU_S="$(awk 'NF == 3 && $1 ~ /^[0-9]+$/ { c += $2 + $3 } END { printf "%.2f", c }' "$f")"
}

# stats SIZE "A1 A2 ..." "B1 B2 ...": prints median_a median_b mbps ratio
stats() {
  python3 - "$@" <<'EOF'
import statistics, sys
size = int(sys.argv[1])
a = [int(x) for x in sys.argv[2].split()]
b = [int(x) for x in sys.argv[3].split()]
ratios = [x / max(y, 1) for x, y in zip(a, b)]
ma, mb = statistics.median(a), statistics.median(b)
print(ma, mb, size / 1e6 / (ma / 1e6), statistics.median(ratios))
EOF
}

fmt_time() { # microseconds -> "12.3 ms" / "1.234 s"
  awk -v us="$1" 'BEGIN { if (us < 1e6) printf "%.1f ms", us / 1e3; else printf "%.3f s", us / 1e6 }'
}
fmt_size() {
  awk -v b="$1" 'BEGIN {
    if (b >= 1073741824 && b % 1073741824 == 0) printf "%d GiB", b / 1073741824
    else if (b >= 1e6) printf "%.1f MB", b / 1e6
    else printf "%.0f kB", b / 1e3 }'
}
fmt_mib() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }

# ---------------------------------------------------------------- run

if [[ -n "$only" ]]; then
  selected=()
  for spec in "${inputs[@]}"; do
    IFS='|' read -r kind label file_a file_b <<<"$spec"
    [[ "$label" =~ $only ]] && selected+=("$spec")
  done
  inputs=(${selected[@]+"${selected[@]}"})
fi

rows=()
failed=0
for spec in ${inputs[@]+"${inputs[@]}"}; do
  IFS='|' read -r kind label file_a file_b <<<"$spec"
  in_a="$data_dir/$file_a"
  in_b=""
  case "$kind" in
    dir) size=$(find "$in_a" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }') ;;
    # The log bytes inside the zip (what runlens and the yardstick read), not the zip's size.
    zip) size=$(unzip -Z -t -- "$in_a" | awk '{ print $3 }') ;;
    *) size=$(stat -c %s -- "$in_a") ;;
  esac
  if [[ "$kind" == typical ]]; then
    in_b="$data_dir/$file_b"
    size=$((size + $(stat -c %s -- "$in_b")))
    pairs=$typical_pairs
  else
    pairs=$reps
  fi
  note "$label: $pairs pairs"
  if [[ "$kind" == dir ]]; then # warm the page cache
    find "$in_a" -type f -exec cat -- {} + >/dev/null
  else
    cat -- "$in_a" ${in_b:+"$in_b"} >/dev/null
  fi
  release_hold
  hold_input "$in_a" ${in_b:+"$in_b"}

  # Warm-up runs, measured for peak RSS.
  peak_rss "runlens_$kind"
  if ((RC == 64)); then
    note "  runlens does not support this input yet (exit 64)"
    rows+=("| $label | $(fmt_size "$size") | n/a (not supported yet) | | | $(yardstick_name "$kind") | | | | |")
    continue
  fi
  if ((RC != 0)); then
    note "  runlens failed with exit status $RC; last stderr lines:"
    tail -n 5 -- "$errlog" >&2 || true
    rows+=("| $label | $(fmt_size "$size") | failed (exit $RC) | | | $(yardstick_name "$kind") | | | | |")
    failed=1
    continue
  fi
  rss_a=$RSS_KB
  cpu_a=$CPU_S
  peak_rss "yard_$kind"
  ((RC == 0)) || die "yardstick failed on $in_a (exit $RC); see the messages above"
  rss_b=$RSS_KB
  cpu_b=$CPU_S

  times_a=""
  times_b=""
  status="ok"
  for ((i = 0; i < pairs; i++)); do
    timed "runlens_$kind"
    if ((RC != 0)); then status="failed (exit $RC)"; break; fi
    times_a+=" $T_US"
    timed "yard_$kind"
    ((RC == 0)) || die "yardstick failed on $in_a (exit $RC)"
    times_b+=" $T_US"
  done
  if [[ "$status" != ok ]]; then
    note "  runlens $status during the timed runs"
    rows+=("| $label | $(fmt_size "$size") | $status | | | $(yardstick_name "$kind") | | | | |")
    failed=1
    continue
  fi
  read -r med_a med_b mbps ratio < <(stats "$size" "$times_a" "$times_b")
  row="| $label | $(fmt_size "$size") | $(fmt_time "$med_a") | $(awk -v x="$mbps" 'BEGIN { printf "%.0f", x }')"
  row+=" | $(awk -v x="$ratio" 'BEGIN { printf "%.2f", x }')× | $(yardstick_name "$kind") | $(fmt_time "$med_b")"
  row+=" | $cpu_a s / $cpu_b s | $(fmt_mib "$rss_a") | $(fmt_mib "$rss_b") |"
  rows+=("$row")
  note "  runlens $(fmt_time "$med_a"), yardstick $(fmt_time "$med_b"), ratio $(awk -v x="$ratio" 'BEGIN { printf "%.2f", x }')"
done
release_hold

# ---------------------------------------------------------------- report

stats_columns=("lines" "average line (B)" "starting with ESC" "containing \`cache\`" "containing \`/nix/store/\`" "\`Cache Key:\` lines")
stats_rows=()
declare -A stats_seen=()
for spec in ${inputs[@]+"${inputs[@]}"}; do
  IFS='|' read -r kind label file_a file_b <<<"$spec"
  [[ "$kind" == junit || -n "${stats_seen[$file_a]:-}" ]] && continue
  stats_seen[$file_a]=1
  f="$data_dir/$file_a.stats"
  [[ -s "$f" ]] || python3 "$generator" stats --row "$data_dir/$file_a" >"$f"
  stats_rows+=("| \`$file_a\` | $(cat -- "$f") |")
done

cpu="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
[[ -n "$cpu" ]] || cpu="unknown CPU"
cpus="$(nproc 2>/dev/null || echo '?')"
mem="$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)"
os="$(sed -n 's/^PRETTY_NAME=//p' /etc/os-release 2>/dev/null | tr -d '"' || true)"
[[ -n "$os" ]] || os="$(uname -s)"
kernel="$(uname -r)"
swift_version="$(swift --version 2>/dev/null | head -n 1 || true)"
[[ -n "$swift_version" ]] || swift_version="not installed"
runlens_version="$("$bin" --version </dev/null 2>/dev/null | head -n 1 || true)"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "unknown")"
when="${RUNLENS_BENCH_DATE:-$(date -u '+%Y-%m-%d %H:%M UTC')}"

mkdir -p -- "$(dirname -- "$out")"
{
  if [[ "$mode" == quick ]]; then
    echo "# runlens benchmarks (quick mode — small inputs, times not meaningful)"
  else
    echo "# runlens benchmarks"
  fi
  echo
  echo "Measured on $when, project commit \`$commit\`${runlens_version:+, runlens \`$runlens_version\`}."
  echo "Machine: $cpu, $cpus logical CPUs, $mem memory, $os (Linux $kernel); $swift_version."
  echo
  echo "| Input | Size | runlens (median) | MB/s | runlens / yardstick | Yardstick | Yardstick (median) | CPU time, runlens / yardstick | runlens peak RSS (MiB) | Yardstick peak RSS (MiB) |"
  echo "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |"
  printf '%s\n' ${rows[@]+"${rows[@]}"}
  echo
  if ((held_all)); then
    echo "Each input was read once beforehand and held in memory while measured (mapped and locked by"
    echo "\`generate.py hold\`: the kernel of the VMs here reclaims file pages that only read(2) touches,"
    echo "which put disk reads into some timed runs), then runlens and the"
  else
    echo "Each input was read once beforehand so it sits in the page cache (holding it in memory failed"
    echo "for at least one input; run.sh said which on standard error), then runlens and the"
  fi
  echo "yardstick ran one untimed warm-up each (measured for peak RSS and CPU time, user + system,"
  echo "with \`/usr/bin/time -f '%M %U %S'\`),"
  echo "then $reps interleaved pair(s) (runlens, yardstick, runlens, ...; $typical_pairs for the typical CI step)."
  echo "Times are wall-clock medians; MB/s is input bytes / 10^6 / median seconds; the ratio column is"
  echo "the median of the per-pair ratios runlens time / yardstick time (below 1 means faster than the"
  echo "yardstick). Commands: \`runlens report --format json LOG\`, \`runlens report --format json --junit XML\`,"
  echo "\`runlens report LOG --junit XML --format markdown --json OUT.json\`; yardsticks"
  echo "\`LC_ALL=C grep -c -F 'Cache Key:' LOG > FILE\` (not > /dev/null, where GNU grep stops at the first"
  echo "match), \`xmllint --stream --noout XML\`, and both back to back for the typical step. Inputs come"
  echo "from \`Benchmarks/generate.py\` (see Benchmarks/README.md)."
  echo
  echo "Many files: runlens reads the directory or the zip as one run (\`runlens report --format json DIR|ZIP\`);"
  echo "the yardsticks are \`LC_ALL=C grep -c -F 'Cache Key:' -r DIR\` and"
  echo "\`unzip -p ZIP | LC_ALL=C grep -c -F 'Cache Key:'\` (for a pipeline, the larger peak RSS and the summed"
  echo "CPU time of its two commands). A zip's size and MB/s count the log bytes inside it (uncompressed);"
  echo "its jobs are deflated at level 6, about 5:1."
  echo
  echo "Line mix of the inputs (\`Benchmarks/generate.py stats\`): the average line length counts the"
  echo "newline and the runner's timestamp; the shares are of lines, \"starting with ESC\" after the timestamp."
  echo
  echo "| Input |$(printf ' %s |' "${stats_columns[@]}")"
  echo "| --- |$(printf ' ---: |%.0s' "${stats_columns[@]}")"
  printf '%s\n' ${stats_rows[@]+"${stats_rows[@]}"}
  echo
  echo "runlens is the release binary built with \`--static-swift-stdlib\`, as Benchmarks/README.md and"
  echo "the README's CI section build it. A file of 32 MiB or more is read ahead, with its line ends"
  echo "and their needles found, on a second thread, and several files (a directory's or a zip's jobs, the JUnit files"
  echo "beside the logs) are parsed by up to one worker per processor (\`--threads\`). So wall time"
  echo "can be below CPU time; the CPU-time column shows both."
  # Sections measured by other scripts (Benchmarks/history.sh's "## History") are kept as they are.
  if [[ -n "$kept_sections" ]]; then
    echo
    printf '%s\n' "$kept_sections"
  fi
} >"$out.new"
mv -- "$out.new" "$out"

note "report written to ${out#"$root/"}"
cat -- "$out"
if ((failed)); then
  echo "run.sh: runlens failed on at least one input (see the table)" >&2
  exit 1
fi
