#!/usr/bin/env bash
# Fuzz/campaign.sh [FILE]: the executions of every harness summed over all runs in FILE
# (default Fuzz/campaign.tsv, which Fuzz/run.sh appends to), with the seconds run (those asked
# for, in rows from before run.sh kept the seconds run), the last run's coverage (libFuzzer's
# cov: and ft:), the failed runs (findings) and the runs stopped by hand (libFuzzer's exit 72
# on SIGINT), as a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-Fuzz/campaign.tsv}
awk -F'\t' '
  {
    # The seconds run (column 7, "ran Ns"); rows written before it was kept have only the
    # seconds asked for (column 3), which overstates a run stopped early.
    name = $2; seconds = $3; sub(/s$/, "", seconds); executions = $5; sub(/ .*/, "", executions)
    if ($7 ~ /^ran [0-9]+s$/) { seconds = $7; gsub(/[^0-9]/, "", seconds) }
    if (!(name in runs)) order[++count] = name
    runs[name]++; secs[name] += seconds; execs[name] += executions
    if (match($6, /cov: [0-9]+/)) cov[name] = substr($6, RSTART + 5, RLENGTH - 5)
    if (match($6, /ft: [0-9]+/)) ft[name] = substr($6, RSTART + 4, RLENGTH - 4)
    # libFuzzer exits 72 when interrupted (SIGINT): a run stopped by hand, not a finding.
    if ($4 == "exit 72") stopped[name]++
    else if ($4 != "exit 0") failed[name]++
  }
  END {
    print "| harness | runs | seconds | executions | last `cov:` | last `ft:` | failed runs | stopped by hand |"
    print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for (i = 1; i <= count; i++) {
      n = order[i]
      printf "| `%s` | %d | %d | %d | %s | %s | %d | %d |\n", n, runs[n], secs[n], execs[n], cov[n], ft[n], failed[n], stopped[n]
      total += execs[n]
    }
    printf "\n%d executions in all\n", total
  }' "$file"
