//! The admin preview, natively: record a day of 10,000 sessions × 1,000 API calls each into the
//! server's bounded history, then replay it under the current settings and a draft — the time
//! and the memory it takes — and show that the replay cost follows the number of calls, not
//! sessions × exclusion entries.
//!
//! The day: sessions sign in over the first 10 hours, each with 1,000 calls 10–90 s apart
//! (instances of templates spread over the API catalog, with random ids), half of them with a
//! queue poller that keeps polling through idle stretches of 15–40 minutes. 200 users in 1–3 of
//! 30 groups, with On/Off Queue changes. Current settings: 15 minutes org-wide, a 30-minute
//! bundle, the five default exclusions. The draft: 10 minutes, a 10-minute bundle, and the poller
//! plus catalog entries excluded, up to 200 entries (the policy's maximum).
//!
//! Output: one JSON object on stdout (read by bench/preview.mjs); progress on stderr.
//! Usage: preview-bench <api-catalog.json> [--quick]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use inactivity_server::preview::{
    read_catalog, replay_in_parts, History, HistoryLimits, SessionId, SessionUser, Templates,
    PART_CALLS,
};
use inactivity_server::settings::Settings;
use inactivity_server::tracker_core::Policy;
use serde_json::{json, Value};

// ---- memory: a counting allocator (bytes in use now, and the peak)

struct Counting;
static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = IN_USE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn in_use() -> usize {
    IN_USE.load(Ordering::Relaxed)
}

/// Restarts the peak at the current use; returns the current use.
fn reset_peak() -> usize {
    let now = in_use();
    PEAK.store(now, Ordering::Relaxed);
    now
}

// ---- time: this thread's CPU time (a shared machine's other load is not the code's cost)

#[cfg(target_os = "linux")]
fn cpu_ns() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into the valid pointer it is given.
    unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.sec as f64 * 1e9 + ts.nsec as f64
}

#[cfg(not(target_os = "linux"))]
fn cpu_ns() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_nanos() as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

// ---- the workload

/// xorshift64*: deterministic, so every run replays the same day.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const MIN: u64 = 60_000;
const HOUR: u64 = 60 * MIN;
const T0: u64 = 1_800_000_000_000;
const POLLER: &str = "api/v2/routing/queues";
const DEFAULTS: [&str; 5] = [
    "api/v2/featuretoggles",
    "api/v2/diagnostics/newrelic/insights",
    "api/v2/diagnostics/trace",
    "api/v2/integrations/clientapps",
    "api/v2/users/me",
];

fn group(i: u64) -> String {
    format!("g{i:02}")
}

/// A concrete request path of a template: each `{param}` becomes a random id.
fn instance(template: &str, rng: &mut Rng, out: &mut String) {
    out.clear();
    for segment in template.split('/') {
        out.push('/');
        if segment.starts_with('{') {
            let id = rng.next() & 0xff_ffff;
            out.push_str(&format!("{id:06x}"));
        } else {
            out.push_str(segment);
        }
    }
}

struct Day {
    sessions: usize,
    calls_per_session: usize,
    seed: u64,
}

/// Plays the day into `sink(session, path, at)`, session by session (`start` for each sign-in).
fn play(
    day: &Day,
    pool: &[String],
    users: &[Arc<SessionUser>],
    mut start: impl FnMut(SessionId, Arc<SessionUser>, bool, u64),
    mut routing: impl FnMut(&str, bool, u64),
    mut call: impl FnMut(SessionId, &str, u64),
) {
    let mut rng = Rng(day.seed);
    let mut path = String::new();
    for s in 0..day.sessions {
        let id = SessionId(s as u64 + 1);
        let user = users[rng.below(users.len() as u64) as usize].clone();
        let mut at = T0 + rng.below(10 * HOUR);
        let on_queue = rng.below(2) == 0;
        start(id, user.clone(), on_queue, at);
        let poller = rng.below(2) == 0;
        let mut idle_left = 0;
        for _ in 0..day.calls_per_session {
            if poller && idle_left == 0 && rng.below(100) == 0 {
                idle_left = 15 + rng.below(26); // an idle stretch: 15–40 polls a minute apart
            }
            if idle_left > 0 {
                idle_left -= 1;
                at += MIN;
                instance(POLLER, &mut rng, &mut path);
            } else {
                at += 10_000 + rng.below(80_000);
                let template = if poller && rng.below(2) == 0 {
                    POLLER
                } else {
                    &pool[rng.below(pool.len() as u64) as usize]
                };
                instance(template, &mut rng, &mut path);
            }
            if rng.below(500) == 0 {
                routing(&user.id, rng.below(2) == 0, at);
            }
            call(id, &path, at);
        }
    }
}

