//! The provider's data sources.

/// Implements [`DataSource`](crate::framework::DataSource) for a data source whose
/// module has `schema()` and `read(ctx, config)`: the listing data sources need no
/// more than their type name, schema and read.
macro_rules! listing_data_source {
    ($ty:ident, $type_name:literal) => {
        #[async_trait::async_trait]
        impl crate::framework::DataSource for $ty {
            fn type_name(&self) -> &'static str {
                $type_name
            }

            fn schema(&self) -> crate::framework::Schema {
                schema()
            }

            async fn read(
                &self,
                ctx: &crate::framework::CallContext,
                req: &crate::framework::data_source::ReadRequest<'_>,
                resp: &mut crate::framework::data_source::ReadResponse,
            ) {
                super::respond(resp, read(ctx, req.config).await);
            }
        }
    };
}

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
    super::configured::client(ctx, config.attr("region").as_str()).await
}

/// `region`, as the official provider's data sources have it.
fn region_attribute() -> Attribute {
    Attribute::string("region").optional_computed().describe(
        "The region to read in; the provider's when omitted (another region's project is looked up through IAM).",
    )
}

/// A listing data source's state: its configuration, its region, a query `id`, and the items.
fn listing(config: &Value, region: &Region, id: String, attr: &str, items: Vec<Value>) -> Value {
    let mut state = config.clone();
    state.set_attr("region", Value::from(region.as_str()));
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
