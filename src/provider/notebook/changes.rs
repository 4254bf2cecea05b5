//! How each change to a `modelarts_notebook` reaches the API — the table the plan,
//! the apply sequencer and the docs all read. Which status each update needs comes
//! from `docs/development/modelarts-api.md`, "Which status each change needs": the update
//! page, the SDK's `VolumeRes.status`, and the official Go provider.

use crate::protocol::Value;

pub(crate) use crate::provider::diagnose::path_of;

/// The status an update (PUT) of an attribute needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Needs {
    /// Any settled status (`name`, `description`).
    AnyStatus,
    /// A RUNNING notebook: EVS storage grows "dynamically" while the instance runs.
    Running,
    /// A STOPPED notebook: flavor, image, SSH addresses and startup hooks.
    Stopped,
}

/// How a change to an attribute is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Applied {
    /// One PUT, in the status it needs.
    Update(Needs),
    /// Destroy and create a new notebook.
    Replace,
    /// The start / stop APIs.
    Power,
    /// Sent with the next start, or through the lease API while running.
    AutoStop,
    /// The tag calls, in any status, without a restart; the notebook itself (its
    /// `update_at`) does not change.
    Tags,
    /// Terraform-side only.
    NoApiCall,
}

#[derive(Debug)]
pub(crate) struct Rule {
    /// Dotted attribute path; `volume.size` is the size of the single volume block.
    pub attr: &'static str,
    pub applied: Applied,
}

const fn rule(attr: &'static str, applied: Applied) -> Rule {
    Rule { attr, applied }
}

/// Every configurable attribute and how its change is applied.
pub(crate) const RULES: &[Rule] = &[
    rule("name", Applied::Update(Needs::AnyStatus)),
    rule("description", Applied::Update(Needs::AnyStatus)),
    rule("volume.size", Applied::Update(Needs::Running)),
    rule("flavor_id", Applied::Update(Needs::Stopped)),
    rule("image_id", Applied::Update(Needs::Stopped)),
    rule("allowed_access_ips", Applied::Update(Needs::Stopped)),
    rule("hooks", Applied::Update(Needs::Stopped)),
    // The official provider lists the key pair as non-updatable (ForceNew).
    rule("key_pair", Applied::Replace),
    rule("volume.type", Applied::Replace),
    rule("volume.ownership", Applied::Replace),
    rule("volume.uri", Applied::Replace),
    rule("volume.id", Applied::Replace),
    rule("region", Applied::Replace),
    rule("workspace_id", Applied::Replace),
    rule("pool_id", Applied::Replace),
    rule("running", Applied::Power),
    rule("auto_stop", Applied::AutoStop),
    rule("tags", Applied::Tags),
    rule("allow_stopping_for_update", Applied::NoApiCall),
    rule("timeouts", Applied::NoApiCall),
];

/// When a computed attribute's value may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Recompute {
    /// Stays as it is.
    Never,
    /// On a transition: the status of the power state apply ends in (`RUNNING` or
    /// `STOPPED`: apply waits for it), unknown only when `running` is.
    EndStatus,
    /// Whether auto-stop is on: after a start, what the start sent (every start
    /// sends the configured lease, or `duration: -1` when none is); unknown after
    /// a stop or a lease change without a start (the API decides then).
    AutoStop,
    /// Null after a successful transition (a failed one reports an error instead).
    ClearedByTransition,
    /// When any API call changes the notebook.
    OnApiChange,
    /// When one of these attributes changes.
    OnChangeOf(&'static [&'static str]),
}

