//! The committed docs must match what the schemas generate. Regenerate with
//! `UPDATE_DOCS=1 cargo test --test integration docs`.

use modelarts_provider::framework::docs::replace_section;
use modelarts_provider::provider::docs::pages;

#[test]
fn committed_docs_match_the_schemas() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for page in pages() {
        let path = root.join(page.path);
        let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", page.path));
        let mut fresh = committed.clone();
        for (name, content) in &page.sections {
            fresh = replace_section(&fresh, name, content).unwrap_or_else(|| {
                panic!(
                    "{} has no <!-- BEGIN GENERATED: {name} --> ... <!-- END GENERATED: {name} --> markers",
                    page.path
                )
            });
        }
        if fresh != committed {
            if update {
                std::fs::write(&path, &fresh).unwrap();
            } else {
                stale.push(page.path);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "these docs differ from what the schemas generate: {stale:?}; run UPDATE_DOCS=1 cargo test --test integration docs"
    );
}

/// The API facts the code relies on live in the repository
/// (`docs/development/modelarts-api.md`): no file cites notes outside it.
#[test]
fn no_file_cites_notes_outside_the_repository() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let needle = ["..", "shared", ""].join("/");
    let mut dirs = vec![root.to_path_buf()];
    let mut citing = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    dirs.push(path);
                }
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                if text.contains(&needle) {
                    citing.push(path.strip_prefix(root).unwrap().display().to_string());
                }
            }
        }
    }
    assert!(citing.is_empty(), "these files cite {needle}, which contributors do not have: {citing:?}");
}
