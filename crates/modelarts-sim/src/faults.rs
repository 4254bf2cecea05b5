//! Fault injection: rules that make the simulator answer errors, lose answers,
//! send broken bodies, or end transitions badly. Rules come from command-line flags
//! or, at run time, from the control API (`POST /_sim/faults`).

use serde::{Deserialize, Serialize};

/// An API operation, as fault rules and the call log name it (a new one goes into
/// [`Op::ALL`] too, which `modelarts-sim --help` lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `POST notebooks`.
    Create,
    /// `GET notebooks/{id}`.
    Show,
    /// `GET notebooks`.
    List,
    /// `PUT notebooks/{id}`.
    Update,
    /// `DELETE notebooks/{id}`.
    Delete,
    /// `POST notebooks/{id}/start`.
    Start,
    /// `POST notebooks/{id}/stop`.
    Stop,
    /// `GET notebooks/flavors`.
    Flavors,
    /// `GET notebooks/{id}/flavors`.
    SwitchableFlavors,
    /// `GET notebooks/{id}/lease`.
    LeaseShow,
    /// `PATCH notebooks/{id}/lease`.
    LeaseRenew,
    /// `GET images`.
    Images,
    /// `GET images/{id}`.
    ImageShow,
    /// `GET notebooks/{id}/storage`.
    StorageList,
    /// `POST notebooks/{id}/storage`.
    StorageMount,
    /// `GET notebooks/{id}/storage/{storage_id}`.
    StorageShow,
    /// `DELETE notebooks/{id}/storage/{storage_id}`.
    StorageUnmount,
    /// `POST notebooks/{id}/create-image`.
    SaveImage,
    /// `POST notebooks/{id}/tags/create`.
    TagsCreate,
    /// `DELETE notebooks/{id}/tags/delete`.
    TagsDelete,
}

impl Op {
    /// Every operation.
    pub const ALL: [Op; 20] = [
        Op::Create,
        Op::Show,
        Op::List,
        Op::Update,
        Op::Delete,
        Op::Start,
        Op::Stop,
        Op::Flavors,
        Op::SwitchableFlavors,
        Op::LeaseShow,
        Op::LeaseRenew,
        Op::Images,
        Op::ImageShow,
        Op::StorageList,
        Op::StorageMount,
        Op::StorageShow,
        Op::StorageUnmount,
        Op::SaveImage,
        Op::TagsCreate,
        Op::TagsDelete,
    ];

    /// The operation called `s` (`create`, `switchable_flavors`, ...).
    pub fn parse(s: &str) -> Option<Op> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }

    /// The operation's name, as `parse` reads it.
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
    }
}

/// A body that does not parse as the API's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Garbage {
    /// Plain text.
    NotJson,
    /// JSON cut off in the middle.
    Truncated,
    /// JSON with the wrong types (a number for the ID, ...).
    WrongTypes,
    /// An HTML error page.
    Html,
    /// Nothing at all.
    Empty,
}

impl Garbage {
    /// The kind called `s` (`not_json`, `wrong_types`, ...).
    pub fn parse(s: &str) -> Option<Garbage> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }

    /// The body and its content type.
    pub fn body(self) -> (&'static str, &'static str) {
        match self {
            Garbage::NotJson => ("text/plain", "service temporarily confused"),
            Garbage::Truncated => ("application/json", r#"{"id": "a1b2", "name": "nb", "status": "RUNN"#),
            Garbage::WrongTypes => {
                ("application/json", r#"{"id": 42, "name": ["x"], "status": {"a": 1}, "volume": "big"}"#)
            }
            Garbage::Html => (
                "text/html",
                "<html><head><title>502</title></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>",
            ),
            Garbage::Empty => ("application/json", ""),
        }
    }
}

/// Something a hostile or unlucky API does to a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Answer with this HTTP status and error body, without doing anything — or,
    /// with `after_work`, after doing the work (as when a concurrent caller got
    /// there first: a start answered "already running").
    Reply {
        /// The HTTP status.
        status: u16,
        /// The error code (`ModelArts.6357`); empty sends none.
        #[serde(default)]
        code: String,
        /// The error message.
        #[serde(default)]
        message: String,
        /// A `Retry-After` header, in seconds.
        #[serde(default)]
        retry_after: Option<f64>,
        /// Do the work first.
        #[serde(default)]
        after_work: bool,
    },
    /// Do the work, then drop the connection: the answer is lost.
    DropAnswer,
    /// Answer with a broken body: with status 200 (the default) after doing the
    /// work; with an error status (a proxy's error page) without doing it.
    Garbage {
        /// What kind of broken body.
        body: Garbage,
        /// The HTTP status; 200 when absent.
        #[serde(default)]
        status: Option<u16>,
    },
    /// Do the work, then answer 200 with a (syntactically valid) JSON body of
    /// `bytes` bytes, 17 MiB by default: more than any client should hold.
    Oversized {
        /// The body's size; [`OVERSIZED_BYTES`] when absent.
        #[serde(default)]
        bytes: Option<usize>,
    },
    /// Do the work, then answer 200 and send the body a byte at a time, forever.
    EndlessBody,
    /// The transition this call starts ends in ERROR with this `fail_reason`.
    TransitionError {
        /// The `fail_reason` the notebook reports.
        reason: String,
    },
    /// The transition this call starts never ends.
    TransitionStuck,
    /// Add `Retry-After: value` to the answer, whatever it is (2xx included).
    RetryAfter {
        /// The header's value, as sent.
        value: String,
    },
    /// Add headers whose values are not UTF-8 (`Retry-After` among them).
    BadHeaders,
}

