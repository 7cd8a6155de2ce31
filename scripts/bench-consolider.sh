#!/usr/bin/env bash
# Benchmark of `ctg consolider` (not a test), with its peers in the same run on the same files:
#   - the floor: inflating every part of every file (examples/inflate.rs);
#   - ctg with isolation (the default: each file read by a worker process) and without it
#     (CTG_ISOLATION=0), to measure what isolation costs;
#   - pandas + openpyxl and pandas + python-calamine reading every sheet of every file;
#   - `ctg valider` of one file, whole process (mean of 100 runs), beside the same loop
#     starting /bin/true.
# Usage: scripts/bench-consolider.sh [N=1000] [--modele]
#   TOURS=7 (rounds of the alternation), PAIRS=0 to leave out the pandas peers (at the
#   national scale, 34 871 returns, pandas + openpyxl alone takes a quarter of an hour):
#   TOURS=3 PAIRS=0 scripts/bench-consolider.sh 34871 --modele
#   REF=/chemin/vers/un/autre/ctg adds that binary (an earlier version, built from another
#   commit) to the same alternation, without isolation flags: this machine's speed drifts
#   several-fold from day to day, so a target set on the day an issue was filed is compared
#   through the binary of that day, measured in the same run.
set -euo pipefail
N="${1:-1000}"
TOURS="${TOURS:-7}"
PAIRS="${PAIRS:-1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --bin ctg --example inflate
BIN="$ROOT/target/release/ctg"
INFLATE="$ROOT/target/release/examples/inflate"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$BIN" exemple retours -n "$N" -o "$WORK/retours" --graine 10 2>/dev/null
rm -f "$WORK/retours/manifeste.tsv"
EXTRA=()
if [ "${2:-}" = "--modele" ]; then EXTRA=(--modele "$WORK/consolide.json"); fi
# ctg exits 1 when the returns hold errors: measurements must not stop the script.
set +e +o pipefail
T="/usr/bin/time"
FMT="%e s, %M Kio"
echo "$N retours ($(du -sh "$WORK/retours" | cut -f1)), 2 cœurs"
# The floor and ctg with and without isolation in alternation, rounds, medians: this
# machine's speed drifts by a third within minutes (and halves at times), and one after the
# other the series measured different states. Each round also gives ctg's time over the floor.
median() { sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
for _ in $(seq "$TOURS"); do
  $T -f "%e %M" "$INFLATE" "$WORK/retours" 2>&1 >/dev/null | tail -1 >> "$WORK/tf"
  if [ -n "${REF:-}" ]; then
    rm -f "$WORK/r.xlsx" "$WORK/r.json"
    REFEXTRA=()
    [ "${#EXTRA[@]}" -gt 0 ] && REFEXTRA=(--modele "$WORK/r.json")
    $T -f "%e %M" "$REF" consolider "$WORK/retours" -o "$WORK/r.xlsx" "${REFEXTRA[@]}" 2>&1 >/dev/null | tail -1 >> "$WORK/tr"
  fi
  for mode in 1 0; do
    CTG_ISOLATION=$mode $T -f "%e %M" "$BIN" consolider --force "$WORK/retours" -o "$WORK/a.xlsx" "${EXTRA[@]}" 2>&1 >/dev/null | tail -1 >> "$WORK/t$mode"
  done
done
MODES="f 1 0"
[ -n "${REF:-}" ] && MODES="f r 1 0"
for mode in $MODES; do
  label="ctg consolider (isolation)"
  [ "$mode" = 0 ] && label="ctg consolider (CTG_ISOLATION=0)"
  [ "$mode" = f ] && label="plancher (décompression seule)"
  [ "$mode" = r ] && label="référence (REF)"
  printf '%-42s' "$label"
  runs=$(awk '{printf "%s%s", (NR > 1 ? " ; " : ""), $1}' "$WORK/t$mode")
  median < "$WORK/t$mode" | awk -v runs="$runs" -v n="$TOURS" '{printf "%s s, %s Kio (médiane de %s en alternance : %s)\n", $1, $2, n, runs}'
done
printf '%-42s' "isolation / plancher, tour par tour"
paste -d' ' "$WORK/t1" "$WORK/tf" | awk '{printf "%s%.1f", (NR > 1 ? " ; " : ""), $1 / $3} END {print ""}'
if [ -n "${REF:-}" ]; then
  printf '%-42s' "référence / isolation, tour par tour"
  paste -d' ' "$WORK/tr" "$WORK/t1" | awk '{printf "%s%.2f", (NR > 1 ? " ; " : ""), $1 / $3} END {print ""}'
fi
if [ "$PAIRS" = 0 ]; then
  echo "pairs pandas non mesurés (PAIRS=0)"
elif python3 -c "import pandas, openpyxl, python_calamine" 2>/dev/null || python3 -m pip install --quiet pandas openpyxl python-calamine >/dev/null 2>&1; then
  cat > "$WORK/peer.py" <<'PY'
import sys, glob, pandas as pd
engine, folder = sys.argv[1], sys.argv[2]
frames = []
for f in sorted(glob.glob(folder + "/*.xlsx")):
    for name, df in pd.read_excel(f, sheet_name=None, engine=engine).items():
        df["fichier"], df["feuille"] = f, name
        frames.append(df)
print(len(pd.concat(frames, ignore_index=True)))
PY
  printf '%-42s' "pandas + openpyxl"; $T -f "$FMT" python3 "$WORK/peer.py" openpyxl "$WORK/retours" 2>&1 >/dev/null | tail -1
  printf '%-42s' "pandas + python-calamine"; $T -f "$FMT" python3 "$WORK/peer.py" calamine "$WORK/retours" 2>&1 >/dev/null | tail -1
else
  echo "pandas, openpyxl ou python-calamine indisponibles : pairs non mesurés"
fi
ONE="$(ls "$WORK/retours"/*.xlsx | head -1)"
# The floor of the same loop: starting a process that does nothing.
START=$(date +%s%N)
for _ in $(seq 100); do /bin/true; done
END=$(date +%s%N)
printf '%-42s%s µs par exécution (moyenne de 100)\n' "plancher : /bin/true (même boucle)" "$(( (END - START) / 100000 ))"
START=$(date +%s%N)
for _ in $(seq 100); do "$BIN" valider "$ONE" >/dev/null || true; done
END=$(date +%s%N)
printf '%-42s%s µs par exécution (moyenne de 100)\n' "ctg valider d'un fichier (processus entier)" "$(( (END - START) / 100000 ))"
