//! The generated parts of the registry docs (`docs/`): each page's reference
//! sections, and the resource's table of how changes are applied.

use crate::framework::docs::reference;
use crate::framework::Schema;

use super::data_sources;
use super::notebook::changes::{Applied, Needs, RULES};
use super::notebook::schema as notebook_schema;

/// A docs page and its generated sections (name, content).
#[derive(Debug)]
pub struct Page {
    /// The page's path from the repository's root, e.g. `docs/resources/notebook.md`.
    pub path: &'static str,
    /// The generated sections: the name in the page's markers, and the content.
    pub sections: Vec<(&'static str, String)>,
}

fn schema_page(path: &'static str, schema: &Schema) -> Page {
    Page { path, sections: vec![("schema", reference(schema))] }
}

/// How each attribute's change reaches the notebook, as a Markdown table.
pub fn change_table() -> String {
    let mut out = String::from("| attribute | a change is applied by |\n|---|---|\n");
    for r in RULES {
        let how = match r.applied {
            Applied::Update(Needs::AnyStatus) => "an update in place, whatever the status",
            Applied::Update(Needs::Running) => "an update of the **running** notebook (a stopped one is started for it, and stopped again when it should stay stopped)",
            Applied::Update(Needs::Stopped) => "an update of the **stopped** notebook (a running one is stopped for it, and started again)",
            Applied::Replace => "replacing the notebook (destroy, then create)",
            Applied::Power => "the start or stop API",
            Applied::AutoStop => "the next start, or the lease API while running (no restart)",
            Applied::Tags => "the tag API, in any status (no restart)",
            Applied::NoApiCall => "nothing in the cloud (Terraform only)",
        };
        let attr = r.field.path();
        out.push_str(&format!("| `{attr}` | {how} |\n"));
    }
    out
}

/// The docs pages that have generated sections.
pub fn pages() -> Vec<Page> {
    let mut resource = schema_page("docs/resources/notebook.md", &notebook_schema::schema());
    resource.sections.push(("changes", change_table()));
    vec![
        schema_page("docs/index.md", &super::config::schema()),
        resource,
        schema_page("docs/resources/notebook_mount_storage.md", &super::mount_storage::schema()),
        schema_page("docs/resources/notebook_image_store.md", &super::image_store::schema()),
        schema_page("docs/data-sources/notebook.md", &data_sources::notebook::schema()),
        schema_page("docs/data-sources/notebooks.md", &data_sources::notebooks::schema()),
        schema_page("docs/data-sources/notebook_flavors.md", &data_sources::flavors::schema()),
        schema_page("docs/data-sources/notebook_images.md", &data_sources::images::schema()),
        schema_page("docs/list-resources/notebook.md", &super::notebook::listing::schema()),
        schema_page("docs/actions/notebook_power.md", &super::power_action::schema()),
        schema_page("docs/ephemeral-resources/notebook_access.md", &super::notebook_access::schema()),
    ]
}
