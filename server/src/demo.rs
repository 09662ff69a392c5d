//! The demo organization: users, groups, presence definitions, queues and default settings.
//!
//! All fixed data of the reference server lives here; ids are stable so that tests, the pages
//! and the README can name them.

use serde_json::{json, Value};

/// The organization every demo user belongs to.
pub const ORG_ID: &str = "6f1e4c2a-0000-4000-8000-0000000000aa";
/// The organization's display name.
pub const ORG_NAME: &str = "Demo Contact Center";

/// A demo group.
#[derive(Debug, Clone, Copy)]
pub struct Group {
    /// Stable id.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
}

/// Group ids, by name.
pub mod group_ids {
    /// "Agents": the agent's group; in no bundle of the default settings.
    pub const AGENTS: &str = "a0000000-0000-4000-8000-000000000001";
    /// "Supervisors": in bundle 1 (priority 1) of the default settings.
    pub const SUPERVISORS: &str = "a0000000-0000-4000-8000-000000000002";
    /// "Sales": in bundle 2 (priority 2) of the default settings.
    pub const SALES: &str = "a0000000-0000-4000-8000-000000000003";
    /// "Support".
    pub const SUPPORT: &str = "a0000000-0000-4000-8000-000000000004";
    /// "Billing".
    pub const BILLING: &str = "a0000000-0000-4000-8000-000000000005";
    /// "Administrators": the admin's group.
    pub const ADMINS: &str = "a0000000-0000-4000-8000-000000000006";
}

/// The organization's groups.
pub const GROUPS: &[Group] = &[
    Group {
        id: group_ids::AGENTS,
        name: "Agents",
    },
    Group {
        id: group_ids::SUPERVISORS,
        name: "Supervisors",
    },
    Group {
        id: group_ids::SALES,
        name: "Sales",
    },
    Group {
        id: group_ids::SUPPORT,
        name: "Support",
    },
    Group {
        id: group_ids::BILLING,
        name: "Billing",
    },
    Group {
        id: group_ids::ADMINS,
        name: "Administrators",
    },
    // Teams without members: enough groups (30) to reach the 25-groups-in-bundles limit.
    Group {
        id: "a0000000-0000-4000-8000-000000000007",
        name: "Team 07",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000008",
        name: "Team 08",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000009",
        name: "Team 09",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000010",
        name: "Team 10",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000011",
        name: "Team 11",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000012",
        name: "Team 12",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000013",
        name: "Team 13",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000014",
        name: "Team 14",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000015",
        name: "Team 15",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000016",
        name: "Team 16",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000017",
        name: "Team 17",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000018",
        name: "Team 18",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000019",
        name: "Team 19",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000020",
        name: "Team 20",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000021",
        name: "Team 21",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000022",
        name: "Team 22",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000023",
        name: "Team 23",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000024",
        name: "Team 24",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000025",
        name: "Team 25",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000026",
        name: "Team 26",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000027",
        name: "Team 27",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000028",
        name: "Team 28",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000029",
        name: "Team 29",
    },
    Group {
        id: "a0000000-0000-4000-8000-000000000030",
        name: "Team 30",
    },
];

/// A demo user who can sign in.
#[derive(Debug, Clone, Copy)]
pub struct User {
    /// Stable id (used in `/api/v2/users/{userId}/…`).
    pub id: &'static str,
    /// Sign-in name.
    pub username: &'static str,
    /// Sign-in password (a demo: stored in the clear on purpose).
    pub password: &'static str,
    /// Display name.
    pub name: &'static str,
    /// E-mail address.
    pub email: &'static str,
    /// Ids of the user's groups.
    pub groups: &'static [&'static str],
    /// Whether the user may change the organization's settings and other users' states.
    pub admin: bool,
}

/// User ids, by role.
pub mod user_ids {
    /// The agent (`agent` / `agent`).
    pub const AGENT: &str = "b0000000-0000-4000-8000-000000000001";
    /// The supervisor (`supervisor` / `supervisor`).
    pub const SUPERVISOR: &str = "b0000000-0000-4000-8000-000000000002";
    /// The administrator (`admin` / `admin`).
    pub const ADMIN: &str = "b0000000-0000-4000-8000-000000000003";
}

/// The users who can sign in.
pub const USERS: &[User] = &[
    User {
        id: user_ids::AGENT,
        username: "agent",
        password: "agent",
        name: "Alex Agent",
        email: "agent@example.com",
        groups: &[group_ids::AGENTS, group_ids::SUPPORT],
        admin: false,
    },
    User {
        id: user_ids::SUPERVISOR,
        username: "supervisor",
        password: "supervisor",
        name: "Sam Supervisor",
        email: "supervisor@example.com",
        groups: &[group_ids::SUPERVISORS, group_ids::SALES, group_ids::AGENTS],
        admin: false,
    },
    User {
        id: user_ids::ADMIN,
        username: "admin",
        password: "admin",
        name: "Ada Admin",
        email: "admin@example.com",
        groups: &[group_ids::ADMINS],
        admin: true,
    },
];

/// The user with this id.
pub fn user(id: &str) -> Option<&'static User> {
    USERS.iter().find(|u| u.id == id)
}

/// The user with these credentials.
pub fn sign_in(username: &str, password: &str) -> Option<&'static User> {
    USERS
        .iter()
        .find(|u| u.username.eq_ignore_ascii_case(username.trim()) && u.password == password)
}

/// The group with this id.
pub fn group(id: &str) -> Option<&'static Group> {
    GROUPS.iter().find(|g| g.id == id)
}

