//! The page's listeners that feed the session: the host page's logout request, and the events
//! after which a page that could not run re-checks its deadlines — with `pagehide`, the goodbye
//! that ends this tab's holds in the others, and `pageshow`, which announces them anew.

use alloc::rc::{Rc, Weak};
use alloc::vec::Vec;
use core::cell::RefCell;

use web_sys::Window;

use super::embed;
use super::holds;
use super::listeners::Listener;
use super::session::{after_event, now_ms, Session};
use inactivity_core::reason::LogoutReason;

/// The host's logout request (allowed origin, from the parent window): reason `host-request`.
pub fn host_listener(window: &Window, rc: &Rc<RefCell<Session>>) -> Option<Listener> {
    let weak = Rc::downgrade(rc);
    let origins = rc.try_borrow().ok()?.options.parent_origins.clone();
    embed::listen_to_host(window, origins, move || {
        let Some(rc) = weak.upgrade() else { return };
        if let Ok(mut session) = rc.try_borrow_mut() {
            session.logout(LogoutReason::HostRequest, now_ms());
        }
        after_event(&rc);
    })
}

/// The events after which a page that could not run re-checks its deadlines: `visibilitychange`
/// and `resume` (a frozen page runs again) on the document; `focus`, `pageshow`, `online` and
/// `pagehide` (what the page has not told the other tabs yet goes out now, and a goodbye ends
/// its holds there) on the window.
pub fn wake_listeners(window: &Window, rc: &Rc<RefCell<Session>>) -> Vec<Listener> {
    let on_wake = |weak: Weak<RefCell<Session>>| {
        move |_| {
            if let Some(rc) = weak.upgrade() {
                if let Ok(mut session) = rc.try_borrow_mut() {
                    session.wake(now_ms());
                }
                after_event(&rc);
            }
        }
    };
    let mut listeners = Vec::new();
    if let Some(document) = window.document() {
        for kind in ["visibilitychange", "resume"] {
            listeners.push(Listener::new(&document, kind, on_wake(Rc::downgrade(rc))));
        }
    }
    for kind in ["focus", "online"] {
        listeners.push(Listener::new(window, kind, on_wake(Rc::downgrade(rc))));
    }
    let weak = Rc::downgrade(rc);
    listeners.push(Listener::new(window, "pageshow", move |_| {
        let Some(rc) = weak.upgrade() else { return };
        if let Ok(mut session) = rc.try_borrow_mut() {
            // Back from the back/forward cache: its holds are announced anew.
            session.gone = false;
            session.wake(now_ms());
        }
        after_event(&rc);
    }));
    let weak = Rc::downgrade(rc);
    listeners.push(Listener::new(window, "pagehide", move |_| {
        let Some(rc) = weak.upgrade() else { return };
        let held = match rc.try_borrow_mut() {
            Ok(mut session) if session.running() => {
                session.wake(now_ms());
                session.go_away()
            }
            _ => false,
        };
        after_event(&rc);
        if held {
            holds::keep_alive(&rc);
        }
    }));
    listeners
}
