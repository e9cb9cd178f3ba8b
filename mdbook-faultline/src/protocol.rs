//! mdBook's preprocessor protocol, read as plain JSON: stdin is `[context, book]`, stdout the
//! book. Only the fields this preprocessor uses are read; everything else passes through
//! untouched, so mdBook gets back exactly what it sent apart from chapter contents.
//!
//! The book's shape differs by mdBook version (read from the context's `mdbook_version`):
//! 0.5 (`cargo install mdbook --locked` gives 0.5.x) sends `{"items": [...]}`, 0.4 sent
//! `{"sections": [...], "__non_exhaustive": null}`. Each item is `{"Chapter": {...}}`, `"Separator"`
//! or `{"PartTitle": "..."}`; a chapter has `name`, `content`, `path` (none for a draft),
//! `source_path` and `sub_items`.

use std::path::PathBuf;

use serde_json::Value;

use crate::assets::AssetPlan;
use crate::chapter;

/// What one run produces.
#[derive(Debug)]
pub struct Processed {
    pub book_json: String,
    /// Files to copy into the book's source, when `[preprocessor.faultline] assets` is set.
    pub assets: Option<AssetPlan>,
    /// How many widgets the book has.
    pub widgets: usize,
}

/// The key holding the book's items for this mdBook version.
fn items_key(mdbook_version: &str) -> Result<&'static str, String> {
    let mut parts = mdbook_version.split('.').map(|p| p.parse::<u64>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(0), Some(4)) => Ok("sections"),
        (Some(0), Some(5)) => Ok("items"),
        _ => Err(format!("mdbook_version \"{mdbook_version}\": this preprocessor speaks mdBook 0.4 and 0.5")),
    }
}

/// Runs the preprocessor on mdBook's input text.
pub fn process(input: &str) -> Result<Processed, String> {
    let value: Value = serde_json::from_str(input).map_err(|e| format!("mdBook's input is not JSON: {e}"))?;
    let Value::Array(mut pair) = value else { return Err("mdBook's input must be a [context, book] array".into()) };
    if pair.len() != 2 {
        return Err(format!("mdBook's input must be a [context, book] array, got {} values", pair.len()));
    }
    let mut book = pair.pop().expect("two values");
    let context = pair.pop().expect("two values");
    let version = context.get("mdbook_version").and_then(Value::as_str).ok_or("context.mdbook_version: missing")?;
    let key = items_key(version)?;
    let items = book.get_mut(key).and_then(Value::as_array_mut).ok_or_else(|| format!("book.{key}: missing (mdBook {version})"))?;
    let mut widgets = 0;
    walk(items, &mut widgets)?;
    let assets = AssetPlan::from_context(&context)?;
    let book_json = serde_json::to_string(&book).map_err(|e| format!("cannot write the book: {e}"))?;
    Ok(Processed { book_json, assets, widgets })
}

/// Expands every chapter, sub-chapters included; separators and part titles stay as they are.
fn walk(items: &mut [Value], widgets: &mut usize) -> Result<(), String> {
    for item in items {
        let Some(chapter) = item.get_mut("Chapter") else { continue };
        let name = chapter_name(chapter);
        if let Some(Value::String(content)) = chapter.get_mut("content") {
            let (expanded, count) = chapter::expand(content).map_err(|e| {
                let field = if e.field.is_empty() { String::new() } else { format!("{}: ", e.field) };
                format!("{name}:{}: {field}{}", e.line, e.message)
            })?;
            *content = expanded;
            *widgets += count;
        }
        if let Some(Value::Array(sub_items)) = chapter.get_mut("sub_items") {
            walk(sub_items, widgets)?;
        }
    }
    Ok(())
}

/// The chapter's file as the author knows it (its source path under `src/`), else its name.
fn chapter_name(chapter: &Value) -> String {
    ["source_path", "path"]
        .iter()
        .find_map(|k| chapter.get(*k).and_then(Value::as_str))
        .map(|p| format!("src/{p}"))
        .or_else(|| chapter.get("name").and_then(Value::as_str).map(|n| format!("chapter \"{n}\"")))
        .unwrap_or_else(|| "a chapter".into())
}

