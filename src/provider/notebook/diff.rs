//! The one change model of a notebook: [`diff`] compares the notebook observed with
//! the one wanted, and [`Diff::changes`] groups what differs into the updates the
//! step planner ([`super::steps`]) orders. Plan and apply both call them — at plan
//! time the notebook observed is the prior state, at apply time it is the API's
//! answer as the state would record it ([`super::state::state_from_api`]) — so the
//! steps a plan announces are the steps apply takes when nothing changed in
//! between (`super::agreement`, `plan_and_apply_take_the_same_steps`).

use crate::client::types::EndpointReq;
use crate::framework::plan_modifier::{AttributePlan, PlanModifier};
use crate::protocol::Value;

use super::changes::{Applied, Field, Needs, RULES};
use super::model::NotebookModel;
use super::spec::Spec;
use super::steps::{Changes, Update};

/// The fields that differ, in the order of [`RULES`].
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Diff(Vec<Field>);

/// What differs from `observed` to `wanted`, two notebook values as Terraform holds
/// them. A field unknown in `wanted` counts as a change.
pub(crate) fn diff(observed: &Value, wanted: &Value) -> Diff {
    Diff(RULES.iter().map(|r| r.field).filter(|f| differs(*f, observed, wanted)).collect())
}

fn differs(field: Field, observed: &Value, wanted: &Value) -> bool {
    let at = field.location();
    let (was, will) = (observed.at(at), wanted.at(at));
    if will.is_unknown() {
        return true;
    }
    match field {
        // The API clears a description with "", and may answer either way.
        Field::Description => was.as_str().unwrap_or_default() != will.as_str().unwrap_or_default(),
        // Addresses are a set to the API; none configured is none allowed.
        Field::AllowedAccessIps => sorted(was) != sorted(will),
        // Without a size the API keeps the one it has.
        Field::VolumeSize => !will.is_null() && was != will,
        // A notebook running an image saved from it keeps it while the configuration
        // names the image it was made from (`super::state::recorded_image_id` records
        // the configured one), and naming the saved image itself changes nothing.
        Field::ImageId => was != will && observed.at(&NotebookModel::path().current_image_id()) != will,
        _ => was != will,
    }
}

fn sorted(v: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = v.elements().iter().filter_map(Value::as_str).collect();
    out.sort_unstable();
    out
}

impl Diff {
    /// Whether `field` changes.
    pub(crate) fn contains(&self, field: Field) -> bool {
        self.0.contains(&field)
    }

    /// Whether any of `fields` changes.
    pub(crate) fn any_of(&self, fields: &[Field]) -> bool {
        fields.iter().any(|f| self.contains(*f))
    }

    /// Whether a change reaches the notebook itself (not only Terraform, nor only its tags).
    pub(crate) fn calls_the_api(&self) -> bool {
        self.0.iter().any(|f| !matches!(f.applied(), Applied::NoApiCall | Applied::Tags))
    }

    /// The changed fields whose update needs `needs`.
    pub(crate) fn needing(&self, needs: Needs) -> Vec<Field> {
        self.0.iter().copied().filter(|f| f.applied() == Applied::Update(needs)).collect()
    }

    /// The updates to make, each in the group of the status its rule needs, with
    /// the values `spec` asks for (at plan time, a value known only after apply is
    /// left out of the body: its field still says that it changes).
    pub(crate) fn changes(&self, spec: &Spec) -> Changes {
        let mut c = Changes::default();
        for field in &self.0 {
            match field.applied() {
                Applied::Update(needs) => {
                    let group = c.group_mut(needs);
                    put(*field, spec, group);
                    group.fields.push(*field);
                }
                Applied::AutoStop => c.auto_stop_changed = true,
                Applied::Replace | Applied::Power | Applied::Tags | Applied::NoApiCall => {}
            }
        }
        c
    }
}

