//! `moved` blocks into `modelarts_notebook`: from the official provider's
//! `huaweicloud_modelarts_notebook` (schema version 0), and from itself.

use serde_json::Value as J;

use crate::client::types::Status;
use crate::framework::resource::MoveStateRequest;
use crate::protocol::{json, Diagnostics, Type, Value};
use crate::provider::official_state::{is_official, source_json, OfficialState};
use crate::provider::PROVIDER_ADDRESS;

use super::model::{NotebookModel, VolumeModel};
use super::state::is_running;

pub(crate) const OFFICIAL_TYPE: &str = "huaweicloud_modelarts_notebook";
pub(crate) const OWN_TYPE: &str = "modelarts_notebook";

/// The moved state, `None` when the source is neither supported type.
pub(crate) fn move_state(req: &MoveStateRequest<'_>, own: &Type) -> Option<Result<Value, Diagnostics>> {
    let from_ourselves = req.source_type_name == OWN_TYPE && req.source_provider_address == PROVIDER_ADDRESS;
    if !from_ourselves && !is_official(req, OFFICIAL_TYPE) {
        return None;
    }
    let parsed = match source_json(req) {
        Ok(j) => j,
        Err(d) => return Some(Err(d)),
    };
    if from_ourselves {
        return Some(
            json::from_json(&parsed, own).map_err(|e| Diagnostics::with_error("Malformed source state", e.to_string())),
        );
    }
    Some(from_official_state(&parsed))
}

/// The official `volume` (a list of one object) as this resource's; the official
/// provider's attributes have this resource's names.
fn volume(src: &mut OfficialState<'_>) -> Value {
    let first = match src.get(NotebookModel::VOLUME) {
        Some(J::Array(items)) if items.len() == 1 => items.first().cloned().unwrap_or_default(),
        Some(J::Array(items)) => {
            src.diags.error(
                "Malformed source state",
                format!("volume of the {OFFICIAL_TYPE} state has {} entries, not exactly one.", items.len()),
            );
            return Value::List(Vec::new());
        }
        None | Some(J::Null) => {
            src.missing(NotebookModel::VOLUME);
            return Value::List(Vec::new());
        }
        Some(other) => {
            src.wrong(NotebookModel::VOLUME, other, "a list of one object");
            return Value::List(Vec::new());
        }
    };
    let at = |name: &str| format!("{}[0].{name}", NotebookModel::VOLUME);
    let J::Object(v) = &first else {
        src.wrong(&format!("{}[0]", NotebookModel::VOLUME), &first, "an object");
        return Value::List(Vec::new());
    };
    let size = match v.get(VolumeModel::SIZE) {
        None | Some(J::Null) => Value::Null,
        Some(J::Number(n)) if n.as_i64().is_some() => Value::int(n.as_i64().unwrap_or_default()),
        Some(other) => {
            src.wrong(&at(VolumeModel::SIZE), other, "a whole number");
            Value::Null
        }
    };
    let mut fields = vec![(VolumeModel::SIZE, size)];
    for f in [VolumeModel::TYPE, VolumeModel::OWNERSHIP, VolumeModel::URI, VolumeModel::MOUNT_PATH] {
        let value = match src.string_in(v, f, &at(f)) {
            Value::String(s) if s.is_empty() => Value::Null,
            x => x,
        };
        fields.push((f, value));
    }
    Value::List(vec![Value::object(fields)])
}

