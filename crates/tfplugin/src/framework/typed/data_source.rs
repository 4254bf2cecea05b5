//! [`ModelDataSource`], and [`TypedDataSource`], which serves one as a [`DataSource`].

use async_trait::async_trait;

use crate::framework::context::CallContext;
use crate::framework::data_source::{DataSource, ReadRequest, ReadResponse};
use crate::framework::model::{FromValue, IntoValue};
use crate::framework::schema::Schema;
use crate::framework::validators::{ValidateConfigRequest, ValidateConfigResponse};
use crate::protocol::Diagnostics;

use super::{model_of, Ctx};

/// A data source written against its model: the configuration comes in decoded,
/// the state goes out as the same model (its computed attributes filled in).
#[async_trait]
pub trait ModelDataSource: Send + Sync + 'static {
    /// The data source's value.
    type Model: FromValue + IntoValue + Send + Sync + 'static;
    /// What the provider's configure produced, as [`Ctx::data`] hands it over.
    type Data: Send + Sync + 'static;

    /// The full type name, e.g. `modelarts_notebook_flavors`.
    fn type_name(&self) -> &'static str;

    /// The data source's schema.
    fn schema(&self) -> Schema;

    /// Checks beyond the attributes' own validators.
    fn validate_config(&self, _req: &ValidateConfigRequest<'_>, _resp: &mut ValidateConfigResponse) {}

    /// Reads what `config` asks for; the state.
    async fn read(&self, ctx: &Ctx<'_, Self::Data>, config: Self::Model) -> Result<Self::Model, Diagnostics>;
}

/// Serves a [`ModelDataSource`] as a [`DataSource`].
#[derive(Debug)]
pub struct TypedDataSource<R>(pub R);

#[async_trait]
impl<R: ModelDataSource> DataSource for TypedDataSource<R> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        self.0.schema()
    }

    fn validate_config(&self, req: &ValidateConfigRequest<'_>, resp: &mut ValidateConfigResponse) {
        self.0.validate_config(req, resp);
    }

    async fn read(&self, ctx: &CallContext, req: &ReadRequest<'_>, resp: &mut ReadResponse) {
        let typed = Ctx::new(ctx).with_config(req.config);
        let result = match model_of(req.config, "configuration") {
            Ok(config) => self.0.read(&typed, config).await,
            Err(d) => Err(d),
        };
        resp.diagnostics.extend(typed.take_warnings());
        match result {
            Ok(state) => resp.state = Some(state.into_value()),
            Err(d) => resp.diagnostics.extend(d),
        }
    }
}
