//! What the provider block configured, shared by every resource and data source:
//! the API client of the provider's region, and — for a resource or data source
//! with a `region` of its own, as in the official provider — clients of other
//! regions, made on first use. Another region has its own endpoint and its own
//! project, which is looked up by the region's name through IAM (`GET
//! /v3/projects?name=`), as the official provider does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::client::{Client, ClientConfig, ClientConfigError};
use crate::framework::CallContext;
use crate::protocol::Diagnostics;

use super::config::Settings;
use super::notebook::preflight;

/// The global IAM endpoint, where a region's project is looked up.
const IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";

/// What the provider block configured: the API clients every call uses.
pub struct Configured {
    /// The provider's region.
    pub region: String,
    /// Tags every notebook gets (`default_tags`).
    pub default_tags: crate::provider::notebook::tags::Tags,
    client: Client,
    settings: Settings,
    others: tokio::sync::Mutex<HashMap<String, Client>>,
    preflights: Mutex<HashMap<String, Arc<preflight::Cache>>>,
}

impl std::fmt::Debug for Configured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Configured").field("region", &self.region).finish_non_exhaustive()
    }
}

/// A client configuration from the provider's settings, for `endpoint` and `project_id`.
pub(crate) fn client_config(settings: &Settings, endpoint: &str, project_id: &str) -> ClientConfig {
    let mut cc = ClientConfig::new(endpoint, project_id, &settings.access_key, &settings.secret_key);
    cc.security_token = settings.security_token.clone();
    cc.insecure = settings.insecure;
    cc.max_retries = settings.max_retries;
    cc.request_timeout = settings.request_timeout;
    cc.endpoint_origin = settings.endpoint_origin.clone();
    cc.max_requests_per_second = settings.max_requests_per_second;
    cc
}

impl Configured {
    /// The client of the provider's region from `settings`.
    pub fn new(settings: Settings) -> Result<Configured, ClientConfigError> {
        let client = Client::new(client_config(&settings, &settings.endpoint, &settings.project_id))?;
        Ok(Configured {
            region: settings.region.clone(),
            default_tags: settings.default_tags.clone(),
            client,
            settings,
            others: Default::default(),
            preflights: Default::default(),
        })
    }

    /// The endpoint of `region`: the provider's `endpoint` with `{region}` filled in
    /// when one was set, else the region's public endpoint.
    fn endpoint_of(&self, region: &str) -> String {
        match &self.settings.endpoint_template {
            Some(t) => t.replace("{region}", region),
            None => format!("https://modelarts.{region}.myhuaweicloud.com"),
        }
    }

    /// The API client of `region` (`None` or the provider's own: the provider's
    /// client), observing the call's cancellation.
    pub async fn client_for(&self, region: Option<&str>, ctx: &CallContext) -> Result<Client, Diagnostics> {
        let region = match region {
            Some(r) if !r.is_empty() && r != self.region => r,
            _ => return Ok(self.client.with_cancel(ctx.cancel.clone())),
        };
        let mut others = self.others.lock().await;
        if let Some(c) = others.get(region) {
            return Ok(c.with_cancel(ctx.cancel.clone()));
        }
        let fail = |detail: &dyn std::fmt::Display| {
            Diagnostics::with_error(format!("Cannot reach region {region:?}"), detail.to_string())
        };
        // IAM answers at the provider's own endpoint when one was set (a private cloud,
        // the simulator); at the global IAM endpoint otherwise.
        let iam_endpoint = match &self.settings.endpoint_template {
            Some(_) => self.endpoint_of(&self.region),
            None => IAM_ENDPOINT.to_string(),
        };
        let mut iam_config = client_config(&self.settings, &iam_endpoint, "");
        iam_config.endpoint_origin = match &self.settings.endpoint_template {
            Some(_) => self.settings.endpoint_origin.clone(),
            None => format!("IAM, which gives the project of a region other than the provider's ({:?}), answers at that global endpoint; with `endpoint` set, the provider asks its own endpoint instead.", self.region),
        };
        let iam = Client::new(iam_config).map_err(|e| fail(&e))?.with_cancel(ctx.cancel.clone());
        let project = match iam.project_of_region(region).await {
            Ok(Some(p)) => p,
            Ok(None) => return Err(fail(&format!("IAM at {iam_endpoint} knows no project named {region:?}: is the region's name right, and is it enabled for the account?"))),
            Err(e) => return Err(fail(&format!("Looking up the project of region {region:?} through IAM failed: {e}"))),
        };
        let endpoint = self.endpoint_of(region);
        tracing::debug!(region, project = %project, endpoint = %endpoint, "client for another region");
        let client = Client::new(client_config(&self.settings, &endpoint, &project)).map_err(|e| fail(&e))?;
        others.insert(region.to_string(), client.clone());
        Ok(client.with_cancel(ctx.cancel.clone()))
    }

    /// The plan-time check cache of `region` (`None`: the provider's).
    pub fn preflight_for(&self, region: Option<&str>) -> Arc<preflight::Cache> {
        let key = region.unwrap_or(&self.region).to_string();
        match self.preflights.lock() {
            Ok(mut m) => m.entry(key).or_default().clone(),
            Err(_) => Arc::new(preflight::Cache::default()),
        }
    }
}

/// The configured provider's client for `region` (`None`: the provider's region)
/// and that region's name; or the error that the provider is not configured, or
/// that the region cannot be reached. Every resource and data source gets its
/// client here.
pub(crate) async fn client(ctx: &CallContext, region: Option<&str>) -> Result<(Client, String), Diagnostics> {
    let configured = ctx.data::<Configured>()?;
    let region = region.filter(|r| !r.is_empty()).unwrap_or(&configured.region).to_string();
    Ok((configured.client_for(Some(&region), ctx).await?, region))
}
