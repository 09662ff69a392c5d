//! One replay at a time.
//!
//! A replay copies the history part by part under the server's lock and replays each part outside
//! it (`replay_in_parts`). Previews side by side would each hold a part and take turns at the
//! lock with the API calls; N admins (or one page sending N requests) would multiply both. The
//! gate runs one replay at a time on a blocking thread; the others wait their turn, holding
//! nothing.

use std::sync::Arc;

use tokio::sync::Semaphore;

/// Runs replays one after the other.
#[derive(Debug, Clone)]
pub struct ReplayGate {
    turn: Arc<Semaphore>,
}

impl Default for ReplayGate {
    fn default() -> Self {
        Self::new()
    }
}

impl ReplayGate {
    /// A gate with no replay running.
    pub fn new() -> Self {
        Self {
            turn: Arc::new(Semaphore::new(1)),
        }
    }

    /// Waits until no other replay runs, then runs `replay` on a blocking thread; returns what it
    /// returns. The turn is held until `replay` has returned, even if the caller stops waiting:
    /// a request dropped while it waits gives up its turn, one dropped while its replay runs
    /// cannot start another beside it.
    pub async fn run<R: Send + 'static>(
        &self,
        replay: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, String> {
        let turn = self
            .turn
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        tokio::task::spawn_blocking(move || {
            let result = replay();
            drop(turn);
            result
        })
        .await
        .map_err(|e| e.to_string())
    }
}
