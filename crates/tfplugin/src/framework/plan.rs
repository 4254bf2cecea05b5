//! The default plan every managed resource gets, before its own `modify_plan`:
//! defaults for omitted attributes, "known after apply" for computed attributes of
//! a changing resource (unless marked use-state-for-unknown), and the replace
//! paths of attributes marked requires-replace.

use crate::protocol::{AttributePath, Value};

use super::plan_modifier::AttributePlan;
use super::schema::{Block, Nesting};

/// Plans a create (`prior` null) or update from Terraform's proposed new state:
/// the planned value, and the attribute paths whose change requires replacement.
pub fn plan_defaults(block: &Block, prior: &Value, config: &Value, proposed: &Value) -> (Value, Vec<AttributePath>) {
    let root = AttributePath::root();
    let with_defaults = walk(block, prior, config, proposed, Pass::Defaults, &root, &mut Vec::new(), (prior, proposed));
    let creating = prior.is_null();
    let pass = if creating {
        Pass::Create
    } else if with_defaults == *prior {
        // Nothing changes: keep every computed value, so the plan shows no diff.
        return (with_defaults, Vec::new());
    } else {
        Pass::Update
    };
    let mut replace = Vec::new();
    let planned = walk(block, prior, config, &with_defaults, pass, &root, &mut replace, (prior, &with_defaults));
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
fn walk(
    block: &Block,
    prior: &Value,
    config: &Value,
    proposed: &Value,
    pass: Pass,
    path: &AttributePath,
    replace: &mut Vec<AttributePath>,
    objects: Objects<'_>,
) -> Value {
    let Value::Object(fields) = proposed else {
        return proposed.clone();
    };
    let mut out = fields.clone();
    for a in &block.attributes {
        let cfg = config.attr(a.name);
        let slot = out.entry(a.name.to_string()).or_insert(Value::Null);
        if cfg.is_null() {
            match (&a.default, pass) {
                (Some(def), _) => *slot = def.clone(),
                (None, Pass::Create) if a.is_computed() => *slot = Value::Unknown,
                (None, Pass::Update) if a.is_computed() && !a.use_state_for_unknown => *slot = Value::Unknown,
                _ => {}
            }
        }
        let mut replaced = a.requires_replace && *slot != *prior.attr(a.name);
        if pass == Pass::Update && !prior.is_null() {
            let at_path = path.then_attr(a.name);
            let at = AttributePlan {
                path: &at_path,
                config: cfg,
                prior: prior.attr(a.name),
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
        let Some(slot) = out.get_mut(b.name) else { continue };
        let bpath = path.then_attr(b.name);
        match b.nesting {
            Nesting::Single => {
                if slot.is_null() || slot.is_unknown() {
                    continue;
                }
                let p = prior.attr(b.name);
                let item_pass = if pass == Pass::Update && p.is_null() { Pass::Create } else { pass };
                *slot = walk(&b.block, p, config.attr(b.name), slot, item_pass, &bpath, replace, objects);
            }
            Nesting::List => {
                let Value::List(items) = slot else { continue };
                let priors = prior.attr(b.name).elements();
                let configs = config.attr(b.name).elements();
                for (i, item) in items.iter_mut().enumerate() {
                    let p = priors.get(i).unwrap_or(&Value::Null);
                    let c = configs.get(i).unwrap_or(&Value::Null);
                    let item_pass = if pass == Pass::Update && p.is_null() { Pass::Create } else { pass };
                    *item = walk(&b.block, p, c, item, item_pass, &bpath.then_index(i), replace, objects);
                }
            }
        }
    }
    Value::Object(out)
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
        let (planned, replace) = plan_defaults(&block(), &Value::Null, &cfg, &cfg);
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
        let (planned, replace) = plan_defaults(&block(), &prior, &config("a", Value::Null), &prior);
        assert_eq!(planned, prior);
        assert!(replace.is_empty());
    }

    #[test]
    fn update_keeps_use_state_values_and_unknowns_the_rest() {
        let prior = state("a", Value::Null);
        let mut proposed = prior.clone();
        proposed.set_attr("name", "b".into());
        let (planned, replace) = plan_defaults(&block(), &prior, &config("b", Value::Null), &proposed);
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
        let (_, replace) = plan_defaults(&block(), &prior, &cfg, &proposed);
        let shown: Vec<String> = replace.iter().map(|p| p.to_string()).collect();
        assert_eq!(shown, vec!["pool", "volume[0].type"]);
    }

    #[test]
    fn unknown_config_counts_as_a_change() {
        let prior = state("a", Value::Null);
        let mut proposed = prior.clone();
        proposed.set_attr("pool", Value::Unknown);
        let (planned, replace) = plan_defaults(&block(), &prior, &config("a", Value::Unknown), &proposed);
        assert!(planned.attr("pool").is_unknown());
        assert_eq!(replace.len(), 1);
    }
}
