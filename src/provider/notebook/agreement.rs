//! The promise of the change model, tested: for random notebooks and random
//! changes, the steps the plan announces ([`super::plan::announce`]) are the calls
//! apply makes against the simulator when nothing changed in between — same
//! operations, same order, each PUT with the fields the plan named and found in the
//! status its rule needs.

use std::collections::BTreeSet;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tokio_util::sync::CancellationToken;

use crate::client::wait::PollSchedule;
use crate::client::{Client, ClientConfig};
use crate::framework::model::{block_list, decode};
use crate::framework::resource::{ModifyPlanRequest, ModifyPlanResponse};
use crate::framework::{CallContext, Ctx, Failure, IntoValue};
use crate::protocol::{Diagnostics, Value};
use modelarts_sim::store::Timings;
use modelarts_sim::{SimConfig, SimHandle, DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_REGION};

use super::changes::{Field, Needs};
use super::lifecycle;
use super::model::{AutoStopModel, HookModel, HooksModel, NotebookModel, VolumeModel};
use super::plan::{self, announce};
use super::spec::Spec;
use super::steps::Step;

const FLAVORS: [&str; 2] = ["modelarts.vm.cpu.2u", "modelarts.vm.cpu.8u"];
const IMAGES: [&str; 2] = ["e1a07296-22a8-4f05-8bc8-e936c8e54090", "7d0e4f6a-91c2-4b3e-8f5d-6a2c1e9b0f47"];

/// A notebook and a change to it.
#[derive(Clone, Debug)]
struct Case {
    running: bool,
    auto_stop: Option<&'static str>,
    hooks: bool,
    wanted_running: bool,
    rename: bool,
    describe: bool,
    flavor: bool,
    image: bool,
    grow: bool,
    addresses: bool,
    wanted_hooks: bool,
    wanted_auto_stop: Option<&'static str>,
}

fn cases() -> impl Strategy<Value = Case> {
    let auto_stop = || prop_oneof![Just(None), Just(Some("2h")), Just(Some("3h"))];
    (
        (any::<bool>(), auto_stop(), any::<bool>(), any::<bool>()),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        (any::<bool>(), any::<bool>(), any::<bool>(), auto_stop()),
    )
        .prop_map(|((running, auto_stop, hooks, wanted_running), (rename, describe, flavor, image), rest)| {
            let (grow, addresses, wanted_hooks, wanted_auto_stop) = rest;
            Case {
                running,
                auto_stop,
                hooks,
                wanted_running,
                rename,
                describe,
                flavor,
                image,
                grow,
                addresses,
                wanted_hooks,
                wanted_auto_stop,
            }
        })
}

fn hooks(on: bool) -> Option<HooksModel> {
    on.then(|| HooksModel {
        pre_start: None,
        post_start: Some(HookModel {
            script: Some("/home/ma-user/work/setup.sh".into()),
            kind: Some("SCRIPT".into()),
            mode: Some("ASYNC".into()),
        }),
    })
}

fn auto_stop(duration: Option<&str>) -> Option<AutoStopModel> {
    duration.map(|d| AutoStopModel { kind: Some("TIMING".into()), duration: Some(d.into()) })
}

fn no_errors(d: &Diagnostics, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(!d.has_errors(), "{what}: {d:?}");
    Ok(())
}

/// The state an apply step reached, or the test case's failure.
fn applied(result: Result<NotebookModel, Failure<NotebookModel>>, what: &str) -> Result<NotebookModel, TestCaseError> {
    result.map_err(|f| TestCaseError::fail(format!("{what}: {:?}", f.diagnostics)))
}

/// A call as the simulator logged it: the operation, the top-level keys of its body
/// (a PUT's), and the status it found.
type Seen = (String, BTreeSet<String>, Option<String>);

/// The calls a plan's steps stand for (waits are GETs, left out on both sides).
fn expected(steps: &[Step]) -> Vec<Seen> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::CheckFlavor(_) => Some(("switchable_flavors".into(), BTreeSet::new(), None)),
            Step::Update { update, needs } => {
                let body = serde_json::to_value(&update.body).unwrap_or_default();
                let keys = body.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
                let found = match needs {
                    Needs::Running => Some("RUNNING".to_string()),
                    Needs::Stopped => Some("STOPPED".to_string()),
                    Needs::AnyStatus => None,
                };
                Some(("update".into(), keys, found))
            }
            Step::WaitForVolume => None,
            Step::Stop => Some(("stop".into(), BTreeSet::new(), None)),
            Step::Start(_) => Some(("start".into(), BTreeSet::new(), None)),
            Step::RenewLease(_) => Some(("lease_renew".into(), BTreeSet::new(), None)),
        })
        .collect()
}