fn policy(minutes: u32, bundle_minutes: u32, exclusions: &[String]) -> Policy {
    Settings {
        idle_token_timeout: json!({
            "enableIdleTokenTimeout": true,
            "idleTokenTimeoutSeconds": minutes * 60,
            "inactivityTimeoutGroupsEnabled": true,
            "inactivityTimeoutGroupBundles": [
                { "priority": 1, "timeoutSeconds": bundle_minutes * 60, "groups": [group(1), group(2)] },
                { "priority": 2, "timeoutSeconds": 1800, "groups": [group(3)] },
            ],
        }),
        auth_settings: json!({ "inactivityTimeoutExclusions": exclusions })
            .as_object()
            .cloned()
            .unwrap_or_default(),
        hipaa: false,
    }
    .compile()
    .unwrap_or_else(|e| panic!("the benchmark's policy is invalid: {e:?}"))
}

/// The draft's exclusion list: the defaults, the poller, then catalog entries up to `n`.
fn draft_list(catalog: &[String], n: usize) -> Vec<String> {
    let mut list: Vec<String> = DEFAULTS.iter().map(|s| (*s).to_owned()).collect();
    list.push(POLLER.to_owned());
    let extra = n.saturating_sub(list.len());
    let picks = catalog
        .iter()
        .filter(|c| !list.contains(c))
        .step_by((catalog.len() / extra.max(1)).max(1))
        .take(extra)
        .cloned()
        .collect::<Vec<_>>();
    list.extend(picks);
    list
}

struct Built {
    history: History,
    bytes: usize,
    record_ns: f64,
}

fn build(day: &Day, templates: &Templates, pool: &[String], users: &[Arc<SessionUser>]) -> Built {
    let limits = HistoryLimits {
        sessions: day.sessions.max(1),
        calls_per_session: day.calls_per_session.max(1),
        ..HistoryLimits::default()
    };
    // The cost of making up the paths alone, to subtract from the recording.
    let t = cpu_ns();
    play(
        day,
        pool,
        users,
        |_, _, _, _| {},
        |_, _, _| {},
        |_, p, at| {
            black_box((p, at));
        },
    );
    let generate = cpu_ns() - t;
    let before = in_use();
    let mut history = History::new(templates.clone(), limits);
    let template_bytes = in_use() - before;
    let history_cell = std::cell::RefCell::new(&mut history);
    let t = cpu_ns();
    play(
        day,
        pool,
        users,
        |id, user, on, at| {
            history_cell
                .borrow_mut()
                .start_session(id, user, on, at, at + 24 * HOUR)
        },
        |user, on, at| history_cell.borrow_mut().routing_changed(user, on, at),
        |id, path, at| history_cell.borrow_mut().record_call(id, path, at),
    );
    let record = cpu_ns() - t;
    let calls = (day.sessions * day.calls_per_session) as f64;
    let bytes = in_use() - before - template_bytes;
    Built {
        history,
        bytes,
        record_ns: ((record - generate) / calls).max(0.0),
    }
}

struct Measured {
    /// The whole replay as the server runs it: every part copied, then replayed.
    replay_ms: f64,
    /// The largest part's copy (what the server's lock is held for) and its bytes.
    part_ms: f64,
    part_bytes: usize,
    parts: usize,
    /// The most memory the replay held beyond the history, its parts included.
    replay_peak_bytes: usize,
    sessions: usize,
    signed_out: usize,
    signed_out_on_queue: usize,
    resetters: usize,
}

