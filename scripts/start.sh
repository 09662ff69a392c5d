#!/usr/bin/env bash
# npm start: set up, build the package and the reference server, and serve the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cargo build --release -p inactivity-server
port="${PORT:-8080}"
echo "Open http://127.0.0.1:${port}/  (the embedded CRM page: http://localhost:${port}/host.html)"
exec target/release/inactivity-server --port "$port" --root .
