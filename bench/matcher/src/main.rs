//! Native matcher benchmark: the cost of one classification against the number
//! of exclusion entries, for the compiled matcher (`Exclusions::matches`, a determinized segment
//! trie) next to a naive linear list (every entry compared segment by segment, most specific
//! match kept — what a straightforward implementation does).
//!
//! Lists: the five default exclusions plus entries sampled evenly from api-catalog.json, up to the
//! whole catalog. Queries: the same 512 request paths for every size — concrete instances of
//! templates sampled evenly from the catalog (`{param}` → an id), plus the defaults — so each size
//! sees the same mix of real API calls (hits where the list has the template, misses elsewhere).
//!
//! Output: one JSON object on stdout (read by bench/run.mjs); progress on stderr.
//! Usage: matcher-bench <api-catalog.json> [--quick]

use std::hint::black_box;
use std::time::Instant;

use inactivity_core::exclusions::Exclusions;
use inactivity_core::url::{normalize_api_path, ApiScope};

const DEFAULTS: [&str; 5] = [
    "api/v2/featuretoggles",
    "api/v2/diagnostics/newrelic/insights",
    "api/v2/diagnostics/trace",
    "api/v2/integrations/clientapps",
    "api/v2/users/me",
];

/// A parsed template for the naive matcher: `None` is a `{param}` segment.
type Template = Vec<Option<String>>;

fn parse_template(entry: &str) -> Template {
    entry
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.starts_with('{') {
                None
            } else {
                Some(s.to_ascii_lowercase())
            }
        })
        .collect()
}

/// The naive matcher: every entry, in order; the most specific match wins (a literal beats a
/// parameter at the first position where two matches differ), as the real matcher decides.
fn naive_match<'a>(list: &'a [Template], entries: &'a [String], path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best: Option<usize> = None;
    for (i, t) in list.iter().enumerate() {
        if t.len() != segments.len() {
            continue;
        }
        let hit = t.iter().zip(&segments).all(|(p, s)| match p {
            Some(lit) => lit == s,
            None => true,
        });
        if hit {
            best = match best {
                None => Some(i),
                Some(b) => {
                    let shape = |k: usize| list[k].iter().map(Option::is_none).collect::<Vec<_>>();
                    if shape(i) < shape(b) {
                        Some(i)
                    } else {
                        Some(b)
                    }
                }
            };
        }
    }
    best.map(|i| entries[i].as_str())
}

