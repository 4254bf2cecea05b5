//! How each change to a `modelarts_notebook` reaches the API — the table the plan,
//! the apply sequencer and the docs all read. Which status each update needs comes
//! from `docs/development/modelarts-api.md`, "Which status each change needs": the update
//! page, the SDK's `VolumeRes.status`, and the official Go provider.

use std::sync::LazyLock;

use crate::protocol::AttributePath;

use crate::provider::diagnose::{Blame, Blamed};

use super::model::NotebookModel;

/// The status an update (PUT) of an attribute needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Needs {
    /// Any settled status (`name`, `description`).
    AnyStatus,
    /// A RUNNING notebook: EVS storage grows "dynamically" while the instance runs.
    Running,
    /// A STOPPED notebook: flavor, image, SSH addresses and startup hooks.
    Stopped,
}

/// How a change to an attribute is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Applied {
    /// One PUT, in the status it needs.
    Update(Needs),
    /// Destroy and create a new notebook.
    Replace,
    /// The start / stop APIs.
    Power,
    /// Sent with the next start, or through the lease API while running.
    AutoStop,
    /// The tag calls, in any status, without a restart; the notebook itself (its
    /// `update_at`) does not change.
    Tags,
    /// Terraform-side only.
    NoApiCall,
}

/// A configurable attribute of the notebook: what a change is a change of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Field {
    Name,
    Description,
    VolumeSize,
    FlavorId,
    ImageId,
    AllowedAccessIps,
    Hooks,
    KeyPair,
    VolumeType,
    VolumeOwnership,
    VolumeUri,
    VolumeId,
    Region,
    WorkspaceId,
    PoolId,
    Running,
    AutoStop,
    Tags,
    AllowStoppingForUpdate,
    Timeouts,
}

impl Field {
    /// Every field, in declaration order.
    const ALL: [Field; 20] = [
        Field::Name,
        Field::Description,
        Field::VolumeSize,
        Field::FlavorId,
        Field::ImageId,
        Field::AllowedAccessIps,
        Field::Hooks,
        Field::KeyPair,
        Field::VolumeType,
        Field::VolumeOwnership,
        Field::VolumeUri,
        Field::VolumeId,
        Field::Region,
        Field::WorkspaceId,
        Field::PoolId,
        Field::Running,
        Field::AutoStop,
        Field::Tags,
        Field::AllowStoppingForUpdate,
        Field::Timeouts,
    ];

    /// Where the attribute is in the notebook's value (`volume[0].size`).
    pub(crate) fn path(self) -> AttributePath {
        self.location().clone()
    }

    /// [`Field::path`], built once per process: every plan of every notebook
    /// compares each field (a path is a vector of names).
    pub(crate) fn location(self) -> &'static AttributePath {
        static PATHS: LazyLock<Vec<AttributePath>> = LazyLock::new(|| Field::ALL.iter().map(|f| f.locate()).collect());
        static NOWHERE: AttributePath = AttributePath(Vec::new());
        PATHS.get(self as usize).unwrap_or(&NOWHERE)
    }

    fn locate(self) -> AttributePath {
        let nb = NotebookModel::path();
        match self {
            Field::Name => nb.name(),
            Field::Description => nb.description(),
            Field::VolumeSize => nb.volume().size(),
            Field::FlavorId => nb.flavor_id(),
            Field::ImageId => nb.image_id(),
            Field::AllowedAccessIps => nb.allowed_access_ips().into(),
            Field::Hooks => nb.hooks().into(),
            Field::KeyPair => nb.key_pair(),
            Field::VolumeType => nb.volume().kind(),
            Field::VolumeOwnership => nb.volume().ownership(),
            Field::VolumeUri => nb.volume().uri(),
            Field::VolumeId => nb.volume().id(),
            Field::Region => nb.region(),
            Field::WorkspaceId => nb.workspace_id(),
            Field::PoolId => nb.pool_id(),
            Field::Running => nb.running(),
            Field::AutoStop => nb.auto_stop().into(),
            Field::Tags => nb.tags().into(),
            Field::AllowStoppingForUpdate => nb.allow_stopping_for_update(),
            Field::Timeouts => nb.timeouts(),
        }
    }

    /// The attribute as messages name it: `volume.size`.
    pub(crate) fn name(self) -> String {
        self.path().dotted()
    }

    /// How a change of it is applied.
    pub(crate) fn applied(self) -> Applied {
        RULES.iter().find(|r| r.field == self).map_or(Applied::NoApiCall, |r| r.applied)
    }
}

