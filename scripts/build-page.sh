#!/usr/bin/env bash
# Builds the page: ctg compiled to WebAssembly (crate web/), its JavaScript glue
# (wasm-bindgen-cli, same version as the crate's wasm-bindgen), then one self-contained HTML
# file with the styles, the worker, the application and the WebAssembly (base64) inlined.
# Usage: scripts/build-page.sh [OUT.html]   (default: dist/ctg.html)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist/ctg.html}"
target_dir="${CARGO_TARGET_DIR:-target}"

# What the build needs, said in French before anything fails in English.
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "la cible Rust wasm32-unknown-unknown n'est pas installée : rustup target add wasm32-unknown-unknown" >&2
  exit 2
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen 0.2.130" ]; then
  echo "wasm-bindgen 0.2.130 est introuvable (trouvé : « $(wasm-bindgen --version 2>/dev/null || echo aucun) ») : cargo install wasm-bindgen-cli --version 0.2.130 --locked" >&2
  exit 2
fi
command -v python3 >/dev/null 2>&1 || {
  echo "python3 est introuvable : apt-get install python3" >&2
  exit 2
}

# A worker's memory is capped as the command line caps a worker process (1 GiB): a file
# asking for more stops that worker only, and is rejected.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C link-arg=--max-memory=1073741824" \
  cargo build --release --locked -p ctg-web --target wasm32-unknown-unknown
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target no-modules --no-typescript --out-dir "$tmp" \
  "$target_dir/wasm32-unknown-unknown/release/ctg_web.wasm"
# No wasm-opt: Debian's binaryen (version 108) breaks wasm-bindgen's externref table.
mkdir -p "$(dirname "$out")"
python3 - "$tmp" "$out" <<'PY'
import base64, pathlib, sys
tmp, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
page = pathlib.Path("web/page")
html = (page / "index.html").read_text(encoding="utf-8")
worker = (tmp / "ctg_web.js").read_text(encoding="utf-8") + "\n" + (page / "worker.js").read_text(encoding="utf-8")
app = (page / "app.js").read_text(encoding="utf-8")
wasm = base64.b64encode((tmp / "ctg_web_bg.wasm").read_bytes()).decode("ascii")
for name, text in (("worker", worker), ("app", app)):
    assert "</script" not in text.lower(), f"{name}: </script inside inlined JavaScript"
for marker, text in (("/*CSS*/", (page / "style.css").read_text(encoding="utf-8")),
                     ("/*WASM*/", wasm), ("/*WORKER*/", worker), ("/*APP*/", app)):
    assert html.count(marker) == 1, marker
    html = html.replace(marker, text)
part = out.with_name(out.name + ".part")
part.write_text(html, encoding="utf-8")
part.replace(out)
print(f"{out} : {out.stat().st_size / 1e6:.1f} Mo")
PY
