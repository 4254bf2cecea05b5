//! The `timeouts` block, declared once for every resource: which operations wait,
//! for how long by default, and how a resource reads the time it has.

use std::time::Duration;

use crate::duration;
use crate::protocol::Value;

use super::schema::{Attribute, Block, NestedBlock};
use super::validators::Check;

/// The block's name, as in every Terraform provider.
pub const BLOCK: &str = "timeouts";

/// One operation's time limit.
#[derive(Clone, Copy, Debug)]
pub struct Timeout {
    /// `create`, `update` or `delete`.
    pub operation: &'static str,
    /// Such as `"30m"`.
    pub default: &'static str,
    /// What the time covers, for the docs (a sentence).
    pub covers: &'static str,
}

impl Timeout {
    /// The time this operation may take, given the resource's `timeouts` block
    /// (null when not configured): the configured time, or the default.
    pub fn of(&self, block: &Value) -> Duration {
        let configured = block.attr(self.operation).as_str();
        configured
            .and_then(|s| duration::parse(s).ok())
            .or_else(|| duration::parse(self.default).ok())
            .unwrap_or(Duration::from_secs(1800))
    }
}

fn check_duration(v: &Value) -> Result<(), String> {
    v.as_str().map_or(Ok(()), |s| duration::parse(s).map(|_| ()).map_err(String::from))
}

/// The `timeouts` block for `operations`.
pub fn block(operations: &[Timeout]) -> NestedBlock {
    let mut b = Block::new("How long each operation may wait.");
    for t in operations {
        b = b.attr(
            Attribute::string(t.operation)
                .optional()
                .describe(format!("{} Defaults to `{}`.", t.covers, t.default))
                .validate(Check { check: check_duration, description: "a duration such as `30m`" }),
        );
    }
    NestedBlock::single(BLOCK, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATE: Timeout = Timeout { operation: "create", default: "30m", covers: "Creating." };

    #[test]
    fn configured_or_default() {
        let v = Value::object([("create", "5m".into())]);
        assert_eq!(CREATE.of(&v), Duration::from_secs(300));
        assert_eq!(CREATE.of(&Value::Null), Duration::from_secs(1800));
        let b = block(&[CREATE]);
        assert_eq!(b.block.attributes[0].description, "Creating. Defaults to `30m`.");
        assert_eq!(b.block.attributes[0].validators.len(), 1);
    }
}
