#!/usr/bin/env bash
# What the end-to-end checks need, installed only when missing: a headless
# browser (Debian's chromium-headless-shell), Python 3 with html5lib,
# junitparser and PyYAML (from PyPI with pip, else Debian's packages).
set -euo pipefail
SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
apt_install() {
    echo "e2e-deps: installing $* with apt-get"
    [ -n "${E2E_APT_UPDATED:-}" ] || { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null; E2E_APT_UPDATED=1; }
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}
command -v chromium-headless-shell >/dev/null 2>&1 || apt_install chromium-headless-shell
command -v python3 >/dev/null 2>&1 || apt_install python3
if ! python3 -c 'import html5lib, junitparser, yaml' 2>/dev/null; then
    command -v pip3 >/dev/null 2>&1 || apt_install python3-pip
    echo "e2e-deps: installing html5lib junitparser pyyaml with pip"
    pip3 install -q html5lib junitparser pyyaml 2>/dev/null \
        || pip3 install -q --break-system-packages html5lib junitparser pyyaml 2>/dev/null \
        || apt_install python3-html5lib python3-junitparser python3-yaml
fi
python3 -c 'import html5lib, junitparser, yaml'
