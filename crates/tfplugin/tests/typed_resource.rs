//! `Typed` serves a `ModelResource`: models in, `Result` out, and what a failure
//! leaves in the state.

use async_trait::async_trait;
use tfplugin::framework::model::IntoValue;
use tfplugin::framework::resource::*;
use tfplugin::framework::{
    Attribute, Block, CallContext, Checkpoint, Ctx, Failure, ModelResource, Resource, Schema, Typed,
};
use tfplugin::protocol::{AttributePath, Diagnostics, Value};
use tokio_util::sync::CancellationToken;

#[derive(tfplugin::Model, Clone, Debug, Default, PartialEq)]
struct ThingModel {
    name: String,
    size: Option<i64>,
    id: Option<String>,
}

/// The configured data: how every operation should end.
#[derive(Debug)]
enum Outcome {
    Succeed,
    /// Fail after making something: the failure carries its state.
    FailAfterMaking,
    /// Fail having made or changed nothing.
    FailClean,
    /// Find the object deleted behind Terraform's back.
    Vanished,
}

struct Thing;

#[async_trait]
impl ModelResource for Thing {
    type Model = ThingModel;
    type Data = Outcome;
    const UPDATES_IN_PLACE: bool = true;

    fn type_name(&self) -> &'static str {
        "test_thing"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new("A thing.")
                .attr(Attribute::string(ThingModel::NAME).required())
                .attr(Attribute::number(ThingModel::SIZE).optional())
                .attr(Attribute::string(ThingModel::ID).computed()),
        )
    }

    async fn create(&self, ctx: &Ctx<'_, Outcome>, plan: ThingModel) -> Result<ThingModel, Failure<ThingModel>> {
        let made = ThingModel { id: Some("t-1".into()), ..plan };
        match ctx.data()? {
            Outcome::Succeed => {
                ctx.warn("Made slowly", "it took a while");
                Ok(made)
            }
            Outcome::FailAfterMaking => Err(Failure::error("Half made", "it exists, unfinished").with_state(made)),
            Outcome::FailClean => Err(Failure::error("Not made", "the API said no")),
            Outcome::Vanished => {
                ctx.record(&made);
                Err(Failure::error("Made and lost", "deleted at once").gone())
            }
        }
    }

    async fn read(&self, ctx: &Ctx<'_, Outcome>, state: ThingModel) -> Result<Option<ThingModel>, Failure<ThingModel>> {
        match ctx.data()? {
            Outcome::Succeed => Ok(Some(ThingModel { size: Some(7), ..state })),
            Outcome::FailAfterMaking | Outcome::Vanished => Ok(None),
            Outcome::FailClean => Err(Failure::error("Cannot read", "try again")),
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<'_, Outcome>,
        prior: ThingModel,
        plan: ThingModel,
    ) -> Result<ThingModel, Failure<ThingModel>> {
        match ctx.data()? {
            Outcome::Succeed => Ok(plan),
            Outcome::FailAfterMaking => {
                let halfway = ThingModel { name: plan.name, ..prior };
                Err(Failure::error("Half updated", "the name changed, the size did not").with_state(halfway))
            }
            Outcome::FailClean => Err(Failure::error("Not updated", "nothing changed")),
            Outcome::Vanished => Err(Failure::error("Gone", "deleted outside Terraform").gone()),
        }
    }

    async fn delete(&self, ctx: &Ctx<'_, Outcome>, _: ThingModel) -> Result<(), Diagnostics> {
        match ctx.data()? {
            Outcome::Succeed => Ok(()),
            _ => Err(Diagnostics::with_error("Not deleted", "still there")),
        }
    }
}

fn ctx(outcome: Option<Outcome>) -> CallContext {
    CallContext::new(CancellationToken::new(), outcome.map(|o| std::sync::Arc::new(o) as _))
}

fn thing(name: &str, size: Option<i64>, id: Option<&str>) -> Value {
    ThingModel { name: name.into(), size, id: id.map(String::from) }.into_value()
}

fn errors(d: &Diagnostics) -> Vec<String> {
    d.0.iter().map(|d| format!("{:?} {}", d.severity, d.summary)).collect()
}

async fn create(outcome: Option<Outcome>, plan: &Value) -> CreateResponse {
    create_recording(outcome, plan, &Checkpoint::default()).await
}

async fn create_recording(outcome: Option<Outcome>, plan: &Value, checkpoint: &Checkpoint) -> CreateResponse {
    let mut resp = CreateResponse { state: None, private: Vec::new(), diagnostics: Diagnostics::new() };
    let req = CreateRequest { config: plan, plan, private: &[] };
    Typed(Thing).create(&ctx(outcome).with_checkpoint(checkpoint.clone()), &req, &mut resp).await;
    resp
}

