#!/usr/bin/env bash
# Idempotent set-up: installs only what is missing, and says what it does.
#   scripts/setup.sh          what `npm start` needs (Rust wasm target, wasm-bindgen-cli, npm dev deps)
#   scripts/setup.sh --test   plus what `npm test` needs: Debian's chromium, chromium-driver,
#                             firefox-esr, webkit2gtk-driver and xvfb (apt), geckodriver (crates.io)
# Nothing here downloads a browser, a driver or a prebuilt binary from anywhere but the
# package registries (rustup, crates.io, npm, apt).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1
say() { printf 'setup: %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

# 1. The wasm32 target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "installing the wasm32-unknown-unknown target (rustup)"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli at exactly the wasm-bindgen version of Cargo.lock.
if [ ! -f Cargo.lock ]; then
  say "generating Cargo.lock"
  cargo generate-lockfile
fi
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wbg_version" ]; then
  echo "setup: cannot find the wasm-bindgen version in Cargo.lock" >&2
  exit 1
fi
have_version=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_version" != "$wbg_version" ]; then
  say "installing wasm-bindgen-cli $wbg_version (found: ${have_version:-none}); this takes a few minutes once"
  cargo install --locked --force wasm-bindgen-cli --version "$wbg_version"
fi

# 3. npm dev dependencies, exactly as package-lock.json says.
lock_stamp=node_modules/.package-lock.json
if [ ! -f "$lock_stamp" ] || [ package-lock.json -nt "$lock_stamp" ]; then
  say "installing npm dev dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# 4. For tests: Debian's Chromium, ChromeDriver, Firefox ESR, WebKitGTK's WebDriver (with Xvfb:
#    WebKitGTK has no headless mode) and geckodriver from crates.io (never a downloaded browser or
#    driver).
if [ "$want_test" = 1 ]; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  [ -x /usr/lib/firefox-esr/firefox-esr ] || missing+=(firefox-esr)
  [ -x /usr/bin/WebKitWebDriver ] || missing+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null || missing+=(xvfb)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian's ${missing[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
  fi
  gecko_version=0.37.1
  if [ "$(geckodriver --version 2>/dev/null | awk 'NR==1 {print $2}')" != "$gecko_version" ]; then
    say "installing geckodriver $gecko_version (crates.io); this takes a few minutes once"
    cargo install --locked --force geckodriver --version "$gecko_version"
  fi
fi
say "ready"
