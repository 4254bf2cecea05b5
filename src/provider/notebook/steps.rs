//! The steps an update takes: each group of changes in the status it needs
//! ([`Needs`]), in the order with the fewest starts and stops from the status the
//! notebook is in to the one it should end in. The same planner runs at plan time
//! (to say what apply will do, and to refuse what `allow_stopping_for_update`
//! forbids) and at apply time (on the notebook as the API reports it).

use crate::client::ids::FlavorId;
use crate::client::types::{LeaseReq, Status, UpdateNotebook};

use super::changes::{Field, Needs};

/// A settled power state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Power {
    Running,
    Stopped,
}

impl Power {
    pub(crate) fn of(running: bool) -> Power {
        if running {
            Power::Running
        } else {
            Power::Stopped
        }
    }

    /// The settled status of this power state.
    pub(crate) fn status(self) -> Status {
        match self {
            Power::Running => Status::Running,
            Power::Stopped => Status::Stopped,
        }
    }
}

/// One PUT: its body, and the fields it changes (a value known only after apply is
/// missing from a plan's body, never from its fields).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Update {
    pub body: UpdateNotebook,
    pub fields: Vec<Field>,
}

impl Update {
    pub(crate) fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    fn merge(&mut self, from: Update) {
        self.body.name = self.body.name.take().or(from.body.name);
        self.body.description = self.body.description.take().or(from.body.description);
        for f in from.fields {
            if !self.fields.contains(&f) {
                self.fields.push(f);
            }
        }
    }
}

/// The updates to make, grouped by the status each needs ([`super::diff::Diff::changes`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Changes {
    /// Fields any settled status takes.
    pub any: Update,
    /// Fields only a running notebook takes.
    pub running: Update,
    /// Fields only a stopped notebook takes.
    pub stopped: Update,
    /// The auto-stop settings changed: renewed through the lease API when no start
    /// carries them.
    pub auto_stop_changed: bool,
}

