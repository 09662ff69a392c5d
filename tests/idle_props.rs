//! Property tests of the idle machine: arbitrary inputs (holds included) never panic and keep
//! the invariants; a timer-driven machine matches a tiny reference model exactly.
#![cfg(not(target_arch = "wasm32"))]

use inactivity_core::idle::{Action, HoldId, IdleConfig, IdleMachine, RemoteHold};
use inactivity_core::reason::LogoutReason;
use proptest::prelude::*;

#[derive(Clone, Copy, Debug)]
enum Ev {
    Act(u64),
    Remote(u64, u64),
    Tick(u64),
    Server(Option<u64>, u64),
    Out(LogoutReason, u64),
    Cfg(IdleConfig, u64),
    /// `begin_hold(label, now)`
    Hold(u64),
    /// `release_hold(id, now)`
    Release(u32, u64),
    /// `handle_remote_hold({tab, id, since, sent}, now)`
    RemoteHold(u8, u32, u64, u64, u64),
    /// `handle_remote_release(tab, id, now)`
    RemoteRelease(u8, u32, u64),
    /// `handle_tab_gone(tab, now)`
    Gone(u8, u64),
}

const TABS: [&str; 3] = ["a", "b", "c"];

fn time() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0u64..2_000_000,
        1 => any::<u64>(),
        1 => Just(u64::MAX),
        1 => Just(0u64),
    ]
}

fn config() -> impl Strategy<Value = IdleConfig> {
    (
        prop_oneof![1 => Just(None), 4 => (0u64..1_000_000).prop_map(Some), 1 => any::<u64>().prop_map(Some)],
        prop_oneof![0u64..500_000, any::<u64>()],
        prop_oneof![0u64..20_000, any::<u64>()],
        prop_oneof![0u64..2_000_000, any::<u64>()],
    )
        .prop_map(|(timeout_ms, warning_ms, slept_tolerance_ms, max_hold_ms)| IdleConfig {
            timeout_ms,
            warning_ms,
            slept_tolerance_ms,
            max_hold_ms,
        })
}

