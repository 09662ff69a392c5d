//! The requests the page makes, as the tracker keeps them: a table of the URLs seen (each with
//! its classification and an id the shim passes instead of the URL on later calls), and the
//! ledger entry of each request.

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::JsValue;

use super::bindings::forget_urls;
use super::js;
use inactivity_core::classify::{classify, Classification};
use inactivity_core::ledger::{truncate, LedgerEntry, MAX_FIELD_LEN};
use inactivity_core::policy::Policy;
use inactivity_core::url::ApiScope;

/// How many distinct URLs keep their classification (and an id) before the table starts over.
const KNOWN_URLS: usize = 1024;

/// A URL seen before: what the ledger shows of it and what it means.
pub struct KnownUrl {
    /// The URL without query or fragment (apps put tokens and personal data there), truncated.
    shown: String,
    /// What a request to it means.
    pub class: Classification,
}

impl KnownUrl {
    /// The ledger entry of a request to this URL.
    pub fn entry(&self, method: &str, at_ms: u64) -> LedgerEntry {
        let mut entry = LedgerEntry::new(at_ms, method, "", self.class.outcome());
        entry.url.clone_from(&self.shown);
        entry.path = self.class.path().map(String::from);
        entry.excluded_by = self.class.excluded_by().map(String::from);
        entry
    }
}

/// The URLs seen, by id.
#[derive(Default)]
pub struct KnownUrls(Vec<KnownUrl>);

impl KnownUrls {
    /// Classifies `url` under `policy` and keeps it; returns its id.
    pub fn learn(&mut self, url: &str, policy: Option<&Policy>, scope: &ApiScope) -> usize {
        let class = classify(policy, scope, url);
        // A byte search: `?` and `#` are ASCII, so the cut is always at a char boundary.
        let end = url
            .bytes()
            .position(|b| b == b'?' || b == b'#')
            .unwrap_or(url.len());
        let shown = truncate(url.get(..end).unwrap_or_default(), MAX_FIELD_LEN);
        if self.0.len() >= KNOWN_URLS {
            self.forget();
        }
        self.0.push(KnownUrl { shown, class });
        self.0.len() - 1
    }

    /// The URL known by `id`.
    pub fn get(&self, id: usize) -> Option<&KnownUrl> {
        self.0.get(id)
    }

    /// Forgets every URL, here and in the shim (the table is full, or the policy changed what
    /// they mean).
    pub fn forget(&mut self) {
        self.0.clear();
        forget_urls();
    }
}

/// A ledger entry as JS sees it: `{ atMs, method, url, path, outcome, excludedBy }`.
pub fn entry_js(entry: &LedgerEntry) -> JsValue {
    js::object(&[
        ("atMs", JsValue::from_f64(entry.at_ms as f64)),
        ("method", JsValue::from_str(&entry.method)),
        ("url", JsValue::from_str(&entry.url)),
        ("path", js::str_or_null(entry.path.as_deref())),
        ("outcome", JsValue::from_str(entry.outcome.as_str())),
        ("excludedBy", js::str_or_null(entry.excluded_by.as_deref())),
    ])
}
