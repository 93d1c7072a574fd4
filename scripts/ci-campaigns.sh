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
for s in vcpu-id-tdp mmu-writable-tdp; do
    check "$s" 0 "$BIN" run "configs/ci/$s.yaml" --report "$OUT/$s.json" --junit "$OUT/$s.xml"
done
check default-2s 0 "$BIN" run --duration 2s --seed 7
check shared-id-caught 1 "$BIN" run --mutant shared-id --operations 400000000 --duration 0
check wp-ignores-id-caught 1 "$BIN" run --mutant wp-ignores-id --operations 400000000 --duration 0
echo "ci-campaigns: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
