#!/bin/sh
# demo.sh - pkit's main job, run by setup.sh after the build.
set -eu
cd "$(dirname "$0")"
PKIT="$(pwd)/pkit"
DEMO="$(pwd)/demo"
rm -rf "$DEMO"
mkdir -p "$DEMO"
cd "$DEMO"
export PKITPATH="$DEMO/.pkit"

echo "== pkit version"
"$PKIT" version
