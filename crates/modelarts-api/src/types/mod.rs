//! The ModelArts notebook API's JSON shapes, shared by the client and the simulator.
//! Unknown fields are ignored; absent or null optional fields decode as empty.
//!
//! Field names and enums come from the official Python SDK's models
//! (`huaweicloudsdkmodelarts/v1/model/`: `NotebookCreateRequest`,
//! `NotebookUpdateRequest`, `VolumeMountRequest`, `CustomHooks`, `LeaseReq`,
//! `ShowNotebookResponse`, ...). A few fields the SDK's current models lack are
//! documented elsewhere, and are marked where they are declared: the SSH
//! endpoint's `allowed_access_ips` (the public API pages *Updating* and *Starting a
//! Notebook Instance*, and the
//! official Go provider's SDK, `golangsdk` `EndpointsReq`), and the instance's own
//! `create_at` / `update_at` (`golangsdk` `Notebook`, read by the official provider).
//!
//! The shapes are grouped by where they travel: `instance` what the API answers
//! about a notebook and its mounts, `requests` what the client sends, and
//! `catalogue` the flavors and images a notebook is made from.

mod catalogue;
mod instance;
mod requests;

pub use catalogue::*;
pub use instance::*;
pub use requests::*;

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that is only shown, never acted on (the notebooks data source's
/// `tags`, `ip`, ...): a value of another shape than the SDK's decodes as empty
/// rather than failing the whole answer, which the resource also reads.
fn lenient<'de, D: Deserializer<'de>, T: Default + serde::de::DeserializeOwned>(d: D) -> Result<T, D::Error> {
    let raw = serde_json::Value::deserialize(d)?;
    Ok(T::deserialize(raw).unwrap_or_default())
}

/// A null or absent value decodes as the type's default.
fn nullable<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A notebook's status. Statuses this client does not know are kept as `Other`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Status {
    /// `INIT`: being set up.
    Init,
    /// `CREATING`.
    Creating,
    /// `STARTING`.
    Starting,
    /// `STOPPING`.
    Stopping,
    /// `DELETING`.
    Deleting,
    /// `RUNNING`.
    Running,
    /// `STOPPED`.
    Stopped,
    /// `SNAPSHOTTING`: an image is being saved from it.
    Snapshotting,
    /// `CREATE_FAILED`.
    CreateFailed,
    /// `START_FAILED`.
    StartFailed,
    /// `DELETE_FAILED`.
    DeleteFailed,
    /// `ERROR`.
    Error,
    /// `DELETED`.
    Deleted,
    /// `FROZEN`.
    Frozen,
    /// No status in the answer.
    #[default]
    Unknown,
    /// A status this client does not know, as the API wrote it.
    Other(String),
}

const STATUS_NAMES: &[(Status, &str)] = &[
    (Status::Init, "INIT"),
    (Status::Creating, "CREATING"),
    (Status::Starting, "STARTING"),
    (Status::Stopping, "STOPPING"),
    (Status::Deleting, "DELETING"),
    (Status::Running, "RUNNING"),
    (Status::Stopped, "STOPPED"),
    (Status::Snapshotting, "SNAPSHOTTING"),
    (Status::CreateFailed, "CREATE_FAILED"),
    (Status::StartFailed, "START_FAILED"),
    (Status::DeleteFailed, "DELETE_FAILED"),
    (Status::Error, "ERROR"),
    (Status::Deleted, "DELETED"),
    (Status::Frozen, "FROZEN"),
];

impl Status {
    /// The status called `s` by the API.
    pub fn parse(s: &str) -> Status {
        STATUS_NAMES.iter().find(|(_, n)| *n == s).map_or_else(
            || if s.is_empty() { Status::Unknown } else { Status::Other(s.to_string()) },
            |(st, _)| st.clone(),
        )
    }

    /// The API's name of the status.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Other(s) => s,
            Status::Unknown => "",
            known => STATUS_NAMES.iter().find(|(st, _)| st == known).map_or("", |(_, n)| n),
        }
    }

    /// On its way somewhere: wait before acting on the instance.
    pub fn is_transitional(&self) -> bool {
        matches!(
            self,
            Status::Init
                | Status::Creating
                | Status::Starting
                | Status::Stopping
                | Status::Deleting
                | Status::Snapshotting
        )
    }

    /// A failed end state: waiting longer will not help.
    pub fn is_failure(&self) -> bool {
        matches!(self, Status::Error | Status::CreateFailed | Status::StartFailed | Status::DeleteFailed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if *self == Status::Unknown { "(none)" } else { self.as_str() })
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Status::parse(&nullable::<D, String>(d)?))
    }
}

/// A secret string (the notebook web UI's token): never shown by `Debug`, never
/// echoed by a decode error, whatever its JSON type.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Secret(s),
            _ => Secret::default(),
        })
    }
}

