#!/usr/bin/env bash
# The short CI campaigns run by `make test` after the unit tests: the correct
# protocols must run clean (exit 0), and a mutant must be caught (exit 1).
set -uo pipefail
BIN=${1:-.build/release/mmutorture}
OUT=${CI_REPORTS:-.build/ci-reports}
mkdir -p "$OUT"
pass=0; fail=0
check() {  # check NAME EXPECTED-EXIT COMMAND...
    local name=$1 want=$2; shift 2
    "$@" --quiet > "$OUT/$name.log" 2>&1
    local got=$?
    if [ "$got" -eq "$want" ]; then
        pass=$((pass + 1)); echo "ci-campaigns: ok     $name (exit $got)"
    else
        fail=$((fail + 1)); echo "ci-campaigns: FAILED $name (exit $got, wanted $want)"; tail -40 "$OUT/$name.log"
    fi
}
"$BIN" --version
# Every protocol x paging mode, correct protocol: must run clean.
check ci-campaign 0 "$BIN" run configs/ci/campaign.yaml --report "$OUT/ci.json" --junit "$OUT/ci.xml"
# Every RCU flavour on the default campaign.
for rcu in memb qsbr mb bp; do
    printf 'name: rcu-%s\nrcu: %s\nduration: 2s\n' "$rcu" "$rcu" > "$OUT/rcu-$rcu.yaml"
    check "rcu-$rcu" 0 "$BIN" run "$OUT/rcu-$rcu.yaml"
done
# Bad input is exit 2.
check bad-config 2 "$BIN" run configs/does-not-exist.yaml
check shared-id-caught 1 "$BIN" run --mutant shared-id --operations 400000000 --duration 0
check wp-ignores-id-caught 1 "$BIN" run --mutant wp-ignores-id --operations 400000000 --duration 0
echo "ci-campaigns: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
