#!/usr/bin/env bash
# Regenerates data/territoire.tsv from the npm package @etalab/decoupage-administratif
# (Licence Ouverte data). Usage: scripts/gen-territoire.sh [VERSION]
set -euo pipefail
VERSION="${1:-6.0.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "@etalab/decoupage-administratif@${VERSION}" >/dev/null
tar xzf etalab-decoupage-administratif-*.tgz
python3 "$ROOT/scripts/gen_territoire.py" package "$ROOT/data/territoire.tsv"
