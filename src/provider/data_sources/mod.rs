//! The provider's data sources.

pub mod flavors;
pub mod images;
pub mod notebook;

use crate::client::Client;
use crate::framework::CallContext;
use crate::protocol::Diagnostics;

use super::Configured;

fn api(ctx: &CallContext) -> Result<Client, Diagnostics> {
    Ok(ctx.data::<Configured>()?.client.with_cancel(ctx.cancel.clone()))
}

fn failed(summary: &str, detail: impl Into<String>) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.error(summary, detail);
    d
}