fn event() -> impl Strategy<Value = Ev> {
    let reason = prop::sample::select(LogoutReason::ALL.to_vec());
    prop_oneof![
        4 => time().prop_map(Ev::Act),
        2 => (time(), time()).prop_map(|(a, n)| Ev::Remote(a, n)),
        4 => time().prop_map(Ev::Tick),
        2 => (prop::option::of(time()), time()).prop_map(|(d, n)| Ev::Server(d, n)),
        1 => (reason, time()).prop_map(|(r, n)| Ev::Out(r, n)),
        1 => (config(), time()).prop_map(|(c, n)| Ev::Cfg(c, n)),
        2 => time().prop_map(Ev::Hold),
        2 => (0u32..4, time()).prop_map(|(i, n)| Ev::Release(i, n)),
        2 => (0u8..3, 0u32..3, time(), time(), time()).prop_map(|(t, i, s, a, n)| Ev::RemoteHold(t, i, s, a, n)),
        1 => (0u8..3, 0u32..3, time()).prop_map(|(t, i, n)| Ev::RemoteRelease(t, i, n)),
        1 => (0u8..3, time()).prop_map(|(t, n)| Ev::Gone(t, n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// Whatever the inputs (clocks jumping anywhere, hostile server answers, policy changes):
    /// no panic, one Logout at most and nothing after it, a deadline always in the future, a
    /// truthful Warn, a remaining time never above the timeout.
    #[test]
    fn arbitrary_inputs_keep_the_invariants(
        cfg in config(), last in time(), created in time(), events in prop::collection::vec(event(), 0..40)
    ) {
        let mut m = IdleMachine::with_last_activity(cfg, last, created);
        let mut logouts = 0;
        let mut after_logout = 0;
        let mut now = created;
        for ev in std::iter::once(None).chain(events.into_iter().map(Some)) {
            if let Some(ev) = ev {
                now = match ev {
                    Ev::Act(n) => { m.handle_activity(n); n }
                    Ev::Remote(a, n) => { m.handle_remote_activity(a, n); n }
                    Ev::Tick(n) => { m.handle_timeout(n); n }
                    Ev::Server(d, n) => { m.handle_server_deadline(d, n); n }
                    Ev::Out(r, n) => { m.handle_logout(r, n); n }
                    Ev::Cfg(c, n) => { m.set_config(c, n); n }
                    Ev::Hold(n) => { let _ = m.begin_hold("call", n); n }
                    Ev::Release(i, n) => { m.release_hold(HoldId(i), n); n }
                    Ev::RemoteHold(t, i, since_ms, sent_ms, n) => {
                        let hold = RemoteHold { tab: TABS[usize::from(t)], id: HoldId(i), label: "call", since_ms, sent_ms };
                        m.handle_remote_hold(hold, n);
                        n
                    }
                    Ev::RemoteRelease(t, i, n) => {
                        m.handle_remote_release(TABS[usize::from(t)], HoldId(i), inactivity_core::idle::HoldEndReason::Released, n);
                        n
                    }
                    Ev::Gone(t, n) => { m.handle_tab_gone(TABS[usize::from(t)], n); n }
                };
            }
            if let Some(t) = m.poll_timeout() {
                prop_assert!(t > now, "deadline {} not after now {}", t, now);
            }
            prop_assert_eq!(
                m.poll_timeout().is_none(),
                m.is_logged_out() || (m.config().timeout_ms.is_none() && !m.is_held())
            );
            prop_assert!(!(m.is_logged_out() && m.is_held()), "holds end with the session");
            prop_assert!(m.is_logged_out() || m.last_activity_ms() <= now);
            if let (Some(remaining), Some(timeout)) = (m.remaining_ms(now), m.config().timeout_ms) {
                prop_assert!(remaining <= timeout);
            }
            let held = m.is_held();
            while let Some(action) = m.poll_action() {
                if logouts > 0 { after_logout += 1; }
                match action {
                    Action::Logout { reason } => {
                        logouts += 1;
                        prop_assert_eq!(m.logout_reason(), Some(reason));
                    }
                    Action::Warn { remaining_ms } => {
                        prop_assert!(!held, "a warning while held");
                        prop_assert!(remaining_ms > 0);
                        prop_assert!(remaining_ms < m.config().timeout_ms.unwrap_or(0));
                        prop_assert!(remaining_ms <= m.config().warning_ms);
                    }
                    Action::HoldEnded { at_ms, .. } => prop_assert!(at_ms <= now),
                    Action::HoldBegan { hold } => prop_assert!(hold.since_ms <= now),
                    Action::CheckServerDeadline | Action::WarningCleared | Action::KeepAlive => {}
                    Action::VerifyHold => prop_assert!(held, "a hold check while not held"),
                }
            }
        }
        prop_assert!(logouts <= 1);
        prop_assert_eq!(after_logout, 0);
        prop_assert_eq!(logouts == 1, m.is_logged_out());
    }

    /// A machine driven only by its own timer and by local activity at increasing times, with a
    /// server that answers "nothing later" at once, does exactly what the reference model says:
    /// warn at expiry − warning with the full warning, clear on activity, log out at expiry
    /// exactly with reason idle, and ignore later activity. And its timer is armed about once
    /// per (timeout − warning), whatever the activity rate.
    #[test]
    fn timer_driven_machine_matches_the_model(
        timeout in 1_000u64..400_000,
        warning_permille in 0u64..1_000,
        gaps in prop::collection::vec(prop_oneof![3 => 0u64..2_000, 1 => 0u64..600_000], 0..300),
    ) {
        let warning = timeout * warning_permille / 1_000;
        let cfg = IdleConfig::new(Some(timeout)).with_warning_ms(warning);
        let activities: Vec<u64> = gaps.iter().scan(0u64, |t, g| { *t += g; Some(*t) }).collect();

        // The reference model.
        let lead = cfg.effective_warning_ms();
        let mut expected = Vec::new();
        let mut last = 0u64;
        let mut expired_at = None;
        for &a in &activities {
            if let Some(lead) = lead {
                if a >= last + timeout - lead {
                    expected.push((last + timeout - lead, Action::CheckServerDeadline));
                    expected.push((last + timeout - lead, Action::Warn { remaining_ms: lead }));
                    if a < last + timeout { expected.push((a, Action::WarningCleared)); }
                }
            }
            if a >= last + timeout { expired_at = Some(last + timeout); break; }
            last = a;
        }
        let expiry = expired_at.unwrap_or(last + timeout);
        if expired_at.is_none() {
            if let Some(lead) = lead {
                expected.push((expiry - lead, Action::CheckServerDeadline));
                expected.push((expiry - lead, Action::Warn { remaining_ms: lead }));
            }
        }
        expected.push((expiry, Action::Logout { reason: LogoutReason::Idle }));

        // The machine, driven like the browser layer drives it.
        let mut m = IdleMachine::new(cfg, 0);
        let mut got = Vec::new();
        let mut armed = m.poll_timeout();
        let mut arms = 1u64;
        let mut next_activity = activities.iter().copied().peekable();
        loop {
            let timer = armed;
            let now = match (timer, next_activity.peek().copied()) {
                (Some(t), Some(a)) if t <= a => { m.handle_timeout(t); armed = None; t }
                (_, Some(a)) => { next_activity.next(); m.handle_activity(a); a }
                (Some(t), None) => { m.handle_timeout(t); armed = None; t }
                (None, None) => break,
            };
            while let Some(action) = m.poll_action() {
                let check = action == Action::CheckServerDeadline;
                got.push((now, action));
                if check { m.handle_server_deadline(None, now); }
            }
            if m.poll_timeout() != armed { armed = m.poll_timeout(); if armed.is_some() { arms += 1; } }
        }
        prop_assert_eq!(&got, &expected);
        let span = lead.map_or(timeout, |l| timeout - l);
        let warnings = expected.iter().filter(|(_, a)| matches!(a, Action::Warn { .. })).count() as u64;
        // At most two fires per (timeout − warning): see the module docs of `idle`.
        prop_assert!(arms <= 2 * (expiry / span + 1) + 2 * warnings + 1, "{} arms for {} ms", arms, expiry);
    }
}
