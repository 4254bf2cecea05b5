//! An attribute's name is written once, in its model (`#[derive(Model)]` makes the
//! constant: `NotebookModel::FLAVOR_ID`): the provider's code outside tests names
//! attributes only through those constants, so a renamed attribute cannot leave a
//! stale string behind that silently reads null.

use std::path::{Path, PathBuf};

/// Where code names an attribute: a schema declaration, a value's attribute, a path.
const NAMING_AN_ATTRIBUTE: &[&str] = &[
    "Attribute::string(\"",
    "Attribute::bool(\"",
    "Attribute::number(\"",
    "Attribute::list_of(\"",
    "Attribute::set_of(\"",
    "Attribute::map_of(\"",
    "Attribute::of_type(\"",
    "Attribute::nested(\"",
    "NestedBlock::list(\"",
    "NestedBlock::single(\"",
    ".attr(\"",
    ".set_attr(\"",
    ".attr_mut(\"",
    "AttributePath::attr(\"",
    "object([(\"",
    // The official provider's state, read attribute by attribute for `moved` blocks:
    // its attributes have the names of this provider's.
    "src.string(\"",
    "src.optional(\"",
    "src.required(\"",
    "src.strings(\"",
    "src.string_map(\"",
    "src.bool(\"",
    "src.time(\"",
    "src.get(\"",
];

/// Lines that name an attribute across lines: a key of an object literal written
/// one entry a line (`Value::object([` then `("name", value),`), or an argument
/// alone on its line (`checks.refuse(` then `"flavor_id",`).
fn names_across_lines(code: &[(usize, String)]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_object = false;
    for (n, line) in code {
        let t = line.trim();
        if in_object && t.starts_with("(\"") {
            found.push((*n, t.to_string()));
        }
        if t.ends_with("object([") || t.ends_with("object(vec![") {
            in_object = true;
        } else if t.starts_with("])") {
            in_object = false;
        }
        let lone = t.strip_prefix('"').and_then(|r| r.strip_suffix("\","));
        if lone.is_some_and(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_')) {
            found.push((*n, t.to_string()));
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `source` that are not test code: a file's `#[cfg(test)] mod ... {`
/// ends them (tests come last); a `#[cfg(test)] mod name;` names a test-only file.
fn code_lines(source: &str, test_only_files: &mut Vec<String>) -> Vec<(usize, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut code = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "#[cfg(test)]" {
            let next = lines.get(i + 1).map_or("", |l| l.trim());
            if let Some(name) = next.strip_prefix("mod ").and_then(|n| n.strip_suffix(';')) {
                test_only_files.push(format!("{name}.rs"));
                continue;
            }
            if next.starts_with("mod ") {
                break;
            }
        }
        code.push((i + 1, line.to_string()));
    }
    code
}

#[test]
fn no_attribute_name_is_a_string_literal_in_the_provider() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut test_only = Vec::new();
    let mut found = Vec::new();
    let mut scanned = 0;
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let code = code_lines(&source, &mut test_only);
        for (n, line) in &code {
            scanned += 1;
            if let Some(needle) = NAMING_AN_ATTRIBUTE.iter().find(|needle| line.contains(*needle)) {
                found.push((file.clone(), *n, needle.to_string(), line.trim().to_string()));
            }
        }
        for (n, line) in names_across_lines(&code) {
            found.push((file.clone(), n, "across lines".to_string(), line));
        }
    }
    // Files that are test code as a whole (`#[cfg(test)] mod agreement;`).
    found.retain(|(file, ..)| !test_only.iter().any(|t| file.ends_with(t)));
    assert!(scanned > 5_000, "the provider's code was read ({scanned} lines)");
    assert!(
        found.is_empty(),
        "attribute names written as strings (use the model's constant, e.g. `NotebookModel::FLAVOR_ID`):\n{}",
        found.iter().map(|(f, n, _, l)| format!("{}:{n}: {l}", f.display())).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_scan_finds_a_literal_and_skips_tests() {
    let mut test_only = Vec::new();
    let code = code_lines(
        "fn f(v: &Value) { v.attr(\"name\"); }\n#[cfg(test)]\nmod agreement;\nfn g() {}\n#[cfg(test)]\nmod tests {\n    v.attr(\"x\");\n}\n",
        &mut test_only,
    );
    assert_eq!(code.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [1, 3, 4]);
    assert!(NAMING_AN_ATTRIBUTE.iter().any(|needle| code[0].1.contains(needle)));
    assert_eq!(test_only, ["agreement.rs"]);
}

#[test]
fn the_scan_finds_names_written_across_lines() {
    let mut test_only = Vec::new();
    let code = code_lines(
        "let v = Value::object([\n    (\"id\", id),\n    (M::NAME, name),\n]);\nlet w = (\"after\", 1);\nchecks.refuse(\n    \"flavor_id\",\n    \"Unknown flavor\",\n);\n",
        &mut test_only,
    );
    let found: Vec<usize> = names_across_lines(&code).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        found,
        [2, 7],
        "the literal key and the lone argument; not a constant, a sentence or code after the literal"
    );
}
