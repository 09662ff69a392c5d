//! The model of a valid policy, and the strategies that build models and respell them.

use super::*;

#[derive(Debug, Clone)]
pub(crate) struct Bundle {
    pub(crate) priority: u32,
    pub(crate) timeout: u32,
    pub(crate) unit: Option<&'static str>,
    pub(crate) groups: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub(crate) hipaa: Option<bool>,
    pub(crate) org_enabled: bool,
    /// The org-wide seconds: in range when enabled, anything (or absent) when disabled.
    pub(crate) org_seconds: Option<f64>,
    pub(crate) org_unit: Option<&'static str>,
    pub(crate) groups_enabled: bool,
    /// In array order (priorities are a permutation of 1..=N).
    pub(crate) bundles: Vec<Bundle>,
    pub(crate) exclusions: Option<Vec<String>>,
    /// Unknown fields at every level (which must be ignored).
    pub(crate) extras: bool,
}

impl Model {
    pub(crate) fn hipaa(&self) -> bool {
        self.hipaa == Some(true)
    }

    pub(crate) fn value(&self) -> Value {
        let mut idle = vec![("enableIdleTokenTimeout", Value::Bool(self.org_enabled))];
        if let Some(s) = self.org_seconds {
            idle.push(("idleTokenTimeoutSeconds", Value::Number(s)));
        }
        if let Some(u) = self.org_unit {
            idle.push(("inactivityTimeoutUnit", Value::from(u)));
        }
        idle.push((
            "inactivityTimeoutGroupsEnabled",
            Value::Bool(self.groups_enabled),
        ));
        let bundles = self
            .bundles
            .iter()
            .map(|b| {
                let mut m = vec![
                    ("priority", Value::Number(f64::from(b.priority))),
                    ("timeoutSeconds", Value::Number(f64::from(b.timeout))),
                    (
                        "groups",
                        Value::Array(b.groups.iter().map(|g| Value::from(g.as_str())).collect()),
                    ),
                ];
                if let Some(u) = b.unit {
                    m.push(("inactivityTimeoutUnit", Value::from(u)));
                }
                if self.extras {
                    m.push(("name", Value::from("Bundle")));
                }
                obj(m)
            })
            .collect();
        idle.push(("inactivityTimeoutGroupBundles", Value::Array(bundles)));
        if self.extras {
            idle.push(("selfUri", Value::from("/api/v2/tokens/timeout")));
        }
        let mut root = vec![("idleTokenTimeout", obj(idle))];
        if let Some(list) = &self.exclusions {
            let mut auth = vec![(
                "inactivityTimeoutExclusions",
                Value::Array(list.iter().map(|e| Value::from(e.as_str())).collect()),
            )];
            if self.extras {
                auth.push(("multifactorAuthenticationRequired", Value::Bool(false)));
            }
            root.push(("authSettings", obj(auth)));
        }
        if let Some(h) = self.hipaa {
            root.push(("hipaa", Value::Bool(h)));
        }
        if self.extras {
            root.push((
                "extra",
                obj(vec![("nested", Value::Array(vec![Value::Null]))]),
            ));
        }
        obj(root)
    }

    /// What `resolve` must answer for a user in `groups`: (seconds, source, bundle priority,
    /// group, capped).
    pub(crate) fn resolution(
        &self,
        groups: &[String],
    ) -> (Option<u32>, Source, Option<u32>, Option<String>) {
        let mut bundles: Vec<&Bundle> = self.bundles.iter().collect();
        bundles.sort_by_key(|b| b.priority);
        let hit = self
            .groups_enabled
            .then(|| {
                bundles.iter().find_map(|b| {
                    let g = b.groups.iter().find(|g| groups.contains(g))?;
                    Some((b.priority, b.timeout, g.clone()))
                })
            })
            .flatten();
        match hit {
            Some((p, t, g)) => (Some(t), Source::GroupBundle, Some(p), Some(g)),
            None if self.org_enabled => (
                self.org_seconds.map(|s| s as u32),
                Source::Organization,
                None,
                None,
            ),
            None if self.hipaa() => (Some(900), Source::Hipaa, None, None),
            None => (None, Source::None, None, None),
        }
    }
}

pub(crate) fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// Distinct exclusion templates (no two normalize to the same).
pub(crate) const ENTRIES: &[&str] = &[
    "api/v2/users/me",
    "api/v2/featuretoggles",
    "api/v2/diagnostics/trace",
    "api/v2/diagnostics/newrelic/insights",
    "api/v2/integrations/clientapps",
    "api/v2/users/{userId}/presences/{sourceId}",
    "api/v2/users/{userId}/routingstatus",
    "api/v2/users/{userId}",
    "api/v2/routing/queues",
    "api/v2/routing/queues/{queueId}/members",
    "api/v2/conversations/{conversationId}",
    "api/v2/analytics/conversations/details/query",
    "api/v2/notifications/channels",
    "api/v2/tokens/me",
    "api/v2/caf%C3%A9/{id}",
    "api/v2/a-b_c~d.e",
];