#[tokio::test]
async fn a_create_returns_its_state_and_its_warnings() {
    let resp = create(Some(Outcome::Succeed), &thing("a", None, None)).await;
    assert_eq!(resp.state, Some(thing("a", None, Some("t-1"))));
    assert_eq!(errors(&resp.diagnostics), ["Warning Made slowly"]);
}

#[tokio::test]
async fn a_failed_create_keeps_what_it_made() {
    let resp = create(Some(Outcome::FailAfterMaking), &thing("a", None, None)).await;
    assert_eq!(resp.state, Some(thing("a", None, Some("t-1"))), "the object exists: it is in the state");
    assert_eq!(errors(&resp.diagnostics), ["Error Half made"]);
    // Without a state of its own, the framework's checkpoint decides (the service
    // fills it in from what was recorded); the response says nothing was made.
    let resp = create(Some(Outcome::FailClean), &thing("a", None, None)).await;
    assert_eq!(resp.state, None);
    assert_eq!(errors(&resp.diagnostics), ["Error Not made"]);
    // Recorded, then found gone: the record is forgotten too.
    let checkpoint = Checkpoint::default();
    let resp = create_recording(Some(Outcome::Vanished), &thing("a", None, None), &checkpoint).await;
    assert_eq!((resp.state, checkpoint.latest()), (None, None));
}

#[tokio::test]
async fn an_unconfigured_provider_and_a_value_that_does_not_fit_are_errors() {
    let resp = create(None, &thing("a", None, None)).await;
    assert_eq!(errors(&resp.diagnostics), ["Error Provider not configured"]);
    let wrong = Value::object([("name", Value::from(5)), ("size", Value::Null), ("id", Value::Null)]);
    let resp = create(Some(Outcome::Succeed), &wrong).await;
    assert_eq!(resp.state, None);
    assert_eq!(resp.diagnostics.0[0].path, Some(AttributePath::attr("name")), "{:?}", resp.diagnostics);
}

#[tokio::test]
async fn a_read_refreshes_forgets_or_keeps_the_state() {
    let current = thing("a", None, Some("t-1"));
    let read = |outcome| {
        let current = current.clone();
        async move {
            let mut resp =
                ReadResponse { state: ReadState::AsBefore, private: Vec::new(), diagnostics: Diagnostics::new() };
            Typed(Thing).read(&ctx(Some(outcome)), &ReadRequest { state: &current, private: &[] }, &mut resp).await;
            resp
        }
    };
    assert_eq!(read(Outcome::Succeed).await.state, ReadState::Now(thing("a", Some(7), Some("t-1"))));
    assert_eq!(read(Outcome::FailAfterMaking).await.state, ReadState::Gone, "gone: Terraform plans it anew");
    let failed = read(Outcome::FailClean).await;
    assert_eq!(failed.state, ReadState::AsBefore, "a read that fails keeps the state");
    assert_eq!(errors(&failed.diagnostics), ["Error Cannot read"]);
}

#[tokio::test]
async fn an_update_that_fails_keeps_the_prior_state_or_says_where_it_stopped() {
    let prior = thing("a", Some(1), Some("t-1"));
    let plan = thing("b", Some(2), Some("t-1"));
    let update = |outcome| {
        let (prior, plan) = (prior.clone(), plan.clone());
        async move {
            let mut resp =
                UpdateResponse { state: Some(plan.clone()), private: Vec::new(), diagnostics: Diagnostics::new() };
            let typed = Typed(Thing);
            let updater = typed.as_update().expect("UPDATES_IN_PLACE");
            let req = UpdateRequest { config: &plan, plan: &plan, state: &prior, private: &[] };
            updater.update(&ctx(Some(outcome)), &req, &mut resp).await;
            resp
        }
    };
    assert_eq!(update(Outcome::Succeed).await.state, Some(plan.clone()));
    assert_eq!(update(Outcome::FailAfterMaking).await.state, Some(thing("b", Some(1), Some("t-1"))));
    assert_eq!(update(Outcome::FailClean).await.state, Some(prior.clone()), "nothing changed: the prior state");
    assert_eq!(update(Outcome::Vanished).await.state, None, "gone: out of the state");
}

#[tokio::test]
async fn a_delete_that_fails_says_so() {
    let state = thing("a", None, Some("t-1"));
    for (outcome, expected) in [(Outcome::Succeed, vec![]), (Outcome::FailClean, vec!["Error Not deleted".to_string()])]
    {
        let mut resp = DeleteResponse::default();
        Typed(Thing).delete(&ctx(Some(outcome)), &DeleteRequest { state: &state, private: &[] }, &mut resp).await;
        assert_eq!(errors(&resp.diagnostics), expected);
    }
}
