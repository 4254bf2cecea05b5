//! The provider's data sources. The listing ones (`flavors`, `images`,
//! `notebooks`) are written on derived models (`ModelDataSource`); `notebook`
//! reads one notebook into the resource's own model.

pub mod flavors;
pub mod images;
pub mod notebook;
pub mod notebooks;

use crate::client::ids::Region;
use crate::client::Client;
use crate::framework::data_source::ReadResponse;
use crate::framework::{Attribute, CallContext};
use crate::protocol::{Diagnostics, Value};

/// The client of the data source's `region` (the provider's when not set), and
/// that region's name.
async fn api(ctx: &CallContext, config: &Value) -> Result<(Client, Region), Diagnostics> {
    super::configured::client(ctx, config.attr(REGION).as_str()).await
}

/// The attribute every data source has, named as in the official provider.
const REGION: &str = "region";

/// `region`, as the official provider's data sources have it.
fn region_attribute() -> Attribute {
    Attribute::string(REGION).optional_computed().describe(
        "The region to read in; the provider's when omitted (another region's project is looked up through IAM).",
    )
}

/// A read's result as the response: the state, or why there is none.
fn respond(resp: &mut ReadResponse, result: Result<Value, Diagnostics>) {
    match result {
        Ok(state) => resp.state = Some(state),
        Err(d) => resp.diagnostics.extend(d),
    }
}
