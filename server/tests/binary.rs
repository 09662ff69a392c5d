//! The binary: the one "listening on" line, PORT, and command-line errors.

mod common;

use std::process::{Command, Stdio};

use common::*;

fn server_command(root: &std::path::Path, data: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_inactivity-server"));
    command
        .arg("--root")
        .arg(root)
        .arg("--data-dir")
        .arg(data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

#[test]
fn prints_one_line_with_the_url_and_serves_there() {
    let root = make_root();
    let data = tempfile::tempdir().unwrap();
    // PORT=0 (a free port) through the environment.
    let mut child = server_command(root.path(), data.path())
        .env("PORT", "0")
        .spawn()
        .unwrap();
    let port = listening_port(&mut child);
    assert_ne!(port, 0);
    let mut r = client()
        .get(format!("http://127.0.0.1:{port}/"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.body_mut().read_to_string().unwrap().contains("home"));
    // Not a test server: no controls.
    let r = client()
        .get(format!("http://127.0.0.1:{port}/__test/clock"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn command_line_errors_exit_2_with_the_reason() {
    let root = make_root();
    let data = tempfile::tempdir().unwrap();
    for (args, says) in [
        (vec!["--port", "http"], "--port"),
        (vec!["--frobnicate"], "--frobnicate"),
        (vec!["--host", "example.com"], "--host"),
    ] {
        let out = server_command(root.path(), data.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert!(stderr.contains("USAGE"), "{stderr}");
    }
    let out = server_command(root.path(), data.path())
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--data-dir"));
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let root = make_root();
    let data = tempfile::tempdir().unwrap();
    let out = server_command(root.path(), data.path())
        .args(["--port", &port])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
}
