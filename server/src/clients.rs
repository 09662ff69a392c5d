//! The OAuth clients this server knows, each with its registered redirect URIs.
//!
//! A code is only ever sent to a redirect URI registered for the client that asked (RFC 6749
//! §3.1.2.2, compared exactly as RFC 9700 §4.1 requires): the demo apps' callbacks are built
//! in, `--client ID=PATH[,PATH…]` registers more. A registered redirect is a path on this
//! server, which answers at `http://127.0.0.1:PORT` and `http://localhost:PORT` alike, so the
//! URI sent must be `http://127.0.0.1:PORT<path>` or `http://localhost:PORT<path>` exactly: no
//! other host, port, query or fragment.

use std::collections::BTreeMap;

/// The demo apps and their callbacks.
const BUILT_IN: &[(&str, &[&str])] = &[
    ("agent-demo", &["/agent/callback.html", "/agent/popup.html"]),
    ("admin-demo", &["/admin/callback.html"]),
    ("minimal", &["/minimal/callback.html"]),
    ("vite-example", &["/examples/vite/callback.html"]),
    ("react-example", &["/examples/react/"]),
    ("angular-example", &["/examples/angular/"]),
];

/// The registered clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clients {
    redirects: BTreeMap<String, Vec<String>>,
}

/// A `--client` registration that cannot be used, with a sentence that says why.
pub fn parse_registration(text: &str) -> Result<(String, Vec<String>), String> {
    let (id, paths) = text.split_once('=').ok_or_else(|| {
        format!(
            "--client must be ID=PATH[,PATH…], e.g. my-app=/my-app/callback.html; got \"{text}\""
        )
    })?;
    let id = id.trim();
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(format!(
            "--client: the client id must be letters, digits, '-', '_' or '.'; got \"{id}\""
        ));
    }
    let paths: Vec<String> = paths.split(',').map(|p| p.trim().to_owned()).collect();
    for path in &paths {
        check_path(path).map_err(|m| format!("--client {id}: {m}"))?;
    }
    Ok((id.to_owned(), paths))
}

/// A registered redirect: an absolute path on this server, without query or fragment.
fn check_path(path: &str) -> Result<(), String> {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && path
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"?#\\".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "a redirect must be a path on this server such as /app/callback.html (no query, fragment or backslash); got \"{path}\""
        ))
    }
}

impl Default for Clients {
    fn default() -> Self {
        Self::new(std::iter::empty())
    }
}

impl Clients {
    /// The demo apps plus `extra` (`(client id, redirect paths)`, from `--client`).
    pub fn new(extra: impl IntoIterator<Item = (String, Vec<String>)>) -> Self {
        let mut redirects: BTreeMap<String, Vec<String>> = BUILT_IN
            .iter()
            .map(|(id, paths)| {
                (
                    (*id).to_owned(),
                    paths.iter().map(|p| (*p).to_owned()).collect(),
                )
            })
            .collect();
        for (id, paths) in extra {
            redirects.entry(id).or_default().extend(paths);
        }
        Self { redirects }
    }

    /// Whether `client_id` is registered.
    pub fn is_registered(&self, client_id: &str) -> bool {
        self.redirects.contains_key(client_id)
    }

    /// Checks that `client_id` is registered and `redirect_uri` is one of its redirects on this
    /// server (listening on `port`). The error is a sentence for the login page's caller.
    pub fn check(&self, client_id: &str, redirect_uri: &str, port: u16) -> Result<(), String> {
        let Some(paths) = self.redirects.get(client_id) else {
            return Err(format!(
                "client_id \"{client_id}\" is not registered on this server (register it with --client {client_id}=/path/to/callback)"
            ));
        };
        let path = on_this_server(redirect_uri, port)?;
        if paths.iter().any(|p| p == path) {
            Ok(())
        } else {
            Err(format!(
                "redirect_uri {path} is not registered for client_id \"{client_id}\"; registered: {}",
                paths.join(", ")
            ))
        }
    }
}

