//! The simulator's rules are its own: it may share the client's wire types, words
//! and signing (checked on both sides against the official SDK), never the client's
//! error codes or limits — a wrong one would then pass on both sides at once.

use std::path::Path;

#[test]
fn no_rule_of_the_client_is_imported() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for forbidden in ["modelarts_api::codes", "modelarts_api::limits", "codes::", "limits::"] {
            assert!(
                !text.contains(forbidden),
                "{} uses {forbidden}: the simulator's rules are in rules.rs",
                path.display()
            );
        }
        let imports_them = text.lines().any(|l| {
            l.trim_start().starts_with("use modelarts_api::{") && (l.contains("codes") || l.contains("limits"))
        });
        assert!(!imports_them, "{} imports the client's codes or limits", path.display());
        checked += 1;
    }
    assert!(checked > 10, "read the simulator's sources ({checked} files)");
}
