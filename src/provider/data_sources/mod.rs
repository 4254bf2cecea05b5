//! The provider's data sources.

pub mod flavors;
pub mod images;
pub mod notebook;
pub mod notebooks;

use crate::client::Client;
use crate::framework::data_source::ReadResponse;
use crate::framework::{Attribute, CallContext};
use crate::protocol::{Diagnostics, Value};

/// The client of the data source's `region` (the provider's when not set), and
/// that region's name.
async fn api(ctx: &CallContext, config: &Value) -> Result<(Client, String), Diagnostics> {
    super::configured::client(ctx, config.attr("region").as_str()).await
}

/// `region`, as the official provider's data sources have it.
fn region_attribute() -> Attribute {
    Attribute::string("region").optional_computed().describe(
        "The region to read in; the provider's when omitted (another region's project is looked up through IAM).",
    )
}

/// A listing data source's state: its configuration, its region, a query `id`, and the items.
fn listing(config: &Value, region: &str, id: String, attr: &str, items: Vec<Value>) -> Value {
    let mut state = config.clone();
    state.set_attr("region", Value::from(region));
    state.set_attr("id", Value::from(id));
    state.set_attr(attr, Value::List(items));
    state
}

/// A read's result as the response: the state, or why there is none.
fn respond(resp: &mut ReadResponse, result: Result<Value, Diagnostics>) {
    match result {
        Ok(state) => resp.state = Some(state),
        Err(d) => resp.diagnostics.extend(d),
    }
}