/// The official state as this resource's: the official provider's attributes have
/// this resource's names (its `image_id` is this one's `current_image_id` as well).
fn from_official_state(parsed: &J) -> Result<Value, Diagnostics> {
    type M = NotebookModel;
    let mut src = OfficialState::of(OFFICIAL_TYPE, parsed)?;
    let id = src.string(M::ID);
    if id.as_str().is_none_or(str::is_empty) {
        src.missing("id, so there is no notebook to move");
    }
    // The notebook stays in its region: reads go to that region's endpoint and project.
    let region = src.optional(M::REGION);
    let status = src.string(M::STATUS);
    let running = status.as_str().map_or(Value::Null, |s| Value::Bool(is_running(&Status::parse(s))));
    let volume = volume(&mut src);
    // The official `tags` (Optional+Computed): every tag the notebook has.
    let tags = src.string_map(M::TAGS);
    let state = Value::object([
        (M::ID, id),
        (M::REGION, region),
        (M::NAME, src.string(M::NAME)),
        (M::DESCRIPTION, src.optional(M::DESCRIPTION)),
        (M::FLAVOR_ID, src.string(M::FLAVOR_ID)),
        (M::IMAGE_ID, src.string(M::IMAGE_ID)),
        (M::VOLUME, volume),
        (M::KEY_PAIR, src.optional(M::KEY_PAIR)),
        (M::ALLOWED_ACCESS_IPS, src.strings(M::ALLOWED_ACCESS_IPS)),
        (M::WORKSPACE_ID, src.optional(M::WORKSPACE_ID)),
        (M::POOL_ID, src.optional(M::POOL_ID)),
        (M::RUNNING, running),
        (M::STATUS, status),
        (M::URL, src.optional(M::URL)),
        (M::SSH_URI, src.optional(M::SSH_URI)),
        // The official state's image_id is the image the notebook runs (it reads `image.id`).
        (M::CURRENT_IMAGE_ID, src.optional(M::IMAGE_ID)),
        (M::IMAGE_NAME, src.optional(M::IMAGE_NAME)),
        (M::IMAGE_SWR_PATH, src.optional(M::IMAGE_SWR_PATH)),
        (M::IMAGE_TYPE, src.optional(M::IMAGE_TYPE)),
        (M::CREATED_AT, src.time(M::CREATED_AT)),
        (M::UPDATED_AT, src.time(M::UPDATED_AT)),
        (M::AUTO_STOP, Value::List(Vec::new())),
        // The official provider turns auto-stop off at every create and start, as
        // this one does without an `auto_stop` block.
        (M::AUTO_STOP_ENABLED, src.bool(M::AUTO_STOP_ENABLED)),
        (M::ALLOW_STOPPING_FOR_UPDATE, Value::Bool(true)),
        (M::HOOKS, Value::List(Vec::new())),
        (M::POOL_NAME, src.optional(M::POOL_NAME)),
        (M::MOUNT_STORAGES, Value::List(Vec::new())),
        (M::TIMEOUTS, Value::Null),
        (M::FAIL_REASON, Value::Null),
        (M::TAGS_ALL, tags.clone()),
        (M::TAGS, tags),
    ]);
    src.finish(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::notebook::schema::schema;
    use crate::provider::official_state::OFFICIAL_PROVIDER;

    fn official() -> J {
        serde_json::json!({
            "id": "0b4bd3ad-6a1b-4d12-8a0c-5c1a2b3c4d5e", "region": "cn-north-4", "name": "nb",
            "flavor_id": "modelarts.vm.cpu.2u", "image_id": "img", "description": "",
            "volume": [{"type": "EVS", "ownership": "MANAGED", "size": 5, "uri": "", "mount_path": "/home/ma-user/work/"}],
            "key_pair": "", "allowed_access_ips": [], "pool_id": "", "workspace_id": "0", "auto_stop_enabled": true,
            "status": "RUNNING", "image_name": "n", "image_swr_path": "s", "image_type": "BUILD_IN",
            "created_at": "2026-11-21 23:52:18 UTC", "updated_at": "2026-11-22 00:01:02 UTC",
            "pool_name": "", "url": "https://x", "ssh_uri": "", "mount_storages": [{"id": "m", "type": "OBSFS", "mount_path": "/d", "path": "obs://b", "status": "MOUNTED"}]
        })
    }

    trait ErrOf {
        fn err_of(self) -> Diagnostics;
    }

    impl ErrOf for Option<Result<Value, Diagnostics>> {
        fn err_of(self) -> Diagnostics {
            match self {
                Some(Err(d)) => d,
                _ => panic!("expected an error"),
            }
        }
    }

    /// The request to move `source`, whose JSON is kept in `bytes`.
    fn request<'a>(bytes: &'a mut Vec<u8>, source: &J, version: i64) -> MoveStateRequest<'a> {
        *bytes = serde_json::to_vec(source).unwrap();
        MoveStateRequest {
            source_provider_address: OFFICIAL_PROVIDER,
            source_type_name: OFFICIAL_TYPE,
            source_schema_version: version,
            source_state: bytes,
        }
    }

    #[test]
    fn maps_every_counterpart() {
        let ty = schema().ty();
        let v = move_state(&request(&mut Vec::new(), &official(), 0), &ty).unwrap().unwrap();
        assert_eq!(v.attr("region"), &Value::from("cn-north-4"), "the notebook stays in its region");
        assert!(crate::protocol::value::conforms(&v, &ty).is_ok());
        assert_eq!(v.attr("id"), &Value::from("0b4bd3ad-6a1b-4d12-8a0c-5c1a2b3c4d5e"));
        assert_eq!(v.attr("running"), &Value::Bool(true));
        assert_eq!(v.attr("created_at"), &Value::from("2026-11-21T23:52:18Z"));
        assert_eq!(v.attr("volume").elements()[0].attr("size").as_i64(), Some(5));
        assert_eq!(v.attr("volume").elements()[0].attr("uri"), &Value::Null);
        assert_eq!(v.attr("key_pair"), &Value::Null);
        assert_eq!(v.attr("allowed_access_ips"), &Value::Null);
    }

    #[test]
    fn refuses_what_it_cannot_trust() {
        let ty = schema().ty();
        let mut no_id = official();
        no_id.as_object_mut().unwrap().remove("id");
        let e = move_state(&request(&mut Vec::new(), &no_id, 0), &ty).err_of();
        assert!(e.0[0].detail.contains("no id"));
        let mut wrong = official();
        wrong["volume"] = J::from("big");
        wrong["name"] = J::from(5);
        let e = move_state(&request(&mut Vec::new(), &wrong, 0), &ty).err_of();
        assert_eq!(e.0.len(), 2, "{e:?}");
        assert!(move_state(&request(&mut Vec::new(), &official(), 1), &ty).unwrap().is_err());
        let mut bytes = Vec::new();
        let mut bad_json = request(&mut bytes, &official(), 0);
        bad_json.source_state = b"{not json";
        assert!(move_state(&bad_json, &ty).unwrap().is_err());
        let mut bytes = Vec::new();
        let mut other = request(&mut bytes, &official(), 0);
        other.source_type_name = "huaweicloud_compute_instance";
        assert!(move_state(&other, &ty).is_none());
        assert!(move_state(&request(&mut Vec::new(), &J::from(3), 0), &ty).unwrap().is_err());
    }
}