impl Blamed for Field {
    fn path(self) -> AttributePath {
        Field::path(self)
    }

    fn name(self) -> String {
        Field::name(self)
    }
}

/// The words of the notebook API's messages.
pub(crate) const NOTEBOOK_BLAME: &Blame<Field> = &[
    ("flavor", Field::FlavorId),
    ("image", Field::ImageId),
    ("storage_new_size", Field::VolumeSize),
    ("capacity", Field::VolumeSize),
    ("volume", Field::VolumeType),
    ("allowed access ip", Field::AllowedAccessIps),
    ("allowed_access_ips", Field::AllowedAccessIps),
    ("key pair", Field::KeyPair),
    ("hooks", Field::Hooks),
    ("workspace", Field::WorkspaceId),
    ("pool", Field::PoolId),
    ("description", Field::Description),
    ("name", Field::Name),
    ("auto-stop", Field::AutoStop),
    ("duration", Field::AutoStop),
];

#[derive(Debug)]
pub(crate) struct Rule {
    pub field: Field,
    pub applied: Applied,
}

const fn rule(field: Field, applied: Applied) -> Rule {
    Rule { field, applied }
}

/// Every configurable attribute and how its change is applied. The plan reads it
/// (what each change needs, what replaces, the words of its warnings), apply reads
/// it (which PUT carries a change, in which status), and so do the schema
/// (`requires_replace`) and the docs: moving a field here moves it everywhere.
pub(crate) const RULES: &[Rule] = &[
    rule(Field::Name, Applied::Update(Needs::AnyStatus)),
    rule(Field::Description, Applied::Update(Needs::AnyStatus)),
    rule(Field::VolumeSize, Applied::Update(Needs::Running)),
    rule(Field::FlavorId, Applied::Update(Needs::Stopped)),
    rule(Field::ImageId, Applied::Update(Needs::Stopped)),
    rule(Field::AllowedAccessIps, Applied::Update(Needs::Stopped)),
    rule(Field::Hooks, Applied::Update(Needs::Stopped)),
    // The official provider lists the key pair as non-updatable (ForceNew).
    rule(Field::KeyPair, Applied::Replace),
    rule(Field::VolumeType, Applied::Replace),
    rule(Field::VolumeOwnership, Applied::Replace),
    rule(Field::VolumeUri, Applied::Replace),
    rule(Field::VolumeId, Applied::Replace),
    rule(Field::Region, Applied::Replace),
    rule(Field::WorkspaceId, Applied::Replace),
    rule(Field::PoolId, Applied::Replace),
    rule(Field::Running, Applied::Power),
    rule(Field::AutoStop, Applied::AutoStop),
    rule(Field::Tags, Applied::Tags),
    rule(Field::AllowStoppingForUpdate, Applied::NoApiCall),
    rule(Field::Timeouts, Applied::NoApiCall),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_listed_in_its_place() {
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?}");
            assert_eq!(f.location(), &f.locate());
        }
        assert_eq!(Field::ALL.len(), RULES.len(), "each field has its rule");
    }

    #[test]
    fn fields_name_their_attributes() {
        assert_eq!(Field::VolumeSize.path().to_string(), "volume[0].size");
        assert_eq!(Field::VolumeSize.name(), "volume.size");
        assert_eq!(Field::VolumeType.name(), "volume.type");
        assert_eq!(Field::FlavorId.name(), "flavor_id");
        assert_eq!(Field::VolumeSize.applied(), Applied::Update(Needs::Running));
    }

    #[test]
    fn every_attribute_is_classified_once() {
        let mut attrs: Vec<String> = RULES.iter().map(|r| r.field.name()).collect();
        let n = attrs.len();
        attrs.sort();
        attrs.dedup();
        assert_eq!(attrs.len(), n);
    }
}
