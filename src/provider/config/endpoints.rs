//! Where the provider's services answer, as the official provider derives them
//! (`huaweicloud/config/endpoints.go`, `config.go`): public endpoints are
//! `https://{service}.{region}.{cloud}`, where `cloud` is `myhuaweicloud.com`, or
//! `myhuaweicloud.eu` for the European regions (`eu-west-1…`, e.g. `eu-west-101`);
//! IAM is `auth_url`, by default `https://iam.{region}.{cloud}/v3`; the `endpoints`
//! map overrides a service's base URL (`https://` added to a value without a scheme).
//! `{region}` in a configured URL is replaced by the region it serves.

use crate::client::ids::Region;

/// The public domain of `region`'s endpoints, when `cloud` is not set.
pub fn default_cloud(region: &Region) -> &'static str {
    if region.as_str().starts_with("eu-west-1") {
        "myhuaweicloud.eu"
    } else {
        "myhuaweicloud.com"
    }
}

/// `url` with `https://` in front when it has no scheme, as the official provider
/// reads the values of `endpoints`; without a trailing `/`.
pub fn with_scheme(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    if url.contains("://") {
        url.to_string()
    } else {
        format!("https://{url}")
    }
}

/// The base URLs of the services the provider calls.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoints {
    /// The public domain (`cloud`).
    pub cloud: String,
    /// ModelArts, as configured (`endpoints.modelarts`, or `endpoint`), `{region}`
    /// not yet filled in; `None`: the public one of each region.
    pub modelarts: Option<String>,
    /// IAM, as configured (`auth_url`, or `endpoints.iam`).
    pub iam: Option<String>,
    /// The security token service, as configured (`endpoints.sts`).
    pub sts: Option<String>,
}

impl Endpoints {
    /// The ModelArts endpoint of `region`.
    pub fn modelarts_for(&self, region: &Region) -> String {
        match &self.modelarts {
            Some(t) => t.replace("{region}", region.as_str()),
            None => format!("https://modelarts.{region}.{}", self.cloud),
        }
    }

    /// IAM for a provider in `region`: the configured one; with a configured ModelArts
    /// endpoint (a private cloud, the simulator) its `/v3`; else the region's public IAM.
    pub fn iam_for(&self, region: &Region) -> String {
        match (&self.iam, &self.modelarts) {
            (Some(iam), _) => iam.replace("{region}", region.as_str()),
            (None, Some(_)) => format!("{}/v3", self.modelarts_for(region)),
            (None, None) => format!("https://iam.{region}.{}/v3", self.cloud),
        }
    }

    /// The security token service of `region` (`v5/agencies/assume`).
    pub fn sts_for(&self, region: &Region) -> String {
        match (&self.sts, &self.modelarts) {
            (Some(sts), _) => sts.replace("{region}", region.as_str()),
            (None, Some(_)) => self.modelarts_for(region),
            (None, None) => format!("https://sts.{region}.{}", self.cloud),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(region: &str) -> Endpoints {
        Endpoints { cloud: default_cloud(&Region::new(region)).into(), modelarts: None, iam: None, sts: None }
    }

    #[test]
    fn the_european_regions_have_their_own_domain() {
        let eu = public("eu-west-101");
        assert_eq!(eu.modelarts_for(&Region::new("eu-west-101")), "https://modelarts.eu-west-101.myhuaweicloud.eu");
        assert_eq!(eu.iam_for(&Region::new("eu-west-101")), "https://iam.eu-west-101.myhuaweicloud.eu/v3");
        assert_eq!(eu.sts_for(&Region::new("eu-west-101")), "https://sts.eu-west-101.myhuaweicloud.eu");
        let cn = public("cn-north-4");
        assert_eq!(cn.modelarts_for(&Region::new("cn-north-4")), "https://modelarts.cn-north-4.myhuaweicloud.com");
        assert_eq!(
            default_cloud(&Region::new("eu-west-0")),
            "myhuaweicloud.com",
            "only eu-west-1… is the European site"
        );
    }

    #[test]
    fn configured_endpoints_win_and_take_a_scheme() {
        assert_eq!(with_scheme("modelarts.private.example.com/"), "https://modelarts.private.example.com");
        assert_eq!(with_scheme("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        let e = Endpoints {
            cloud: "myhuaweicloud.com".into(),
            modelarts: Some("https://modelarts.{region}.example.com".into()),
            iam: None,
            sts: None,
        };
        assert_eq!(e.modelarts_for(&Region::new("r1")), "https://modelarts.r1.example.com");
        assert_eq!(e.iam_for(&Region::new("r1")), "https://modelarts.r1.example.com/v3", "a private cloud's own IAM");
    }
}