async fn check(sim: &SimHandle, api: &Client, n: usize, case: &Case) -> Result<(), TestCaseError> {
    // The notebook, created as the provider creates one.
    let created = NotebookModel {
        region: Some(DEFAULT_REGION.into()),
        name: format!("agree-{n}"),
        flavor_id: FLAVORS[0].into(),
        image_id: IMAGES[0].into(),
        volume: Some(VolumeModel {
            kind: Some("EVS".into()),
            ownership: Some("MANAGED".into()),
            size: Some(20),
            ..Default::default()
        }),
        key_pair: Some("kp".into()),
        allowed_access_ips: Some(vec!["1.1.1.1".into()]),
        running: Some(case.running),
        allow_stopping_for_update: Some(true),
        auto_stop: auto_stop(case.auto_stop),
        hooks: hooks(case.hooks),
        tags_all: Some(Default::default()),
        ..Default::default()
    };
    let spec = Spec::from_plan(&created, created.running).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let call = CallContext::new(CancellationToken::new(), None);
    let created = lifecycle::create(api, &Ctx::new(&call), &created, &spec).await;
    let prior = applied(created, "create")?.into_value();

    // The change, planned.
    let mut planned = prior.clone();
    let mut set = |on: bool, field: Field, v: Value| {
        if on {
            planned.set_at(&field.path(), v);
        }
    };
    set(case.rename, Field::Name, format!("agree-{n}-renamed").into());
    set(case.describe, Field::Description, "changed".into());
    set(case.flavor, Field::FlavorId, FLAVORS[1].into());
    set(case.image, Field::ImageId, IMAGES[1].into());
    set(case.grow, Field::VolumeSize, Value::int(30));
    set(case.addresses, Field::AllowedAccessIps, Value::List(vec!["2.2.2.2".into()]));
    set(true, Field::Hooks, block_list(hooks(case.wanted_hooks)));
    set(true, Field::AutoStop, block_list(auto_stop(case.wanted_auto_stop)));
    set(true, Field::Running, Value::Bool(case.wanted_running));
    let config = planned.clone();
    let req = ModifyPlanRequest { config: &config, state: &prior, private: &[] };
    let mut plan_resp = ModifyPlanResponse {
        plan: planned,
        requires_replace: Vec::new(),
        private: Vec::new(),
        diagnostics: Diagnostics::new(),
    };
    plan::modify(&req, &mut plan_resp);
    no_errors(&plan_resp.diagnostics, "plan")?;
    let announced = announce(&prior, &plan_resp.plan, &Value::Bool(case.wanted_running))
        .map_err(|d| TestCaseError::fail(format!("{d:?}")))?;

    // Applied, with nothing changed in between.
    let prior_model: NotebookModel = decode(&prior).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let planned_model: NotebookModel = decode(&plan_resp.plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let spec =
        Spec::from_plan(&planned_model, Some(case.wanted_running)).map_err(|e| TestCaseError::fail(e.to_string()))?;
    sim.clear_calls();
    let updated = lifecycle::update(api, &prior_model, &planned_model, &spec).await;
    let updated = applied(updated, "apply")?;

    let made: Vec<Seen> = sim
        .calls()
        .into_iter()
        .filter(|c| ["switchable_flavors", "update", "start", "stop", "lease_renew"].contains(&c.op.as_str()))
        .map(|c| {
            let keys: BTreeSet<String> = c.body.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
            let found = (c.op == "update").then_some(c.status_before).flatten();
            (c.op, keys, found)
        })
        .collect();
    let mut wanted = expected(&announced.steps);
    // A PUT of name or description alone may find either status: take what it found.
    for (w, m) in wanted.iter_mut().zip(&made) {
        if w.0 == "update" && w.2.is_none() {
            w.2 = m.2.clone();
        }
        if w.0 != "update" {
            w.1 = m.1.clone();
        }
    }
    prop_assert_eq!(made, wanted, "plan announced {:?}", announced.steps);

    // And apply did what the plan said: the notebook is as planned.
    let state = updated.into_value();
    for field in [Field::Name, Field::Description, Field::FlavorId, Field::ImageId, Field::VolumeSize, Field::Running] {
        prop_assert_eq!(state.at(&field.path()), plan_resp.plan.at(&field.path()), "{}", field.name());
    }
    Ok(())
}

#[test]
fn plan_and_apply_take_the_same_steps() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let fast = Duration::from_millis(40);
    let sim = rt
        .block_on(SimHandle::start(SimConfig {
            timings: Timings {
                create: fast,
                start: fast,
                stop: fast,
                delete: fast,
                resize: fast,
                mount: fast,
                image: fast,
            },
            ..Default::default()
        }))
        .unwrap();
    let mut config =
        ClientConfig::new(&sim.url, DEFAULT_PROJECT_ID, DEFAULT_ACCESS_KEY, modelarts_sim::DEFAULT_SECRET_KEY);
    config.poll = PollSchedule {
        first: Duration::from_millis(20),
        fast_interval: Duration::from_millis(20),
        fast_for: Duration::from_secs(60),
        growth: 1.0,
        max_interval: Duration::from_millis(20),
    };
    let api = Client::new(config).unwrap();
    let cases_run = std::cell::Cell::new(0);
    let cases_wanted = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24);
    let mut runner = TestRunner::new(Config { cases: cases_wanted, failure_persistence: None, ..Config::default() });
    let result = runner.run(&cases(), |case| {
        let n = cases_run.get();
        cases_run.set(n + 1);
        rt.block_on(check(&sim, &api, n, &case))
    });
    rt.block_on(sim.stop());
    if let Err(e) = result {
        panic!("{e}");
    }
}
