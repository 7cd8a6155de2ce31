#!/usr/bin/env bash
# Benchmark of `ctg consolider` (not a test): N generated returns, wall time and peak memory.
# Usage: scripts/bench-consolider.sh [N=1000] [--modele]
set -euo pipefail
N="${1:-1000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
BIN="$ROOT/target/release/ctg"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$BIN" exemple retours -n "$N" -o "$WORK/retours" --graine 10 2>/dev/null
EXTRA=()
if [ "${2:-}" = "--modele" ]; then EXTRA=(--modele "$WORK/consolide.json"); fi
/usr/bin/time -f "mur %e s, mémoire max %M Kio" "$BIN" consolider "$WORK/retours" -o "$WORK/consolide.xlsx" "${EXTRA[@]}" | tail -1
