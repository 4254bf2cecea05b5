//! The committed docs must match what the schemas generate. Regenerate with
//! `UPDATE_DOCS=1 cargo test --test docs`.

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
        "these docs differ from what the schemas generate: {stale:?}; run UPDATE_DOCS=1 cargo test --test docs"
    );
}
