"""Check that this process and its children reach loopback but not the internet.

Run first inside the network namespace of ``.ci/offline.sh``; exits non-zero
(and says what leaked) if a *subprocess* can open a connection outside the
machine or cannot use 127.0.0.1 (which Jupyter kernels and Dask need).
Standard library only, so it runs before the course environment exists.
"""

from __future__ import annotations

import subprocess
import sys

_CHILD = r"""
import socket, sys
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
socket.create_connection(server.getsockname(), timeout=2).close()
leaks = []
for host, port in (("1.1.1.1", 443), ("8.8.8.8", 53), ("pypi.org", 443)):
    try:
        socket.create_connection((host, port), timeout=3).close()
        leaks.append(f"{host}:{port}")
    except OSError:
        pass
print(" ".join(leaks))
sys.exit(1 if leaks else 0)
"""


def main() -> int:
    """Start a child process that tries loopback and the internet; report the result."""
    child = subprocess.run(
        [sys.executable, "-c", _CHILD], capture_output=True, text=True, timeout=60
    )
    if child.returncode != 0:
        leaked = child.stdout.strip()
        what = f"reached {leaked}" if leaked else f"failed on loopback: {child.stderr.strip()}"
        print(f"error: network isolation check: a subprocess {what}", file=sys.stderr)
        return 1
    print("network isolation: subprocesses reach 127.0.0.1 only (no internet)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
