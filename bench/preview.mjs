// The admin preview benchmark (native, bench/preview/: a crate outside the workspace): a replay of
// 10,000 sessions × 1,000 calls with its time and memory, and the rows that show the cost follows
// the calls, not sessions × exclusion entries. `run` measures; `previewRow` is its line in the
// report's table.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** Builds and runs bench/preview in release mode; returns its JSON. */
export function run(root, { quick = false, log = () => {} } = {}) {
  log("preview: cargo run --release (bench/preview)");
  const env = { ...process.env, CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR ?? join(root, "target/bench-preview") };
  const out = execFileSync(
    "cargo",
    ["run", "--quiet", "--release", "--manifest-path", "bench/preview/Cargo.toml", "--", "api-catalog.json", ...(quick ? ["--quick"] : [])],
    { cwd: root, env, stdio: ["ignore", "pipe", "inherit"], maxBuffer: 16 << 20 },
  );
  return JSON.parse(out.toString());
}

const mb = (b) => `${(b / (1024 * 1024)).toFixed(1)} MB`;
const n = (x) => x.toLocaleString("en-US");

/** [measure, result, note] for the report's table. */
export function previewRow(p) {
  const m = p.main;
  const rows = p.rows.map((r) => `${n(r.sessions)} × ${n(r.callsPerSession)}, ${r.entries} entries: ${n(r.replayMs)} ms (${r.nsPerCall} ns/call)`).join("; ");
  return [
    `8. admin preview (native): replay of ${n(m.sessions)} sessions × ${n(m.callsPerSession)} calls, ${m.entries} draft entries`,
    `replay ${n(m.replayMs)} ms (${m.replayNsPerCall} ns per call, both policies), +${mb(m.replayPeakBytes)} while it runs; in ${n(m.parts)} parts of at most ${n(m.partCalls)} calls copied one at a time (the largest: ${n(m.partMs)} ms under the server's lock, ${mb(m.partBytes)}), as the server replays; the history: ${mb(m.historyBytes)} (${m.bytesPerCall} B per call), recording ${m.recordNsPerCall} ns per call; ${n(m.signedOut)} of ${n(m.sessionsReplayed)} sessions signed out by the draft (${n(m.signedOutOnQueue)} On Queue)`,
    `measured ${p.date ? `${p.date.slice(0, 10)}, commit \`${p.commit}\`` : ""}; thread CPU time, median of ${p.rounds}; linear in calls: ${rows}`,
  ];
}
