//! `moved` blocks into `modelarts_notebook`: from the official provider's
//! `huaweicloud_modelarts_notebook` (schema version 0), and from itself.

use serde_json::{Map, Value as J};

use crate::client::types::Status;
use crate::framework::resource::MoveStateRequest;
use crate::protocol::{json, Diagnostics, Type, Value};
use crate::provider::PROVIDER_ADDRESS;
use crate::timefmt::{parse_go_utc, rfc3339};

use super::state::is_running;

pub(crate) const OFFICIAL_PROVIDER: &str = "registry.terraform.io/huaweicloud/huaweicloud";
pub(crate) const OFFICIAL_TYPE: &str = "huaweicloud_modelarts_notebook";
pub(crate) const OWN_TYPE: &str = "modelarts_notebook";

/// The moved state, `None` when the source is neither supported type.
pub(crate) fn move_state(req: &MoveStateRequest<'_>, own: &Type) -> Option<Result<Value, Diagnostics>> {
    let from_ourselves = req.source_type_name == OWN_TYPE && req.source_provider_address == PROVIDER_ADDRESS;
    let from_official = req.source_type_name == OFFICIAL_TYPE && req.source_provider_address == OFFICIAL_PROVIDER;
    if !from_ourselves && !from_official {
        return None;
    }
    if req.source_schema_version != 0 {
        return Some(Err(Diagnostics::with_error(
            "Unsupported source schema version",
            format!(
                "{} state of schema version {} cannot be moved; this provider reads schema version 0. Upgrade this provider, or move from a state written by a provider version that uses schema version 0.",
                req.source_type_name, req.source_schema_version
            ),
        )));
    }
    let parsed: J = match serde_json::from_slice(req.source_state) {
        Ok(j) => j,
        Err(e) => {
            return Some(Err(Diagnostics::with_error(
                "Malformed source state",
                format!("The moved state is not valid JSON: {e}."),
            )))
        }
    };
    if from_ourselves {
        return Some(
            json::from_json(&parsed, own).map_err(|e| Diagnostics::with_error("Malformed source state", e.to_string())),
        );
    }
    Some(from_official_state(&parsed))
}

/// Reads the official provider's attributes, collecting every problem.
struct Source<'a> {
    obj: &'a Map<String, J>,
    diags: Diagnostics,
}

impl<'a> Source<'a> {
    fn kind(v: &J) -> &'static str {
        match v {
            J::Null => "null",
            J::Bool(_) => "a bool",
            J::Number(_) => "a number",
            J::String(_) => "a string",
            J::Array(_) => "a list",
            J::Object(_) => "an object",
        }
    }

    fn wrong(&mut self, at: &str, v: &J, want: &str) {
        self.diags.error(
            "Malformed source state",
            format!("Attribute {at} of the {OFFICIAL_TYPE} state is {}, not {want}.", Self::kind(v)),
        );
    }

    fn string_in(&mut self, obj: &Map<String, J>, name: &str, at: &str) -> Value {
        match obj.get(name) {
            None | Some(J::Null) => Value::Null,
            Some(J::String(s)) => Value::from(s.as_str()),
            Some(other) => {
                let other = other.clone();
                self.wrong(at, &other, "a string");
                Value::Null
            }
        }
    }

    fn string(&mut self, name: &str) -> Value {
        let obj = self.obj;
        self.string_in(obj, name, name)
    }

    /// A string, with "" read as absent (the official provider writes "" for unset optionals).
    fn optional(&mut self, name: &str) -> Value {
        match self.string(name) {
            Value::String(s) if s.is_empty() => Value::Null,
            v => v,
        }
    }

    fn bool(&mut self, name: &str) -> Value {
        match self.obj.get(name) {
            None | Some(J::Null) => Value::Null,
            Some(J::Bool(b)) => Value::Bool(*b),
            Some(other) => {
                let other = other.clone();
                self.wrong(name, &other, "a bool");
                Value::Null
            }
        }
    }

    fn strings(&mut self, name: &str) -> Value {
        match self.obj.get(name) {
            None | Some(J::Null) => Value::Null,
            Some(J::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        J::String(s) => out.push(Value::from(s.as_str())),
                        other => {
                            let other = other.clone();
                            self.wrong(&format!("{name}[{i}]"), &other, "a string");
                        }
                    }
                }
                if out.is_empty() {
                    Value::Null
                } else {
                    Value::List(out)
                }
            }
            Some(other) => {
                let other = other.clone();
                self.wrong(name, &other, "a list of strings");
                Value::Null
            }
        }
    }

    fn time(&mut self, name: &str) -> Value {
        match self.string(name) {
            Value::String(s) if s.is_empty() => Value::Null,
            Value::String(s) => match parse_go_utc(&s).and_then(rfc3339) {
                Some(t) => Value::from(t),
                None => {
                    self.diags.warning(
                        "Unreadable time in the source state",
                        format!("{name} = {s:?} is not in the format \"2006-01-02 15:04:05 UTC\"; it is read again from the API."),
                    );
                    Value::Null
                }
            },
            other => other,
        }
    }

    fn volume(&mut self) -> Value {
        let first = match self.obj.get("volume") {
            Some(J::Array(items)) if items.len() == 1 => items.first().cloned().unwrap_or_default(),
            Some(J::Array(items)) => {
                self.diags.error(
                    "Malformed source state",
                    format!("volume of the {OFFICIAL_TYPE} state has {} entries, not exactly one.", items.len()),
                );
                return Value::List(Vec::new());
            }
            None | Some(J::Null) => {
                self.diags.error("Malformed source state", format!("The {OFFICIAL_TYPE} state has no volume."));
                return Value::List(Vec::new());
            }
            Some(other) => {
                let other = other.clone();
                self.wrong("volume", &other, "a list of one object");
                return Value::List(Vec::new());
            }
        };
        let J::Object(v) = &first else {
            self.wrong("volume[0]", &first, "an object");
            return Value::List(Vec::new());
        };
        let size = match v.get("size") {
            None | Some(J::Null) => Value::Null,
            Some(J::Number(n)) if n.as_i64().is_some() => Value::int(n.as_i64().unwrap_or_default()),
            Some(other) => {
                let other = other.clone();
                self.wrong("volume[0].size", &other, "a whole number");
                Value::Null
            }
        };
        let mut fields = vec![("size", size)];
        for f in ["type", "ownership", "uri", "mount_path"] {
            let value = match self.string_in(v, f, &format!("volume[0].{f}")) {
                Value::String(s) if s.is_empty() => Value::Null,
                x => x,
            };
            fields.push((f, value));
        }
        Value::List(vec![Value::object(fields)])
    }
}

