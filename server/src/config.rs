//! The command line: `inactivity-server [--port N] [--host ADDR] [--data-dir DIR] [--root DIR]
//! [--client ID=PATH[,PATH…]]… [--frame-ancestors ORIGIN[,ORIGIN…]] [--test]`.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;

use crate::clients::parse_registration;

/// The usage text of `--help`.
pub const USAGE: &str = "\
inactivity-server: the reference platform server of inactivity-timeout

USAGE:
    inactivity-server [--port N] [--host ADDR] [--data-dir DIR] [--root DIR]
                      [--client ID=PATH[,PATH...]]... [--frame-ancestors ORIGIN[,ORIGIN...]] [--test]

OPTIONS:
    --port N         port to listen on; 0 picks a free one (default: $PORT, else 8080)
    --host ADDR      address to bind (default: 127.0.0.1, plus [::1] when available)
    --root DIR       repository root: serves DIR/www/ at /, DIR/pkg/ at /pkg/ and
                     DIR/api-catalog.json at /catalog/api-catalog.json (default: .)
    --data-dir DIR   where settings.json is kept (default: ROOT/server/data)
    --client ID=PATH[,PATH...]
                     registers an OAuth client and its redirect paths on this server, besides
                     the demo apps' (agent-demo, admin-demo, minimal, vite-example,
                     react-example, angular-example); repeatable
    --frame-ancestors ORIGIN[,ORIGIN...]
                     origins that may embed the agent client in a frame (its
                     Content-Security-Policy frame-ancestors), besides this server's own two
                     (http://127.0.0.1:PORT and http://localhost:PORT); other pages may not
                     be framed at all
    --test           enable the test controls under /__test/ (clock, log, reset)
    -h, --help       print this help

On start it prints one line: listening on http://127.0.0.1:<port>/";

/// How the server runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Address to bind.
    pub host: IpAddr,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// The repository root (pages, package, catalog).
    pub root: PathBuf,
    /// Where `settings.json` is kept; `None` means `<root>/server/data`.
    pub data_dir: Option<PathBuf>,
    /// Whether the `/__test/` controls are mounted.
    pub test_mode: bool,
    /// OAuth clients registered with `--client`, besides the demo apps.
    pub clients: Vec<(String, Vec<String>)>,
    /// Origins that may frame the agent client, besides this server's own.
    pub frame_ancestors: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            root: PathBuf::from("."),
            data_dir: None,
            test_mode: false,
            clients: Vec::new(),
            frame_ancestors: Vec::new(),
        }
    }
}

/// The command line could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CliError {
    /// `--help` was given: print the usage text and exit successfully.
    Help,
    /// A wrong argument, with a sentence that says which and why.
    Invalid(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Help => f.write_str(USAGE),
            CliError::Invalid(m) => write!(f, "{m}\n\n{USAGE}"),
        }
    }
}

impl std::error::Error for CliError {}

/// A serialized http(s) origin (`scheme://host[:port]`), as CSP `frame-ancestors` takes it.
fn check_origin(origin: &str) -> Result<String, String> {
    let rest = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    // CSP's host-source: a port may be `*` (any port of that host).
    let ok = rest.is_some_and(|r| {
        let r = r.strip_suffix(":*").unwrap_or(r);
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
            && !r.starts_with(':')
            && !r.ends_with(':')
    });
    if ok {
        Ok(origin.to_ascii_lowercase())
    } else {
        Err(format!(
            "--frame-ancestors takes origins such as https://crm.example.com or http://127.0.0.1:3000 (scheme, host, optional port or :*; no path, no wildcard host); got \"{origin}\""
        ))
    }
}

fn parse_port(value: &str, from: &str) -> Result<u16, CliError> {
    value.trim().parse().map_err(|_| {
        CliError::Invalid(format!(
            "{from} must be a port number from 0 to 65535; got \"{value}\""
        ))
    })
}

