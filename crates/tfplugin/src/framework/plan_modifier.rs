//! Plan modifiers: how an attribute's planned value is decided on an update beyond
//! the defaults, declared with the attribute (`Attribute::plan_modifier`) and
//! applied by the framework in order, after the defaults and before the resource's
//! own `modify_plan`. Built in: [`RequiresReplaceIf`] and [`UnknownWhenChanged`];
//! anything else implements [`PlanModifier`] (a resource's own rule, such as "known
//! after apply when the change model says the image changes").

use std::fmt;

use crate::protocol::{AttributePath, Value};

/// What a modifier sees of one attribute of an object being updated.
#[derive(Debug)]
pub struct AttributePlan<'a> {
    /// Where the attribute is.
    pub path: &'a AttributePath,
    /// Its configured value.
    pub config: &'a Value,
    /// Its value in the prior state.
    pub prior: &'a Value,
    /// The whole object in the prior state.
    pub prior_object: &'a Value,
    /// The whole object as configured, defaults applied (computed attributes still
    /// hold their prior values): what the practitioner asks for.
    pub proposed_object: &'a Value,
}

/// One step in planning an attribute's value on an update.
pub trait PlanModifier: Send + Sync + fmt::Debug {
    /// Changes `planned` (the value planned so far) and may ask for replacement.
    fn modify(&self, at: &AttributePlan<'_>, planned: &mut Value, requires_replace: &mut bool);

    /// What it does, in a sentence for the docs.
    fn description(&self) -> String;
}

/// Replaces the object when the attribute changes and `when` says so (e.g. storage
/// that may grow in place but never shrink).
#[derive(Clone, Copy)]
pub struct RequiresReplaceIf {
    /// Whether this change replaces the object, given the attribute's prior and planned values.
    pub when: fn(prior: &Value, planned: &Value) -> bool,
    /// The rule, for the docs ("when the size shrinks").
    pub why: &'static str,
}

impl fmt::Debug for RequiresReplaceIf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequiresReplaceIf").field("why", &self.why).finish_non_exhaustive()
    }
}

impl PlanModifier for RequiresReplaceIf {
    fn modify(&self, at: &AttributePlan<'_>, planned: &mut Value, requires_replace: &mut bool) {
        if planned != at.prior && (self.when)(at.prior, planned) {
            *requires_replace = true;
        }
    }

    fn description(&self) -> String {
        format!("Changing it replaces the resource {}.", self.why)
    }
}

/// Known after apply when any of these attributes changes; otherwise the state's
/// value (a computed attribute that follows others, such as an image's name).
#[derive(Clone, Debug)]
pub struct UnknownWhenChanged(pub Vec<AttributePath>);

impl PlanModifier for UnknownWhenChanged {
    fn modify(&self, at: &AttributePlan<'_>, planned: &mut Value, _: &mut bool) {
        let changed = self.0.iter().any(|p| at.prior_object.at(p) != at.proposed_object.at(p));
        *planned = if changed { Value::Unknown } else { at.prior.clone() };
    }

    fn description(&self) -> String {
        let names: Vec<String> = self.0.iter().map(|p| format!("`{p}`")).collect();
        format!("Known after apply when {} changes.", names.join(" or "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(
        path: &'a AttributePath,
        prior: &'a Value,
        prior_object: &'a Value,
        proposed: &'a Value,
    ) -> AttributePlan<'a> {
        AttributePlan { path, config: &Value::Null, prior, prior_object, proposed_object: proposed }
    }

    #[test]
    fn requires_replace_if_asks_only_when_its_rule_says_so() {
        let shrinks = RequiresReplaceIf { when: |p, n| n.as_i64() < p.as_i64(), why: "when it shrinks" };
        let path = AttributePath::attr("size");
        let (prior, object) = (Value::int(10), Value::Null);
        let mut replace = false;
        shrinks.modify(&at(&path, &prior, &object, &object), &mut Value::int(20), &mut replace);
        assert!(!replace, "growth stays in place");
        shrinks.modify(&at(&path, &prior, &object, &object), &mut Value::int(5), &mut replace);
        assert!(replace);
        assert_eq!(shrinks.description(), "Changing it replaces the resource when it shrinks.");
    }

    #[test]
    fn unknown_when_changed_follows_the_named_attributes() {
        let follows = UnknownWhenChanged(vec![AttributePath::attr("image_id")]);
        let path = AttributePath::attr("image_name");
        let prior_object = Value::object([("image_id", "a".into()), ("image_name", "A".into())]);
        let prior = Value::from("A");
        let mut planned = Value::Unknown;
        follows.modify(&at(&path, &prior, &prior_object, &prior_object), &mut planned, &mut false);
        assert_eq!(planned, prior, "unchanged: the state's value");
        let mut proposed = prior_object.clone();
        proposed.set_attr("image_id", "b".into());
        follows.modify(&at(&path, &prior, &prior_object, &proposed), &mut planned, &mut false);
        assert!(planned.is_unknown());
        assert_eq!(follows.description(), "Known after apply when `image_id` changes.");
    }
}
