//! Measures what the preview's history takes at its bounds — the figure `server/README.md` gives
//! — with a counting allocator, not by arithmetic:
//!
//! ```text
//! cargo run --release -p inactivity-server --example history_memory [-- api-catalog.json]
//! ```
//!
//! It fills a history at the default limits: 10,000 sessions of 10,000 users, 4,096 calls each
//! over the catalog's templates, 1,024 routing changes per user, and the table of paths outside
//! the catalog full with paths of the longest kept length; then copies the whole day once, and
//! one part of it (what a preview holds at a time). Every number is bytes in use, as the
//! allocator saw them.

#[path = "../tests/counting/mod.rs"]
mod counting;

use std::sync::Arc;
use std::time::Instant;

use counting::in_use;
use inactivity_server::demo::DEFAULT_EXCLUDED_APIS;
use inactivity_server::preview::{
    read_catalog, History, HistoryLimits, SessionId, SessionUser, Templates, DAY_MS,
    MAX_EXTRA_PATHS, MAX_EXTRA_PATHS_PER_USER, MAX_EXTRA_PATH_BYTES, PART_CALLS,
};

const T0: u64 = 1_800_000_000_000;

/// 40960000 → "40,960,000".
fn n(x: usize) -> String {
    let digits = x.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn main() {
    let catalog_path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "api-catalog.json".to_owned());
    let catalog = read_catalog(std::path::Path::new(&catalog_path)).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    // Request paths: each template with its parameters filled in.
    let paths: Vec<String> = catalog
        .iter()
        .map(|t| {
            let filled: Vec<&str> = t
                .split('/')
                .map(|s| if s.starts_with('{') { "42" } else { s })
                .collect();
            format!("/{}", filled.join("/"))
        })
        .collect();
    let limits = HistoryLimits::default();

    let start = in_use();
    let templates = Templates::new(
        catalog
            .into_iter()
            .chain(DEFAULT_EXCLUDED_APIS.iter().map(|p| (*p).to_owned())),
    )
    .expect("a valid catalog");
    let templates_len = templates.len();
    let mut history = History::new(templates, limits);
    let templates_bytes = in_use() - start;

    // The table of paths outside the catalog, full of the longest paths it keeps (brought in by
    // as many users as it takes: one user brings in MAX_EXTRA_PATHS_PER_USER at most).
    let extras_start = in_use();
    let width = MAX_EXTRA_PATH_BYTES - "api/v2/custom/".len();
    for u in 0..MAX_EXTRA_PATHS / MAX_EXTRA_PATHS_PER_USER {
        let session = SessionId(u as u64);
        let someone = Arc::new(SessionUser {
            id: format!("someone-{u}"),
            groups: Vec::new(),
        });
        history.start_session(session, someone, false, T0, T0 + DAY_MS);
        for i in 0..MAX_EXTRA_PATHS_PER_USER {
            let n = u * MAX_EXTRA_PATHS_PER_USER + i;
            history.record_call(session, &format!("/api/v2/custom/{n:0>width$}"), T0);
        }
    }
    assert_eq!(history.templates().len(), templates_len + MAX_EXTRA_PATHS);
    let extras_bytes = in_use() - extras_start;

    let sessions_start = in_use();
    let clock = Instant::now();
    let gap_ms = DAY_MS / limits.calls_per_session as u64 / 2;
    // Session numbers must grow: these come after the ones above (which they push out).
    let first = (MAX_EXTRA_PATHS / MAX_EXTRA_PATHS_PER_USER) as u64;
    for s in first + 1..=first + limits.sessions as u64 {
        let user = Arc::new(SessionUser {
            id: format!("b0000000-0000-4000-8000-{s:012}"),
            groups: vec![
                "a0000000-0000-4000-8000-000000000001".to_owned(),
                "a0000000-0000-4000-8000-000000000004".to_owned(),
            ],
        });
        let base = T0 + s;
        history.start_session(SessionId(s), user, false, base, base + DAY_MS);
        for c in 0..limits.calls_per_session as u64 {
            let path = &paths[((s * 7 + c) % paths.len() as u64) as usize];
            history.record_call(SessionId(s), path, base + c * gap_ms);
        }
    }
    let calls = limits.sessions * limits.calls_per_session;
    let record_ns = clock.elapsed().as_nanos() as f64 / calls as f64;
    let sessions_bytes = in_use() - sessions_start;

    let routing_start = in_use();
    for s in first + 1..=first + limits.sessions as u64 {
        let id = format!("b0000000-0000-4000-8000-{s:012}");
        for c in 0..limits.routing_changes_per_user as u64 {
            history.routing_changed(&id, c % 2 == 0, T0 + c);
        }
    }
    let routing_bytes = in_use() - routing_start;
    let history_bytes = in_use() - start;

    let now = T0 + DAY_MS / 2;
    let copy_start = in_use();
    let clock = Instant::now();
    let snapshot = history.snapshot(now - DAY_MS, now);
    let copy_ms = clock.elapsed().as_secs_f64() * 1000.0;
    let copy_bytes = in_use() - copy_start;
    assert_eq!(snapshot.sessions.len(), limits.sessions);

    drop(snapshot);
    let part_start = in_use();
    let clock = Instant::now();
    let part = history.snapshot_part(now - DAY_MS, now, None, PART_CALLS);
    let part_us = clock.elapsed().as_secs_f64() * 1e6;
    let part_bytes = in_use() - part_start;
    assert!(!part.sessions.is_empty());

    // A Markdown table, as server/README.md shows it.
    println!("| at the history's bounds | measured |");
    println!("| --- | ---: |");
    println!(
        "| the catalog's templates (and the default APIs) | {} |",
        mb(templates_bytes)
    );
    println!(
        "| {} paths outside the catalog of {MAX_EXTRA_PATH_BYTES} bytes | {} |",
        n(MAX_EXTRA_PATHS),
        mb(extras_bytes)
    );
    println!(
        "| {} sessions and their {} calls ({:.2} B per call) | {} |",
        n(limits.sessions),
        n(calls),
        sessions_bytes as f64 / calls as f64,
        mb(sessions_bytes)
    );
    println!(
        "| {} routing changes of each of {} users | {} |",
        n(limits.routing_changes_per_user),
        n(limits.sessions),
        mb(routing_bytes)
    );
    println!("| **the whole history** | **{}** |", mb(history_bytes));
    println!(
        "| a part of a replay ({} calls; copied under the lock in {part_us:.0} µs) | {} |",
        n(PART_CALLS),
        mb(part_bytes)
    );
    println!(
        "| **at most, while a preview runs** | **{}** |",
        mb(history_bytes + part_bytes)
    );
    println!(
        "| (a copy of the whole day, which a preview no longer makes: {copy_ms:.0} ms under the lock) | {} |",
        mb(copy_bytes)
    );
    eprintln!("recording: {record_ns:.0} ns per call");
}
