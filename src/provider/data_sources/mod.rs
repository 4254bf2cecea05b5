//! The provider's data sources.

pub mod flavors;
pub mod images;
pub mod notebook;

use crate::client::Client;
use crate::framework::{Attribute, CallContext, Outcome};
use crate::protocol::{Diagnostics, Value};

use super::Configured;

/// The client of the data source's `region` (the provider's when not set), and
/// that region's name.
async fn api(ctx: &CallContext, config: &Value) -> Result<(Client, String), Diagnostics> {
    let configured = ctx.data::<Configured>()?;
    let region = config.attr("region").as_str().unwrap_or(&configured.region).to_string();
    Ok((configured.client_for(Some(&region), ctx).await?, region))
}

/// `region`, as the official provider's data sources have it.
fn region_attribute() -> Attribute {
    Attribute::string("region").optional_computed().describe(
        "The region to read in; the provider's when omitted (another region's project is looked up through IAM).",
    )
}

/// A listing data source's state: its configuration, its region, a query `id`, and the items.
fn listing(config: &Value, region: &str, id: String, attr: &str, items: Vec<Value>) -> Outcome {
    let mut state = config.clone();
    state.set_attr("region", Value::from(region));
    state.set_attr("id", Value::from(id));
    state.set_attr(attr, Value::List(items));
    Outcome::ok(state)
}

fn failed(summary: &str, detail: impl Into<String>) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.error(summary, detail);
    d
}
