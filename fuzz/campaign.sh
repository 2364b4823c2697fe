#!/usr/bin/env bash
# One campaign: a target for a time, one job, in a corpus of its own; prints the coverage
# (libFuzzer's `cov:`, edges reached, and `ft:`, features) at the elapsed times given, then the
# final stats. The README's figures come from it.
#
#   fuzz/campaign.sh TARGET SECONDS CORPUS [cargo-fuzz flags...] [-- libFuzzer flags...]
#   fuzz/campaign.sh evaluate 600 /tmp/corpus/evaluate -s none --no-trace-compares -- -entropic=0
#
# The corpus starts from the target's seeds. Coverage is sampled from libFuzzer's own lines
# (each new unit, and its "pulse" ones), so a time shows the last line before it.
set -euo pipefail
target=$1 seconds=$2 corpus=$3
shift 3
cargo_flags=() libfuzzer_flags=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do cargo_flags+=("$1"); shift; done
[ $# -gt 0 ] && shift
libfuzzer_flags=("$@")
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$corpus"
log=$(mktemp)
cd "$here"
cargo +nightly fuzz run "${cargo_flags[@]}" "$target" "$corpus" "corpus/$target" -- \
  -max_total_time="$seconds" -print_final_stats=1 "${libfuzzer_flags[@]}" 2>&1 \
  | perl -MTime::HiRes=time -ne 'BEGIN { $| = 1; $s = time } printf "%.1f %s", time - $s, $_' \
  > "$log" || true
marks="10 30 60 120 240 480 600 900 1200 1800"
echo "target $target, $seconds s, flags: ${cargo_flags[*]} -- ${libfuzzer_flags[*]}"
for mark in $marks; do
  [ "$mark" -le "$seconds" ] || break
  awk -v m="$mark" '$2 ~ /^#[0-9]+$/ && $1 <= m { last = $0 } END {
      if (last != "") { split(last, f, " "); n = f[2]
        match(last, /cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/); print m " s: " n " " substr(last, RSTART, RLENGTH) } }' "$log"
done
grep -E 'stat::|==[0-9]+==|panicked|SUMMARY|Test unit written|DONE' "$log" | sed 's/^[0-9.]* //'
rm -f "$log"
