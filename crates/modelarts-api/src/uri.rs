//! Each request's URI from the endpoint and a call's path and query. The `url`
//! crate's `set_path` normalises a path (percent-encoding, `.` and `..` segments,
//! `\` as `/`); the paths this client sends are almost always plain already (ids,
//! letters, `/`), and for those the URI is put together from parts made once.
//! Anything else goes through `Url` as before; a property test holds the two to
//! the same answer.

use bytes::Bytes;
use http::uri::{Authority, PathAndQuery, Scheme};
use http::Uri;
use url::Url;

/// The endpoint, parsed once for the URIs of its requests.
#[derive(Debug)]
pub(crate) struct Origin {
    base: Url,
    /// The base's scheme and authority as `http` parses them (`None` if it does not,
    /// when every URI takes the slow way and reports the error there).
    parts: Option<(Scheme, Authority)>,
}

impl Origin {
    pub(crate) fn new(base: Url) -> Origin {
        let parts = Uri::try_from(base.as_str()).ok().and_then(|u| {
            let parts = u.into_parts();
            Some((parts.scheme?, parts.authority?))
        });
        Origin { base, parts }
    }

    /// The URI of `path` (absolute, from the endpoint's root) with `query` (already
    /// percent-encoded; empty for none).
    pub(crate) fn uri(&self, path: &str, query: &str) -> Result<Uri, String> {
        match &self.parts {
            Some((scheme, authority)) if plain_path(path) && plain_query(query) => {
                let mut pq = String::with_capacity(path.len() + 1 + query.len());
                pq.push_str(path);
                if !query.is_empty() {
                    pq.push('?');
                    pq.push_str(query);
                }
                let mut parts = http::uri::Parts::default();
                parts.scheme = Some(scheme.clone());
                parts.authority = Some(authority.clone());
                parts.path_and_query =
                    Some(PathAndQuery::from_maybe_shared(Bytes::from(pq)).map_err(|e| format!("request failed: {e}"))?);
                Uri::from_parts(parts).map_err(|e| format!("request failed: {e}"))
            }
            _ => self.normalised(path, query),
        }
    }

    /// The URI as `Url` normalises it.
    fn normalised(&self, path: &str, query: &str) -> Result<Uri, String> {
        let mut url = self.base.clone();
        url.set_path(path);
        url.set_query((!query.is_empty()).then_some(query));
        Uri::try_from(url.as_str()).map_err(|e| format!("request failed: {e}"))
    }
}

/// A path `Url` would leave as it is: from the root, unreserved characters and `/`
/// only, no `.` or `..` segment.
fn plain_path(path: &str) -> bool {
    path.starts_with('/')
        && path.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/'))
        && !path.split('/').any(|s| s == "." || s == "..")
}

/// A query `Url` would leave as it is: percent-encoded pairs (the signer's canonical
/// query is made only of these).
fn plain_query(query: &str) -> bool {
    query.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'%' | b'=' | b'&'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn origin(base: &str) -> Origin {
        Origin::new(Url::parse(base).unwrap())
    }

    #[test]
    fn plain_paths_are_joined_and_others_normalised() {
        let o = origin("https://modelarts.cn-north-4.myhuaweicloud.com:8443/gw/");
        assert_eq!(
            o.uri("/gw/v1/p1/notebooks/n-1", "limit=10&offset=0").unwrap().to_string(),
            "https://modelarts.cn-north-4.myhuaweicloud.com:8443/gw/v1/p1/notebooks/n-1?limit=10&offset=0"
        );
        assert_eq!(
            o.uri("/v1/a b/../c", "").unwrap().to_string(),
            "https://modelarts.cn-north-4.myhuaweicloud.com:8443/v1/c"
        );
        assert_eq!(o.uri("/v1/é", "").unwrap().path(), "/v1/%C3%A9");
    }

    proptest! {
        /// Whichever way a URI is made, it is the one `Url` makes.
        #[test]
        fn the_quick_way_makes_what_url_makes(
            // Half plain (the quick way), half anything.
            path in prop_oneof!["(/[a-zA-Z0-9._~-]{0,6}){1,4}", "(/[a-zA-Z0-9._~%é \\\\?#-]{0,6}){1,4}"],
            query in prop_oneof!["[a-zA-Z0-9._~%=&-]{0,12}", "[a-zA-Z0-9._~%=& -]{0,12}"],
            base in prop::sample::select(vec!["http://127.0.0.1:8080", "https://h.example/prefix/", "http://[::1]:9/"]),
        ) {
            let o = origin(base);
            let quick = o.uri(&path, &query).map(|u| u.to_string());
            let slow = o.normalised(&path, &query).map(|u| u.to_string());
            prop_assert_eq!(quick, slow);
        }
    }
}
