//! The binary as mdBook runs it: `supports RENDERER`, then `[context, book]` on stdin.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mdbook-faultline"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("it exits")
}

#[test]
fn it_supports_the_html_renderer_only() {
    assert!(run(&["supports", "html"], "").status.success());
    assert_eq!(run(&["supports", "epub"], "").status.code(), Some(1));
    assert_eq!(run(&["supports", "markdown"], "").status.code(), Some(1));
}

/// mdBook 0.5's input for a book of one chapter (the shape of `mdbook_preprocessor::parse_input`).
fn input(content: &str) -> String {
    serde_json::json!([
        {"root": "/nowhere", "config": {"book": {"title": "T", "src": "src"}}, "renderer": "html", "mdbook_version": "0.5.4"},
        {"items": [{"Chapter": {"name": "One", "content": content, "number": [1], "sub_items": [],
            "path": "one.md", "source_path": "one.md", "parent_names": []}}]}
    ])
    .to_string()
}

#[test]
fn it_writes_the_book_with_widgets_in_place_of_blocks() {
    let out = run(&[], &input("# One\n\n```faultline\nwidget = \"saga\"\ncontrols = \"none\"\n```\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let book: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the book as JSON on stdout");
    let content = book["items"][0]["Chapter"]["content"].as_str().unwrap();
    // The element, with the widget's poster inside as its fallback content.
    assert!(content.contains(r#"<div data-faultline="saga" data-controls="none"><svg xmlns="http://www.w3.org/2000/svg""#), "{content}");
    assert!(content.contains("</svg></div>"), "{content}");
}

#[test]
fn a_bad_block_fails_with_one_line_naming_chapter_line_and_field() {
    let out = run(&[], &input("# One\n\n```faultline\nwidget = \"saga\"\nlog = maybe\n```\n"));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("mdbook-faultline: src/one.md:5: log: "), "{err}");
}
