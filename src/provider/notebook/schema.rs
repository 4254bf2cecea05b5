//! The `modelarts_notebook` schema. Attribute names follow the official provider's
//! `huaweicloud_modelarts_notebook`, so configurations port by renaming the type.

use super::model::{AutoStopModel, HookModel, HooksModel, MountStorageModel, NotebookModel, VolumeModel};
use crate::client::enums::{HookMode, HookType, LeaseType, Ownership, VolumeCategory};
use crate::client::limits;
use crate::enums::StringEnum;
use crate::framework::timeouts;
use crate::framework::validators::{Chars, Check, IntRange, Length, OneOf, Text};
use crate::framework::{Attribute, Block, NestedBlock, Schema};
use crate::protocol::{Step, Type, Value};

use super::changes::{Applied, Field, RULES};
use super::diff::FollowsFields;
use super::spec::{CREATE_TIMEOUT, DELETE_TIMEOUT, UPDATE_TIMEOUT};
use crate::duration;

pub(crate) fn check_auto_stop_duration(v: &Value) -> Result<(), String> {
    let Some(s) = v.as_str() else { return Ok(()) };
    let d = duration::parse(s)?;
    limits::check_lease_ms(d.as_millis() as i64).map_err(|_| format!("{s:?} is outside the allowed 1h to 72h"))
}

fn no_forbidden_description_char(c: char) -> bool {
    !limits::DESCRIPTION_FORBIDDEN.contains(&c)
}