fn from_official_state(parsed: &J) -> Result<Value, Diagnostics> {
    let J::Object(obj) = parsed else {
        return Err(Diagnostics::with_error(
            "Malformed source state",
            format!("The {OFFICIAL_TYPE} state is not an object."),
        ));
    };
    let mut src = Source { obj, diags: Diagnostics::new() };
    let id = src.string("id");
    if id.as_str().is_none_or(str::is_empty) {
        src.diags.error(
            "Malformed source state",
            format!("The {OFFICIAL_TYPE} state has no id, so there is no notebook to move."),
        );
    }
    // The notebook stays in its region: reads go to that region's endpoint and project.
    let region = src.optional("region");
    let status = src.string("status");
    let running = status.as_str().map_or(Value::Null, |s| Value::Bool(is_running(&Status::parse(s))));
    let state = Value::object([
        ("id", id),
        ("region", region),
        ("name", src.string("name")),
        ("description", src.optional("description")),
        ("flavor_id", src.string("flavor_id")),
        ("image_id", src.string("image_id")),
        ("volume", src.volume()),
        ("key_pair", src.optional("key_pair")),
        ("allowed_access_ips", src.strings("allowed_access_ips")),
        ("workspace_id", src.optional("workspace_id")),
        ("pool_id", src.optional("pool_id")),
        ("running", running),
        ("status", status),
        ("url", src.optional("url")),
        ("ssh_uri", src.optional("ssh_uri")),
        ("image_name", src.optional("image_name")),
        ("image_swr_path", src.optional("image_swr_path")),
        ("image_type", src.optional("image_type")),
        ("created_at", src.time("created_at")),
        ("updated_at", src.time("updated_at")),
        ("auto_stop", Value::List(Vec::new())),
        // The official provider turns auto-stop off at every create and start, as
        // this one does without an `auto_stop` block.
        ("auto_stop_enabled", src.bool("auto_stop_enabled")),
        ("allow_stopping_for_update", Value::Bool(true)),
        ("hooks", Value::List(Vec::new())),
        ("pool_name", src.optional("pool_name")),
        ("mount_storages", Value::List(Vec::new())),
        ("timeouts", Value::Null),
        ("fail_reason", Value::Null),
    ]);
    if src.diags.has_errors() {
        Err(src.diags)
    } else {
        // Warnings (an unreadable time) travel with the state through a second call
        // only as logs: the move itself succeeds.
        for d in src.diags.iter() {
            tracing::warn!(detail = %d, "moving {OFFICIAL_TYPE}");
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::notebook::schema::schema;

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
