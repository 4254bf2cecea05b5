//! The provider's data sources.

pub mod flavors;
pub mod images;
pub mod notebook;

use crate::client::Client;
use crate::framework::{CallContext, Outcome};
use crate::protocol::{Diagnostics, Value};

use super::Configured;

fn api(ctx: &CallContext) -> Result<Client, Diagnostics> {
    Ok(ctx.data::<Configured>()?.client.with_cancel(ctx.cancel.clone()))
}

/// A listing data source's state: its configuration, a query `id`, and the items.
fn listing(config: &Value, id: String, attr: &str, items: Vec<Value>) -> Outcome {
    let mut state = config.clone();
    state.set_attr("id", Value::from(id));
    state.set_attr(attr, Value::List(items));
    Outcome::ok(state)
}

fn failed(summary: &str, detail: impl Into<String>) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.error(summary, detail);
    d
}
