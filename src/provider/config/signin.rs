//! How the provider signs in besides fixed keys, from the block and the environment:
//! an IAM token or a user's password (the official provider's `token`, `user_name`,
//! `user_id`, `password`), agencies (`assume_role`, a chain) and an OpenID Connect
//! identity (`assume_role_with_oidc`).

use std::path::PathBuf;

use crate::client::assume::Agency;
use crate::client::oidc::IdToken;
use crate::client::password::{Account, Login, User};
use crate::protocol::{AttributePath, Diagnostics};

use super::{origin, AssumeRoleModel, OidcModel, ProviderModel};

/// Signing in through IAM with a token instead of keys. `Debug` hides the secrets.
#[derive(Clone)]
pub enum IamSignIn {
    /// A token given as it is (`token`).
    Token(String),
    /// A user's password (`user_name` or `user_id`, `password`).
    Password(Login),
}

impl std::fmt::Debug for IamSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IamSignIn::Token(_) => f.write_str("IamSignIn::Token(<redacted>)"),
            IamSignIn::Password(login) => f.debug_tuple("IamSignIn::Password").field(login).finish(),
        }
    }
}

/// The `assume_role` blocks, in order; without any, one from the
/// `HW_ASSUME_ROLE_*` variables when `HW_ASSUME_ROLE_AGENCY_NAME` is set (the
/// official provider's `configureProvider`).
pub(super) fn agencies(
    blocks: &[AssumeRoleModel],
    env: &dyn Fn(&str) -> Option<String>,
    diags: &mut Diagnostics,
) -> Vec<Agency> {
    if blocks.is_empty() {
        let var = |n: &str| env(n).filter(|v| !v.trim().is_empty());
        let Some(name) = var("HW_ASSUME_ROLE_AGENCY_NAME") else { return Vec::new() };
        let duration = match var("HW_ASSUME_ROLE_DURATION").map(|d| d.trim().parse::<u32>()) {
            None => None,
            Some(Ok(d)) if (900..=86_400).contains(&d) => Some(d),
            Some(_) => {
                diags.error(
                    "Invalid HW_ASSUME_ROLE_DURATION",
                    "HW_ASSUME_ROLE_DURATION must be a whole number of seconds from 900 to 86400.",
                );
                None
            }
        };
        return vec![Agency {
            name,
            domain_name: var("HW_ASSUME_ROLE_DOMAIN_NAME"),
            domain_id: var("HW_ASSUME_ROLE_DOMAIN_ID"),
            duration_secs: duration,
        }];
    }
    blocks
        .iter()
        .filter_map(|b| {
            Some(Agency {
                name: text(Some(b.agency_name.clone()))?,
                domain_name: text(b.domain_name.clone()),
                domain_id: text(b.domain_id.clone()),
                duration_secs: b.duration.and_then(|d| u32::try_from(d).ok()),
            })
        })
        .collect()
}

/// A setting's text; blank is none.
fn text(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// The `assume_role_with_oidc` block; without one, the `HW_ASSUME_ROLE_*` variables
/// when `HW_ASSUME_ROLE_IDP_ID` is set (the official provider's configureProvider):
/// the identity provider and token, and the agency to assume with the keys they give.
pub(super) fn oidc(
    block: Option<&OidcModel>,
    env: &dyn Fn(&str) -> Option<String>,
    diags: &mut Diagnostics,
) -> Option<((String, IdToken), Agency)> {
    let at = AttributePath::attr(ProviderModel::ASSUME_ROLE_WITH_OIDC);
    let var = |n: &str| env(n).filter(|v| !v.trim().is_empty());
    // The block's setting, else (without a block) the environment's.
    let get = |setting: Option<&String>, env_name: &str| -> Option<String> {
        match block {
            Some(_) => text(setting.cloned()),
            None => var(env_name),
        }
    };
    let b = block;
    let idp_id = get(b.map(|b| &b.idp_id), "HW_ASSUME_ROLE_IDP_ID")?;
    let token = match (
        get(b.and_then(|b| b.id_token.as_ref()), "HW_ASSUME_ROLE_ID_TOKEN"),
        get(b.and_then(|b| b.id_token_file.as_ref()), "HW_ASSUME_ROLE_ID_TOKEN_FILE"),
    ) {
        (Some(t), None) => IdToken::Literal(t),
        (None, Some(f)) => IdToken::File(PathBuf::from(f)),
        _ => {
            diags.error_at(
                at,
                "Set exactly one of id_token and id_token_file",
                "assume_role_with_oidc needs the OIDC ID token: set id_token (HW_ASSUME_ROLE_ID_TOKEN) or id_token_file (HW_ASSUME_ROLE_ID_TOKEN_FILE), not both.",
            );
            return None;
        }
    };
    let (Some(name), Some(domain_id)) = (
        get(b.map(|b| &b.agency_name), "HW_ASSUME_ROLE_AGENCY_NAME"),
        get(b.map(|b| &b.domain_id), "HW_ASSUME_ROLE_DOMAIN_ID"),
    ) else {
        diags.error_at(
            at,
            "assume_role_with_oidc needs agency_name and domain_id",
            "Set the agency to act through (agency_name, HW_ASSUME_ROLE_AGENCY_NAME) and the account that created it (domain_id, HW_ASSUME_ROLE_DOMAIN_ID).",
        );
        return None;
    };
    let duration = match b {
        Some(b) => b.duration.and_then(|d| u32::try_from(d).ok()),
        None => var("HW_ASSUME_ROLE_DURATION").and_then(|d| d.trim().parse().ok()),
    };
    Some(((idp_id, token), Agency { name, domain_name: None, domain_id: Some(domain_id), duration_secs: duration }))
}

/// A password sign-in, when `password` and a user are set; a plan-time error when
/// one comes without the other, or a user name without its account.
#[allow(clippy::too_many_arguments)]
pub(super) fn password_login(
    block: &ProviderModel,
    env: &dyn Fn(&str) -> Option<String>,
    user_name: Option<String>,
    user_id: Option<String>,
    password: Option<String>,
    domain_id: Option<String>,
    domain_name: Option<String>,
    diags: &mut Diagnostics,
) -> Option<Login> {
    let user = match (user_id, user_name) {
        (Some(id), _) => User::Id(id),
        (None, Some(name)) => User::Name(name),
        (None, None) => {
            if password.is_some() {
                diags.error_at(
                    AttributePath::attr(ProviderModel::PASSWORD),
                    "A password needs its user",
                    format!(
                        "password (from {}) signs in a user: set user_name (with domain_name) or user_id.",
                        origin(block.password.is_some(), ProviderModel::PASSWORD, env)
                    ),
                );
            }
            return None;
        }
    };
    let Some(password) = password else {
        // A user alone is no sign-in: the metadata service is asked, and its error
        // names what was tried.
        return None;
    };
    let account = match (domain_name, domain_id) {
        (Some(name), _) => Some(Account::Name(name)),
        (None, Some(id)) => Some(Account::Id(id)),
        (None, None) => None,
    };
    if matches!(user, User::Name(_)) && account.is_none() {
        diags.error_at(
            AttributePath::attr(ProviderModel::DOMAIN_NAME),
            "Missing provider setting domain_name",
            "IAM finds a user by name within its account: set domain_name (HW_DOMAIN_NAME) or domain_id, or sign in with user_id.",
        );
        return None;
    }
    Some(Login { user, account, password })
}
