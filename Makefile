# mmutorture: two commands, per the README.
#   make run   installs what is missing, builds in release mode, runs the default campaign
#   make test  the same set-up, then the whole test suite and the short CI campaigns
SWIFT   ?= swift
BIN     := .build/release/mmutorture
# One release build serves `run`, the unit tests and the CI campaigns:
# -enable-testing lets the tests see internal API without a second build.
SWIFTFLAGS := -c release -Xswiftc -enable-testing
ARGS    ?=
SUDO    := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps build build-tests run test unit-tests ci-campaigns nightly e2e bench sweep clean

all: build

# liburcu-dev (and pkg-config, which SwiftPM uses to find it) from apt-get,
# only when missing.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists liburcu; then \
	    echo "make: installing liburcu-dev with apt-get"; \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q liburcu-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build $(SWIFTFLAGS)

run: build
	$(BIN) run $(ARGS)

# The package and its tests in one build: `swift build --build-tests`
# builds the executable too, and `swift test --skip-build` runs the tests
# without building again (plain `swift build` then `swift test` compiles
# everything twice on a fresh clone).
build-tests: deps
	$(SWIFT) build --build-tests $(SWIFTFLAGS)

# Unit tests (XCTest, release build, run serially: stress tests want the
# cores), then the CI campaigns and the end-to-end checks of the reports
# and of the engines in deploy/.
test: build-tests
	$(SWIFT) test --skip-build $(SWIFTFLAGS)
	@bash scripts/ci-campaigns.sh $(BIN)

unit-tests: build-tests
	$(SWIFT) test --skip-build $(SWIFTFLAGS)

# A longer gate for a nightly job: 100,000 deterministic executions per
# protocol and paging mode, five seeds per mutant in both modes.
nightly: build
	MMUT_DET_EXECUTIONS=100000 MMUT_MUTANT_SEEDS=5 bash scripts/ci-campaigns.sh $(BIN)

ci-campaigns: build
	@bash scripts/ci-campaigns.sh $(BIN)

bench: build
	$(BIN) bench

# The mutation sweep of every protocol and every path (docs/mutation.md):
# the mutation score, every survivor, the reports under .build/sweep/.
# SWEEP_EXECUTIONS per scenario and mutant (20 scenarios for vcpu-id; at
# 1000 on the quiet two-core machine, 2026-12-07, vcpu-id took 5 min,
# mmu-writable 4 min and tdp-mmu 7 min; at 5000 vcpu-id took 24 min and
# scored 100 %, mmu-writable 16 min and 100 % once write-tracking came,
# tdp-mmu 33 min and 93.2 %, then 32 min and 96.6 % with the swarm
# scenario, 2026-12-08).
SWEEP_EXECUTIONS ?= 1000
sweep: build
	@mkdir -p .build/sweep
	$(BIN) mutants sweep --executions $(SWEEP_EXECUTIONS) --report .build/sweep/sweep.json \
	    --junit .build/sweep/sweep.xml --html .build/sweep/sweep.html

clean:
	rm -rf .build
