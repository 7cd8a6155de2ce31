#!/usr/bin/env bash
# Benchmark of the page (not a test), beside the command line in the same run on the same
# files: N returns consolidated with the sample CTG by `ctg consolider` (median of 5) and by
# the page in headless Chromium (median of 3, the page's own clock from the drop to the
# workbook ready), and the browser's floor (the same drop without ctg's work, `#plancher`);
# the page's size and the time until it is usable after opening.
# The page is measured twice: files dropped 3 s after it is usable, as a user who opens the
# tab and chooses the CTG and the folder (the page warms its WebAssembly up meanwhile), and
# dropped at once, by a script, before the warm-up has run.
# Needs what .ci/run installs (Chromium, tests/web's node packages, wasm-bindgen-cli).
# Usage: scripts/bench-page.sh [N=1000]
set -euo pipefail
N="${1:-1000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
cargo build --release --quiet --bin ctg
scripts/build-page.sh dist/ctg.html >/dev/null
BIN="$ROOT/target/release/ctg"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$BIN" exemple retours -n "$N" -o "$WORK/retours" --graine 10 2>/dev/null
rm -f "$WORK/retours/manifeste.tsv"
CTG="$ROOT/samples/ctg-pays-fouesnantais.json"
set +e +o pipefail
median() { sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
echo "$N retours ($(du -sh "$WORK/retours" | cut -f1)), $(nproc) cœurs"
printf '%-50s' "ctg consolider --ctg --modele (ligne de commande)"
for _ in 1 2 3 4 5; do
  /usr/bin/time -f "%e" "$BIN" consolider --force "$WORK/retours" --ctg "$CTG" -o "$WORK/a.xlsx" --modele "$WORK/a.json" 2>&1 >/dev/null | tail -1
done | median | awk '{printf "%s s (médiane de 5)\n", $1}'
OUT="$(cd tests/web && ATTENTE=3000 node bench.mjs "$ROOT/dist/ctg.html" "$WORK/retours" "$CTG" 3)"
NOW="$(cd tests/web && node bench.mjs "$ROOT/dist/ctg.html" "$WORK/retours" "$CTG" 3)"
# The browser's own floor: the same drop, every file answered with the first one's extract
# (`#plancher`), so what remains is reading the dropped files and passing messages.
FLOOR="$(cd tests/web && ATTENTE=3000 HASH='#plancher=1' node bench.mjs "$ROOT/dist/ctg.html" "$WORK/retours" "$CTG" 3)"
python3 - "$OUT" "$FLOOR" "$NOW" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
f = json.loads(sys.argv[2])
n = json.loads(sys.argv[3])
print(f"{'page, Chromium sans tête, déposés 3 s après':50}{r['consolidation_median_ms'] / 1000:.2f} s (médiane de 3 : {', '.join(str(t) for t in r['consolidation_ms'])} ms ; dont lecture {', '.join(str(t) for t in r['lecture_ms'])} ms)")
print(f"{'page, fichiers déposés dès l’ouverture':50}{n['consolidation_median_ms'] / 1000:.2f} s (médiane de 3 : {', '.join(str(t) for t in n['consolidation_ms'])} ms, avant l’échauffement)")
print(f"{'page, plancher du navigateur (#plancher)':50}{f['consolidation_median_ms'] / 1000:.2f} s (lecture et messages seuls : {', '.join(str(t) for t in f['lecture_ms'])} ms)")
print(f"{'page utilisable après ouverture':50}{r['pret_median_ms']} ms (médiane de 3 : {r['pret_ms']})")
print(f"{'taille de dist/ctg.html':50}{r['taille_octets'] / 1e6:.1f} Mo")
PY
