//! Copying the widget bundle into the book. With `[preprocessor.faultline] assets = "DIR"`
//! (DIR is a `scripts/build.sh` output, `dist/`, relative to the book's root), every build
//! copies `DIR/all/faultline.js`, `faultline_bg.wasm`, `snippets/` and `DIR/faultline.css`
//! (fitted to mdBook's page: css.rs) into `<book src>/faultline/`. mdBook's HTML renderer then
//! copies that folder into the output beside the pages, where the loader (chapter.rs) finds it.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::chapter::ASSET_DIR;
use crate::css;
use crate::protocol::source_dir;

/// Where the bundle comes from and where it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetPlan {
    /// The site build (`dist/`).
    pub from: PathBuf,
    /// `<book src>/faultline`.
    pub to: PathBuf,
}

/// The files of the every-widget bundle a book needs, relative to `dist/`.
const BUNDLE_FILES: &[&str] = &["all/faultline.js", "all/faultline_bg.wasm"];

impl AssetPlan {
    /// Reads `[preprocessor.faultline] assets`; none when it is not set (the author copies the
    /// files another way).
    pub fn from_context(context: &Value) -> Result<Option<Self>, String> {
        let Some(setting) = context.pointer("/config/preprocessor/faultline/assets") else { return Ok(None) };
        let Some(dir) = setting.as_str() else {
            return Err("preprocessor.faultline.assets: a folder path (the site build, e.g. \"../../dist\")".into());
        };
        let root = PathBuf::from(context.get("root").and_then(Value::as_str).unwrap_or("."));
        Ok(Some(Self { from: root.join(dir), to: source_dir(context).join(ASSET_DIR) }))
    }
}

/// Copies the bundle; a missing file is one line naming the setting and the file.
pub fn copy(plan: &AssetPlan) -> Result<(), String> {
    let fail =
        |what: &Path, e: std::io::Error| format!("preprocessor.faultline.assets: {}: {e} (build the site first: scripts/build.sh)", what.display());
    fs::create_dir_all(&plan.to).map_err(|e| fail(&plan.to, e))?;
    for file in BUNDLE_FILES {
        let from = plan.from.join(file);
        let name = Path::new(file).file_name().expect("a file name");
        let bytes = fs::read(&from).map_err(|e| fail(&from, e))?;
        write_if_changed(&plan.to.join(name), &bytes).map_err(|e| fail(&from, e))?;
    }
    let css = plan.from.join("faultline.css");
    let text = fs::read_to_string(&css).map_err(|e| fail(&css, e))?;
    let to = plan.to.join("faultline.css");
    write_if_changed(&to, css::for_mdbook(&text).as_bytes()).map_err(|e| fail(&to, e))?;
    // wasm-bindgen's JS snippets, when the bundle has any.
    let snippets = plan.from.join("all/snippets");
    if snippets.is_dir() {
        copy_tree(&snippets, &plan.to.join("snippets")).map_err(|e| fail(&snippets, e))?;
    }
    Ok(())
}

/// Leaves a file that already has these bytes alone, so a watcher on the book's sources
/// (`mdbook serve`) does not see a change on every build.
fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    fs::write(path, bytes)
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            write_if_changed(&target, &fs::read(entry.path())?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mdbook-faultline-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_plan_reads_the_setting_relative_to_the_book_root() {
        let context = json!({"root": "/b", "config": {"book": {"src": "pages"}, "preprocessor": {"faultline": {"assets": "../dist"}}}});
        let plan = AssetPlan::from_context(&context).unwrap().unwrap();
        assert_eq!(plan, AssetPlan { from: PathBuf::from("/b/../dist"), to: PathBuf::from("/b/pages/faultline") });
        assert_eq!(AssetPlan::from_context(&json!({"root": "/b", "config": {}})).unwrap(), None);
        let bad = json!({"root": "/b", "config": {"preprocessor": {"faultline": {"assets": 3}}}});
        assert!(AssetPlan::from_context(&bad).unwrap_err().starts_with("preprocessor.faultline.assets"));
    }

    #[test]
    fn the_bundle_and_its_snippets_are_copied() {
        let dir = scratch("copy");
        let dist = dir.join("dist");
        fs::create_dir_all(dist.join("all/snippets/faultline-1234")).unwrap();
        for (file, text) in
            [("all/faultline.js", "js"), ("all/faultline_bg.wasm", "wasm"), ("faultline.css", "css"), ("all/snippets/faultline-1234/a.js", "s")]
        {
            fs::write(dist.join(file), text).unwrap();
        }
        let plan = AssetPlan { from: dist, to: dir.join("src/faultline") };
        copy(&plan).unwrap();
        assert_eq!(fs::read_to_string(plan.to.join("faultline.js")).unwrap(), "js");
        assert_eq!(fs::read_to_string(plan.to.join("faultline_bg.wasm")).unwrap(), "wasm");
        assert_eq!(fs::read_to_string(plan.to.join("faultline.css")).unwrap(), "css", "fitted, and with nothing to fit");
        assert_eq!(fs::read_to_string(plan.to.join("snippets/faultline-1234/a.js")).unwrap(), "s");
        // Again with nothing changed: no file is written (its modification time stays).
        let stamp = || fs::metadata(plan.to.join("faultline_bg.wasm")).unwrap().modified().unwrap();
        let before = stamp();
        std::thread::sleep(std::time::Duration::from_millis(20));
        copy(&plan).unwrap();
        assert_eq!(stamp(), before);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_build_is_one_line_naming_the_setting() {
        let dir = scratch("missing");
        let err = copy(&AssetPlan { from: dir.join("nowhere"), to: dir.join("src/faultline") }).unwrap_err();
        assert!(err.starts_with("preprocessor.faultline.assets: ") && err.contains("faultline.js"), "{err}");
        assert!(!err.contains('\n'));
        fs::remove_dir_all(&dir).unwrap();
    }
}
