//! `Tab`, the sans-IO tracker of one browser tab, natively: its rules one by one (`rules`),
//! the logout across tabs — one leader, in order, whatever the timers do (`logout`) — and holds
//! across tabs checked against the server (`holds`), in a virtual browser with a virtual
//! platform server (`world`). No real time passes.

mod holds;
mod logout;
mod rules;
mod world;
