//! Reading a state the official Huawei Cloud provider wrote, for `moved` blocks
//! from its `huaweicloud_modelarts_*` types into this provider's.
//!
//! The official provider (terraform-plugin-sdk v2) writes every attribute, with `""`
//! for an unset optional string; its schema versions are 0. A state that does not
//! fit is refused with every problem listed, never half-moved.

use serde_json::{Map, Value as J};

use crate::framework::resource::{MoveStateRequest, MoveStateResponse};
use crate::protocol::{Diagnostics, Value};
use crate::timefmt::{parse_go_utc, rfc3339};

/// The official provider's address.
pub(crate) const OFFICIAL_PROVIDER: &str = "registry.terraform.io/huaweicloud/huaweicloud";

/// Whether `req` moves a `type_name` of the official provider.
pub(crate) fn is_official(req: &MoveStateRequest<'_>, type_name: &str) -> bool {
    req.source_type_name == type_name && req.source_provider_address == OFFICIAL_PROVIDER
}

/// Answers a move from the official `type_name` with the state `convert` makes of
/// its JSON; a move from any other type is left unanswered (Terraform refuses it).
pub(crate) fn answer_move(
    req: &MoveStateRequest<'_>,
    resp: &mut MoveStateResponse,
    type_name: &str,
    convert: fn(&J) -> Result<Value, Diagnostics>,
) {
    if !is_official(req, type_name) {
        return;
    }
    match source_json(req).and_then(|j| convert(&j)) {
        Ok(state) => resp.state = Some(state),
        Err(d) => resp.diagnostics.extend(d),
    }
}

/// The source state's JSON, when its schema version is one this provider reads (0).
pub(crate) fn source_json(req: &MoveStateRequest<'_>) -> Result<J, Diagnostics> {
    if req.source_schema_version != 0 {
        return Err(Diagnostics::with_error(
            "Unsupported source schema version",
            format!(
                "{} state of schema version {} cannot be moved; this provider reads schema version 0. Upgrade this provider, or move from a state written by a provider version that uses schema version 0.",
                req.source_type_name, req.source_schema_version
            ),
        ));
    }
    serde_json::from_slice(req.source_state).map_err(|e| {
        Diagnostics::with_error("Malformed source state", format!("The moved state is not valid JSON: {e}."))
    })
}

/// The official provider's attributes of one state, read one by one; every problem
/// is collected.
#[derive(Debug)]
pub(crate) struct OfficialState<'a> {
    type_name: &'static str,
    obj: &'a Map<String, J>,
    /// What was wrong so far.
    pub(crate) diags: Diagnostics,
}

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

impl<'a> OfficialState<'a> {
    /// The state of a `type_name`, which must be an object.
    pub(crate) fn of(type_name: &'static str, parsed: &'a J) -> Result<Self, Diagnostics> {
        match parsed {
            J::Object(obj) => Ok(OfficialState { type_name, obj, diags: Diagnostics::new() }),
            _ => Err(Diagnostics::with_error(
                "Malformed source state",
                format!("The {type_name} state is not an object."),
            )),
        }
    }

    /// The raw JSON of attribute `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&'a J> {
        self.obj.get(name)
    }

    /// Records that the attribute at `at` is `v`, not what was wanted.
    pub(crate) fn wrong(&mut self, at: &str, v: &J, want: &str) {
        self.diags.error(
            "Malformed source state",
            format!("Attribute {at} of the {} state is {}, not {want}.", self.type_name, kind(v)),
        );
    }

    /// Records that the state lacks what the move needs.
    pub(crate) fn missing(&mut self, what: &str) {
        self.diags.error("Malformed source state", format!("The {} state has no {what}.", self.type_name));
    }

    /// String `name` of `obj` (a nested object of the state), reported as `at`.
    pub(crate) fn string_in(&mut self, obj: &Map<String, J>, name: &str, at: &str) -> Value {
        match obj.get(name) {
            None | Some(J::Null) => Value::Null,
            Some(J::String(s)) => Value::from(s.as_str()),
            Some(other) => {
                self.wrong(at, other, "a string");
                Value::Null
            }
        }
    }

    /// String attribute `name`.
    pub(crate) fn string(&mut self, name: &str) -> Value {
        let obj = self.obj;
        self.string_in(obj, name, name)
    }

    /// A string that must be there and not empty (one of another type is reported
    /// once, as that).
    pub(crate) fn required(&mut self, name: &str) -> Value {
        let v = self.string(name);
        if matches!(self.obj.get(name), None | Some(J::Null)) || v.as_str() == Some("") {
            self.missing(name);
        }
        v
    }

    /// A string, with "" read as absent (the official provider writes "" for unset optionals).
    pub(crate) fn optional(&mut self, name: &str) -> Value {
        match self.string(name) {
            Value::String(s) if s.is_empty() => Value::Null,
            v => v,
        }
    }

    /// Bool attribute `name`.
    pub(crate) fn bool(&mut self, name: &str) -> Value {
        match self.obj.get(name) {
            None | Some(J::Null) => Value::Null,
            Some(J::Bool(b)) => Value::Bool(*b),
            Some(other) => {
                self.wrong(name, other, "a bool");
                Value::Null
            }
        }
    }

    /// A list of strings; an empty one is read as absent.
    pub(crate) fn strings(&mut self, name: &str) -> Value {
        match self.obj.get(name) {
            None | Some(J::Null) => Value::Null,
            Some(J::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        J::String(s) => out.push(Value::from(s.as_str())),
                        other => self.wrong(&format!("{name}[{i}]"), other, "a string"),
                    }
                }
                if out.is_empty() {
                    Value::Null
                } else {
                    Value::List(out)
                }
            }
            Some(other) => {
                self.wrong(name, other, "a list of strings");
                Value::Null
            }
        }
    }

    /// A map of strings (the official `tags`); an empty one is read as absent.
    pub(crate) fn string_map(&mut self, name: &str) -> Value {
        match self.obj.get(name) {
            None | Some(J::Null) => Value::Null,
            Some(J::Object(m)) => {
                let mut out = std::collections::BTreeMap::new();
                for (k, v) in m {
                    match v {
                        J::String(s) => {
                            out.insert(k.clone(), Value::from(s.as_str()));
                        }
                        other => self.wrong(&format!("{name}.{k}"), other, "a string"),
                    }
                }
                if out.is_empty() {
                    Value::Null
                } else {
                    Value::Map(out)
                }
            }
            Some(other) => {
                self.wrong(name, other, "a map of strings");
                Value::Null
            }
        }
    }

    /// A time the official provider writes as `2006-01-02 15:04:05 UTC`, as RFC 3339;
    /// one it cannot read is left to the next read from the API (a warning).
    pub(crate) fn time(&mut self, name: &str) -> Value {
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

    /// `state` when nothing was wrong; warnings go to the log (the move succeeds).
    pub(crate) fn finish(self, state: Value) -> Result<Value, Diagnostics> {
        if self.diags.has_errors() {
            return Err(self.diags);
        }
        for d in self.diags.iter() {
            tracing::warn!(detail = %d, "moving {}", self.type_name);
        }
        Ok(state)
    }
}