/// The path of `uri` when it is `http://127.0.0.1:<port><path>`, `http://localhost:<port><path>`
/// or `http://[::1]:<port><path>` (this server), so that a code is never sent to another site.
pub fn on_this_server(uri: &str, port: u16) -> Result<&str, String> {
    let rest = uri
        .strip_prefix("http://")
        .ok_or("redirect_uri must be an absolute http:// URL on this server")?;
    if uri.contains('#') {
        return Err("redirect_uri must not contain a fragment (#)".into());
    }
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    if authority.contains('@') || authority.contains('\\') {
        return Err("redirect_uri must not contain user information".into());
    }
    let (host, uri_port) = match authority.rsplit_once(':') {
        Some((host, p)) if !host.ends_with(']') || host.starts_with('[') => {
            let p: u16 = p
                .parse()
                .map_err(|_| format!("redirect_uri has an invalid port \"{p}\""))?;
            (host, p)
        }
        _ => (authority, 80),
    };
    let host_ok = ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host));
    if !host_ok || uri_port != port {
        return Err(format!(
            "redirect_uri must point to this server (http://127.0.0.1:{port}/ or http://localhost:{port}/); got {authority}"
        ));
    }
    Ok(if path.is_empty() { "/" } else { path })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_server() {
        for uri in [
            "http://127.0.0.1:8080/",
            "http://localhost:8080/agent.html?x=1",
            "http://LOCALHOST:8080",
            "http://[::1]:8080/a",
        ] {
            assert!(on_this_server(uri, 8080).is_ok(), "{uri}");
        }
        for uri in [
            "https://127.0.0.1:8080/",
            "http://127.0.0.1:8081/",
            "http://127.0.0.1/",
            "http://evil.example/",
            "http://127.0.0.1:8080@evil.example/",
            "http://evil.example#@127.0.0.1:8080/",
            "http://127.0.0.1:8080/#frag",
            "//127.0.0.1:8080/",
            "/relative",
            "",
            "http://127.0.0.1.evil.example:8080/",
            "http://localhost:8080\\@evil.example/",
        ] {
            assert!(on_this_server(uri, 8080).is_err(), "{uri}");
        }
    }

    #[test]
    fn registered_redirects_exactly() {
        let clients = Clients::new([("crm".to_owned(), vec!["/crm/cb".to_owned()])]);
        let ok = |id: &str, uri: &str| clients.check(id, uri, 8080);
        assert_eq!(
            ok("agent-demo", "http://127.0.0.1:8080/agent/callback.html"),
            Ok(())
        );
        assert_eq!(
            ok("agent-demo", "http://localhost:8080/agent/popup.html"),
            Ok(())
        );
        assert_eq!(ok("crm", "http://localhost:8080/crm/cb"), Ok(()));
        // The framework examples sign in on their own page (the router's base).
        assert_eq!(
            ok("react-example", "http://127.0.0.1:8080/examples/react/"),
            Ok(())
        );
        assert_eq!(
            ok("angular-example", "http://localhost:8080/examples/angular/"),
            Ok(())
        );
        let err = ok("agent-demo", "http://127.0.0.1:8080/admin/callback.html").unwrap_err();
        assert!(
            err.contains("not registered for client_id \"agent-demo\""),
            "{err}"
        );
        for uri in [
            "http://127.0.0.1:8080/agent/callback.html?next=/x",
            "http://127.0.0.1:8080/agent/callback.htm",
            "http://127.0.0.1:8080/agent/callback.html/",
            "http://127.0.0.1:8080/agent/",
        ] {
            assert!(ok("agent-demo", uri).is_err(), "{uri}");
        }
        let err = ok("nobody", "http://127.0.0.1:8080/agent/callback.html").unwrap_err();
        assert!(err.contains("\"nobody\" is not registered"), "{err}");
    }

    #[test]
    fn registrations_from_the_command_line() {
        assert_eq!(
            parse_registration("crm=/crm/cb, /crm/popup"),
            Ok((
                "crm".to_owned(),
                vec!["/crm/cb".to_owned(), "/crm/popup".to_owned()]
            ))
        );
        for bad in [
            "crm",
            "=/cb",
            "c r m=/cb",
            "crm=cb",
            "crm=//evil/cb",
            "crm=/cb?x=1",
            "crm=/cb#f",
            "crm=",
        ] {
            assert!(parse_registration(bad).is_err(), "{bad}");
        }
    }
}
