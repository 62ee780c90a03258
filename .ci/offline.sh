#!/usr/bin/env bash
# Run a command with no network except loopback: a new network namespace
# (unshare -n) in which only `lo` is up.  Every process the command starts —
# pytest, Jupyter kernels (they talk over 127.0.0.1), Dask workers, generator
# processes — is cut off from the internet, not only the pytest process that
# pytest-socket guards.
#
#   bash .ci/offline.sh make test
#
# Needs root (as in CI) or unprivileged user namespaces (then `unshare -rn`).
# Where neither works it fails, unless HEPML_COURSE_ALLOW_NETWORK=1 is set:
# then it warns and runs the command with the network.
set -euo pipefail
if [ $# -eq 0 ]; then
    echo "usage: bash .ci/offline.sh COMMAND [ARGS...]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
for flags in -n -rn; do
    if unshare "$flags" true 2>/dev/null && unshare "$flags" ip link set lo up 2>/dev/null; then
        # shellcheck disable=SC2016
        exec unshare "$flags" bash -c "ip link set lo up && python3 '$here/check-offline.py' && exec \"\$@\"" bash "$@"
    fi
done
if [ "${HEPML_COURSE_ALLOW_NETWORK:-0}" = 1 ]; then
    echo "warning: cannot create a network namespace here (unshare -n needs root or user" \
        "namespaces); running WITH the network because HEPML_COURSE_ALLOW_NETWORK=1" >&2
    exec "$@"
fi
echo "error: cannot create a network namespace (unshare -n needs root, unshare -rn needs" \
    "user namespaces): run as root, or set HEPML_COURSE_ALLOW_NETWORK=1 to test with the network" >&2
exit 1
