//! A notebook's tags, as the SDK describes the calls (`CreateNotebookTags`,
//! `DeleteNotebookTags`: body `{"tags": [{key, value}]}` of `TmsTag`; an existing
//! key is overwritten, a missing tag is ignored; both answer 204) and `TmsTag`'s
//! rules: a key of 1 to 128 characters — letters of any language, digits, spaces and
//! `_ . : = + - @` — not beginning or ending with a space nor beginning with `_sys_`;
//! a value of up to 255 such characters, `/` allowed too. Tags may change in any
//! status and do not touch the notebook otherwise (its `update_at` stays).

use serde::Deserialize;
use serde_json::Value as J;

use super::reply::{bad_parameter, notebook, parse_body, q, Ctx, Refused};
use modelarts_api::types::Tag;

/// The body of both tag calls.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TagsBody {
    tags: Vec<TagIn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TagIn {
    key: String,
    #[serde(default)]
    value: Option<String>,
}

const KEY_CHARS: &str = "_.:=+-@ ";
const VALUE_CHARS: &str = "_.:/=+-@ ";

fn allowed(s: &str, extra: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || extra.contains(c))
}

/// Why `key` (and `value`) break the `TmsTag` rules, if they do.
fn broken_rule(key: &str, value: &str) -> Option<String> {
    let k = key.chars().count();
    if k == 0 || k > 128 {
        return Some(format!("tag key {key:?} must have 1 to 128 characters"));
    }
    if key.starts_with(' ') || key.ends_with(' ') {
        return Some(format!("tag key {key:?} must not begin or end with a space"));
    }
    if key.starts_with("_sys_") {
        return Some(format!("tag key {key:?} must not begin with _sys_"));
    }
    if !allowed(key, KEY_CHARS) {
        return Some(format!("tag key {key:?} has a character other than letters, digits, spaces and _.:=+-@"));
    }
    if value.chars().count() > 255 {
        return Some(format!("the value of tag {key:?} is longer than 255 characters"));
    }
    if !allowed(value, VALUE_CHARS) {
        return Some(format!(
            "the value of tag {key:?} has a character other than letters, digits, spaces and _.:/=+-@"
        ));
    }
    None
}

fn parse(body: &[u8]) -> Result<Vec<Tag>, Refused> {
    let parsed: TagsBody = parse_body(body)?;
    if parsed.tags.is_empty() {
        return bad_parameter("Parameter error: tags must not be empty");
    }
    let tags: Vec<Tag> =
        parsed.tags.into_iter().map(|t| Tag { key: t.key, value: t.value.unwrap_or_default() }).collect();
    if let Some(why) = tags.iter().find_map(|t| broken_rule(&t.key, &t.value)) {
        return bad_parameter(format!("Parameter error: {why}"));
    }
    Ok(tags)
}

/// The `workspace_id` query, when given, must be the notebook's workspace.
fn check_workspace(query: &[(String, String)], n: &modelarts_api::types::Notebook) -> Result<(), Refused> {
    match q(query, "workspace_id") {
        Some(w) if Some(w) != n.workspace_id.as_deref() && !(w == "0" && n.workspace_id.is_none()) => {
            bad_parameter(format!("Parameter error: instance {} is not in workspace {w}", n.id))
        }
        _ => Ok(()),
    }
}

/// `POST notebooks/{id}/tags/create`.
pub(crate) fn create(id: &str, query: &[(String, String)], body: &[u8], ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let tags = parse(body)?;
    let r = notebook(ctx.store, ctx.project, id, false)?;
    check_workspace(query, &r.notebook)?;
    for t in tags {
        match r.notebook.tags.iter_mut().find(|x| x.key == t.key) {
            Some(existing) => existing.value = t.value,
            None => r.notebook.tags.push(t),
        }
    }
    Ok(J::Null)
}

/// `DELETE notebooks/{id}/tags/delete`: removes the tags whose key (and value, when
/// given) match; others are ignored.
pub(crate) fn delete(id: &str, query: &[(String, String)], body: &[u8], ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let tags = parse(body)?;
    let r = notebook(ctx.store, ctx.project, id, false)?;
    check_workspace(query, &r.notebook)?;
    r.notebook.tags.retain(|x| !tags.iter().any(|t| t.key == x.key && (t.value.is_empty() || t.value == x.value)));
    Ok(J::Null)
}

/// The list call's `tags` filter, `k1|v1,k2|v2` (SDK `ListNotebooksRequest.tags`:
/// no leading comma or bar, no trailing comma, no doubled separators).
pub(crate) fn parse_filter(s: &str) -> Result<Vec<(String, String)>, Refused> {
    if s.starts_with([',', '|']) || s.ends_with(',') || s.contains(",,") || s.contains("||") {
        return bad_parameter(format!("Parameter error: tags filter {s:?} is malformed"));
    }
    Ok(s.split(',')
        .map(|pair| match pair.split_once('|') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (pair.to_string(), String::new()),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tms_tag_rules() {
        assert_eq!(broken_rule("cost-center", "ai/platform"), None);
        assert_eq!(broken_rule("部门", "研发"), None, "letters of any language");
        assert!(broken_rule("", "x").is_some());
        assert!(broken_rule(" lead", "x").is_some());
        assert!(broken_rule("_sys_owner", "x").is_some());
        assert!(broken_rule("a/b", "x").is_some(), "a key takes no /");
        assert!(broken_rule("k", &"v".repeat(256)).is_some());
        assert!(broken_rule(&"k".repeat(129), "v").is_some());
        assert_eq!(parse_filter("a|1,b|2").unwrap(), [("a".into(), "1".into()), ("b".into(), "2".into())]);
        assert!(parse_filter(",a|1").is_err() && parse_filter("a|1,").is_err());
    }
}