/// Which part of handling a request a fault changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Replaces or breaks the answer.
    Answer,
    /// Changes how the transition the call starts ends.
    Transition,
    /// Adds to whatever the answer is.
    Decoration,
}

impl Fault {
    /// Which part of handling a request the fault changes.
    pub fn family(&self) -> Family {
        match self {
            Fault::TransitionError { .. } | Fault::TransitionStuck => Family::Transition,
            Fault::RetryAfter { .. } | Fault::BadHeaders => Family::Decoration,
            _ => Family::Answer,
        }
    }
}

/// The default size of an oversized answer: just past the provider's 16 MiB limit.
pub const OVERSIZED_BYTES: usize = 17 << 20;

/// A fault for the requests of one operation (or all), a number of times (or always).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// The operation it applies to; absent means every one.
    #[serde(default)]
    pub op: Option<Op>,
    /// What it does.
    #[serde(flatten)]
    pub fault: Fault,
    /// How many matching requests it applies to; absent means every one.
    #[serde(default)]
    pub times: Option<u32>,
}

/// Why a fault rule does not parse. `Display` names the rule and the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// The rule as written.
    pub spec: String,
    /// What is wrong with it.
    pub problem: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.spec, self.problem)
    }
}

impl std::error::Error for RuleError {}

impl Rule {
    /// Parses `OP:KIND[:ARG][*TIMES]` as given on the command line, e.g.
    /// `create:drop_answer*1`, `start:transition_error:no capacity`, `show:garbage:html`,
    /// `update:reply:500*1`. `OP` may be `any`.
    pub fn parse(spec: &str) -> Result<Rule, RuleError> {
        let bad = |problem: String| RuleError { spec: spec.to_string(), problem };
        let (body, times) = match spec.rsplit_once('*') {
            Some((b, t)) => (b, Some(t.parse::<u32>().map_err(|_| bad(format!("bad count {t:?}")))?)),
            None => (spec, None),
        };
        let mut parts = body.splitn(3, ':');
        let op_text = parts.next().unwrap_or_default();
        let op = if op_text == "any" {
            None
        } else {
            Some(Op::parse(op_text).ok_or_else(|| bad(format!("unknown operation {op_text:?}")))?)
        };
        let kind = parts.next().ok_or_else(|| bad("missing fault kind".to_string()))?;
        let arg = parts.next();
        let fault = match (kind, arg) {
            ("drop_answer", None) => Fault::DropAnswer,
            ("endless_body", None) => Fault::EndlessBody,
            ("bad_headers", None) => Fault::BadHeaders,
            ("retry_after", Some(v)) => Fault::RetryAfter { value: v.to_string() },
            ("oversized", bytes) => Fault::Oversized {
                bytes: bytes.map(|b| b.parse().map_err(|_| bad(format!("bad size {b:?}")))).transpose()?,
            },
            ("transition_stuck", None) => Fault::TransitionStuck,
            ("transition_error", reason) => {
                Fault::TransitionError { reason: reason.unwrap_or("simulated failure").to_string() }
            }
            ("garbage", Some(g)) => Fault::Garbage {
                body: Garbage::parse(g).ok_or_else(|| bad(format!("unknown garbage {g:?}")))?,
                status: None,
            },
            ("reply", Some(status)) => Fault::Reply {
                status: status.parse().map_err(|_| bad(format!("bad status {status:?}")))?,
                code: String::new(),
                message: "simulated failure".into(),
                retry_after: None,
                after_work: false,
            },
            _ => return Err(bad(format!("unknown fault {kind:?}"))),
        };
        Ok(Rule { op, fault, times })
    }
}

