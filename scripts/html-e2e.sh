#!/usr/bin/env bash
# The HTML and JUnit reports of real runs, checked as their readers see
# them: each page parsed by a strict HTML5 parser (html5lib) and rendered by
# a real headless browser (chromium-headless-shell); JUnit parsed by
# junitparser. Pages: a passing run, a native violation, a deterministic
# violation (its timeline as swimlanes), a sharded `mutants verify` merged,
# and a sharded campaign merged (which must equal the unsharded run).
# Installs what it needs with apt-get and pip when missing (run as root or
# with sudo). Usage: scripts/html-e2e.sh [BIN] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/mmutorture}
OUT=${2:-.build/html-e2e}
rm -rf "$OUT"; mkdir -p "$OUT"

bash scripts/e2e-deps.sh
CHECK="python3 scripts/check-reports.py"

expect() {  # expect EXIT COMMAND...: run it, quietly, and insist on its exit status
    local want=$1; shift
    set +e; "$@" > "$OUT/last.log" 2>&1; local got=$?; set -e
    if [ "$got" -ne "$want" ]; then
        echo "html-e2e: FAILED: exit $got, wanted $want: $*"; tail -30 "$OUT/last.log"; exit 1
    fi
}

# A passing run.
expect 0 "$BIN" run --duration 1s --quiet --report "$OUT/pass.json" --junit "$OUT/pass.xml" --html "$OUT/pass.html"
$CHECK html pass "$OUT/pass.html"
$CHECK junit "$OUT/pass.xml" 1 0

# A native violation: a mutant the native runner catches within milliseconds
# (the slow path installs without the notifier retry check).
expect 1 "$BIN" run --mutant no-notifier-retry --duration 20s --quiet --report "$OUT/native.json" --junit "$OUT/native.xml" --html "$OUT/native.html"
$CHECK html native-violation "$OUT/native.html"
$CHECK junit "$OUT/native.xml" 1 1

# A deterministic violation: seed 004's race, drawn; `report html` of its
# JSON gives the very same page.
expect 1 "$BIN" run --mode deterministic --mutant shared-id --executions 3000 --quiet \
    --report "$OUT/det.json" --html "$OUT/det.html"
$CHECK html deterministic-violation "$OUT/det.html" --screenshot "$OUT/det.png"
expect 0 "$BIN" report html "$OUT/det.json" -o "$OUT/det-again.html"
cmp "$OUT/det.html" "$OUT/det-again.html" || { echo "html-e2e: FAILED: report html differs from run --html"; exit 1; }
# The replay writes the same kinds of report.
expect 1 "$BIN" replay "$OUT/det.json" --quiet --html "$OUT/replay.html"
$CHECK html deterministic-violation "$OUT/replay.html"

# mutants verify in two shards, merged: the matrix with detection times.
for k in 0 1; do
    expect 0 "$BIN" mutants verify --seeds 2 --budget 30s --clean-budget 300ms --generic-budget 1s --only no-notifier-retry --only skip-tlb-flush --only obsolete-in-hash \
        --shard "$k/2" --quiet --report "$OUT/verify-$k.json"
done
expect 0 "$BIN" report merge "$OUT/verify-0.json" "$OUT/verify-1.json" --html "$OUT/verify.html" --junit "$OUT/verify.xml"
$CHECK html verify "$OUT/verify.html"
# 3 mutants x 2 seeds, one generic-campaign run each, and the correct
# protocols under the default campaign (3: vcpu-id, mmu-writable, tdp-mmu)
# and the 3 mutants' exposures (vcpu-id).
$CHECK junit "$OUT/verify.xml" 15 0

# The CI campaign in three shards, merged, against the unsharded run.
CAMPAIGN=configs/ci/campaign.yaml
for k in 0 1 2; do
    expect 0 "$BIN" run "$CAMPAIGN" --duration 300ms --quiet --shard "$k/3" --report "$OUT/shard-$k.json"
done
expect 0 "$BIN" run "$CAMPAIGN" --duration 300ms --quiet --report "$OUT/whole.json"
expect 0 "$BIN" report merge "$OUT"/shard-*.json --report "$OUT/merged.json" --junit "$OUT/merged.xml" --html "$OUT/merged.html"
python3 scripts/same-campaign.py "$OUT/whole.json" "$OUT/merged.json"
$CHECK html merged "$OUT/merged.html"
# One testcase per scenario of the CI campaign: 3 protocols x the paging
# modes each models (vcpu-id 3, mmu-writable 3, tdp-mmu 1).
$CHECK junit "$OUT/merged.xml" 7 0

# Bad input: exit 2, one line naming the file or option.
expect 2 "$BIN" report html "$OUT/no-such.json" -o "$OUT/x.html"
grep -q "no-such.json" "$OUT/last.log"
expect 2 "$BIN" report merge "$OUT/shard-0.json" "$OUT/shard-1.json"
grep -q "shard 2/3 missing" "$OUT/last.log"
expect 2 "$BIN" run --shard 3/3
grep -q -- "--shard" "$OUT/last.log"
expect 2 "$BIN" run --duration 1s --html /nonexistent-dir/x.html
grep -q "/nonexistent-dir/x.html" "$OUT/last.log"
echo "html-e2e: every page checked; sizes:"
ls -l "$OUT"/*.html | awk '{print "  " $5 " bytes  " $9}'
