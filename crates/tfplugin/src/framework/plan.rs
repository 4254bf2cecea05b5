//! The default plan every managed resource gets, before its own `modify_plan`:
//! defaults for omitted attributes, "known after apply" for computed attributes of
//! a changing resource (unless marked use-state-for-unknown), and the replace
//! paths of attributes marked requires-replace.

use crate::protocol::{AttributePath, Value};

use super::plan_modifier::AttributePlan;
use super::schema::{Block, Nesting};

/// Plans a create (`prior` null) or update from Terraform's proposed new state:
/// the planned value, and the attribute paths whose change requires replacement.
///
/// The proposal is refined in place: most plans (every unchanged object of a
/// refresh) change nothing, and copying the whole object for them was a tenth of
/// the planning's work.
pub fn plan_defaults(block: &Block, prior: &Value, config: &Value, proposed: Value) -> (Value, Vec<AttributePath>) {
    let root = AttributePath::root();
    let mut planned = proposed;
    if prior.is_null() {
        // A create runs no plan modifiers: one pass sets defaults and unknowns.
        walk(block, prior, config, &mut planned, Pass::Create, &root, &mut Vec::new(), (prior, &Value::Null));
        return (planned, Vec::new());
    }
    walk(block, prior, config, &mut planned, Pass::Defaults, &root, &mut Vec::new(), (prior, &Value::Null));
    if planned == *prior {
        // Nothing changes: keep every computed value, so the plan shows no diff.
        return (planned, Vec::new());
    }
    // The modifiers see the whole proposal as it was before this pass.
    let proposed_object = planned.clone();
    let mut replace = Vec::new();
    walk(block, prior, config, &mut planned, Pass::Update, &root, &mut replace, (prior, &proposed_object));
    (planned, replace)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Defaults,
    Create,
    Update,
}

/// The whole object before and as proposed, for plan modifiers.
type Objects<'a> = (&'a Value, &'a Value);

