//! `inactivity-server`: see `inactivity-server --help` and `server/README.md`.

use std::io::Write;
use std::process::ExitCode;

use inactivity_server::{CliError, Config, Server};

fn main() -> ExitCode {
    let port_env = std::env::var("PORT").ok();
    let config = match Config::from_args(std::env::args().skip(1), port_env.as_deref()) {
        Ok(config) => config,
        Err(CliError::Help) => {
            println!("{}", CliError::Help);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("inactivity-server: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("inactivity-server: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let server = match Server::bind(&config).await {
            Ok(server) => server,
            Err(e) => {
                eprintln!("inactivity-server: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("listening on {}", server.url());
        let _ = std::io::stdout().flush();
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match server.run(shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("inactivity-server: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
