//! `mdbook-faultline`: the mdBook preprocessor that turns ```` ```faultline ```` blocks into
//! embedded widgets (see docs/mdbook.md).
//!
//! mdBook runs it twice: `mdbook-faultline supports RENDERER` (exit 0 for `html`, 1 otherwise),
//! then with no arguments, `[context, book]` JSON on stdin and the book JSON expected on stdout.

use std::io::{Read, Write};
use std::process::ExitCode;

use mdbook_faultline::{assets, protocol};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("supports") => {
            // Widgets need a browser: only the HTML renderer can show them.
            if args.get(1).map(String::as_str) == Some("html") {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Some(other) => {
            eprintln!("mdbook-faultline: unknown argument \"{other}\"; run by mdBook with no argument, or `supports RENDERER`");
            ExitCode::FAILURE
        }
        None => match run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(line) => {
                eprintln!("mdbook-faultline: {line}");
                ExitCode::FAILURE
            }
        },
    }
}

fn run() -> Result<(), String> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).map_err(|e| format!("cannot read mdBook's input: {e}"))?;
    let processed = protocol::process(&input)?;
    if let Some(plan) = &processed.assets {
        assets::copy(plan)?;
    }
    let mut out = std::io::stdout().lock();
    out.write_all(processed.book_json.as_bytes()).and_then(|()| out.flush()).map_err(|e| format!("cannot write the book: {e}"))
}
