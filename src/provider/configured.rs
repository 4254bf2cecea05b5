//! What the provider block configured, shared by every resource and data source:
//! the API client of each region it serves — the provider's, and, for a resource or
//! data source with a `region` of its own (as in the official provider), others —
//! made on first use. A region's project is `project_id` for the provider's own
//! region when it is set; otherwise it is looked up through IAM (`auth_url`: `GET
//! projects?name=`) by `project_name` (the provider's region) or by the region's
//! name, once per provider process and region, as the official provider does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use crate::client::assume::AssumeRole;
use crate::client::credentials::{Credentials, Keys};
use crate::client::ids::Region;
use crate::client::metadata::MetadataService;
use crate::client::oidc::OidcExchange;
use crate::client::password::{PasswordSignIn, Scope};
use crate::client::{ApiError, Client, ClientConfig, ClientConfigError};
use crate::framework::CallContext;
use crate::protocol::{AttributePath, Diagnostics};

use super::config::{IamSignIn, ProviderModel, Settings};
use super::notebook::preflight;

/// What the provider block configured: the API clients every call uses.
pub struct Configured {
    /// The provider's region.
    pub region: Region,
    /// Tags every notebook gets (`default_tags`).
    pub default_tags: crate::provider::notebook::tags::Tags,
    /// Tag keys managed elsewhere (`ignore_tags`).
    pub ignore_tags: std::collections::BTreeSet<String>,
    settings: Settings,
    /// The keys every client signs with.
    credentials: Arc<Credentials>,
    /// The client of each region served so far.
    clients: tokio::sync::Mutex<HashMap<Region, Client>>,
    preflights: Mutex<HashMap<Region, Arc<preflight::Cache>>>,
}

impl std::fmt::Debug for Configured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Configured").field("region", &self.region).finish_non_exhaustive()
    }
}

/// A client configuration from the provider's settings, for `endpoint` and
/// `project_id`, signing with `credentials` (one set for the process: temporary
/// keys are fetched once for all clients).
fn client_config(
    settings: &Settings,
    credentials: &Arc<Credentials>,
    endpoint: &str,
    project_id: &str,
) -> ClientConfig {
    let mut cc = ClientConfig::new(endpoint, project_id, &settings.access_key, &settings.secret_key);
    cc.security_token = settings.security_token.clone();
    cc.credentials = Some(credentials.clone());
    cc.algorithm = settings.algorithm;
    cc.insecure = settings.insecure;
    cc.ca_pem = settings.cacert_pem.clone();
    cc.identity_pem = settings.identity_pem.clone();
    cc.max_retries = settings.max_retries;
    cc.request_timeout = settings.request_timeout;
    cc.endpoint_origin = settings.endpoint_origin.clone();
    cc.credentials_origin = settings.credentials_origin.clone();
    cc.max_requests_per_second = settings.max_requests_per_second;
    cc.ignored_tag_keys = settings.ignore_tags.clone();
    cc
}

/// The password sign-in of `settings` for `scope`, as credentials kept fresh.
fn password_credentials(settings: &Settings, scope: Scope) -> Result<Credentials, ApiError> {
    let Some(IamSignIn::Password(login)) = &settings.sign_in else {
        return Err(ApiError::Credentials { detail: "no password sign-in is configured".into() });
    };
    let iam = settings.endpoints.iam_for(&settings.region);
    let root = iam.strip_suffix("/v3").unwrap_or(&iam);
    let source = PasswordSignIn::new(root, login.clone(), scope, settings.cacert_pem.as_deref(), settings.insecure)?;
    Ok(Credentials::from_source(Arc::new(source)))
}