/// A spelling of `entry` that normalizes to the same template.
pub(crate) fn respell(entry: &str, variant: usize) -> String {
    match variant % 5 {
        0 => entry.to_owned(),
        1 => format!("/{entry}"),
        2 => entry.to_ascii_uppercase().replace("%C3%A9", "%c3%a9"),
        3 => format!("{}/", entry.replace('/', "//")),
        _ => entry.replace("{userId}", "{id}").replace('a', "%61"),
    }
}

/// What a model needs for a mutation to apply.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Need {
    pub(crate) org_enabled: bool,
    pub(crate) org_disabled: bool,
    pub(crate) bundles: usize,
    pub(crate) groups_disabled: bool,
    pub(crate) exclusions: usize,
}

pub(crate) fn model(need: Need) -> impl Strategy<Value = Model> {
    let bundle_parts = prop::collection::vec(
        (
            300u32..=28_800,
            prop::option::of(prop::sample::select(vec!["Minutes", "Hours"])),
            1usize..=5,
        ),
        5,
    );
    (
        prop::option::of(any::<bool>()),
        any::<bool>(),
        (
            300u32..=28_800,
            prop::option::of(prop::sample::select(vec![
                0.0, 5.0, 299.0, 1e9, -1.0, 1800.0,
            ])),
        ),
        prop::option::of(prop::sample::select(vec!["Minutes", "Hours"])),
        any::<bool>(),
        0usize..=5,
        Just(vec![1u32, 2, 3, 4, 5]).prop_shuffle(),
        bundle_parts,
        prop::option::of(prop::collection::vec((0..ENTRIES.len(), 0usize..5), 0..10)),
        any::<bool>(),
    )
        .prop_map(
            move |(
                hipaa,
                org_on,
                (secs, junk),
                org_unit,
                groups_on,
                n,
                order,
                parts,
                excl,
                extras,
            )| {
                let hipaa_cap = |s: u32| {
                    if hipaa == Some(true) {
                        300 + s % 601
                    } else {
                        s
                    }
                };
                let org_enabled = (need.org_enabled || org_on) && !need.org_disabled;
                let org_seconds = if org_enabled {
                    Some(f64::from(hipaa_cap(secs)))
                } else {
                    junk
                };
                let groups_enabled = (need.bundles > 0 || groups_on) && !need.groups_disabled;
                let n = n.max(need.bundles);
                let priorities: Vec<u32> = order.into_iter().filter(|p| *p as usize <= n).collect();
                let mut next_group = 0;
                let bundles = priorities
                    .into_iter()
                    .zip(parts)
                    .map(|(priority, (timeout, unit, count))| Bundle {
                        priority,
                        timeout: hipaa_cap(timeout),
                        unit,
                        groups: (0..count)
                            .map(|_| {
                                next_group += 1;
                                // Group ids as real ones look, and a few odd but valid ones.
                                match next_group % 4 {
                                    0 => format!("g{next_group} with spaces"),
                                    1 => format!("{next_group:08x}-0000-4000-8000-000000000000"),
                                    2 => format!("gr\u{fc}ppe-{next_group}"),
                                    _ => format!("{next_group}"),
                                }
                            })
                            .collect(),
                    })
                    .collect();
                let exclusions = match excl {
                    None if need.exclusions == 0 => None,
                    picks => {
                        let mut seen = Vec::new();
                        let mut list = Vec::new();
                        for (i, v) in picks
                            .unwrap_or_default()
                            .into_iter()
                            .chain((0..need.exclusions).map(|i| (i, 0)))
                        {
                            if !seen.contains(&i) {
                                seen.push(i);
                                list.push(respell(ENTRIES[i], v));
                            }
                        }
                        Some(list)
                    }
                };
                Model {
                    hipaa,
                    org_enabled,
                    org_seconds,
                    org_unit,
                    groups_enabled,
                    bundles,
                    exclusions,
                    extras,
                }
            },
        )
}

/// JSON bytes of `value` (compact or pretty), read back as the browser and the server do.
pub(crate) fn through_bytes(value: &Value, pretty: bool) -> Value {
    let bytes = if pretty {
        serde_json::to_vec_pretty(value).unwrap()
    } else {
        serde_json::to_vec(value).unwrap()
    };
    serde_json::from_slice(&bytes).unwrap()
}
