#!/usr/bin/env bash
# Builds ctg for Windows from Linux: DIR/ctg.exe (release, x86_64-pc-windows-gnu, stripped),
# the one file to give to Windows users; and, for the Wine smoke test only,
# DIR/wine-test/bcryptprimitives.dll (tests/wine/bcryptprimitives.c), which Wine 8.0 lacks
# and real Windows 10/11 has: never ship it beside ctg.exe.
#
#   scripts/build-windows.sh DIR
#
# Needs the Rust target (rustup target add x86_64-pc-windows-gnu) and MinGW-w64
# (apt-get install gcc-mingw-w64-x86-64). Honours CARGO_TARGET_DIR and CARGO_BUILD_JOBS.
# Running ctg.exe under Wine: copy DIR/ctg.exe and DIR/wine-test/bcryptprimitives.dll into
# one folder, then `wine ctg.exe aide` (tests/it/windows.rs does it on the samples).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage : $0 DOSSIER   (écrit DOSSIER/ctg.exe et DOSSIER/wine-test/bcryptprimitives.dll)" >&2
  exit 2
fi
mkdir -p "$1"
out="$(cd "$1" && pwd)"
cd "$(dirname "$0")/.."

target=x86_64-pc-windows-gnu
gcc=x86_64-w64-mingw32-gcc
strip=x86_64-w64-mingw32-strip
for tool in "$gcc" "$strip"; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "$tool est introuvable : apt-get install gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64" >&2
    exit 2
  }
done
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx "$target"; then
  echo "la cible Rust $target n'est pas installée : rustup target add $target" >&2
  exit 2
fi

cargo build --release --locked --target "$target" --bin ctg
# Where cargo put it (CARGO_TARGET_DIR, a relative one included, or the configuration).
target_dir="$(cargo metadata --format-version 1 --no-deps --locked |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
# The symbol table is a fifth of the file and nothing a user needs (ctg prints no backtrace).
"$strip" -o "$out/ctg.exe" "$target_dir/$target/release/ctg.exe"

mkdir -p "$out/wine-test"
"$gcc" -O2 -shared -o "$out/wine-test/bcryptprimitives.dll" tests/wine/bcryptprimitives.c -ladvapi32
cat > "$out/wine-test/LISEZ-MOI.txt" <<'TXT'
bcryptprimitives.dll sert uniquement à lancer ctg.exe sous Wine 8.0 (tests) : Wine 8.0 n'a pas
cette bibliothèque, que Windows 10 et 11 fournissent. Ne la distribuez pas avec ctg.exe.
Source : tests/wine/bcryptprimitives.c ; construite par scripts/build-windows.sh.
TXT

echo "$out/ctg.exe"
echo "$out/wine-test/bcryptprimitives.dll (tests sous Wine seulement)"
