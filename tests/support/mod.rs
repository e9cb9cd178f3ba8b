//! What the CLI tests share: running the `faultline` binary.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `faultline ARGS` (with `stdin` piped in, if given): (exit code, stdout, stderr).
pub fn faultline(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child =
        Command::new(env!("CARGO_BIN_EXE_faultline")).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}