/// A presence definition: the platform's `systemPresence` and its fixed id.
#[derive(Debug, Clone, Copy)]
pub struct Presence {
    /// Stable id.
    pub id: &'static str,
    /// The platform's system presence name.
    pub system_presence: &'static str,
    /// English label.
    pub label: &'static str,
}

/// The presence definitions (`GET /api/v2/presencedefinitions`).
pub const PRESENCES: &[Presence] = &[
    Presence {
        id: "e08eaf1b-ee47-4fa9-a231-1200e284798f",
        system_presence: "Available",
        label: "Available",
    },
    Presence {
        id: "31fe3bac-dea6-44b7-bed7-47f91660a1a0",
        system_presence: "Busy",
        label: "Busy",
    },
    Presence {
        id: "5e5c5c66-ea97-4e7f-ac41-6424784829f2",
        system_presence: "Away",
        label: "Away",
    },
    Presence {
        id: "1ad1b5e7-0b51-4a4c-8a70-9c4e2a9b3f51",
        system_presence: "Break",
        label: "Break",
    },
    Presence {
        id: "2b7c4f3e-2c6a-4d5b-9e8f-0a1b2c3d4e52",
        system_presence: "Meal",
        label: "Meal",
    },
    Presence {
        id: "3c8d5a4f-3d7b-4e6c-8f9a-1b2c3d4e5f53",
        system_presence: "Meeting",
        label: "Meeting",
    },
    Presence {
        id: "4d9e6b5a-4e8c-4f7d-9a0b-2c3d4e5f6a54",
        system_presence: "Training",
        label: "Training",
    },
    Presence {
        id: "ccf3c10a-aa2c-4845-8e8d-f59fa48c58e5",
        system_presence: "Offline",
        label: "Offline",
    },
    Presence {
        id: "3fd96123-badb-4f69-bc03-1b1ccc6d8014",
        system_presence: "Idle",
        label: "Idle",
    },
];

/// The presence definition with this id.
pub fn presence(id: &str) -> Option<&'static Presence> {
    PRESENCES.iter().find(|p| p.id == id)
}

/// The presence definition with this system presence (e.g. `"Offline"`).
pub fn presence_by_system(system_presence: &str) -> &'static Presence {
    PRESENCES
        .iter()
        .find(|p| p.system_presence == system_presence)
        .expect("every system presence the server sets is defined")
}

/// The routing statuses a user may be in; all but `OFF_QUEUE` mean On Queue.
pub const ROUTING_STATUSES: &[&str] = &[
    "OFF_QUEUE",
    "IDLE",
    "INTERACTING",
    "COMMUNICATING",
    "NOT_RESPONDING",
];

/// A demo routing queue.
#[derive(Debug, Clone, Copy)]
pub struct Queue {
    /// Stable id.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Members.
    pub member_count: u32,
}

/// The routing queues (`GET /api/v2/routing/queues`).
pub const QUEUES: &[Queue] = &[
    Queue {
        id: "c0000000-0000-4000-8000-000000000001",
        name: "Support – Tier 1",
        member_count: 12,
    },
    Queue {
        id: "c0000000-0000-4000-8000-000000000002",
        name: "Sales – Inbound",
        member_count: 8,
    },
    Queue {
        id: "c0000000-0000-4000-8000-000000000003",
        name: "Billing",
        member_count: 5,
    },
];

/// The active conversations shown to every user (`GET /api/v2/conversations`).
pub fn conversations(user_id: &str) -> Value {
    json!([
        {
            "id": "d0000000-0000-4000-8000-000000000001",
            "startTime": "2026-01-05T09:12:00.000Z",
            "participants": [
                { "id": "p1", "purpose": "customer", "name": "Jordan Customer", "state": "connected" },
                { "id": "p2", "purpose": "agent", "userId": user_id, "state": "connected" }
            ],
            "mediaType": "chat"
        }
    ])
}

/// The five default-excluded APIs, in the order the admin page shows them.
pub const DEFAULT_EXCLUDED_APIS: &[&str] = &[
    "api/v2/featuretoggles",
    "api/v2/diagnostics/newrelic/insights",
    "api/v2/diagnostics/trace",
    "api/v2/integrations/clientapps",
    "api/v2/users/me",
];

/// The idle token timeout on first start: org-wide on at 600 s ("Minutes"); groups off, with
/// two bundles ready for the supervisor (Supervisors in priority 1 at 15 min, Sales in
/// priority 2 at 30 min) so that enabling groups shows precedence at once.
pub fn default_idle_token_timeout() -> Value {
    json!({
        "enableIdleTokenTimeout": true,
        "idleTokenTimeoutSeconds": 600,
        "inactivityTimeoutUnit": "Minutes",
        "inactivityTimeoutGroupsEnabled": false,
        "inactivityTimeoutGroupBundles": [
            {
                "priority": 1,
                "timeoutSeconds": 900,
                "inactivityTimeoutUnit": "Minutes",
                "groups": [group_ids::SUPERVISORS]
            },
            {
                "priority": 2,
                "timeoutSeconds": 1800,
                "inactivityTimeoutUnit": "Minutes",
                "groups": [group_ids::SALES]
            }
        ]
    })
}

/// The authentication settings on first start: the five default APIs excluded.
pub fn default_auth_settings() -> Value {
    json!({ "inactivityTimeoutExclusions": DEFAULT_EXCLUDED_APIS })
}

/// The feature toggles (`GET /api/v2/featuretoggles`), a default-excluded API.
pub fn feature_toggles() -> Value {
    json!({
        "inactivityTimeout.serverEnforcement": true,
        "inactivityTimeout.warningDialog": true,
        "webrtc.enabled": false
    })
}
