//! `faultline poster (--preset NAME | --widget NAME | FILE) [--at 12s] [--theme light|dark|auto] [--out F]`:
//! one frame of a scenario as a standalone SVG, rendered by the core (`faultline_core::poster`).

use faultline_core::poster::{self, Theme};

use super::{print_line, read_scenario, Failure};

#[derive(clap::Args)]
pub struct PosterArgs {
    /// A scenario file (`-` for stdin); or name a lesson with --preset, or a widget's default with --widget.
    #[arg(conflicts_with_all = ["preset", "widget"], required_unless_present_any = ["preset", "widget"])]
    file: Option<String>,
    /// A lesson (`faultline presets` lists them).
    #[arg(long, conflicts_with = "widget")]
    preset: Option<String>,
    /// A widget: the scenario it opens with when a page names no lesson.
    #[arg(long)]
    widget: Option<String>,
    /// The frame's time: 12s, 1.5s, 1500ms or 250us. Default: the scenario's cursor, else its
    /// last lesson moment, else its end.
    #[arg(long, allow_hyphen_values = true)]
    at: Option<String>,
    /// light, dark, or auto (dark where the reader's system prefers it).
    #[arg(long, default_value = "light")]
    theme: String,
    /// Write the SVG to this file instead of stdout.
    #[arg(long)]
    out: Option<String>,
}

pub fn run(args: PosterArgs) -> Result<(), Failure> {
    let bad = |e: faultline_core::FieldError| Failure::input(e.to_string());
    let theme = Theme::parse(&args.theme).map_err(bad)?;
    let at = args.at.as_deref().map(poster::parse_at).transpose().map_err(bad)?;
    let svg = match (&args.preset, &args.widget, &args.file) {
        (Some(name), _, _) => poster::render_preset(name, at, theme),
        (None, Some(widget), _) => poster::render_default(widget, at, theme),
        (None, None, Some(file)) => poster::render_json(&read_scenario(file)?, at, theme),
        (None, None, None) => unreachable!("clap requires one of them"),
    }
    .map_err(bad)?;
    match &args.out {
        Some(path) => std::fs::write(path, svg).map_err(|e| Failure::io(format!("cannot write {path}: {e}"))),
        None => print_line(svg.trim_end()),
    }
}
