//! The `faultline` command line: the same scenarios as the browser, headless, as JSON.
//!
//! Exit codes: 0 success, 2 bad input (one line on stderr naming the field), 1 I/O failure.

mod ring;

use std::io::{Read, Write};

use clap::{Parser, Subcommand};
use faultline_core::headless::{self, RunError};

mod poster;
mod quorum;
mod site;

#[derive(Parser)]
#[command(name = "faultline", version, about = "Run Faultline's distributed-systems scenarios headless")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SitePage {
    Landing,
    Page,
}

#[derive(Subcommand)]
enum Command {
    /// List the preset scenarios.
    Presets,
    /// List the widgets, one name per line (from the registry).
    Widgets,
    /// Print every limit validation enforces, as the Markdown table in docs/scenarios.md.
    Limits,
    /// Print a page of the site made from the registry: `landing` (static HTML), or `page
    /// WIDGET` (a widget's page for Trunk; `all` for every widget).
    Site { page: SitePage, widget: Option<String> },
    /// Print one preset scenario as JSON.
    Preset { name: String },
    /// Run a scenario file (`-` for stdin) and print a JSON report.
    Run {
        file: String,
        /// Also write every trace event as JSON lines to this file.
        #[arg(long)]
        trace: Option<String>,
    },
    /// Play a scenario with a challenge (`-` for stdin) to its end and print the verdict:
    /// exit 0 when it passed, 1 when it did not.
    Check { file: String },
    /// Render one frame of a scenario as a standalone SVG (a poster): `--preset NAME`,
    /// `--widget NAME` or a scenario FILE, `--at 12s`, `--theme light|dark|auto`, `--out F`.
    Poster(poster::PosterArgs),
    /// Consistent hashing: locate a key, or balance and movement statistics.
    Ring {
        #[command(subcommand)]
        command: Box<ring::RingCommand>,
    },
    /// Quorum replication tools.
    #[command(subcommand)]
    Quorum(quorum::QuorumCommand),
}

/// A failure to report: exit code and one line of text.
pub struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Self {
        Self { code: 2, message: message.into() }
    }
    pub fn io(message: impl Into<String>) -> Self {
        Self { code: 1, message: message.into() }
    }
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version: clap's own text, on stdout.
            let _ = e.print();
            return 0;
        }
        Err(e) => {
            eprintln!("faultline: {}", one_line(&e));
            return 2;
        }
    };
    let result = match cli.command {
        Command::Presets => print_json(&headless::presets()),
        Command::Site { page: SitePage::Landing, .. } => print_line(&site::landing()),
        Command::Site { page: SitePage::Page, widget } => match site::widget_page(widget.as_deref().unwrap_or_default()) {
            Ok(html) => print_line(&html),
            Err(e) => Err(Failure::input(e)),
        },
        Command::Widgets => {
            let names: Vec<&str> = faultline_core::widgets::WIDGETS.iter().map(|w| w.name).collect();
            print_line(&names.join("\n"))
        }
        Command::Limits => print_line(faultline_core::limits::markdown_table().trim_end()),
        Command::Preset { name } => match headless::preset_json(&name) {
            Some(json) => print_line(&json),
            None => Err(Failure::input(format!("name: no preset called \"{name}\"; `faultline presets` lists them"))),
        },
        Command::Run { file, trace } => run(&file, trace.as_deref()),
        Command::Check { file } => check(&file),
        Command::Poster(args) => poster::run(args),
        Command::Ring { command } => ring::run(*command),
        Command::Quorum(command) => quorum::run(command),
    };
    match result {
        Ok(()) => 0,
        Err(failure) => {
            eprintln!("faultline: {}", failure.message);
            failure.code as i32
        }
    }
}

/// A command-line mistake as one line that names the option (clap's own message spans
/// several lines and, for a missing option, names it only on the second).
fn one_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        _ => None,
    };
    let rendered = e.render().to_string();
    let first = rendered.lines().next().unwrap_or_default().trim_start_matches("error: ").trim().to_string();
    match (e.kind(), arg) {
        (ErrorKind::MissingRequiredArgument, Some(arg)) => format!("{arg}: missing; `faultline help` lists the options"),
        (_, Some(arg)) if !first.contains(&arg) => format!("{arg}: {first}"),
        _ => first,
    }
}

/// Reads a scenario file (`-` for stdin), refusing one larger than a scenario may be before
/// reading it all, and text that is not UTF-8.
fn read_scenario(file: &str) -> Result<String, Failure> {
    let limit = faultline_core::scenario::MAX_SCENARIO_BYTES;
    let mut bytes = Vec::new();
    let read = if file == "-" {
        std::io::stdin().take(limit as u64 + 1).read_to_end(&mut bytes)
    } else {
        let f = std::fs::File::open(file).map_err(|e| Failure::io(format!("cannot read {file}: {e}")))?;
        f.take(limit as u64 + 1).read_to_end(&mut bytes)
    };
    read.map_err(|e| Failure::io(format!("cannot read {file}: {e}")))?;
    if bytes.len() > limit {
        return Err(Failure::input(format!("{file}: a scenario may be at most {limit} bytes")));
    }
    String::from_utf8(bytes).map_err(|e| Failure::input(format!("{file}: not UTF-8 text (byte {})", e.utf8_error().valid_up_to())))
}

fn run(file: &str, trace_path: Option<&str>) -> Result<(), Failure> {
    let text = read_scenario(file)?;
    let mut trace_file = match trace_path {
        Some(path) => Some(std::io::BufWriter::new(std::fs::File::create(path).map_err(|e| Failure::io(format!("cannot create {path}: {e}")))?)),
        None => None,
    };
    let report = headless::run_any_json(&text, trace_file.as_mut().map(|w| w as &mut dyn Write)).map_err(|e| match e {
        RunError::Invalid(_) => Failure::input(e.to_string()),
        RunError::Io(_) => Failure::io(e.to_string()),
    })?;
    if let Some(mut w) = trace_file {
        w.flush().map_err(|e| Failure::io(format!("cannot write the trace: {e}")))?;
    }
    print_json(&report)
}

fn check(file: &str) -> Result<(), Failure> {
    let text = read_scenario(file)?;
    let status = headless::check_json(&text).map_err(|e| Failure::input(format!("invalid scenario: {e}")))?;
    print!("{}", status.report());
    match status.verdict() {
        Some(true) => Ok(()),
        _ => Err(Failure { code: 1, message: format!("the challenge was not met: {}", status.goal) }),
    }
}

pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    let json = serde_json::to_string_pretty(value).map_err(|e| Failure::io(e.to_string()))?;
    print_line(&json)
}

/// Writes one result to stdout. A closed pipe (`faultline … | head`) is not an error worth a
/// panic: the reader has what it wanted.
pub fn print_line(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::io(format!("cannot write to stdout: {e}"))),
        _ => Ok(()),
    }
}
