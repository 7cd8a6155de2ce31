#!/usr/bin/env bash
# Builds what is handed to users, in dist/:
#   dist/ctg.html  the page (nothing to install: open it in a browser, works offline);
#   dist/ctg.exe   the Windows program (cross-compiled with mingw-w64);
#   dist/ctg       the Linux program.
# Needs what .ci/run installs (the wasm32 and x86_64-pc-windows-gnu targets, wasm-bindgen-cli,
# gcc-mingw-w64-x86-64).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist
scripts/build-page.sh dist/ctg.html
# ctg.exe only: the Wine stand-in DLL that build-windows.sh writes beside it is for tests.
scripts/build-windows.sh target/windows-dist >/dev/null
cp target/windows-dist/ctg.exe dist/ctg.exe.part && mv dist/ctg.exe.part dist/ctg.exe
cargo build --release --locked --bin ctg
cp target/release/ctg dist/ctg.part && mv dist/ctg.part dist/ctg
ls -l dist/ctg.html dist/ctg.exe dist/ctg
