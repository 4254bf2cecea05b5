//! A notebook's tags: `tags` as configured, the provider's `default_tags` merged
//! into `tags_all` (as the AWS provider does), and what the API reports read back
//! into both. Tags have calls of their own (`client::tags`), work in any status and
//! need no restart; the create body has none, so they are set right after the
//! create (`docs/development/modelarts-api.md`, "Tags").

use std::collections::BTreeMap;

use crate::client::limits::{check_tag, SYSTEM_TAG_PREFIX};
use crate::protocol::{AttributePath, Diagnostics, Value};

/// Tags by key.
pub(crate) type Tags = BTreeMap<String, String>;

/// Plan-time check of a `tags` map against the API's rules (SDK `TmsTag`).
pub(crate) fn check_tags(v: &Value) -> Result<(), String> {
    let Value::Map(m) = v else { return Ok(()) };
    m.iter().filter_map(|(k, v)| v.as_str().map(|v| (k, v))).try_for_each(|(k, v)| check_tag(k, v))
}

/// Errors for configured `tags` (at `at`) whose keys the provider's `ignore_tags`
/// names: such a tag would be set by nobody and shown as a change forever.
pub(crate) fn check_not_ignored(
    tags: &Value,
    at: &AttributePath,
    ignored: &std::collections::BTreeSet<String>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if let Value::Map(m) = tags {
        for key in m.keys().filter(|k| ignored.contains(*k)) {
            diags.error_at(
                at.clone().then_key(key),
                "An ignored tag is configured",
                format!("Tag key {key:?} is in the provider's ignore_tags: the provider leaves it to whatever manages it. Remove it from tags or from ignore_tags."),
            );
        }
    }
    diags
}

/// `tags_all` of a plan: the provider's `defaults`, overridden by the configured
/// `tags`; unknown while `tags` is.
pub(crate) fn planned_tags_all(defaults: &Tags, tags: &Value) -> Value {
    match tags {
        Value::Unknown => Value::Unknown,
        Value::Map(m) if m.values().any(Value::is_unknown) => Value::Unknown,
        other => {
            let mut all: BTreeMap<String, Value> =
                defaults.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect();
            if let Value::Map(m) = other {
                all.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            Value::Map(all)
        }
    }
}

/// The tags the API reports, without the cloud's own (`_sys_...`).
pub(crate) fn reported(api: &Tags) -> Tags {
    api.iter().filter(|(k, _)| !k.starts_with(SYSTEM_TAG_PREFIX)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// `(tags, tags_all)` to record for the tags the API `reported`, given what is
/// carried (the plan applied, or the prior state): `tags_all` is what the API has;
/// `tags` is that without the keys that come from the provider's default tags —
/// those in the carried `tags_all` but not in its `tags`, with the value reported —
/// so a tag added elsewhere shows as drift in `tags`. `tags` stays null when it was
/// and nothing of its own is reported.
pub(crate) fn recorded(
    reported: &Tags,
    carried_tags: Option<&Tags>,
    carried_all: Option<&Tags>,
) -> (Option<Tags>, Tags) {
    let from_defaults = |k: &str, v: &str| {
        carried_tags.is_none_or(|t| !t.contains_key(k)) && carried_all.and_then(|a| a.get(k)).is_some_and(|d| d == v)
    };
    let own: Tags =
        reported.iter().filter(|(k, v)| !from_defaults(k, v)).map(|(k, v)| (k.clone(), v.clone())).collect();
    let tags = if own.is_empty() && carried_tags.is_none() { None } else { Some(own) };
    (tags, reported.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn key<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
        match v {
            Value::Map(m) => m.get(k),
            _ => None,
        }
    }

    #[test]
    fn tags_all_merges_the_defaults_under_the_configured_tags() {
        let defaults = tags(&[("team", "ml"), ("env", "dev")]);
        let configured = Value::Map(BTreeMap::from([("env".to_string(), Value::from("prod"))]));
        let all = planned_tags_all(&defaults, &configured);
        assert_eq!(key(&all, "env"), Some(&Value::from("prod")));
        assert_eq!(key(&all, "team"), Some(&Value::from("ml")));
        assert!(planned_tags_all(&defaults, &Value::Unknown).is_unknown());
        assert_eq!(planned_tags_all(&Tags::new(), &Value::Null), Value::Map(BTreeMap::new()));
    }

    #[test]
    fn reading_back_tells_default_tags_from_drift() {
        let carried = tags(&[("env", "prod")]);
        let all = tags(&[("env", "prod"), ("team", "ml")]);
        // As applied: the default tag is not the notebook's own.
        let (own, all_back) = recorded(&all, Some(&carried), Some(&all));
        assert_eq!(own, Some(carried.clone()));
        assert_eq!(all_back, all);
        // Added in the console: drift in tags.
        let console = tags(&[("env", "prod"), ("team", "ml"), ("owner", "ana")]);
        assert_eq!(recorded(&console, Some(&carried), Some(&all)).0, Some(tags(&[("env", "prod"), ("owner", "ana")])));
        // A default tag changed in the console is drift too.
        let changed = tags(&[("env", "prod"), ("team", "cv")]);
        assert_eq!(recorded(&changed, Some(&carried), Some(&all)).0, Some(tags(&[("env", "prod"), ("team", "cv")])));
        // Unconfigured and only default tags: tags stays null.
        assert_eq!(recorded(&tags(&[("team", "ml")]), None, Some(&tags(&[("team", "ml")]))).0, None);
        // Imported (nothing carried): every tag is the notebook's own.
        assert_eq!(recorded(&all, None, None).0, Some(all.clone()));
        assert_eq!(reported(&tags(&[("_sys_enterprise_project_id", "0"), ("a", "b")])), tags(&[("a", "b")]));
    }

    #[test]
    fn the_api_rules_at_plan_time() {
        let m = |k: &str, v: &str| Value::Map(BTreeMap::from([(k.to_string(), Value::from(v))]));
        assert!(check_tags(&m("cost-center", "ai/platform")).is_ok());
        assert!(check_tags(&m("a/b", "x")).unwrap_err().contains("no /"));
        assert!(check_tags(&m("_sys_x", "y")).is_err());
        assert!(check_tags(&m("k", "semi;colon")).is_err());
        assert!(check_tags(&Value::Unknown).is_ok());
    }
}
