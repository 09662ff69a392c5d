#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod api;
mod body;
mod bounded;
pub mod clients;
pub mod clock;
mod config;
pub mod demo;
pub mod error;
mod host;
pub mod idle;
mod oauth;
pub mod pkce;
pub mod preview;
mod security;
pub mod settings;
pub mod state;
mod statics;
mod sweeper;
mod testctl;
mod token;
pub mod tracker_core;

use std::future::{Future, IntoFuture};
use std::io;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{any, get};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::services::{ServeDir, ServeFile};

use clients::Clients;
pub use config::{CliError, Config};
use preview::{read_catalog, CatalogError, Templates};
use settings::{SettingsFile, SettingsFileError};
use state::{AppState, Site};

/// The largest request body accepted, in bytes; larger bodies get 413.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Why the server did not start.
#[derive(Debug)]
pub enum StartError {
    /// The settings file is unreadable, corrupt or invalid (the message names the file).
    Settings(SettingsFileError),
    /// The API catalog (`<root>/api-catalog.json`) is missing, unreadable or invalid.
    Catalog(CatalogError),
    /// The address could not be bound.
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        source: io::Error,
    },
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Settings(e) => e.fmt(f),
            StartError::Catalog(e) => e.fmt(f),
            StartError::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
        }
    }
}

impl std::error::Error for StartError {}

/// A bound server, ready to run.
pub struct Server {
    state: AppState,
    listeners: Vec<TcpListener>,
    addr: SocketAddr,
}

impl Server {
    /// Loads the settings (writing the defaults on first start) and binds the address.
    ///
    /// With the default host 127.0.0.1 the server also listens on `[::1]` at the same port when
    /// the machine has IPv6, so that `http://localhost:PORT/` works whichever address a browser
    /// tries first.
    pub async fn bind(config: &Config) -> Result<Self, StartError> {
        let settings_file = SettingsFile::in_dir(&config.data_dir());
        let effective = settings_file.load_or_init().map_err(StartError::Settings)?;
        let templates = load_templates(&config.root.join("api-catalog.json"))?;
        let addr = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        let mut listeners = vec![listener];
        if config.host == IpAddr::from([127, 0, 0, 1]) {
            if let Ok(v6) = TcpListener::bind((Ipv6Addr::LOCALHOST, addr.port())).await {
                listeners.push(v6);
            }
        }
        let state = AppState::new(
            effective,
            settings_file,
            templates,
            Site {
                root: config.root.clone(),
                host: config.host,
                port: addr.port(),
                test_mode: config.test_mode,
                clients: Clients::new(config.clients.iter().cloned()),
                frame_ancestors: config.frame_ancestors.clone(),
            },
        );
        Ok(Self {
            state,
            listeners,
            addr,
        })
    }

    /// The address the server listens on (the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        let host = match self.addr.ip() {
            ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
            IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        format!("http://{host}:{}/", self.addr.port())
    }

    /// Serves until `shutdown` completes, sweeping idle tokens every second (a sweep that
    /// panics is logged and the next one runs: `sweeper.rs`).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
        let app = router(self.state.clone());
        let (stop_tx, stop_rx) = watch::channel(false);
        let sweeper = sweeper::spawn(Duration::from_secs(1), {
            let state = self.state.clone();
            move || {
                state.sweep();
            }
        });
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
        let mut servers = Vec::new();
        for listener in self.listeners {
            let mut stop = stop_rx.clone();
            servers.push(tokio::spawn(
                axum::serve(listener, app.clone())
                    .with_graceful_shutdown(async move {
                        let _ = stop.wait_for(|s| *s).await;
                    })
                    .into_future(),
            ));
        }
        let mut result = Ok(());
        for server in servers {
            match server.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => result = Err(e),
                Err(e) => result = Err(io::Error::other(e)),
            }
        }
        sweeper.abort();
        result
    }
}

/// The preview's templates: the API catalog, plus the default-excluded APIs (internal APIs the
/// catalog lacks, which the admin page shows as switches).
fn load_templates(path: &std::path::Path) -> Result<Templates, StartError> {
    let catalog = read_catalog(path).map_err(StartError::Catalog)?;
    let defaults = demo::DEFAULT_EXCLUDED_APIS.iter().map(|p| (*p).to_owned());
    Templates::new(catalog.into_iter().chain(defaults)).map_err(|reason| {
        StartError::Catalog(CatalogError {
            path: path.to_owned(),
            reason,
        })
    })
}

/// The whole application: API, sign-in, test controls (with `--test`), static files.
fn router(state: AppState) -> Router {
    let root = state.root.clone();
    let mut app = api::routes()
        .route("/api/{*rest}", any(api::not_found))
        .route("/api", any(api::not_found))
        .route(
            "/oauth/authorize",
            get(oauth::authorize_page).post(oauth::authorize_submit),
        )
        .route("/oauth/token", axum::routing::post(oauth::token))
        .route_service(
            "/catalog/api-catalog.json",
            ServeFile::new(root.join("api-catalog.json")),
        )
        .nest_service("/pkg", static_dir(root.join("pkg")));
    if state.test_mode {
        app = app.merge(
            testctl::routes().route_layer(middleware::from_fn_with_state(
                state.clone(),
                security::test_controls,
            )),
        );
    }
    app.fallback_service(static_dir(root.join("www")))
        .layer(middleware::from_fn_with_state(state.clone(), api::gate))
        .layer(middleware::from_fn(statics::static_headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(error::json_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        // Outermost: a request addressed to another name meets nothing else (`host.rs`).
        .layer(middleware::from_fn_with_state(state.clone(), host::check))
        .with_state(state)
}

/// Files under `dir` (`index.html` for directories); anything else, whatever the method, is a
/// 404 in the platform's error shape.
fn static_dir(dir: std::path::PathBuf) -> ServeDir<axum::routing::MethodRouter> {
    ServeDir::new(dir)
        .call_fallback_on_method_not_allowed(true)
        .fallback(any(statics::not_found))
}

/// A server running on its own thread (with its own runtime), for tests and tools that
/// embed it. Dropping it stops the server.
pub struct RunningServer {
    url: String,
    addr: SocketAddr,
    stop: Option<watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl RunningServer {
    /// Binds (synchronously, so start-up errors are returned here) and starts serving.
    pub fn start(config: Config) -> Result<Self, StartError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, mut stop_rx) = watch::channel(false);
        let thread = std::thread::spawn(move || -> io::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let server = match Server::bind(&config).await {
                    Ok(server) => server,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return Ok(());
                    }
                };
                let _ = ready_tx.send(Ok((server.url(), server.local_addr())));
                server
                    .run(async move {
                        let _ = stop_rx.wait_for(|s| *s).await;
                    })
                    .await
            })
        });
        match ready_rx.recv() {
            Ok(Ok((url, addr))) => Ok(Self {
                url,
                addr,
                stop: Some(stop_tx),
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let result = thread.join();
                Err(StartError::Bind {
                    addr: SocketAddr::from(([127, 0, 0, 1], 0)),
                    source: match result {
                        Ok(Err(e)) => e,
                        _ => io::Error::other("the server thread stopped before binding"),
                    },
                })
            }
        }
    }

    /// `http://127.0.0.1:<port>/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