/// Evenly spaced picks of `n` items out of `items`.
fn spread<T: Clone>(items: &[T], n: usize) -> Vec<T> {
    if n >= items.len() {
        return items.to_vec();
    }
    (0..n).map(|k| items[k * items.len() / n].clone()).collect()
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// This thread's CPU time in ns: on a shared machine, time spent descheduled while other
/// processes run is not the code's cost. (Linux; elsewhere, wall-clock time.)
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

/// The ns per call of `f` over every query, `reps` times: one sample.
fn sample(queries: &[String], reps: usize, f: &mut dyn FnMut(&str) -> usize) -> f64 {
    let t = cpu_ns();
    for _ in 0..reps {
        for q in queries {
            black_box(f(black_box(q)));
        }
    }
    (cpu_ns() - t) / (reps * queries.len()) as f64
}

/// How many repetitions of the query set make one sample last about `target_ns`.
fn calibrate(queries: &[String], target_ns: f64, f: &mut dyn FnMut(&str) -> usize) -> usize {
    let mut reps = 1usize;
    loop {
        let ns = sample(queries, reps, f) * (reps * queries.len()) as f64;
        if ns >= target_ns / 8.0 || reps >= 1 << 16 {
            return ((reps as f64) * target_ns / ns.max(1.0)).ceil().max(1.0) as usize;
        }
        reps *= 4;
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "api-catalog.json".to_owned());
    let quick = args.any(|a| a == "--quick");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let catalog = parse_string_array(&text);
    assert!(catalog.len() > 2000, "{path}: {} templates", catalog.len());

    // The candidate entries: the catalog minus the defaults it already holds.
    let rest: Vec<String> = catalog
        .iter()
        .filter(|p| !DEFAULTS.contains(&p.as_str()))
        .cloned()
        .collect();
    let full = DEFAULTS.len() + rest.len();
    let mut sizes = vec![5usize, 10, 25, 50, 100, 200, 500, 1000, 2000, full];
    sizes.retain(|s| *s <= full);

    // The queries: concrete request paths (normalized as the tracker normalizes them).
    let mut templates: Vec<String> = spread(&catalog, 507);
    templates.extend(DEFAULTS.iter().map(|s| s.to_string()));
    let queries: Vec<String> = templates
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let concrete: Vec<String> = t
                .split('/')
                .map(|s| {
                    if s.starts_with('{') {
                        format!("{:08x}-4c1d-4e2b-9f3a-{:012x}", i * 7919, i * 104_729)
                    } else {
                        s.to_owned()
                    }
                })
                .collect();
            normalize_api_path(&concrete.join("/"))
        })
        .collect();
    let urls: Vec<String> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| format!("https://apps.example.com/{q}?pageSize=25&n={i}"))
        .collect();
    // Paths every list excludes (the defaults): the same walk, whatever the size — this isolates
    // the effect of the tables' size from that of how deep a path gets.
    let same_walk: Vec<String> = DEFAULTS.iter().map(|d| normalize_api_path(d)).collect();
    let scope = ApiScope::new("https://apps.example.com/agent/", &[]).expect("scope");

    // This machine is shared (other builds run beside the benchmark): every size and matcher is
    // sampled once per round, round after round, and the median of the rounds is reported, so
    // interference spreads over all cells instead of skewing one.
    let (rounds, target_ns) = if quick { (5, 3e6) } else { (15, 1e7) };
    struct Case {
        n: usize,
        entries: Vec<String>,
        compiled: Exclusions,
        naive: Vec<Template>,
        compile_us: f64,
        hits: usize,
    }
    let mut cases = Vec::new();
    for &n in &sizes {
        let mut entries: Vec<String> = DEFAULTS.iter().map(|s| s.to_string()).collect();
        entries.extend(spread(&rest, n - DEFAULTS.len()));
        let t = Instant::now();
        let compiled =
            Exclusions::compile(&entries).unwrap_or_else(|e| panic!("compile {n}: {:?}", &e[..1]));
        let compile_us = t.elapsed().as_nanos() as f64 / 1e3;
        let naive: Vec<Template> = entries.iter().map(|e| parse_template(e)).collect();
        // Both matchers agree on every query (the benchmark measures equal work).
        let mut hits = 0usize;
        for q in &queries {
            let a = compiled.matches(q);
            let b = naive_match(&naive, &entries, q);
            assert_eq!(a, b, "matchers disagree on {q} with {n} entries");
            hits += usize::from(a.is_some());
        }
        cases.push(Case {
            n,
            entries,
            compiled,
            naive,
            compile_us,
            hits,
        });
    }
    // samples[case][kind]: kind 0 trie, 1 naive, 2 URL + trie, 3 trie on the same-walk paths.
    let mut samples: Vec<[Vec<f64>; 4]> = cases.iter().map(|_| Default::default()).collect();
    let mut reps: Vec<[usize; 4]> = Vec::new();
    for c in &cases {
        let mut trie = |q: &str| c.compiled.matches(q).map_or(0, str::len);
        let mut naive = |q: &str| naive_match(&c.naive, &c.entries, q).map_or(0, str::len);
        let mut url = |u: &str| match scope.api_path(u) {
            Some(p) => c.compiled.matches(&p).map_or(1, str::len),
            None => 0,
        };
        reps.push([
            calibrate(&queries, target_ns, &mut trie),
            calibrate(&queries, target_ns, &mut naive),
            calibrate(&urls, target_ns, &mut url),
            calibrate(&same_walk, target_ns, &mut trie),
        ]);
    }
    for round in 0..rounds {
        for (k, c) in cases.iter().enumerate() {
            let mut trie = |q: &str| c.compiled.matches(q).map_or(0, str::len);
            let mut naive = |q: &str| naive_match(&c.naive, &c.entries, q).map_or(0, str::len);
            let mut url = |u: &str| match scope.api_path(u) {
                Some(p) => c.compiled.matches(&p).map_or(1, str::len),
                None => 0,
            };
            samples[k][0].push(sample(&queries, reps[k][0], &mut trie));
            samples[k][1].push(sample(&queries, reps[k][1], &mut naive));
            samples[k][2].push(sample(&urls, reps[k][2], &mut url));
            samples[k][3].push(sample(&same_walk, reps[k][3], &mut trie));
        }
        eprint!("\rmatcher: round {}/{rounds}", round + 1);
    }
    eprintln!();
    let mut rows = Vec::new();
    for (k, c) in cases.iter().enumerate() {
        let [trie, naive, url, same] = samples[k].clone();
        let same_ns = median(same);
        let (trie_min, naive_min, url_min) = (min(&trie), min(&naive), min(&url));
        let (trie_ns, naive_ns, url_ns) = (median(trie), median(naive), median(url));
        eprintln!(
            "matcher: {:>5} entries  trie {trie_ns:6.1} ns  naive {naive_ns:8.1} ns  URL+trie {url_ns:7.1} ns  same-walk {same_ns:6.1} ns  ({}/{} hits, {} states, compile {:.0} µs)",
            c.n, c.hits, queries.len(), c.compiled.state_count(), c.compile_us
        );
        rows.push(format!(
            "{{\"entries\":{},\"trieNs\":{trie_ns:.2},\"naiveNs\":{naive_ns:.2},\"urlAndTrieNs\":{url_ns:.2},\"sameWalkTrieNs\":{same_ns:.2},\"trieMinNs\":{trie_min:.2},\"naiveMinNs\":{naive_min:.2},\"urlAndTrieMinNs\":{url_min:.2},\"hits\":{},\"queries\":{},\"states\":{},\"fullyDeterminized\":{},\"compileUs\":{:.1}}}",
            c.n,
            c.hits,
            queries.len(),
            c.compiled.state_count(),
            c.compiled.fully_determinized(),
            c.compile_us
        ));
    }
    println!(
        "{{\"catalog\":{},\"rounds\":{rounds},\"rows\":[{}]}}",
        catalog.len(),
        rows.join(",")
    );
}

/// The catalog is a flat JSON array of plain strings (no escapes): parsed without a JSON crate,
/// so this benchmark depends on nothing but the tracker crate.
fn parse_string_array(text: &str) -> Vec<String> {
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    inner
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}