/// Writes `field`'s wanted value into an update body.
fn put(field: Field, spec: &Spec, update: &mut Update) {
    let body = &mut update.body;
    match field {
        Field::Name => body.name = Some(spec.name.clone()),
        Field::Description => body.description = Some(spec.description.clone().unwrap_or_default()),
        Field::VolumeSize => body.storage_new_size = spec.volume.size,
        Field::FlavorId => body.flavor = Some(spec.flavor_id.clone()),
        Field::ImageId => body.image_id = Some(spec.image_id.clone()),
        // The endpoint goes with its unchanged key pair, as the official provider sends it.
        Field::AllowedAccessIps => {
            body.endpoints = spec.key_pair.as_ref().map(|kp| {
                vec![EndpointReq {
                    service: "SSH".into(),
                    key_pair_names: vec![kp.clone()],
                    allowed_access_ips: Some(spec.allowed_access_ips.clone()),
                }]
            })
        }
        // Removing the block clears the scripts.
        Field::Hooks => body.hooks = Some(spec.hooks.clone().unwrap_or_default()),
        _ => {}
    }
}

/// A computed attribute that follows configurable ones: known after apply when the
/// change model ([`diff`]) says one of them changes, the state's value
/// otherwise — so naming the saved image a notebook already runs (no change) keeps
/// `image_name`, where comparing raw values would not.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FollowsFields(pub &'static [Field]);

impl PlanModifier for FollowsFields {
    fn modify(&self, at: &AttributePlan<'_>, planned: &mut Value, _: &mut bool) {
        let changes = diff(at.prior_object, at.proposed_object);
        *planned = if changes.any_of(self.0) { Value::Unknown } else { at.prior.clone() };
    }

    fn description(&self) -> String {
        let names: Vec<String> = self.0.iter().map(|f| format!("`{}`", f.name())).collect();
        format!("Known after apply when {} changes.", names.join(" or "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notebook(flavor: &str, size: i64) -> Value {
        Value::object([
            ("name", "nb".into()),
            ("flavor_id", flavor.into()),
            ("volume", Value::List(vec![Value::object([("type", "EVS".into()), ("size", Value::int(size))])])),
        ])
    }

    #[test]
    fn finds_changes_by_field_in_rule_order() {
        let a = notebook("f1", 10);
        assert_eq!(diff(&a, &a), Diff::default());
        assert_eq!(diff(&a, &notebook("f2", 20)).0, [Field::VolumeSize, Field::FlavorId]);
        let mut unknown = a.clone();
        unknown.set_attr(NotebookModel::FLAVOR_ID, Value::Unknown);
        assert_eq!(diff(&a, &unknown).needing(Needs::Stopped), [Field::FlavorId]);
    }

    #[test]
    fn what_the_api_takes_as_the_same_is_no_change() {
        let mut a = notebook("f1", 10);
        a.set_attr(NotebookModel::ALLOWED_ACCESS_IPS, Value::List(vec!["1.1.1.1".into(), "2.2.2.2".into()]));
        let mut b = a.clone();
        b.set_attr(NotebookModel::ALLOWED_ACCESS_IPS, Value::List(vec!["2.2.2.2".into(), "1.1.1.1".into()]));
        b.set_attr(NotebookModel::DESCRIPTION, "".into());
        assert_eq!(diff(&a, &b), Diff::default());
        // A size left to the API, and the saved image named in place of the base one.
        let mut c = a.clone();
        c.set_at(&Field::VolumeSize.path(), Value::Null);
        assert_eq!(diff(&a, &c), Diff::default());
        a.set_attr(NotebookModel::IMAGE_ID, "base".into());
        a.set_attr(NotebookModel::CURRENT_IMAGE_ID, "saved".into());
        let mut d = a.clone();
        d.set_attr(NotebookModel::IMAGE_ID, "saved".into());
        assert_eq!(diff(&a, &d), Diff::default());
        d.set_attr(NotebookModel::IMAGE_ID, "other".into());
        assert_eq!(diff(&a, &d).0, [Field::ImageId]);
    }
}
