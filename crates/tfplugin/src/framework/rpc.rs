//! The tfplugin6 gRPC service over [`ProviderService`]: each RPC's work runs
//! inside the panic guard ([`guarded`]), and any failure is answered as a
//! diagnostic naming the RPC, with the state an apply reached kept.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProviderRpc;
use crate::protocol::Diagnostics;

use super::action::Progress;
use super::codec::encode;
use super::guard::{guarded, Checkpoint};
use super::service::ProviderService;

type RpcResult<T> = Result<Response<T>, Status>;
type EventStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// Runs one RPC's work inside the guard; any failure is answered as `fallback`
/// with the failure's diagnostics added.
async fn answer<R: Send + 'static>(
    rpc: &'static str,
    fallback: impl FnOnce(Diagnostics) -> R,
    work: impl Future<Output = Result<R, Diagnostics>> + Send + 'static,
) -> RpcResult<R> {
    Ok(Response::new(match guarded(rpc, work).await {
        Ok(Ok(r)) => r,
        Ok(Err(d)) | Err(d) => fallback(d),
    }))
}

/// For the RPCs whose whole answer is a list of diagnostics.
fn diagnostics_only(d: Result<Diagnostics, Diagnostics>) -> Result<Vec<pb::Diagnostic>, Diagnostics> {
    Ok(d.unwrap_or_else(|e| e).to_proto())
}

#[tonic::async_trait]
impl ProviderRpc for Arc<ProviderService> {
    type ListResourceStream = EventStream<pb::list_resource::Event>;
    type InvokeActionStream = EventStream<pb::invoke_action::Event>;