/// Every computed-only attribute, and when it may change in an update.
pub(crate) const COMPUTED: &[(&str, Recompute)] = &[
    ("id", Recompute::Never),
    ("url", Recompute::Never),
    ("created_at", Recompute::Never),
    ("volume.mount_path", Recompute::Never),
    ("status", Recompute::EndStatus),
    ("fail_reason", Recompute::ClearedByTransition),
    ("updated_at", Recompute::OnApiChange),
    ("current_image_id", Recompute::OnChangeOf(&["image_id"])),
    ("image_name", Recompute::OnChangeOf(&["image_id"])),
    ("image_swr_path", Recompute::OnChangeOf(&["image_id"])),
    ("image_type", Recompute::OnChangeOf(&["image_id"])),
    ("ssh_uri", Recompute::OnChangeOf(&["allowed_access_ips"])),
    ("auto_stop_enabled", Recompute::AutoStop),
    ("pool_name", Recompute::Never),
    ("mount_storages", Recompute::Never),
    // The provider's default tags merged with `tags`, planned where the provider's
    // configuration is known (`NotebookResource::modify_plan`).
    ("tags_all", Recompute::Never),
];

/// The value at a dotted path; a block list contributes its first (only) element.
pub(crate) fn value_at<'a>(v: &'a Value, dotted: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    let mut cur = v;
    for part in dotted.split('.') {
        cur = match cur {
            Value::List(items) => items.first().unwrap_or(&NULL),
            other => other,
        };
        cur = cur.attr(part);
    }
    cur
}

/// Sets the value at a dotted path, if the path exists.
pub(crate) fn set_at(v: &mut Value, dotted: &str, new: Value) {
    let mut cur = v;
    let parts: Vec<&str> = dotted.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        if let Value::List(items) = cur {
            let Some(first) = items.first_mut() else { return };
            cur = first;
        }
        if i == parts.len() - 1 {
            cur.set_attr(part, new);
            return;
        }
        let Some(next) = cur.attr_mut(part) else { return };
        cur = next;
    }
}

/// The rules whose attribute differs between `prior` and `planned` (an unknown
/// planned value counts as a difference).
pub(crate) fn changed<'r>(prior: &Value, planned: &Value) -> Vec<&'r Rule> {
    RULES.iter().filter(|r| value_at(prior, r.attr) != value_at(planned, r.attr)).collect()
}

/// The changed attributes whose update needs `needs`.
pub(crate) fn needing<'r>(changes: &[&'r Rule], needs: Needs) -> Vec<&'r str> {
    changes.iter().filter(|r| r.applied == Applied::Update(needs)).map(|r| r.attr).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(flavor: &str, size: i64) -> Value {
        Value::object([
            ("name", "nb".into()),
            ("flavor_id", flavor.into()),
            ("volume", Value::List(vec![Value::object([("type", "EVS".into()), ("size", Value::int(size))])])),
        ])
    }

    #[test]
    fn finds_changes_by_path() {
        let a = state("f1", 10);
        assert!(changed(&a, &a).is_empty());
        let names: Vec<&str> = changed(&a, &state("f2", 20)).iter().map(|r| r.attr).collect();
        assert_eq!(names, vec!["volume.size", "flavor_id"]);
        let mut unknown = a.clone();
        unknown.set_attr("flavor_id", Value::Unknown);
        assert_eq!(changed(&a, &unknown)[0].applied, Applied::Update(Needs::Stopped));
        let both = changed(&a, &state("f2", 20));
        assert_eq!(needing(&both, Needs::Running), ["volume.size"]);
        assert_eq!(needing(&both, Needs::Stopped), ["flavor_id"]);
    }

    #[test]
    fn paths_and_setters() {
        let mut a = state("f1", 10);
        assert_eq!(value_at(&a, "volume.size").as_i64(), Some(10));
        set_at(&mut a, "volume.size", Value::int(30));
        assert_eq!(value_at(&a, "volume.size").as_i64(), Some(30));
        assert!(value_at(&a, "auto_stop.type").is_null());
    }

    #[test]
    fn every_attribute_is_classified_once() {
        let mut attrs: Vec<&str> = RULES.iter().map(|r| r.attr).chain(COMPUTED.iter().map(|c| c.0)).collect();
        let n = attrs.len();
        attrs.sort();
        attrs.dedup();
        assert_eq!(attrs.len(), n);
    }
}
