#!/usr/bin/env bash
# Benchmark of the page (not a test), beside the command line in the same run on the same
# files: N returns consolidated with the sample CTG by `ctg consolider` and by the page in
# headless Chromium (the page's own clock from the drop to the workbook ready), in alternation,
# five rounds, with each round's ratio; and the browser's floor (the same drop without ctg's
# work, `#plancher`);
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
# The command line and the page (files dropped 3 s after it is usable) in alternation, five
# rounds: this machine's speed drifts by a third within minutes, so each round's ratio is
# taken, and the median of the five.
ROUNDS=""
for _ in 1 2 3 4 5; do
  CLI_S="$(/usr/bin/time -f "%e" "$BIN" consolider --force "$WORK/retours" --ctg "$CTG" -o "$WORK/a.xlsx" --modele "$WORK/a.json" 2>&1 >/dev/null | tail -1)"
  PAGE="$(cd tests/web && ATTENTE=3000 node bench.mjs "$ROOT/dist/ctg.html" "$WORK/retours" "$CTG" 1)"
  ROUNDS="$ROUNDS$CLI_S $PAGE"$'\n'
done
OUT="$(cd tests/web && ATTENTE=3000 node bench.mjs "$ROOT/dist/ctg.html" "$WORK/retours" "$CTG" 1)"
NOW="$(cd tests/web && node bench.mjs "$ROOT/dist/ctg.html" "$WORK/retours" "$CTG" 3)"
# The browser's own floor: the same drop, every file answered with the first one's extract
# (`#plancher`), so what remains is reading the dropped files and passing messages.
FLOOR="$(cd tests/web && ATTENTE=3000 HASH='#plancher=1' node bench.mjs "$ROOT/dist/ctg.html" "$WORK/retours" "$CTG" 3)"
python3 - "$ROUNDS" <<'PY'
import json, sys
fr = lambda x, d=2: f"{x:.{d}f}".replace('.', ',')
rounds = [l.split(' ', 1) for l in sys.argv[1].strip().splitlines()]
cli = [float(c) for c, _ in rounds]
page = [json.loads(p)['consolidation_ms'][0] / 1000 for _, p in rounds]
ratio = sorted(p / c for c, p in zip(cli, page))
med = lambda a: sorted(a)[len(a) // 2]
print(f"{'ctg consolider --ctg --modele (ligne de commande)':50}{fr(med(cli))} s (médiane de 5 : {' ; '.join(fr(c) for c in cli)})")
print(f"{'page, Chromium sans tête, déposés 3 s après':50}{fr(med(page))} s (médiane de 5 : {' ; '.join(fr(p) for p in page)})")
print(f"{'rapport page / ligne de commande, tour par tour':50}{fr(med(ratio), 1)} fois (médiane ; de {fr(ratio[0], 1)} à {fr(ratio[-1], 1)})")
PY
python3 - "$OUT" "$FLOOR" "$NOW" <<'PY'
import json, sys
fr = lambda x, d=2: f"{x:.{d}f}".replace('.', ',')
r = json.loads(sys.argv[1])
f = json.loads(sys.argv[2])
n = json.loads(sys.argv[3])
print(f"{'  dont lecture des fichiers (un tour de plus)':50}{fr(r['lecture_ms'][0] / 1000)} s sur {fr(r['consolidation_ms'][0] / 1000)} s")
print(f"{'page, fichiers déposés dès l’ouverture':50}{fr(n['consolidation_median_ms'] / 1000)} s (médiane de 3 : {' ; '.join(str(t) for t in n['consolidation_ms'])} ms, avant l’échauffement)")
print(f"{'page, plancher du navigateur (#plancher)':50}{fr(f['consolidation_median_ms'] / 1000)} s (lecture et messages seuls : {' ; '.join(str(t) for t in f['lecture_ms'])} ms)")
print(f"{'page utilisable après ouverture':50}{n['pret_median_ms']} ms (médiane de 3 : {' ; '.join(str(t) for t in n['pret_ms'])})")
print(f"{'taille de dist/ctg.html':50}{fr(r['taille_octets'] / 1e6, 1)} Mo")
PY