#[allow(clippy::too_many_arguments, reason = "one recursive walk; its state is these eight values")]
fn walk<'a>(
    block: &Block,
    prior: &'a Value,
    config: &'a Value,
    value: &mut Value,
    pass: Pass,
    path: &AttributePath,
    replace: &mut Vec<AttributePath>,
    objects: Objects<'_>,
) {
    static NULL: Value = Value::Null;
    let Value::Object(fields) = value else { return };
    // The prior state and the configuration are objects of the planned value's type:
    // the index of an attribute in one finds it in the others at one comparison.
    let attribute = |object: &'a Value, at: usize, name: &str| -> &'a Value {
        match object {
            Value::Object(m) => m.get_at(at, name).unwrap_or(&NULL),
            _ => &NULL,
        }
    };
    for a in &block.attributes {
        let Some((index, slot)) = fields.slot(a.name, || Value::Null) else { continue };
        let cfg = attribute(config, index, a.name);
        if cfg.is_null() {
            match (&a.default, pass) {
                (Some(def), _) => *slot = def.clone(),
                (None, Pass::Create) if a.is_computed() => *slot = Value::Unknown,
                (None, Pass::Update) if a.is_computed() && !a.use_state_for_unknown => *slot = Value::Unknown,
                _ => {}
            }
        }
        // Replacement and the modifiers matter only to an update (the defaults pass
        // before it, and a create, have nothing to replace).
        if pass == Pass::Update && !prior.is_null() {
            let prior_value = attribute(prior, index, a.name);
            let mut replaced = a.requires_replace && slot != prior_value;
            let at_path = path.then_attr(a.name);
            let at = AttributePlan {
                path: &at_path,
                config: cfg,
                prior: prior_value,
                prior_object: objects.0,
                proposed_object: objects.1,
            };
            for m in &a.plan_modifiers {
                m.modify(&at, slot, &mut replaced);
            }
            if replaced {
                replace.push(at_path);
            }
        }
    }
    for b in &block.blocks {
        let Some(slot) = fields.get_mut(b.name) else { continue };
        let bpath = path.then_attr(b.name);
        match b.nesting {
            Nesting::Single => {
                if slot.is_null() || slot.is_unknown() {
                    continue;
                }
                let p = prior.attr(b.name);
                let item_pass = if pass == Pass::Update && p.is_null() { Pass::Create } else { pass };
                walk(&b.block, p, config.attr(b.name), slot, item_pass, &bpath, replace, objects);
            }
            Nesting::List => {
                let Value::List(items) = slot else { continue };
                let priors = prior.attr(b.name).elements();
                let configs = config.attr(b.name).elements();
                for (i, item) in items.iter_mut().enumerate() {
                    let p = priors.get(i).unwrap_or(&Value::Null);
                    let c = configs.get(i).unwrap_or(&Value::Null);
                    let item_pass = if pass == Pass::Update && p.is_null() { Pass::Create } else { pass };
                    walk(&b.block, p, c, item, item_pass, &bpath.then_index(i), replace, objects);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attribute, NestedBlock};

    fn block() -> Block {
        Block::new("t")
            .attr(Attribute::string("id").computed().use_state_for_unknown())
            .attr(Attribute::string("name").required())
            .attr(Attribute::string("status").computed())
            .attr(Attribute::string("pool").optional().requires_replace())
            .block(NestedBlock::list(
                "volume",
                1,
                1,
                Block::new("v")
                    .attr(Attribute::string("type").required().requires_replace())
                    .attr(Attribute::string("ownership").default_value("MANAGED").requires_replace())
                    .attr(Attribute::number("size").optional_computed())
                    .attr(Attribute::string("mount_path").computed().use_state_for_unknown()),
            ))
    }

    fn vol(ty: &str, own: Value, size: Value, mount: Value) -> Value {
        Value::List(vec![Value::object([
            ("type", ty.into()),
            ("ownership", own),
            ("size", size),
            ("mount_path", mount),
        ])])
    }

    fn state(name: &str, pool: Value) -> Value {
        Value::object([
            ("id", "n1".into()),
            ("name", name.into()),
            ("status", "RUNNING".into()),
            ("pool", pool),
            ("volume", vol("EVS", "MANAGED".into(), Value::int(5), "/home".into())),
        ])
    }

    fn config(name: &str, pool: Value) -> Value {
        Value::object([
            ("name", name.into()),
            ("pool", pool),
            ("volume", vol("EVS", Value::Null, Value::Null, Value::Null)),
        ])
    }

    #[test]
    fn create_marks_computed_unknown_and_applies_defaults() {
        let cfg = config("a", Value::Null);
        let (planned, replace) = plan_defaults(&block(), &Value::Null, &cfg, cfg.clone());
        assert!(replace.is_empty());
        assert!(planned.attr("id").is_unknown());
        assert!(planned.attr("status").is_unknown());
        let v = &planned.attr("volume").elements()[0];
        assert_eq!(v.attr("ownership"), &Value::from("MANAGED"));
        assert!(v.attr("size").is_unknown());
        assert!(v.attr("mount_path").is_unknown());
    }

    #[test]
    fn no_change_keeps_everything() {
        let prior = state("a", Value::Null);
        // Terraform's proposed state carries prior values for omitted computed attributes.
        let (planned, replace) = plan_defaults(&block(), &prior, &config("a", Value::Null), prior.clone());
        assert_eq!(planned, prior);
        assert!(replace.is_empty());
    }

    #[test]
    fn update_keeps_use_state_values_and_unknowns_the_rest() {
        let prior = state("a", Value::Null);
        let mut proposed = prior.clone();
        proposed.set_attr("name", "b".into());
        let (planned, replace) = plan_defaults(&block(), &prior, &config("b", Value::Null), proposed);
        assert!(replace.is_empty());
        assert_eq!(planned.attr("id"), &Value::from("n1"));
        assert!(planned.attr("status").is_unknown());
        let v = &planned.attr("volume").elements()[0];
        assert_eq!(v.attr("mount_path"), &Value::from("/home"));
        assert!(v.attr("size").is_unknown());
    }

    #[test]
    fn requires_replace_reports_paths() {
        let prior = state("a", Value::Null);
        let mut proposed = prior.clone();
        proposed.set_attr("pool", "p2".into());
        proposed.set_attr("volume", vol("EFS", "MANAGED".into(), Value::int(5), "/home".into()));
        let mut cfg = config("a", "p2".into());
        cfg.set_attr("volume", vol("EFS", Value::Null, Value::Null, Value::Null));
        let (_, replace) = plan_defaults(&block(), &prior, &cfg, proposed);
        let shown: Vec<String> = replace.iter().map(|p| p.to_string()).collect();
        assert_eq!(shown, vec!["pool", "volume[0].type"]);
    }

    #[test]
    fn unknown_config_counts_as_a_change() {
        let prior = state("a", Value::Null);
        let mut proposed = prior.clone();
        proposed.set_attr("pool", Value::Unknown);
        let (planned, replace) = plan_defaults(&block(), &prior, &config("a", Value::Unknown), proposed);
        assert!(planned.attr("pool").is_unknown());
        assert_eq!(replace.len(), 1);
    }
}
