#!/usr/bin/env bash
# Put a local copy of MathJax 3 under book/_static so the built book renders
# equations offline (Sphinx would otherwise load MathJax from a CDN).
set -euo pipefail
version=$1
dest=$2
if ! command -v npm >/dev/null 2>&1; then
    echo "npm is needed once to fetch MathJax $version for offline equations: install Node.js/npm (apt-get install npm)" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "mathjax@$version" >/dev/null)
tar -xzf "$tmp"/mathjax-"$version".tgz -C "$tmp"
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
cp -r "$tmp"/package/es5/. "$dest.tmp"/
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "MathJax $version installed in $dest"