    async fn get_metadata(&self, _: Request<pb::get_metadata::Request>) -> RpcResult<pb::get_metadata::Response> {
        use pb::get_metadata::{
            ActionMetadata, DataSourceMetadata, EphemeralMetadata, ListResourceMetadata, ResourceMetadata,
        };
        fn names<'a, T>(keys: impl Iterator<Item = &'a &'static str>, make: impl Fn(String) -> T) -> Vec<T> {
            keys.map(|k| make(k.to_string())).collect()
        }
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(super::service::capabilities()),
            resources: names(self.resources.keys(), |type_name| ResourceMetadata { type_name }),
            data_sources: names(self.data_sources.keys(), |type_name| DataSourceMetadata { type_name }),
            list_resources: names(self.list_resources.keys(), |type_name| ListResourceMetadata { type_name }),
            actions: names(self.actions.keys(), |type_name| ActionMetadata { type_name }),
            ephemeral_resources: names(self.ephemeral_resources.keys(), |type_name| EphemeralMetadata { type_name }),
            ..Default::default()
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> RpcResult<pb::get_resource_identity_schemas::Response> {
        Ok(Response::new(self.handle_get_resource_identity_schemas()))
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> RpcResult<pb::upgrade_resource_identity::Response> {
        use pb::upgrade_resource_identity::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("UpgradeResourceIdentity", |d| R { upgraded_identity: None, diagnostics: d.to_proto() }, async move {
            svc.handle_upgrade_resource_identity(req)
        })
        .await
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> RpcResult<pb::generate_resource_config::Response> {
        use pb::generate_resource_config::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("GenerateResourceConfig", |d| R { config: None, diagnostics: d.to_proto() }, async move {
            svc.handle_generate_resource_config(req)
        })
        .await
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> RpcResult<pb::validate_list_resource_config::Response> {
        use pb::validate_list_resource_config::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ValidateListResourceConfig", |d| R { diagnostics: d.to_proto() }, async move {
            diagnostics_only(svc.handle_validate_list_resource_config(req)).map(|diagnostics| R { diagnostics })
        })
        .await
    }

    async fn list_resource(&self, req: Request<pb::list_resource::Request>) -> RpcResult<Self::ListResourceStream> {
        let (svc, req) = (self.clone(), req.into_inner());
        let failed = |d: Diagnostics| vec![pb::list_resource::Event { diagnostic: d.to_proto(), ..Default::default() }];
        let events = answer("ListResource", failed, async move { svc.handle_list_resource(req).await }).await?;
        Ok(Response::new(Box::pin(tokio_stream::iter(events.into_inner().into_iter().map(Ok)))))
    }

    async fn validate_action_config(
        &self,
        req: Request<pb::validate_action_config::Request>,
    ) -> RpcResult<pb::validate_action_config::Response> {
        use pb::validate_action_config::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ValidateActionConfig", |d| R { diagnostics: d.to_proto() }, async move {
            diagnostics_only(svc.handle_validate_action_config(req)).map(|diagnostics| R { diagnostics })
        })
        .await
    }

    async fn plan_action(&self, req: Request<pb::plan_action::Request>) -> RpcResult<pb::plan_action::Response> {
        use pb::plan_action::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("PlanAction", |d| R { diagnostics: d.to_proto(), deferred: None }, async move {
            diagnostics_only(svc.handle_plan_action(req).await).map(|diagnostics| R { diagnostics, deferred: None })
        })
        .await
    }

    /// Streams the action's progress while it runs, then its outcome.
    async fn invoke_action(&self, req: Request<pb::invoke_action::Request>) -> RpcResult<Self::InvokeActionStream> {
        use pb::invoke_action::event::{Completed, Progress as Message, Type};
        use pb::invoke_action::Event;
        let (svc, req) = (self.clone(), req.into_inner());
        let (progress, mut messages) = Progress::channel();
        let (events, stream) = mpsc::channel(16);
        tokio::spawn(async move {
            let work = guarded("InvokeAction", async move { svc.handle_invoke_action(req, progress).await });
            tokio::pin!(work);
            let outcome = loop {
                tokio::select! {
                    biased;
                    Some(message) = messages.recv() => {
                        // Terraform may have stopped listening; the action still runs to its end.
                        let _ = events.send(Ok(Event { r#type: Some(Type::Progress(Message { message })) })).await;
                    }
                    outcome = &mut work => break outcome,
                }
            };
            while let Ok(message) = messages.try_recv() {
                let _ = events.send(Ok(Event { r#type: Some(Type::Progress(Message { message })) })).await;
            }
            let diagnostics = match outcome {
                Ok(Ok(d)) | Ok(Err(d)) | Err(d) => d,
            };
            let completed = Completed { diagnostics: diagnostics.to_proto() };
            let _ = events.send(Ok(Event { r#type: Some(Type::Completed(completed)) })).await;
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(stream))))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> RpcResult<pb::get_provider_schema::Response> {
        Ok(Response::new(self.schema_response().clone()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> RpcResult<pb::validate_provider_config::Response> {
        use pb::validate_provider_config::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ValidateProviderConfig", |d| R { diagnostics: d.to_proto() }, async move {
            diagnostics_only(svc.handle_validate_provider_config(req)).map(|diagnostics| R { diagnostics })
        })
        .await
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> RpcResult<pb::validate_resource_config::Response> {
        use pb::validate_resource_config::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ValidateResourceConfig", |d| R { diagnostics: d.to_proto() }, async move {
            diagnostics_only(svc.handle_validate_resource_config(req)).map(|diagnostics| R { diagnostics })
        })
        .await
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> RpcResult<pb::validate_data_resource_config::Response> {
        use pb::validate_data_resource_config::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ValidateDataResourceConfig", |d| R { diagnostics: d.to_proto() }, async move {
            diagnostics_only(svc.handle_validate_data_resource_config(req)).map(|diagnostics| R { diagnostics })
        })
        .await
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> RpcResult<pb::upgrade_resource_state::Response> {
        use pb::upgrade_resource_state::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("UpgradeResourceState", |d| R { upgraded_state: None, diagnostics: d.to_proto() }, async move {
            svc.handle_upgrade_resource_state(req)
        })
        .await
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> RpcResult<pb::configure_provider::Response> {
        use pb::configure_provider::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ConfigureProvider", |d| R { diagnostics: d.to_proto() }, async move {
            diagnostics_only(svc.handle_configure_provider(req).await).map(|diagnostics| R { diagnostics })
        })
        .await
    }

    async fn read_resource(&self, req: Request<pb::read_resource::Request>) -> RpcResult<pb::read_resource::Response> {
        use pb::read_resource::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        // On failure Terraform keeps what it had.
        let (kept, private) = (req.current_state.clone(), req.private.clone());
        answer(
            "ReadResource",
            |d| R { new_state: kept, diagnostics: d.to_proto(), private, deferred: None, new_identity: None },
            async move { svc.handle_read_resource(req).await },
        )
        .await
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        use pb::plan_resource_change::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        let private = req.prior_private.clone();
        answer(
            "PlanResourceChange",
            |d| R { planned_private: private, diagnostics: d.to_proto(), ..Default::default() },
            async move { svc.handle_plan_resource_change(req).await },
        )
        .await
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        use pb::apply_resource_change::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        let checkpoint = Checkpoint::default();
        let recorded = checkpoint.clone();
        let ty = svc.resource(&req.type_name).ok().map(|r| r.ty().clone());
        let (prior, private) = (req.prior_state.clone(), req.planned_private.clone());
        // Whatever failed, an object the apply created stays in the state.
        let fallback = move |d: Diagnostics| R {
            new_state: recorded.latest().zip(ty).and_then(|(v, ty)| encode(&v, &ty, "new state").ok()).or(prior),
            private,
            diagnostics: d.to_proto(),
            ..Default::default()
        };
        answer("ApplyResourceChange", fallback, async move { svc.handle_apply_resource_change(req, checkpoint).await })
            .await
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> RpcResult<pb::import_resource_state::Response> {
        use pb::import_resource_state::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer(
            "ImportResourceState",
            |d| R { imported_resources: Vec::new(), diagnostics: d.to_proto(), deferred: None },
            async move { svc.handle_import_resource_state(req).await },
        )
        .await
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> RpcResult<pb::move_resource_state::Response> {
        use pb::move_resource_state::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("MoveResourceState", |d| R { diagnostics: d.to_proto(), ..Default::default() }, async move {
            svc.handle_move_resource_state(req).await
        })
        .await
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        use pb::read_data_source::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ReadDataSource", |d| R { state: None, diagnostics: d.to_proto(), deferred: None }, async move {
            svc.handle_read_data_source(req).await
        })
        .await
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<pb::validate_ephemeral_resource_config::Response> {
        use pb::validate_ephemeral_resource_config::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ValidateEphemeralResourceConfig", |d| R { diagnostics: d.to_proto() }, async move {
            diagnostics_only(svc.handle_validate_ephemeral_resource_config(req)).map(|diagnostics| R { diagnostics })
        })
        .await
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> RpcResult<pb::open_ephemeral_resource::Response> {
        use pb::open_ephemeral_resource::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("OpenEphemeralResource", |d| R { diagnostics: d.to_proto(), ..Default::default() }, async move {
            svc.handle_open_ephemeral_resource(req).await
        })
        .await
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> RpcResult<pb::renew_ephemeral_resource::Response> {
        let d = self.handle_ephemeral_lifetime(&req.get_ref().type_name);
        Ok(Response::new(pb::renew_ephemeral_resource::Response { diagnostics: d.to_proto(), ..Default::default() }))
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> RpcResult<pb::close_ephemeral_resource::Response> {
        let d = self.handle_ephemeral_lifetime(&req.get_ref().type_name);
        Ok(Response::new(pb::close_ephemeral_resource::Response { diagnostics: d.to_proto() }))
    }

    async fn get_functions(&self, _: Request<pb::get_functions::Request>) -> RpcResult<pb::get_functions::Response> {
        Ok(Response::new(pb::get_functions::Response::default()))
    }

    async fn call_function(&self, req: Request<pb::call_function::Request>) -> RpcResult<pb::call_function::Response> {
        Ok(Response::new(pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text: format!("this provider has no function {:?}", req.get_ref().name),
                function_argument: None,
            }),
        }))
    }

    async fn stop_provider(&self, _: Request<pb::stop_provider::Request>) -> RpcResult<pb::stop_provider::Response> {
        tracing::info!("StopProvider: cancelling in-flight operations");
        self.cancel.cancel();
        Ok(Response::new(pb::stop_provider::Response { error: String::new() }))
    }
}
