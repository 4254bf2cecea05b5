//! The service's answers where they need no resource behaviour to check.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;

use super::ProviderService;
use crate::framework::provider::ConfigureRequest;
use crate::framework::typed::{ModelProvider, ModelResource, Served, TypedProvider};
use crate::framework::{Attribute, Block, Ctx, Failure, Schema};
use crate::proto::tfplugin6 as pb;
use crate::protocol::Diagnostics;

#[derive(crate::Model, Clone, Debug, Default, PartialEq)]
struct ThingModel {
    name: String,
    size: Option<i64>,
}

/// Reads as `grow` says: the state as it was, or its size one larger. Counts the
/// times its schema is built in `builds`.
#[derive(Default)]
struct Thing {
    grow: bool,
    builds: Arc<AtomicUsize>,
}

#[async_trait]
impl ModelResource for Thing {
    type Model = ThingModel;
    type Data = ();

    fn type_name(&self) -> &'static str {
        "p_thing"
    }

    fn schema(&self) -> Schema {
        self.builds.fetch_add(1, Ordering::SeqCst);
        Schema::new(
            0,
            Block::new("A thing.")
                .attr(Attribute::string(ThingModel::NAME).required())
                .attr(Attribute::number(ThingModel::SIZE).optional()),
        )
    }

    async fn create(&self, _: &Ctx<'_, ()>, plan: ThingModel) -> Result<ThingModel, Failure<ThingModel>> {
        Ok(plan)
    }

    async fn read(&self, _: &Ctx<'_, ()>, state: ThingModel) -> Result<Option<ThingModel>, Failure<ThingModel>> {
        let size = state.size.map(|s| if self.grow { s + 1 } else { s });
        Ok(Some(ThingModel { size, ..state }))
    }

    async fn delete(&self, _: &Ctx<'_, ()>, _: ThingModel) -> Result<(), Diagnostics> {
        Ok(())
    }
}

#[derive(Default)]
struct P {
    grow: bool,
    builds: Arc<AtomicUsize>,
}

#[async_trait]
impl ModelProvider for P {
    type Data = ();

    fn schema(&self) -> Schema {
        Schema::new(0, Block::new("P."))
    }

    async fn configure(&self, _: &ConfigureRequest<'_>, _: &mut Diagnostics) -> Option<()> {
        Some(())
    }

    fn serve(&self, served: &mut Served<()>) {
        served.resource(Thing { grow: self.grow, builds: self.builds.clone() });
    }
}

/// `{name = "a", size = 7}` with the size written as a 64-bit float: valid msgpack
/// for a number, but not what the encoder writes for 7 (a one-byte integer), so an
/// answer in these bytes was not encoded again.
fn thing_bytes() -> Vec<u8> {
    let mut b = vec![0x82, 0xa4];
    b.extend(b"name");
    b.extend([0xa1, b'a', 0xa4]);
    b.extend(b"size");
    b.push(0xcb);
    b.extend(7.0f64.to_be_bytes());
    b
}

fn msgpack(bytes: Vec<u8>) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue { msgpack: bytes, json: Vec::new() })
}

async fn read(grow: bool) -> pb::read_resource::Response {
    let service = ProviderService::new(Arc::new(TypedProvider(P { grow, ..Default::default() })));
    let req = pb::read_resource::Request {
        type_name: "p_thing".into(),
        current_state: msgpack(thing_bytes()),
        ..Default::default()
    };
    service.handle_read_resource(req).await.unwrap()
}

/// A refresh that finds the state Terraform sent answers with Terraform's own bytes;
/// one that finds a change answers with the new value, encoded.
#[tokio::test]
async fn an_unchanged_read_answers_with_the_bytes_it_was_sent() {
    let same = read(false).await;
    assert!(same.diagnostics.is_empty(), "{:?}", same.diagnostics);
    assert_eq!(same.new_state.unwrap().msgpack, thing_bytes());

    let grown = read(true).await;
    assert!(grown.diagnostics.is_empty(), "{:?}", grown.diagnostics);
    let state = grown.new_state.unwrap().msgpack;
    assert_ne!(state, thing_bytes());
    let ty = crate::framework::typed::ModelResource::schema(&Thing::default()).ty();
    let value = crate::protocol::msgpack::decode(&state, &ty).unwrap();
    assert_eq!(value.attr(ThingModel::SIZE).as_i64(), Some(8));
}

/// A plan that changes nothing answers with the prior state's own bytes.
#[tokio::test]
async fn an_unchanged_plan_answers_with_the_prior_bytes() {
    let service = ProviderService::new(Arc::new(TypedProvider(P::default())));
    let req = pb::plan_resource_change::Request {
        type_name: "p_thing".into(),
        prior_state: msgpack(thing_bytes()),
        proposed_new_state: msgpack(thing_bytes()),
        config: msgpack(thing_bytes()),
        ..Default::default()
    };
    let plan = service.handle_plan_resource_change(req).await.unwrap();
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    assert!(plan.requires_replace.is_empty());
    assert_eq!(plan.planned_state.unwrap().msgpack, thing_bytes());
}

/// A resource's schema is built by the first call for its type, once: not at start
/// (a launch uses few of a provider's types), not again for GetProviderSchema.
#[tokio::test]
async fn a_schema_is_built_by_the_first_call_that_needs_it() {
    let builds = Arc::new(AtomicUsize::new(0));
    let service = ProviderService::new(Arc::new(TypedProvider(P { grow: false, builds: builds.clone() })));
    assert_eq!(builds.load(Ordering::SeqCst), 0, "built at start");
    for _ in 0..2 {
        let req = pb::validate_resource_config::Request {
            type_name: "p_thing".into(),
            config: msgpack(thing_bytes()),
            ..Default::default()
        };
        let diagnostics = service.handle_validate_resource_config(req).unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }
    assert_eq!(builds.load(Ordering::SeqCst), 1);
    let schemas = service.schema_response();
    assert!(schemas.resource_schemas.contains_key("p_thing"));
    assert_eq!(builds.load(Ordering::SeqCst), 1);
}
