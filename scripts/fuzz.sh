#!/usr/bin/env bash
# Fuzzes ctg's readers of untrusted input with cargo-fuzz (libFuzzer, nightly toolchain).
#   scripts/fuzz.sh TARGET [SECONDS]      TARGET: retour | retour_feuille | word | modele | all
# Seeds come from the repository (samples, fixtures); the working corpus is fuzz/corpus/TARGET
# (not committed). A crash is written to fuzz/artifacts/TARGET/: copy it to
# tests/fixtures/fuzz/TARGET/ and the regression test runs it through the real binary.
# Needs: rustup toolchain nightly, `cargo install cargo-fuzz`.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?cible : retour | retour_feuille | word | modele | all}"
secs="${2:-60}"

seed() {
  local t="$1" d="fuzz/corpus/$1"
  mkdir -p "$d"
  case "$t" in
    retour)
      cp fuzz/seeds/retour.xlsx "$d/" 2>/dev/null || true
      local n=0
      while read -r f; do
        n=$((n + 1))
        if [ "$n" -le 150 ]; then cp "$f" "$d/"; fi
      done < <(find tests/fixtures/hostile/files ../shared/corpus/xlsx ../shared/corpus/ods \
        ../shared/corpus/xls -type f -size -200k 2>/dev/null) ;;
    retour_feuille)
      python3 - "$d" <<'PY'
import sys, zipfile
d = sys.argv[1]
z = zipfile.ZipFile("fuzz/seeds/retour.xlsx")
open(f"{d}/feuille", "wb").write(b"\0" + z.read("xl/worksheets/sheet3.xml"))
open(f"{d}/textes", "wb").write(b"\1" + z.read("xl/sharedStrings.xml"))
PY
      ;;
    word)
      find tests/fixtures/word tests/fixtures/hostile/files ../shared/corpus/docx -name '*.docx' -size -300k \
        2>/dev/null | while read -r f; do cp "$f" "$d/$(echo "$f" | tr '/' '_')"; done ;;
    modele)
      cp samples/*.json tests/input/broken/*.json "$d/" ;;
  esac
}

run() {
  local t="$1"
  seed "$t"
  mkdir -p "fuzz/artifacts/$t"
  echo "== $t : ${secs} s"
  # One build folder per target: two targets can run side by side (cargo locks its folder).
  cargo +nightly fuzz run --fuzz-dir fuzz --target-dir "fuzz/target/$t" "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
    -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
    -artifact_prefix="fuzz/artifacts/$t/"
}

if [ "$target" = all ]; then
  for t in retour retour_feuille word modele; do run "$t"; done
else
  run "$target"
fi