/// The `modelarts_notebook` resource's schema.
pub fn schema() -> Schema {
    let volume = Block::new("The notebook's storage.")
        .attr(
            Attribute::string(VolumeModel::TYPE)
                .required()
                .describe("Storage type: `EVS` (a disk of its own), `EFS` (SFS Turbo), `OBS` or `OBSFS` (a parallel file system). Changing it replaces the notebook.")
                .validate(OneOf(VolumeCategory::NAMES)),
        )
        .attr(
            Attribute::string(VolumeModel::OWNERSHIP)
                .default_value(Ownership::Managed.as_str())
                .describe("Who owns the storage: `MANAGED` (by ModelArts, the default) or `DEDICATED` (your own SFS Turbo file system; `EFS` only, with `id` and `uri`). Changing it replaces the notebook.")
                .validate(OneOf(Ownership::NAMES)),
        )
        .attr(
            Attribute::string(VolumeModel::ID)
                .optional()
                .describe("ID (a UUID) of your own SFS Turbo file system, for a `DEDICATED` `EFS` volume. Changing it replaces the notebook.")
                .validate(Check { check: check_uuid, description: "a UUID" }),
        )
        .attr(
            Attribute::string(VolumeModel::URI)
                .optional()
                .describe("Share path of a `DEDICATED` `EFS` volume, or the path of an `OBS` / `OBSFS` volume; not for `EVS`. Changing it replaces the notebook.")
                .validate(Length(1, limits::MAX_VOLUME_URI_CHARS)),
        )
        .attr(
            Attribute::number(VolumeModel::SIZE)
                .optional_computed()
                .use_state_for_unknown()
                .describe("Capacity in GB of an `EVS` volume, 5 to 4096 (5 when omitted); not for other types. It can only grow, and grows while the notebook runs (a stopped notebook is started for it, and stopped again when `running = false`); shrinking it is refused at plan time.")
                .validate(IntRange(limits::MIN_STORAGE_GB, limits::MAX_STORAGE_GB)),
        )
        .attr(Attribute::string(VolumeModel::MOUNT_PATH).computed().use_state_for_unknown().describe("Where the storage is mounted in the notebook."));

    let auto_stop = Block::new("Stops the notebook automatically. Without this block auto-stop is off: the provider sends `duration = -1` at create and at every start, as the official provider does. Applied at create and at every start; a change while the notebook runs is applied through the lease API, without a restart.")
        .attr(
            Attribute::string(AutoStopModel::TYPE)
                .default_value(LeaseType::Timing.as_str())
                .describe("`TIMING` stops the notebook `duration` after it starts; `IDLE` stops it after `duration` without activity. Defaults to `TIMING`.")
                .validate(OneOf(LeaseType::NAMES)),
        )
        .attr(
            Attribute::string(AutoStopModel::DURATION)
                .required()
                .describe("How long, such as `\"4h\"` or `\"90m\"`: from 1 hour to 72 hours.")
                .validate(Check { check: check_auto_stop_duration, description: "a duration from `1h` to `72h`" }),
        );

    let hook = |when: &str| {
        Block::new(format!("A script run {when}."))
            .attr(
                Attribute::string(HookModel::SCRIPT)
                    .required()
                    .describe("For `COMMAND`, the command itself as plain text (the provider base64-encodes it for the API); for `SCRIPT`, the absolute path of a script in the notebook's container.")
                    .validate(Length(1, 65_536)),
            )
            .attr(
                Attribute::string(HookModel::TYPE)
                    .default_value(HookType::Script.as_str())
                    .describe("`COMMAND` or `SCRIPT`. Defaults to `SCRIPT`.")
                    .validate(OneOf(HookType::NAMES)),
            )
            .attr(
                Attribute::string(HookModel::MODE)
                    .default_value(HookMode::Async.as_str())
                    .describe("`BLOCK` (the start waits for it) or `ASYNC`. Defaults to `ASYNC`.")
                    .validate(OneOf(HookMode::NAMES)),
            )
    };
    let hooks = Block::new("Startup scripts of the notebook's container. Changing them needs a stopped notebook (they run at the next start). The API never reports hooks back, so a change made outside Terraform cannot be seen.")
        .block(NestedBlock::list(HooksModel::PRE_START, 0, 1, hook("before the notebook's services start")))
        .block(NestedBlock::list(HooksModel::POST_START, 0, 1, hook("after the notebook's services have started")));

    let mut root = Block::new("A ModelArts notebook instance: a development environment with its own compute flavor, image and storage. Each change is made in the status it needs (see the table below), with the fewest starts and stops; the plan lists the steps apply will take.")
        .attr(Attribute::string(NotebookModel::ID).computed().use_state_for_unknown().describe("The notebook's ID."))
        .attr(Attribute::string(NotebookModel::REGION).optional_computed().use_state_for_unknown().describe("Region of the notebook: the provider's when omitted. Another region is reached at its own endpoint, with its project looked up through IAM, as in the official provider. Changing it replaces the notebook."))
        .attr(
            Attribute::string(NotebookModel::NAME)
                .required()
                .describe("Name, 1 to 128 letters (Latin or Chinese), digits, `-` or `_`. Names need not be unique. Changed in place.")
                .validate(Length(1, limits::MAX_NAME_CHARS))
                .validate(Chars { allowed: limits::name_char_allowed, description: "letters, digits, `-` and `_`" }),
        )
        .attr(
            Attribute::string(NotebookModel::DESCRIPTION)
                .optional()
                .describe("Description, at most 512 characters, neither `<` nor `>`. Changed in place.")
                .validate(Length(0, limits::MAX_DESCRIPTION_CHARS))
                .validate(Chars { allowed: no_forbidden_description_char, description: "any character but `<` and `>`" }),
        )
        .attr(Attribute::string(NotebookModel::FLAVOR_ID).required().describe("Compute flavor, e.g. `modelarts.vm.cpu.2u` (see the `modelarts_notebook_flavors` data source). Changing it needs a stopped notebook; a flavor the notebook cannot switch to is refused before anything is stopped."))
        .attr(Attribute::string(NotebookModel::IMAGE_ID).required().describe("Image ID (see the `modelarts_notebook_images` data source). Changing it needs a stopped notebook. After the notebook is saved as an image (`modelarts_notebook_image_store`, the console, or the official provider), it runs the saved image: `image_id` keeps the configured image, `current_image_id` shows the saved one, and nothing is restarted — no `ignore_changes` needed. A switch to an image that was not saved from a notebook (made in the console) shows as drift."))
        .attr(Attribute::string(NotebookModel::KEY_PAIR).optional().describe("Name of the key pair for SSH access. A new key pair (adding or removing one too) replaces the notebook, as in the official provider."))
        .attr(
            Attribute::list_of(NotebookModel::ALLOWED_ACCESS_IPS, Type::String)
                .optional()
                .describe("IPv4 addresses or CIDR blocks allowed to reach the SSH endpoint, at most 5 (needs `key_pair`); omitted, any address may. Changing them needs a stopped notebook.")
                .validate(Check { check: check_ip_list, description: "at most 5 IPv4 addresses or CIDR blocks" }),
        )
        .attr(
            Attribute::string(NotebookModel::WORKSPACE_ID)
                .optional_computed()
                .use_state_for_unknown()
                .describe("Workspace ID; `0` (the default workspace) when omitted. Changing it replaces the notebook.")
                .validate(Text { check: limits::check_workspace_id, description: "`0` or 32 lower-case letters and digits" }),
        )
        .attr(Attribute::string(NotebookModel::POOL_ID).optional().describe("ID of a dedicated resource pool to run in. Changing it replaces the notebook."))
        .attr(
            Attribute::of_type(NotebookModel::TAGS, Type::map(Type::String))
                .optional()
                .describe("Tags of the notebook (cost allocation, ownership), merged over the provider's `default_tags`. A key has 1 to 128 letters, digits, spaces and `_ . : = + - @`, not beginning or ending with a space nor beginning with `_sys_`; a value up to 255 of those characters and `/`. Changed in place in any status, without a restart; tags added or changed outside Terraform show as drift.")
                .validate(Check { check: super::tags::check_tags, description: "tags the API accepts" }),
        )
        .attr(Attribute::of_type(NotebookModel::TAGS_ALL, Type::map(Type::String)).computed().use_state_for_unknown().describe("Every tag of the notebook: the provider's `default_tags` and `tags`, as the API reports them (the cloud's own `_sys_` tags left out)."))
        .attr(Attribute::bool(NotebookModel::RUNNING).optional_computed().use_state_for_unknown().describe("Whether the notebook should be running. `true` starts a stopped notebook, `false` stops a running one. When omitted, the power state is not managed: it is reported here but never changed (an update that needs a temporary start or stop leaves the notebook as it found it)."))
        .attr(Attribute::bool(NotebookModel::ALLOW_STOPPING_FOR_UPDATE).default_value(Value::Bool(true)).describe("Whether an update may stop a running notebook, or start a stopped one, only to make a change. When `false`, such a plan fails at plan time, at the attribute that needs it; changing `running` itself is always allowed. Defaults to `true`."))
        .attr(Attribute::string(NotebookModel::STATUS).computed().describe("Status as the API reports it, e.g. `RUNNING`, `STOPPED`, `ERROR`. A plan that starts or stops the notebook shows the status apply ends in."))
        .attr(Attribute::bool(NotebookModel::AUTO_STOP_ENABLED).computed().describe("Whether auto-stop is on, as the API reports it (`lease.enable`). Every start the provider makes turns it on exactly when `auto_stop` is set, so a plan that starts the notebook shows the value it will have."))
        .attr(Attribute::string(NotebookModel::URL).computed().use_state_for_unknown().describe("URL of the notebook's web UI. (The UI's access token is a secret and is never stored; the ephemeral `modelarts_notebook_access` reads it for one run.)"))
        .attr(Attribute::string(NotebookModel::SSH_URI).computed().plan_modifier(FollowsFields(&[Field::AllowedAccessIps])).describe("Address of the SSH endpoint, when `key_pair` is set."))
        .attr(Attribute::string(NotebookModel::CURRENT_IMAGE_ID).computed().plan_modifier(FollowsFields(&[Field::ImageId])).describe("ID of the image the notebook runs, as the API reports it: `image_id`, or the image it was last saved as."))
        .attr(Attribute::string(NotebookModel::IMAGE_NAME).computed().plan_modifier(FollowsFields(&[Field::ImageId])).describe("Name of the image the notebook runs."))
        .attr(Attribute::string(NotebookModel::IMAGE_SWR_PATH).computed().plan_modifier(FollowsFields(&[Field::ImageId])).describe("SWR path of the image the notebook runs."))
        .attr(Attribute::string(NotebookModel::IMAGE_TYPE).computed().plan_modifier(FollowsFields(&[Field::ImageId])).describe("Type of the image the notebook runs: `BUILD_IN`, or `DEDICATED` (your own, such as a saved one)."))
        .attr(Attribute::string(NotebookModel::CREATED_AT).computed().use_state_for_unknown().describe("When the notebook was created (RFC 3339, UTC)."))
        .attr(Attribute::string(NotebookModel::UPDATED_AT).computed().describe("When the notebook was last changed (RFC 3339, UTC)."))
        .attr(Attribute::string(NotebookModel::FAIL_REASON).computed().describe("Why the notebook failed, when its status is a failure."))
        .attr(Attribute::string(NotebookModel::POOL_NAME).computed().use_state_for_unknown().describe("Name of the dedicated resource pool it runs in, if any."))
        .attr(
            Attribute::list_of(NotebookModel::MOUNT_STORAGES, mount_storage_type())
                .computed()
                .use_state_for_unknown()
                .describe("Storage mounted into the running notebook (see `modelarts_notebook_mount_storage`): `id`, `type` (`OBS`, `OBSFS`, `EFS`), `mount_path`, `path` (the storage path) and `status`."),
        )
        .block(NestedBlock::list(NotebookModel::VOLUME, 1, 1, volume))
        .block(NestedBlock::list(NotebookModel::AUTO_STOP, 0, 1, auto_stop))
        .block(NestedBlock::list(NotebookModel::HOOKS, 0, 1, hooks))
        .block(timeouts::block(&[CREATE_TIMEOUT, UPDATE_TIMEOUT, DELETE_TIMEOUT]));
    mark_replacements(&mut root);
    Schema::new(0, root)
}

