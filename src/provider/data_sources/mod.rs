//! The provider's data sources, each a `ModelDataSource`: the listing ones
//! (`flavors`, `images`, `notebooks`) on derived models of their own; `notebook`
//! on the resource's model, read.

pub mod flavors;
pub mod images;
pub mod notebook;
pub mod notebooks;

use crate::framework::Attribute;

/// The attribute every data source has, named as in the official provider.
const REGION: &str = "region";

/// `region`, as the official provider's data sources have it.
fn region_attribute() -> Attribute {
    Attribute::string(REGION).optional_computed().describe(
        "The region to read in; the provider's when omitted (another region's project is looked up through IAM).",
    )
}