impl Configured {
    /// The clients `settings` configure. The provider region's client is made now
    /// when its project is known, so a bad endpoint fails at configure time.
    pub fn new(settings: Settings) -> Result<Configured, ClientConfigError> {
        let iam_root = {
            let iam = settings.endpoints.iam_for(&settings.region);
            iam.strip_suffix("/v3").unwrap_or(&iam).to_string()
        };
        let setup = |e: ApiError| ClientConfigError::Credentials(e.to_string());
        let own_scope = match (&settings.project_id, &settings.project_name) {
            (Some(id), _) => Scope::ProjectId(id.clone()),
            (None, Some(name)) => Scope::ProjectName(name.clone()),
            (None, None) => Scope::ProjectName(settings.region.to_string()),
        };
        let mut credentials = Arc::new(match (&settings.oidc, &settings.metadata_url, &settings.sign_in) {
            (Some((idp, token)), _, _) => Credentials::from_source(Arc::new(
                OidcExchange::new(&iam_root, idp, token.clone(), settings.cacert_pem.as_deref(), settings.insecure)
                    .map_err(setup)?,
            )),
            (None, Some(url), _) => Credentials::from_source(Arc::new(MetadataService::new(url).map_err(setup)?)),
            (None, None, Some(IamSignIn::Token(token))) => Credentials::fixed(Keys::token(token, None)),
            (None, None, Some(IamSignIn::Password(_))) => password_credentials(&settings, own_scope).map_err(setup)?,
            (None, None, None) => Credentials::fixed(Keys::fixed(
                &settings.access_key,
                &settings.secret_key,
                settings.security_token.as_deref(),
            )),
        });
        // Each agency is assumed with the keys before it: a chain, as in the official provider.
        for agency in &settings.agencies {
            let endpoint = match &agency.domain_id {
                Some(_) => settings.endpoints.sts_for(&settings.region),
                // IAM's root: auth_url without its `/v3`.
                None => iam_root.clone(),
            };
            let mut config = client_config(&settings, &credentials, &endpoint, "");
            config.endpoint_origin = format!("It answers assume_role for agency {:?}.", agency.name);
            let caller = Client::new(config)?;
            credentials = Arc::new(Credentials::from_source(Arc::new(AssumeRole::new(agency.clone(), caller))));
        }
        let mut clients = HashMap::new();
        if let Some(project) = &settings.project_id {
            let config = client_config(&settings, &credentials, &settings.endpoint, project);
            clients.insert(settings.region.clone(), Client::new(config)?);
        }
        Ok(Configured {
            region: settings.region.clone(),
            default_tags: settings.default_tags.clone(),
            ignore_tags: settings.ignore_tags.clone(),
            settings,
            credentials,
            clients: tokio::sync::Mutex::new(clients),
            preflights: Default::default(),
        })
    }

    /// Checks that keys can be had: temporary ones are fetched now, so a node without
    /// an agency (or a machine off the cloud) fails at configure time, with every
    /// source that was tried.
    pub async fn check_keys(&self) -> Result<(), Diagnostics> {
        let by_password = matches!(self.settings.sign_in, Some(IamSignIn::Password(_)));
        if self.settings.metadata_url.is_none()
            && self.settings.agencies.is_empty()
            && self.settings.oidc.is_none()
            && !by_password
        {
            return Ok(());
        }
        match self.credentials.current().await {
            Ok(_) => Ok(()),
            Err(e) if by_password && self.settings.agencies.is_empty() => Err(Diagnostics::with_error_at(
                AttributePath::attr(ProviderModel::PASSWORD),
                "Cannot sign in with the password",
                e.to_string(),
            )),
            Err(e) if self.settings.oidc.is_some() => Err(Diagnostics::with_error_at(
                AttributePath::attr(ProviderModel::ASSUME_ROLE_WITH_OIDC),
                "Cannot sign in with the OIDC token",
                e.to_string(),
            )),
            Err(e) if self.settings.metadata_url.is_none() => Err(Diagnostics::with_error_at(
                AttributePath::attr(ProviderModel::ASSUME_ROLE),
                "Cannot assume the agency",
                e.to_string(),
            )),
            Err(e) => {
                let mut tried = self.settings.tried.clone();
                tried.push(e.to_string());
                Err(Diagnostics::with_error(
                    "No usable credentials",
                    format!("The provider found no keys to sign requests with. Tried, in order: {}.", tried.join("; ")),
                ))
            }
        }
    }

