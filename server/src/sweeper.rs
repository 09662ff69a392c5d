//! The background sweep: every second, the tokens whose idle deadline passed are revoked (their
//! users set Offline and Off Queue) and the preview's history forgets what is older than a day.
//!
//! It must not die: a token nobody uses again would otherwise stay live past its deadline, and
//! its user Available. A sweep that panics is caught and logged on stderr, and the next one runs
//! at its time (the state's lock, poisoned by the panic, is taken back: `AppState::lock`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

/// Runs `sweep` every `period` until the task is aborted; a panicking sweep is logged and the
/// next one runs. Must be called inside a tokio runtime.
pub fn spawn(period: Duration, sweep: impl Fn() + Send + 'static) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(panic) = catch_unwind(AssertUnwindSafe(&sweep)) {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(no message)".to_owned());
                eprintln!(
                    "inactivity-server: the idle sweep panicked ({message}); the next sweep runs in {} ms",
                    period.as_millis()
                );
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_panicking_sweep_is_followed_by_the_next() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let sweeps = Arc::new(AtomicUsize::new(0));
        let counted = sweeps.clone();
        runtime.block_on(async move {
            let task = spawn(Duration::from_millis(5), move || {
                let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
                if n % 2 == 1 {
                    panic!("sweep {n} breaks");
                }
            });
            let waited = tokio::time::timeout(Duration::from_secs(30), async {
                while sweeps.load(Ordering::SeqCst) < 4 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
            .await;
            assert!(
                waited.is_ok(),
                "the sweeper stopped after {} sweeps",
                sweeps.load(Ordering::SeqCst)
            );
            assert!(!task.is_finished());
            task.abort();
        });
    }
}