/// The active rules, consumed as they fire.
#[derive(Default, Debug)]
pub(crate) struct Faults {
    pub(crate) rules: Vec<Rule>,
    /// Fraction of requests answered 503 at random.
    pub(crate) error_rate: f64,
}

impl Faults {
    /// The first rule for `op` of `family`, used up by one.
    pub(crate) fn take(&mut self, op: Op, family: Family) -> Option<Fault> {
        let idx = self
            .rules
            .iter()
            .position(|r| r.op.is_none_or(|o| o == op) && r.fault.family() == family && r.times != Some(0))?;
        let rule = self.rules.get_mut(idx)?;
        let fault = rule.fault.clone();
        if let Some(t) = &mut rule.times {
            *t = t.saturating_sub(1);
            if *t == 0 {
                self.rules.remove(idx);
            }
        }
        Some(fault)
    }

    /// Every decoration rule for `op`, each used up by one.
    pub(crate) fn take_decorations(&mut self, op: Op) -> Vec<Fault> {
        let n = self.rules.iter().filter(|r| r.fault.family() == Family::Decoration).count();
        (0..n).map_while(|_| self.take(op, Family::Decoration)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_command_line_rules() {
        assert_eq!(
            Rule::parse("create:drop_answer*1").unwrap(),
            Rule { op: Some(Op::Create), fault: Fault::DropAnswer, times: Some(1) }
        );
        let r = Rule::parse("start:transition_error:no GPU left").unwrap();
        assert_eq!(r.fault, Fault::TransitionError { reason: "no GPU left".into() });
        assert_eq!(r.times, None);
        assert!(matches!(Rule::parse("any:reply:503*3").unwrap().fault, Fault::Reply { status: 503, .. }));
        assert_eq!(
            Rule::parse("show:garbage:html").unwrap().fault,
            Fault::Garbage { body: Garbage::Html, status: None }
        );
        assert_eq!(Rule::parse("any:retry_after:1e20").unwrap().fault, Fault::RetryAfter { value: "1e20".into() });
        assert_eq!(Rule::parse("show:oversized").unwrap().fault, Fault::Oversized { bytes: None });
        assert_eq!(Rule::parse("show:oversized:100").unwrap().fault, Fault::Oversized { bytes: Some(100) });
        assert_eq!(Rule::parse("any:bad_headers").unwrap().fault.family(), Family::Decoration);
        assert_eq!(Rule::parse("show:endless_body*1").unwrap().fault, Fault::EndlessBody);
        assert!(Rule::parse("nope:drop_answer").is_err());
        assert!(Rule::parse("show:garbage:xml").is_err());
        assert!(Rule::parse("show").is_err());
    }

    #[test]
    fn rules_are_used_up() {
        let mut f = Faults {
            rules: vec![Rule::parse("update:reply:500*1").unwrap(), Rule::parse("start:transition_stuck").unwrap()],
            error_rate: 0.0,
        };
        assert!(f.take(Op::Show, Family::Answer).is_none());
        assert!(f.take(Op::Update, Family::Transition).is_none());
        assert!(f.take(Op::Update, Family::Answer).is_some());
        assert!(f.take(Op::Update, Family::Answer).is_none());
        assert!(f.take(Op::Start, Family::Transition).is_some());
        assert!(f.take(Op::Start, Family::Transition).is_some(), "a rule without a count stays");
    }

    #[test]
    fn json_rules_for_the_control_api() {
        let r: Rule = serde_json::from_str(
            r#"{"op":"update","kind":"reply","status":500,"code":"ModelArts.7000","message":"disk busy","times":1}"#,
        )
        .unwrap();
        assert_eq!(r.op, Some(Op::Update));
        assert!(matches!(r.fault, Fault::Reply { status: 500, .. }));
    }
}