    /// The API client of `region` (`None`: the provider's), observing the call's
    /// cancellation.
    pub async fn client_for(&self, region: Option<&str>, cancel: &CancellationToken) -> Result<Client, Diagnostics> {
        let region = region.filter(|r| !r.is_empty()).map_or_else(|| self.region.clone(), Region::from);
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(&region) {
            return Ok(c.with_cancel(cancel.clone()));
        }
        let fail = |detail: &dyn std::fmt::Display| {
            Diagnostics::with_error(format!("Cannot reach region {region:?}"), detail.to_string())
        };
        // The provider's region is looked up by `project_name` when it is set; another
        // region by its name (its default project), as the official provider does.
        let own = region == self.region;
        let name = match &self.settings.project_name {
            Some(n) if own => n.as_str(),
            _ => region.as_str(),
        };
        let iam_endpoint = self.settings.endpoints.iam_for(&self.region);
        let mut iam_config = client_config(&self.settings, &self.credentials, &iam_endpoint, "");
        iam_config.endpoint_origin = format!(
            "IAM, asked for the project of region {region:?} because {}, answers at auth_url ({iam_endpoint}).",
            if own { "project_id is not set" } else { "it is not the provider's region" }
        );
        let iam = Client::new(iam_config).map_err(|e| fail(&e))?.with_cancel(cancel.clone());
        let project = match iam.projects_named(name).await {
            Ok(ids) => match ids.as_slice() {
                [one] => one.clone(),
                [] => {
                    return Err(fail(&format!(
                        "IAM at {iam_endpoint} knows no project named {name:?}: is the region's name right, and is it enabled for the account?{}",
                        if own { " Set project_id (HW_PROJECT_ID) to name the project outright." } else { "" }
                    )))
                }
                many => {
                    return Err(fail(&format!(
                        "IAM at {iam_endpoint} has {} projects named {name:?} ({}): set project_id (HW_PROJECT_ID) to the one to use.",
                        many.len(),
                        many.join(", ")
                    )))
                }
            },
            Err(e) => return Err(fail(&format!("Looking up the project named {name:?} through IAM failed: {e}"))),
        };
        let endpoint = self.settings.endpoints.modelarts_for(&region);
        tracing::debug!(region = %region, project = %project, endpoint = %endpoint, "client for a region");
        // A password's token is scoped to one project: another project signs in anew
        // (with agencies, the chain's keys serve every project).
        let credentials = match &self.settings.sign_in {
            Some(IamSignIn::Password(_)) if !own && self.settings.agencies.is_empty() => {
                Arc::new(password_credentials(&self.settings, Scope::ProjectId(project.clone())).map_err(|e| fail(&e))?)
            }
            _ => self.credentials.clone(),
        };
        let config = client_config(&self.settings, &credentials, &endpoint, &project);
        let client = Client::new(config).map_err(|e| fail(&e))?;
        clients.insert(region, client.clone());
        Ok(client.with_cancel(cancel.clone()))
    }

    /// The plan-time check cache of `region` (`None`: the provider's).
    pub fn preflight_for(&self, region: Option<&str>) -> Arc<preflight::Cache> {
        let key = region.map_or_else(|| self.region.clone(), Region::from);
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
pub(crate) async fn client(ctx: &CallContext, region: Option<&str>) -> Result<(Client, Region), Diagnostics> {
    ctx.data::<Configured>()?.region_client(region, &ctx.cancel).await
}

impl Configured {
    /// The client for `region` (`None` or empty: the provider's region) and that
    /// region's name, observing `cancel`.
    pub(crate) async fn region_client(
        &self,
        region: Option<&str>,
        cancel: &CancellationToken,
    ) -> Result<(Client, Region), Diagnostics> {
        let region = region.filter(|r| !r.is_empty()).map_or_else(|| self.region.clone(), Region::from);
        Ok((self.client_for(Some(region.as_str()), cancel).await?, region))
    }
}