/// Replays the day as the server does (`replay_in_parts`, parts of [`PART_CALLS`] calls copied
/// from the history one at a time), `rounds` times; the medians of the times.
fn measure(history: &History, current: &Policy, draft: &Policy, rounds: usize) -> Measured {
    let now = T0 + 24 * HOUR;
    let mut replays = Vec::new();
    let mut part_times = Vec::new();
    let mut result = None;
    let (mut part_bytes, mut parts, mut replay_peak_bytes) = (0, 0, 0);
    for _ in 0..rounds {
        let base = reset_peak();
        let (mut slowest, mut largest, mut count) = (0.0f64, 0usize, 0usize);
        let t = cpu_ns();
        let preview = replay_in_parts(
            |after| {
                let before = in_use();
                let t = cpu_ns();
                let part = history.snapshot_part(now - 24 * HOUR, now, after, PART_CALLS);
                slowest = slowest.max((cpu_ns() - t) / 1e6);
                largest = largest.max(in_use().saturating_sub(before));
                count += 1;
                black_box(part)
            },
            current,
            draft,
        );
        replays.push((cpu_ns() - t) / 1e6);
        replay_peak_bytes = PEAK.load(Ordering::Relaxed) - base;
        part_times.push(slowest);
        part_bytes = largest;
        // The last, empty part ends the replay: not a part of the day.
        parts = count.saturating_sub(1);
        result = Some(preview);
    }
    let preview = result.expect("at least one round");
    Measured {
        replay_ms: median(replays),
        part_ms: median(part_times),
        part_bytes,
        parts,
        replay_peak_bytes,
        sessions: preview.sessions,
        signed_out: preview.signed_out.len(),
        signed_out_on_queue: preview.signed_out.iter().filter(|s| s.on_queue).count(),
        resetters: preview.resetters.len(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let catalog_path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(String::as_str)
        .unwrap_or("api-catalog.json");
    let quick = args.iter().any(|a| a == "--quick");
    let rounds = if quick { 1 } else { 3 };
    let catalog = read_catalog(std::path::Path::new(catalog_path)).unwrap_or_else(|e| {
        eprintln!("preview-bench: {e}");
        std::process::exit(2);
    });
    let templates = Templates::new(
        catalog
            .iter()
            .cloned()
            .chain(DEFAULTS.iter().map(|s| (*s).to_owned())),
    )
    .unwrap_or_else(|e| {
        eprintln!("preview-bench: the API catalog {catalog_path}: {e}");
        std::process::exit(2);
    });
    // 300 templates spread over the catalog: what the sessions call besides the poller.
    let pool: Vec<String> = catalog
        .iter()
        .step_by((catalog.len() / 300).max(1))
        .cloned()
        .collect();
    let users: Vec<Arc<SessionUser>> = (0..200u64)
        .map(|u| {
            let mut rng = Rng(0x9e37_79b9 ^ (u + 1));
            let groups = (0..1 + rng.below(3))
                .map(|_| group(rng.below(30)))
                .collect();
            Arc::new(SessionUser {
                id: format!("user-{u:03}"),
                groups,
            })
        })
        .collect();
    let current = policy(15, 30, &DEFAULTS.map(String::from));
    let drafts = [6, 200].map(|n| (n, policy(10, 10, &draft_list(&catalog, n))));

    let mut rows = Vec::new();
    let mut main_result = Value::Null;
    for (sessions, calls_per_session) in [(1_000, 1_000), (10_000, 100), (10_000, 1_000)] {
        let day = Day {
            sessions,
            calls_per_session,
            seed: 0x5eed ^ sessions as u64 ^ ((calls_per_session as u64) << 20),
        };
        eprintln!("preview-bench: recording {sessions} sessions × {calls_per_session} calls");
        let wall = Instant::now();
        let built = build(&day, &templates, &pool, &users);
        eprintln!(
            "preview-bench: recorded in {:.1} s; replaying",
            wall.elapsed().as_secs_f64()
        );
        let calls = (sessions * calls_per_session) as f64;
        for (entries, draft) in &drafts {
            let m = measure(&built.history, &current, draft, rounds);
            rows.push(json!({
                "sessions": sessions,
                "callsPerSession": calls_per_session,
                "calls": sessions * calls_per_session,
                "entries": entries,
                "replayMs": (m.replay_ms * 10.0).round() / 10.0,
                "nsPerCall": (m.replay_ms * 1e6 / calls * 10.0).round() / 10.0,
                "signedOut": m.signed_out,
            }));
            if sessions == 10_000 && calls_per_session == 1_000 && *entries == 200 {
                main_result = json!({
                    "sessions": sessions,
                    "callsPerSession": calls_per_session,
                    "calls": sessions * calls_per_session,
                    "entries": entries,
                    "historyBytes": built.bytes,
                    "bytesPerCall": (built.bytes as f64 / calls * 10.0).round() / 10.0,
                    "recordNsPerCall": built.record_ns.round(),
                    "partCalls": PART_CALLS,
                    "parts": m.parts,
                    "partMs": (m.part_ms * 100.0).round() / 100.0,
                    "partBytes": m.part_bytes,
                    "replayMs": (m.replay_ms * 10.0).round() / 10.0,
                    "replayNsPerCall": (m.replay_ms * 1e6 / calls * 10.0).round() / 10.0,
                    "replayPeakBytes": m.replay_peak_bytes,
                    "sessionsReplayed": m.sessions,
                    "signedOut": m.signed_out,
                    "signedOutOnQueue": m.signed_out_on_queue,
                    "resetters": m.resetters,
                });
            }
        }
        drop(built);
    }
    let out = json!({
        "rounds": rounds,
        "templates": templates.len(),
        "main": main_result,
        "rows": rows,
    });
    println!("{out}");
}
