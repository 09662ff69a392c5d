#!/usr/bin/env bash
# Builds the npm package into pkg/:
#   cargo (wasm32, release) -> wasm-bindgen --target web -> wasm-opt -Oz (binaryen from npm) -> package.json, README
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --release --target wasm32-unknown-unknown -p inactivity-timeout --lib
out=pkg
tmp=$(mktemp -d "$PWD/.pkg.XXXXXX")   # one per build: concurrent builds never share it
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --out-dir "$tmp" --out-name inactivity_timeout \
  target/wasm32-unknown-unknown/release/inactivity_timeout.wasm
# The features rustc enables by default for wasm32-unknown-unknown; wasm-opt must accept them.
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$tmp/inactivity_timeout_bg.wasm" -o "$tmp/inactivity_timeout_bg.wasm"
cp scripts/pkg/package.json README.md "$tmp/"
[ -d js ] && cp js/*.js js/*.d.ts "$tmp/" 2>/dev/null || true
chmod 755 "$tmp"
rm -rf "$out" && mv "$tmp" "$out"

wasm=$(stat -c %s "$out/inactivity_timeout_bg.wasm")
glue=$(stat -c %s "$out/inactivity_timeout.js")
gz=$(cat "$out/inactivity_timeout_bg.wasm" "$out/inactivity_timeout.js" $(find "$out/snippets" -name '*.js') | gzip -9 | wc -c)
echo "build: pkg/ ready — wasm ${wasm} B, glue ${glue} B, gzipped total ${gz} B"
