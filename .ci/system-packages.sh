#!/usr/bin/env bash
# Install the Debian packages listed in apt.txt (the Binder list) when they are
# missing.  As root: installs them.  Otherwise: prints the exact command to run.
set -euo pipefail
list=${1:-apt.txt}
mapfile -t wanted < <(grep -v '^\s*#' "$list" | sed '/^\s*$/d')
missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages: all present (${wanted[*]})"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system packages missing: ${missing[*]} (no apt-get here: install them with your package manager)"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    echo "system packages: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "system packages missing: ${missing[*]}"
    echo "install them with:  sudo apt-get install -y ${missing[*]}"
    echo "(the course runs without them; tests that need them skip and say which tool is missing)"
fi