/// One page of a list call.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(default, bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    /// The page's number.
    #[serde(deserialize_with = "nullable")]
    pub current: i64,
    /// The page's items.
    #[serde(deserialize_with = "nullable")]
    pub data: Vec<T>,
    /// How many pages there are.
    #[serde(deserialize_with = "nullable")]
    pub pages: i64,
    /// Items per page.
    #[serde(deserialize_with = "nullable")]
    pub size: i64,
    /// How many items there are in all.
    #[serde(deserialize_with = "nullable")]
    pub total: i64,
    /// The flavors call may carry its list here instead of (or as well as) in `data`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flavors: Option<Vec<T>>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page { current: 0, data: Vec::new(), pages: 0, size: 0, total: 0, flavors: None }
    }
}

impl<T> Page<T> {
    /// The page's items, from `data` or `flavors`.
    pub fn into_items(self) -> Vec<T> {
        match self.flavors {
            Some(f) if self.data.is_empty() => f,
            _ => self.data,
        }
    }
}

/// The API's error body.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
#[serde(default)]
pub struct ErrorBody {
    /// The API's error code, e.g. `ModelArts.6357`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The API's error message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_seed_pages_example_and_ignores_unknown_fields() {
        let j = r#"{
          "description": "api-test", "feature": "NOTEBOOK", "flavor": "modelarts.vm.cpu.2u",
          "id": "f9937afa-4451-42db-a76b-72d624749f66",
          "image": {"description": "d", "id": "e1a07296-22a8-4f05-8bc8-e936c8e54090",
            "name": "notebook2.0-mul-kernel-cpu-cp36", "swr_path": "swr.xxxxx.com/atelier/x:3.3.2", "tag": "3.3.2-release_v1", "type": "BUILD_IN"},
          "lease": {"create_at": 1638841744515, "duration": 6327212, "enable": true, "type": "TIMING", "update_at": 1638844471727},
          "name": "notebooks_test", "status": "STARTING", "token": "5cc60e8b-8772-7690-efd6-a5874ca387c0",
          "url": "https://authoring/lab", "volume": {"category": "EFS", "ownership": "MANAGED", "mount_path": "/home/ma-user/work/", "capacity": 50},
          "workspace_id": "0", "brand_new_field": {"x": 1}, "endpoints": null, "action_progress": []
        }"#;
        let n: Notebook = serde_json::from_str(j).unwrap();
        assert_eq!(n.status, Status::Starting);
        assert_eq!(n.image.kind.as_deref(), Some("BUILD_IN"));
        assert_eq!(n.volume.as_ref().unwrap().capacity, Some(50));
        assert_eq!(n.lease.as_ref().unwrap().duration, Some(6327212));
        assert!(n.endpoints.is_empty());
        assert!(!format!("{n:?}").contains("5cc60e8b"), "the token never shows in Debug output");
    }

    #[test]
    fn minimal_and_odd_bodies() {
        let n: Notebook =
            serde_json::from_str(r#"{"id":"x","status":"SOMETHING_NEW","token":42,"name":null}"#).unwrap();
        assert_eq!(n.status, Status::Other("SOMETHING_NEW".into()));
        assert_eq!(n.token, Some(Secret::default()));
        assert_eq!(n.name, "");
        let e: EndpointRes = serde_json::from_str(r#"{"service":"SSH","ssh_keys":["k"],"uri":"1.2.3.4:22"}"#).unwrap();
        assert_eq!(e.key_pair_names, vec!["k"]);
        let s: SwitchableFlavors = serde_json::from_str(r#"{"data":[{"id":"a"}]}"#).unwrap();
        assert_eq!(s.into_list()[0].id, "a");
    }

    #[test]
    fn fields_only_shown_survive_odd_shapes() {
        let n: Notebook = serde_json::from_str(
            r#"{"id":"x","status":"RUNNING","billing_items":"COMPUTE","ip":7,"data_volumes":[{"url":5}],"user_id":"u"}"#,
        )
        .unwrap();
        assert!(n.billing_items.is_empty() && n.data_volumes.is_empty());
        assert_eq!((n.ip, n.user_id.as_deref()), (None, Some("u")));
        for acted_on in [r#""volume":"big""#, r#""tags":{"a":1}"#] {
            let bad = serde_json::from_str::<Notebook>(&format!(r#"{{"id":"x","status":"RUNNING",{acted_on}}}"#));
            let e = bad.unwrap_err();
            assert!(e.to_string().contains("invalid type"), "fields acted on stay strict: {e}");
        }
    }

    #[test]
    fn status_names_round_trip() {
        for (st, name) in STATUS_NAMES {
            assert_eq!(Status::parse(name), *st);
            assert_eq!(st.as_str(), *name);
        }
        assert!(Status::Stopping.is_transitional());
        assert!(Status::StartFailed.is_failure());
        assert!(!Status::Running.is_transitional());
    }

    #[test]
    fn update_body_sends_only_changes() {
        let u = UpdateNotebook { flavor: Some("f".into()), ..Default::default() };
        assert_eq!(serde_json::to_string(&u).unwrap(), r#"{"flavor":"f"}"#);
        assert!(UpdateNotebook::default().is_empty());
    }
}