/// The book's source folder (`[book] src`, default `src`), under the book's root.
pub fn source_dir(context: &Value) -> PathBuf {
    let root = PathBuf::from(context.get("root").and_then(Value::as_str).unwrap_or("."));
    root.join(context.pointer("/config/book/src").and_then(Value::as_str).unwrap_or("src"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chapter(name: &str, content: &str, sub_items: Vec<Value>) -> Value {
        json!({"Chapter": {"name": name, "content": content, "number": [1], "sub_items": sub_items,
            "path": format!("{name}.md"), "source_path": format!("{name}.md"), "parent_names": []}})
    }

    fn input(version: &str, key: &str, items: Vec<Value>) -> String {
        let context = json!({"root": "/book", "config": {"book": {"title": "T"}},
            "renderer": "html", "mdbook_version": version});
        let mut book = json!({});
        book[key] = Value::Array(items);
        if key == "sections" {
            book["__non_exhaustive"] = Value::Null;
        }
        json!([context, book]).to_string()
    }

    const BLOCK: &str = "```faultline\nwidget = \"ring\"\n```\n";

    #[test]
    fn every_chapter_is_walked_recursively_and_the_rest_passes_through() {
        let nested = chapter("inner", BLOCK, vec![]);
        let items = vec![
            json!({"PartTitle": "Part one"}),
            chapter("outer", "plain text\n", vec![nested, json!("Separator")]),
            json!("Separator"),
            chapter("second", &format!("{BLOCK}\n{BLOCK}"), vec![]),
        ];
        let out = process(&input("0.5.4", "items", items.clone())).unwrap();
        assert_eq!(out.widgets, 3);
        let book: Value = serde_json::from_str(&out.book_json).unwrap();
        let got = book["items"].as_array().unwrap();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], items[0]);
        assert_eq!(got[2], items[2]);
        assert_eq!(got[1]["Chapter"]["content"], "plain text\n", "no block, no change");
        assert_eq!(got[1]["Chapter"]["sub_items"][1], json!("Separator"));
        let inner = got[1]["Chapter"]["sub_items"][0]["Chapter"]["content"].as_str().unwrap();
        assert!(inner.contains("data-faultline=\"ring\""), "{inner}");
        assert_eq!(got[3]["Chapter"]["content"].as_str().unwrap().matches("data-faultline=").count(), 2);
        // Every field but content comes back as sent.
        let mut sent = items[3].clone();
        sent["Chapter"]["content"] = got[3]["Chapter"]["content"].clone();
        assert_eq!(got[3], sent);
    }

    #[test]
    fn mdbook_0_4_books_are_under_sections() {
        let out = process(&input("0.4.52", "sections", vec![chapter("a", BLOCK, vec![])])).unwrap();
        let book: Value = serde_json::from_str(&out.book_json).unwrap();
        assert!(book["sections"][0]["Chapter"]["content"].as_str().unwrap().contains("data-faultline"));
        assert_eq!(book["__non_exhaustive"], Value::Null);
        assert!(book.get("items").is_none());
    }

    #[test]
    fn the_wrong_shape_or_version_is_one_plain_line() {
        let err = process(&input("0.5.0", "sections", vec![])).unwrap_err();
        assert_eq!(err, "book.items: missing (mdBook 0.5.0)");
        let err = process(&input("0.3.7", "sections", vec![])).unwrap_err();
        assert!(err.contains("0.4 and 0.5"), "{err}");
        assert!(process("{}").is_err());
        assert!(process("[1]").is_err());
        assert!(process("not json").is_err());
    }

    #[test]
    fn a_bad_block_names_the_chapter_file_line_and_field() {
        let content = "# Title\n\n```faultline\nwidget = \"ring\"\nnope = 1\n```\n";
        let err = process(&input("0.5.4", "items", vec![chapter("lessons/one", content, vec![])])).unwrap_err();
        assert!(err.starts_with("src/lessons/one.md:5: params"), "{err}");
        assert!(!err.contains('\n'));
    }
}
