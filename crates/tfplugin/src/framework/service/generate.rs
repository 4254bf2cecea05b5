//! GenerateResourceConfig (protocol 6.10, Terraform 1.14+): the configuration
//! `terraform query -generate-config-out` and `plan -generate-config-out` write
//! for an imported object. Terraform's own generator writes every argument of the
//! state; this one leaves out what a practitioner would not write — values the
//! provider sets (computed-only attributes), arguments equal to their default,
//! and whatever more the resource's `generated_config` leaves out — so the
//! generated block reads like a hand-written one, and still plans no changes.
//! (Terraform still writes `name = null` for each optional argument left null.)

use crate::proto::tfplugin6 as pb;
use crate::protocol::{Diagnostics, Value};

use super::super::codec::{decode, encode};
use super::super::schema::{Block, Mode, Nesting};
use super::ProviderService;

/// The configuration that reproduces `state` under `block`: null where the
/// practitioner need not write anything.
pub(crate) fn config_of(block: &Block, state: &Value) -> Value {
    let Value::Object(fields) = state else { return state.clone() };
    let mut config = fields.clone();
    for a in &block.attributes {
        let Some(v) = config.get_mut(a.name) else { continue };
        let defaulted = a.default.as_ref().is_some_and(|d| d == v);
        if a.mode == Mode::Computed || defaulted {
            *v = Value::Null;
        }
    }
    for b in &block.blocks {
        let Some(v) = config.get_mut(b.name) else { continue };
        *v = match (b.nesting, &*v) {
            (Nesting::Single, Value::Object(_)) => config_of(&b.block, v),
            (Nesting::List, Value::List(items)) => Value::List(items.iter().map(|i| config_of(&b.block, i)).collect()),
            _ => v.clone(),
        };
    }
    Value::Object(config)
}

impl ProviderService {
    pub(in crate::framework) fn handle_generate_resource_config(
        &self,
        req: pb::generate_resource_config::Request,
    ) -> Result<pb::generate_resource_config::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let state = decode(req.state.as_ref(), r.ty(), "state")?;
        let config = r.imp.generated_config(&self.context(), config_of(&r.schema().block, &state));
        let config = encode(&config, r.ty(), "generated configuration")?;
        Ok(pb::generate_resource_config::Response { config: Some(config), diagnostics: Vec::new() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attribute, NestedBlock};

    #[test]
    fn computed_and_defaulted_values_are_left_out() {
        let block = Block::new("r")
            .attr(Attribute::string("id").computed())
            .attr(Attribute::string("name").required())
            .attr(Attribute::bool("forgiving").default_value(true))
            .attr(Attribute::bool("strict").default_value(false))
            .block(NestedBlock::list(
                "volume",
                0,
                1,
                Block::new("v").attr(Attribute::number("size").optional()).attr(Attribute::string("status").computed()),
            ));
        let state = Value::object([
            ("id", Value::string("n1")),
            ("name", Value::string("dev")),
            ("forgiving", Value::Bool(true)),
            ("strict", Value::Bool(true)),
            ("volume", Value::List(vec![Value::object([("size", Value::int(10)), ("status", Value::string("OK"))])])),
        ]);
        let want = Value::object([
            ("id", Value::Null),
            ("name", Value::string("dev")),
            ("forgiving", Value::Null),
            ("strict", Value::Bool(true)),
            ("volume", Value::List(vec![Value::object([("size", Value::int(10)), ("status", Value::Null)])])),
        ]);
        assert_eq!(config_of(&block, &state), want);
    }
}
