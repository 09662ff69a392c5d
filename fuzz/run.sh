#!/usr/bin/env bash
# npm run fuzz: the long fuzz run (bad input). One libFuzzer target per input kind —
# policy JSON, exclusion entries, URLs, return-to locations, cross-tab messages — each run for
# FUZZ_SECONDS (default 60) in turn. Fails when any target crashes (a panic, a failed check, a
# timeout or running out of memory) and says how to reproduce it.
#
#   FUZZ_SECONDS=300 npm run fuzz                 five minutes per target
#   FUZZ_TARGETS="url tabs" npm run fuzz          some targets only
#   FUZZ_SKIP_KNOWN=return-to-dot-segments,normalize-idempotence npm run fuzz
#                                                 turn off the checks of bugs already reported
#
# The corpus grows in fuzz/corpus/<target> (kept between runs, not committed), starting from
# fuzz/seeds/<target>; crashes land in fuzz/artifacts/<target>, full logs in fuzz/logs.
# The short run is part of `npm test`: tests/fuzz_*.rs (proptest).
set -uo pipefail
cd "$(dirname "$0")"
export PATH="$HOME/.cargo/bin:$PATH"
# The fuzz crate has its own target dir (fuzz/target), whatever the caller's CARGO_TARGET_DIR.
unset CARGO_TARGET_DIR

all_targets="policy exclusions url return_to tabs"
targets=${FUZZ_TARGETS:-$all_targets}
seconds=${FUZZ_SECONDS:-60}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: FUZZ_SECONDS must be a whole number of seconds, got '$seconds'" >&2
  exit 2
fi
for t in $targets; do
  case " $all_targets " in *" $t "*) ;; *) echo "fuzz: unknown target '$t' (targets: $all_targets)" >&2; exit 2 ;; esac
done

# cargo-fuzz needs a nightly toolchain (libFuzzer's sanitizer flags are unstable). No nightly:
# say so and fail — never pretend the run happened.
if ! command -v rustup >/dev/null 2>&1 || ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz: FAILED — cargo-fuzz needs a nightly Rust toolchain and this machine has none" >&2
  echo "fuzz: ('rustup toolchain list' shows no nightly). Install one with" >&2
  echo "fuzz:   rustup toolchain install nightly --profile minimal" >&2
  echo "fuzz: and run 'npm run fuzz' again. (The short fuzz run is part of 'npm test'.)" >&2
  exit 3
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: FAILED — the nightly toolchain is listed but 'cargo +nightly' does not run" >&2
  exit 3
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is missing: installing it from crates.io (cargo install cargo-fuzz --locked)"
  cargo install cargo-fuzz --locked || { echo "fuzz: FAILED — could not install cargo-fuzz" >&2; exit 3; }
fi

echo "fuzz: $(cargo +nightly --version), $(cargo fuzz --version)"
echo "fuzz: building the targets (release, debug assertions, AddressSanitizer)"
cargo +nightly fuzz build --fuzz-dir . || { echo "fuzz: FAILED — the targets do not build" >&2; exit 1; }

mkdir -p logs
passed=() failed=()
summary=()
for t in $targets; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="logs/$t.log"
  echo
  echo "=== fuzz $t: ${seconds} s (log: fuzz/$log)"
  start=$SECONDS
  # -timeout: one input taking longer than 10 s is a hang, and a failure.
  cargo +nightly fuzz run --fuzz-dir . "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -dict="dict/$t.dict" -print_final_stats=1 -print_pcs=0 >"$log" 2>&1
  rc=$?
  runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  rate=$(grep -oE '^stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  cov=$(grep -oE '^#[0-9]+.*cov: [0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+')
  corpus=$(find "corpus/$t" -type f | wc -l)
  line="$t: ${runs:-?} runs in $((SECONDS - start)) s, ${rate:-?} exec/s, coverage ${cov:-?} edges, corpus ${corpus} inputs"
  if [ $rc -eq 0 ]; then
    passed+=("$t"); summary+=("  passed: $line")
    echo "=== fuzz $t: passed — $line"
  else
    failed+=("$t")
    crash=$(grep -oE 'artifacts/[^ ]+' "$log" | tail -1)
    summary+=("  FAILED: $line; crash: ${crash:-see fuzz/$log}")
    echo "=== fuzz $t: FAILED — $line"
    awk '/panicked at/{p=1} /stack backtrace:/{p=0} p' "$log" | head -20
    grep -E "ERROR: (libFuzzer|AddressSanitizer)|^SUMMARY|Test unit written" "$log" | head -5
    if [ -n "${crash:-}" ]; then
      echo "fuzz: reproduce with: (cd fuzz && cargo +nightly fuzz run --fuzz-dir . $t $crash)"
      echo "fuzz: the input, escaped: $(head -c 600 "$crash" | od -An -c | tr -s ' ' | tr -d '\n' | head -c 900)"
    fi
  fi
done

echo
echo "=== fuzz summary (${seconds} s per target)"
printf '%s\n' "${summary[@]}"
echo "fuzz: ${#passed[@]} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
