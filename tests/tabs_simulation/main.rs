//! A virtual-clock simulation of several tabs of one session, each an `IdleMachine` driven by a
//! `TabSync` the way the browser layer drives them (see `sim.rs`): activity, logouts, tabs that
//! open late, freeze, sleep and wake; the traffic and timer budgets, measured.

mod activity;
mod holds;
mod holds_props;
mod sim;