/// One entry of `mount_storages`, named as in the official provider.
pub fn mount_storage_type() -> Type {
    Type::object([
        (MountStorageModel::ID, Type::String),
        (MountStorageModel::TYPE, Type::String),
        (MountStorageModel::MOUNT_PATH, Type::String),
        (MountStorageModel::PATH, Type::String),
        (MountStorageModel::STATUS, Type::String),
    ])
}

fn check_ip_list(v: &Value) -> Result<(), String> {
    let n = v.elements().len();
    if n > limits::MAX_ALLOWED_IPS {
        return Err(format!("at most {} addresses may reach the SSH endpoint ({n} given)", limits::MAX_ALLOWED_IPS));
    }
    v.elements().iter().filter_map(Value::as_str).try_for_each(limits::check_access_ip)
}

fn check_uuid(v: &Value) -> Result<(), String> {
    match v.as_str() {
        Some(s) if !limits::is_uuid(s) => {
            Err(format!("{s:?} is not a UUID (such as \"280a8bd5-03e2-4a5c-bea1-83d81e75bc53\")"))
        }
        _ => Ok(()),
    }
}

/// The change table decides which attributes replace the notebook.
fn mark_replacements(root: &mut Block) {
    fn mark(block: &mut Block, names: &[&str]) {
        match names {
            [attr] => {
                if let Some(a) = block.attributes.iter_mut().find(|a| a.name == *attr) {
                    a.requires_replace = true;
                }
            }
            [nested, rest @ ..] => {
                if let Some(b) = block.blocks.iter_mut().find(|b| b.name == *nested) {
                    mark(&mut b.block, rest);
                }
            }
            [] => {}
        }
    }
    for r in RULES.iter().filter(|r| r.applied == Applied::Replace) {
        let path = r.field.path();
        let names: Vec<&str> = path
            .0
            .iter()
            .filter_map(|s| match s {
                Step::Attr(n) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        mark(root, &names);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_flags_come_from_the_change_table() {
        let s = schema();
        let replaced: Vec<&str> = s.block.attributes.iter().filter(|a| a.requires_replace).map(|a| a.name).collect();
        assert_eq!(replaced, vec!["region", "key_pair", "workspace_id", "pool_id"]);
        let vol = &s.block.nested("volume").unwrap().block;
        let v: Vec<&str> = vol.attributes.iter().filter(|a| a.requires_replace).map(|a| a.name).collect();
        assert_eq!(v, vec!["type", "ownership", "id", "uri"]);
    }

    #[test]
    fn every_attribute_has_a_description_and_a_rule() {
        let s = schema();
        let mut names = Vec::new();
        for a in &s.block.attributes {
            assert!(!a.description.is_empty(), "{}", a.name);
            names.push(a.name.to_string());
        }
        for b in &s.block.blocks {
            assert!(!b.block.description.is_empty(), "{}", b.name);
            for a in &b.block.attributes {
                assert!(!a.description.is_empty(), "{}.{}", b.name, a.name);
            }
        }
        // Planned by the resource from the steps apply will take (`plan::plan_update`).
        let from_steps = [
            NotebookModel::STATUS,
            NotebookModel::FAIL_REASON,
            NotebookModel::UPDATED_AT,
            NotebookModel::AUTO_STOP_ENABLED,
        ];
        for a in s.block.attributes.iter() {
            let planned = a.mode == crate::framework::Mode::Computed
                && (a.use_state_for_unknown || !a.plan_modifiers.is_empty() || from_steps.contains(&a.name));
            let ruled = RULES.iter().any(|r| r.field.name() == a.name) || planned;
            assert!(ruled, "{} is neither in RULES nor planned as a computed attribute", a.name);
        }
    }

    #[test]
    fn auto_stop_duration_range() {
        assert!(check_auto_stop_duration(&"4h".into()).is_ok());
        assert!(check_auto_stop_duration(&"90m".into()).is_ok());
        assert!(check_auto_stop_duration(&"59m".into()).is_err());
        assert!(check_auto_stop_duration(&"73h".into()).is_err());
        assert!(check_auto_stop_duration(&"soon".into()).is_err());
    }
}