impl Changes {
    pub(crate) fn group_mut(&mut self, needs: Needs) -> &mut Update {
        match needs {
            Needs::AnyStatus => &mut self.any,
            Needs::Running => &mut self.running,
            Needs::Stopped => &mut self.stopped,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Step {
    /// Refuse a flavor the notebook cannot switch to, before touching anything.
    CheckFlavor(FlavorId),
    /// One PUT, sent while the notebook is in the status it needs.
    Update {
        update: Box<Update>,
        needs: Needs,
    },
    /// Wait until a growing volume is no longer `RESIZING` (before a stop, another
    /// PUT or the end: as the official provider does).
    WaitForVolume,
    Stop,
    /// Carries the auto-stop (`None`: off).
    Start(Option<LeaseReq>),
    RenewLease(LeaseReq),
}

/// The steps that take a notebook from `now` to `end` while making `changes`.
/// `auto_stop` rides along with every start.
pub(crate) fn plan(changes: &Changes, now: Power, end: Power, auto_stop: Option<&LeaseReq>) -> Vec<Step> {
    let running = !changes.running.is_empty();
    let stopped = !changes.stopped.is_empty();
    // The candidate orders of the constrained groups; on a tie the running group goes
    // first (the notebook stays up longer, and storage grows before a stop).
    let orders: &[&[Power]] = match (running, stopped) {
        (true, true) => &[&[Power::Running, Power::Stopped], &[Power::Stopped, Power::Running]],
        (true, false) => &[&[Power::Running]],
        (false, true) => &[&[Power::Stopped]],
        (false, false) => &[&[]],
    };
    let order = orders.iter().copied().min_by_key(|o| transitions(now, o, end)).unwrap_or(&[]);

    let mut steps = Vec::new();
    if let Some(f) = &changes.stopped.body.flavor {
        steps.push(Step::CheckFlavor(f.clone()));
    }
    let mut any = (!changes.any.is_empty()).then(|| changes.any.clone());
    // Name and description go to a running notebook when the sequence has one: the
    // newest official provider sends them only then.
    if now == Power::Running {
        if order.first() != Some(&Power::Running) {
            if let Some(a) = any.take() {
                steps.push(Step::Update { update: Box::new(a), needs: Needs::AnyStatus });
            }
        }
    } else if !order.contains(&Power::Running) && end == Power::Stopped {
        // Stopped throughout: sent as it is (a refusal is handled at apply).
        if let Some(a) = any.take() {
            steps.push(Step::Update { update: Box::new(a), needs: Needs::AnyStatus });
        }
    }
    let mut power = now;
    for phase in order {
        if power != *phase {
            steps.push(transition_to(*phase, auto_stop));
            power = *phase;
        }
        let mut update = if *phase == Power::Running { changes.running.clone() } else { changes.stopped.clone() };
        if *phase == Power::Running {
            if let Some(a) = any.take() {
                update.merge(a);
            }
        }
        let needs = if *phase == Power::Running { Needs::Running } else { Needs::Stopped };
        steps.push(Step::Update { update: Box::new(update), needs });
        if *phase == Power::Running {
            steps.push(Step::WaitForVolume);
        }
    }
    if power != end {
        steps.push(transition_to(end, auto_stop));
        power = end;
    }
    if let Some(a) = any.take() {
        // Not sent yet: the notebook ends running and was stopped until now.
        steps.push(Step::Update { update: Box::new(a), needs: Needs::AnyStatus });
    }
    let starts = steps.iter().any(|s| matches!(s, Step::Start(_)));
    if changes.auto_stop_changed && power == Power::Running && !starts {
        if let Some(l) = auto_stop {
            steps.push(Step::RenewLease(l.clone()));
        }
    }
    steps
}

fn transition_to(power: Power, auto_stop: Option<&LeaseReq>) -> Step {
    match power {
        Power::Running => Step::Start(auto_stop.cloned()),
        Power::Stopped => Step::Stop,
    }
}

/// Starts and stops along `now`, the phases, then `end`.
fn transitions(now: Power, order: &[Power], end: Power) -> usize {
    let path: Vec<Power> = std::iter::once(now).chain(order.iter().copied()).chain(std::iter::once(end)).collect();
    path.windows(2).filter(|w| matches!(w, [a, b] if a != b)).count()
}

/// Starts or stops made only to change the notebook: all of them but the one a
/// change of `running` itself asks for.
pub(crate) fn extra_transitions(steps: &[Step], now: Power, end: Power) -> usize {
    let made = steps.iter().filter(|s| matches!(s, Step::Start(_) | Step::Stop)).count();
    made.saturating_sub(usize::from(now != end))
}

/// The steps in words, for the plan: "grow the volume to 40 GB while running,
/// stop, change flavor_id, start again".
pub(crate) fn describe(steps: &[Step], now: Power) -> String {
    let mut words = Vec::new();
    let mut was_running = now == Power::Running;
    for step in steps {
        match step {
            Step::CheckFlavor(_) => {}
            Step::Update { update, .. } => {
                let mut parts = Vec::new();
                if update.fields.contains(&Field::VolumeSize) {
                    parts.push(match update.body.storage_new_size {
                        Some(size) => format!("grow the volume to {size} GB while running"),
                        None => "grow the volume while running".to_string(),
                    });
                }
                let others: Vec<String> =
                    update.fields.iter().filter(|f| **f != Field::VolumeSize).map(|f| f.name()).collect();
                if !others.is_empty() {
                    parts.push(format!("change {}", others.join(", ")));
                }
                words.push(parts.join(" and "));
            }
            Step::WaitForVolume => words.push("wait for the resize to finish".to_string()),
            Step::Stop => words.push("stop".to_string()),
            Step::Start(_) => {
                words.push(if was_running { "start again" } else { "start" }.to_string());
                was_running = true;
            }
            Step::RenewLease(_) => words.push("renew auto-stop".to_string()),
        }
    }
    words.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(body: UpdateNotebook, field: Field) -> Update {
        Update { body, fields: vec![field] }
    }

    fn size(gb: i64) -> Update {
        update(UpdateNotebook { storage_new_size: Some(gb), ..Default::default() }, Field::VolumeSize)
    }

    fn flavor(f: &str) -> Update {
        update(UpdateNotebook { flavor: Some(f.into()), ..Default::default() }, Field::FlavorId)
    }

    fn rename() -> Update {
        update(UpdateNotebook { name: Some("renamed".into()), ..Default::default() }, Field::Name)
    }

    fn kinds(steps: &[Step]) -> Vec<&'static str> {
        steps
            .iter()
            .map(|s| match s {
                Step::CheckFlavor(_) => "check",
                Step::Update { needs: Needs::AnyStatus, .. } => "put-any",
                Step::Update { needs: Needs::Running, .. } => "put-running",
                Step::Update { needs: Needs::Stopped, .. } => "put-stopped",
                Step::WaitForVolume => "wait-volume",
                Step::Stop => "stop",
                Step::Start(_) => "start",
                Step::RenewLease(_) => "renew",
            })
            .collect()
    }

    #[test]
    fn growth_of_a_running_notebook_is_one_put_without_a_stop() {
        let c = Changes { running: size(40), ..Default::default() };
        let steps = plan(&c, Power::Running, Power::Running, None);
        assert_eq!(kinds(&steps), ["put-running", "wait-volume"]);
        assert_eq!(extra_transitions(&steps, Power::Running, Power::Running), 0);
    }

    #[test]
    fn flavor_and_size_grow_first_then_one_stop_and_one_start() {
        let c = Changes { running: size(40), stopped: flavor("cpu.8u"), ..Default::default() };
        let steps = plan(&c, Power::Running, Power::Running, None);
        assert_eq!(kinds(&steps), ["check", "put-running", "wait-volume", "stop", "put-stopped", "start"]);
        assert_eq!(extra_transitions(&steps, Power::Running, Power::Running), 2);
        assert_eq!(
            describe(&steps, Power::Running),
            "grow the volume to 40 GB while running, wait for the resize to finish, stop, change flavor_id, start again"
        );
    }

    #[test]
    fn a_stopped_notebook_that_stays_stopped_is_started_for_growth() {
        let c = Changes { running: size(40), ..Default::default() };
        let steps = plan(&c, Power::Stopped, Power::Stopped, None);
        assert_eq!(kinds(&steps), ["start", "put-running", "wait-volume", "stop"]);
        assert_eq!(extra_transitions(&steps, Power::Stopped, Power::Stopped), 2);
        // Stopped with growth and a flavor: two transitions either way; growth first.
        let c = Changes { running: size(40), stopped: flavor("cpu.8u"), ..Default::default() };
        let steps = plan(&c, Power::Stopped, Power::Stopped, None);
        assert_eq!(kinds(&steps), ["check", "start", "put-running", "wait-volume", "stop", "put-stopped"]);
        // Stopped, to be started, with growth and a flavor: the flavor first saves a stop.
        let steps = plan(&c, Power::Stopped, Power::Running, None);
        assert_eq!(kinds(&steps), ["check", "put-stopped", "start", "put-running", "wait-volume"]);
        assert_eq!(extra_transitions(&steps, Power::Stopped, Power::Running), 0);
    }

    #[test]
    fn a_rename_goes_to_a_running_notebook_or_as_it_is() {
        let c = Changes { any: rename(), ..Default::default() };
        assert_eq!(kinds(&plan(&c, Power::Running, Power::Running, None)), ["put-any"]);
        assert_eq!(kinds(&plan(&c, Power::Stopped, Power::Stopped, None)), ["put-any"]);
        // Started anyway: renamed once running.
        assert_eq!(kinds(&plan(&c, Power::Stopped, Power::Running, None)), ["start", "put-any"]);
        // Rename with a flavor change of a running notebook: rename while running.
        let c = Changes { any: rename(), stopped: flavor("f"), ..Default::default() };
        assert_eq!(
            kinds(&plan(&c, Power::Running, Power::Running, None)),
            ["check", "put-any", "stop", "put-stopped", "start"]
        );
        // Rename with growth: one PUT.
        let c = Changes { any: rename(), running: size(20), ..Default::default() };
        let steps = plan(&c, Power::Running, Power::Running, None);
        assert_eq!(kinds(&steps), ["put-running", "wait-volume"]);
        let Step::Update { update, .. } = &steps[0] else { unreachable!() };
        assert_eq!(update.fields, [Field::VolumeSize, Field::Name]);
        assert_eq!(update.body.name.as_deref(), Some("renamed"));
    }

    #[test]
    fn power_changes_and_auto_stop() {
        let lease = LeaseReq { duration: 7_200_000, kind: "TIMING".into() };
        let none = Changes::default();
        assert_eq!(kinds(&plan(&none, Power::Running, Power::Stopped, None)), ["stop"]);
        assert_eq!(plan(&none, Power::Stopped, Power::Running, Some(&lease)), [Step::Start(Some(lease.clone()))]);
        let c = Changes { auto_stop_changed: true, ..Default::default() };
        assert_eq!(plan(&c, Power::Running, Power::Running, Some(&lease)), [Step::RenewLease(lease.clone())]);
        assert!(plan(&c, Power::Stopped, Power::Stopped, Some(&lease)).is_empty(), "applied at the next start");
        assert!(plan(&c, Power::Running, Power::Running, None).is_empty(), "the renew cannot turn auto-stop off");
        // An image change while stopped and running = true: one PUT, one start.
        let c = Changes {
            stopped: update(UpdateNotebook { image_id: Some("i".into()), ..Default::default() }, Field::ImageId),
            ..Default::default()
        };
        let steps = plan(&c, Power::Stopped, Power::Running, None);
        assert_eq!(kinds(&steps), ["put-stopped", "start"]);
        assert_eq!(extra_transitions(&steps, Power::Stopped, Power::Running), 0);
        // running = false with growth of a running notebook: grow, then the stop asked for.
        let c = Changes { running: size(40), ..Default::default() };
        let steps = plan(&c, Power::Running, Power::Stopped, None);
        assert_eq!(kinds(&steps), ["put-running", "wait-volume", "stop"]);
        assert_eq!(extra_transitions(&steps, Power::Running, Power::Stopped), 0);
    }
}
