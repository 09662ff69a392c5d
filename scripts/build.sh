#!/usr/bin/env bash
# Builds the npm package into pkg/, one WebAssembly module per entry:
#   web/client -> pkg/inactivity_timeout{.js,_bg.wasm}          the main entry (every web client):
#                 the JS driver, shim and glue bundled into one module, beside the wasm
#   web/admin  -> pkg/admin/inactivity_timeout_admin{.js,_bg.wasm}  inactivity-timeout/admin
#   web/host   -> pkg/host.js                                     inactivity-timeout/host (plain JS)
#   web/react, web/angular -> pkg/{react,angular}/index.js  inactivity-timeout/react, /angular (plain JS,
#                             each bundled with web/adapters/session.js; the frameworks and the package stay imports)
# Each: cargo (wasm32, release) -> wasm-bindgen --target web -> wasm-opt -Os (binaryen from npm).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if [ ! -x node_modules/.bin/wasm-opt ] || ! command -v wasm-bindgen >/dev/null; then
  echo "build: wasm-opt or wasm-bindgen is missing; running the set-up first (scripts/setup.sh)"
  bash scripts/setup.sh
fi

out=pkg
tmp=$(mktemp -d "$PWD/.pkg.XXXXXX")   # one per build: concurrent builds never share it
trap 'rm -rf "$tmp"' EXIT

# entry <crate> <out-dir> <out-name>
entry() {
  local crate=$1 dir=$2 name=$3
  # One cargo invocation per entry: features are not unified between the two modules.
  cargo build --release --target wasm32-unknown-unknown -p "$crate" --lib
  wasm-bindgen --target web --out-dir "$dir" --out-name "$name" \
    "target/wasm32-unknown-unknown/release/${crate//-/_}.wasm"
  # The features rustc enables by default for wasm32-unknown-unknown; wasm-opt must accept them.
  # -Os, and a function with one caller is inlined only when tiny: what is downloaded is gzipped,
  # and inlined bodies compress worse than calls (client entry 2.3 KB and admin 2.9 KB smaller
  # gzipped than with -Oz, though larger raw); --converge repeats the passes while they shrink it.
  node_modules/.bin/wasm-opt -Os --one-caller-inline-max-function-size=20 --converge --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$dir/${name}_bg.wasm" -o "$dir/${name}_bg.wasm"
}
entry inactivity-client "$tmp/glue" inactivity_timeout
entry inactivity-admin "$tmp/admin" inactivity_timeout_admin

# The client entry: the JS driver over the glue, bundled into one module beside the wasm.
mkdir "$tmp/src"
cp web/client/js/*.js "$tmp/src/"
cp "$tmp/glue/inactivity_timeout.js" "$tmp/src/core.js"
mv "$tmp/glue/inactivity_timeout_bg.wasm" "$tmp/"
node scripts/bundle-client.mjs "$tmp/src" "$tmp/inactivity_timeout.js"
cp web/client/js/index.d.ts "$tmp/inactivity_timeout.d.ts"
rm -rf "$tmp/src" "$tmp/glue"

cp scripts/pkg/package.json README.md web/host/host.js web/host/host.d.ts "$tmp/"
# What a client downloads is minified, with a source map beside each file.
node scripts/minify.mjs "$tmp/admin/inactivity_timeout_admin.js"
# The framework adapters: one module each (the shared session bundled in), minified like the rest.
for name in react angular; do
  node_modules/.bin/rolldown "web/$name/index.js" --format esm --log-level warn \
    --external react --external @angular/core --external @angular/common --external inactivity-timeout \
    -o "$tmp/$name/index.js"
  cp "web/$name/index.d.ts" "$tmp/$name/"
  node scripts/minify.mjs "$tmp/$name/index.js"
done
chmod 755 "$tmp" "$tmp/admin" "$tmp/react" "$tmp/angular"
rm -rf "$out" && mv "$tmp" "$out"

node scripts/client-size.mjs "$out"