impl Config {
    /// The directory of `settings.json`.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| self.root.join("server").join("data"))
    }

    /// Parses the arguments (without the program name); `port_env` is the `PORT` variable.
    pub fn from_args<I>(args: I, port_env: Option<&str>) -> Result<Self, CliError>
    where
        I: IntoIterator<Item = String>,
    {
        let mut config = Config::default();
        if let Some(port) = port_env.filter(|p| !p.trim().is_empty()) {
            config.port = parse_port(port, "the PORT environment variable")?;
        }
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
                _ => (arg.clone(), None),
            };
            let mut value = |name: &str| {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| CliError::Invalid(format!("{name} needs a value")))
            };
            match name.as_str() {
                "-h" | "--help" => return Err(CliError::Help),
                "--test" => config.test_mode = true,
                "--port" => config.port = parse_port(&value("--port")?, "--port")?,
                "--host" => {
                    let host = value("--host")?;
                    config.host = if host.eq_ignore_ascii_case("localhost") {
                        IpAddr::from([127, 0, 0, 1])
                    } else {
                        host.trim_matches(['[', ']']).parse().map_err(|_| {
                            CliError::Invalid(format!(
                                "--host must be an IP address such as 127.0.0.1; got \"{host}\""
                            ))
                        })?
                    };
                }
                "--root" => config.root = PathBuf::from(value("--root")?),
                "--data-dir" => config.data_dir = Some(PathBuf::from(value("--data-dir")?)),
                "--client" => config
                    .clients
                    .push(parse_registration(&value("--client")?).map_err(CliError::Invalid)?),
                "--frame-ancestors" => {
                    for origin in value("--frame-ancestors")?.split(',') {
                        let origin = check_origin(origin.trim()).map_err(CliError::Invalid)?;
                        config.frame_ancestors.push(origin);
                    }
                }
                other => return Err(CliError::Invalid(format!("unknown argument \"{other}\""))),
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: Option<&str>) -> Result<Config, CliError> {
        Config::from_args(args.iter().map(|s| s.to_string()), env)
    }

    #[test]
    fn defaults_and_env() {
        assert_eq!(parse(&[], None).unwrap(), Config::default());
        assert_eq!(parse(&[], Some("9090")).unwrap().port, 9090);
        assert_eq!(parse(&["--port", "0"], Some("9090")).unwrap().port, 0);
        assert!(parse(&[], Some("http")).is_err());
    }

    #[test]
    fn every_option() {
        let c = parse(
            &[
                "--port=0",
                "--host",
                "::1",
                "--root",
                "/r",
                "--data-dir",
                "/d",
                "--test",
                "--client",
                "crm=/crm/callback.html",
                "--frame-ancestors=https://CRM.example.com, http://127.0.0.1:3000,http://evil.test:*",
            ],
            None,
        )
        .unwrap();
        assert_eq!(
            c.clients,
            vec![("crm".to_owned(), vec!["/crm/callback.html".to_owned()])]
        );
        assert_eq!(
            c.frame_ancestors,
            vec![
                "https://crm.example.com",
                "http://127.0.0.1:3000",
                "http://evil.test:*"
            ]
        );
        assert_eq!(c.port, 0);
        assert_eq!(c.host, "::1".parse::<IpAddr>().unwrap());
        assert_eq!(c.root, PathBuf::from("/r"));
        assert_eq!(c.data_dir(), PathBuf::from("/d"));
        assert!(c.test_mode);
        assert_eq!(
            parse(&["--root", "/r"], None).unwrap().data_dir(),
            PathBuf::from("/r/server/data")
        );
    }

    #[test]
    fn errors_name_the_argument() {
        assert_eq!(parse(&["--help"], None), Err(CliError::Help));
        let err = |args: &[&str]| match parse(args, None) {
            Err(CliError::Invalid(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(err(&["--port"]).contains("--port needs a value"));
        assert!(err(&["--port", "70000"]).contains("--port"));
        assert!(err(&["--host", "example.com"]).contains("--host"));
        assert!(err(&["--verbose"]).contains("--verbose"));
        assert!(err(&["--client", "crm"]).contains("ID=PATH"));
        assert!(err(&["--client", "crm=callback"]).contains("--client crm"));
        for origin in [
            "crm.example",
            "https://crm.example/path",
            "*",
            "null",
            "https://",
            "ftp://x",
            "https://*.example.com",
            "https://crm.example:",
        ] {
            assert!(
                err(&["--frame-ancestors", origin]).contains("--frame-ancestors"),
                "{origin}"
            );
        }
    }
}
