#!/usr/bin/env bash
# The short CI campaigns run by `make test` after the unit tests.
set -euo pipefail
BIN=${1:-.build/release/mmutorture}
"$BIN" --version
echo "ci-campaigns: none yet"
