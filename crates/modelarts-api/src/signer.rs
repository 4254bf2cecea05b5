//! AK/SK request signing, algorithms `SDK-HMAC-SHA256` and `SDK-HMAC-SM3`, as the
//! ModelArts API gateway checks them (see `modelarts-api.md`). Both sides use it:
//! the client signs, the simulator verifies. `SDK-HMAC-SM3` is the same scheme with
//! SM3 (GB/T 32905) in place of SHA-256, for the official provider's
//! `signing_algorithm = "HmacSM3"` (the official Python SDK's `SM3Signer`; its
//! vectors are in `crates/modelarts-api/tests/sdk/`).

use aws_lc_rs::{digest, hmac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The signing algorithm's name, as it appears in `Authorization`.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// How requests are signed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Algorithm {
    /// `SDK-HMAC-SHA256` (the official provider's `HmacSHA256`, the default).
    #[default]
    HmacSha256,
    /// `SDK-HMAC-SM3` (the official provider's `HmacSM3`).
    HmacSm3,
}

impl Algorithm {
    /// The name in `Authorization` and the string to sign.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::HmacSha256 => ALGORITHM,
            Algorithm::HmacSm3 => "SDK-HMAC-SM3",
        }
    }

    /// The algorithm an `Authorization` header's scheme names.
    pub fn of_scheme(scheme: &str) -> Option<Algorithm> {
        [Algorithm::HmacSha256, Algorithm::HmacSm3].into_iter().find(|a| a.name() == scheme)
    }

    /// The hash of `data`, lower-case hex.
    pub fn hash_hex(self, data: &[u8]) -> String {
        match self {
            Algorithm::HmacSha256 => sha256_hex(data),
            Algorithm::HmacSm3 => {
                use sm3::Digest;
                hex::encode(sm3::Sm3::digest(data))
            }
        }
    }
}

/// A secret key ready to sign with: HMAC's key schedule (the hash states after the
/// key's inner and outer pads) is done once, not for every request, where it was a
/// third of a signature's work. `Debug` shows the algorithm only.
#[derive(Clone)]
pub struct SigningKey {
    algorithm: Algorithm,
    prepared: Prepared,
}

#[derive(Clone)]
enum Prepared {
    Sha256(Box<hmac::Key>),
    // HMAC accepts a key of any length: `None` only where the type says it could fail.
    Sm3(Option<::hmac::Hmac<sm3::Sm3>>),
}

impl SigningKey {
    /// `secret_key` prepared for `algorithm`.
    pub fn new(algorithm: Algorithm, secret_key: &str) -> SigningKey {
        use ::hmac::Mac;
        let key = secret_key.as_bytes();
        let prepared = match algorithm {
            Algorithm::HmacSha256 => Prepared::Sha256(Box::new(hmac::Key::new(hmac::HMAC_SHA256, key))),
            Algorithm::HmacSm3 => Prepared::Sm3(::hmac::Hmac::<sm3::Sm3>::new_from_slice(key).ok()),
        };
        SigningKey { algorithm, prepared }
    }

    /// The algorithm it signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The HMAC of `data`, lower-case hex.
    pub fn sign_hex(&self, data: &[u8]) -> String {
        use ::hmac::Mac;
        match &self.prepared {
            Prepared::Sha256(key) => hex::encode(hmac::sign(key, data)),
            Prepared::Sm3(Some(mac)) => {
                let mut mac = mac.clone();
                mac.update(data);
                hex::encode(mac.finalize().into_bytes())
            }
            Prepared::Sm3(None) => String::new(),
        }
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}
/// SHA-256 of the empty string, the payload hash of a request without a body.
pub const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// What a signature covers. `headers` are the signed headers, names in any case.
/// `Debug` shows header names only: a security token travels in a header.
pub struct SignInput<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The URL path, percent-encoded or not (it is decoded, then each segment re-encoded).
    pub path: &'a str,
    /// The query parameters, unencoded.
    pub query: &'a [(String, String)],
    /// The headers to sign (name, value).
    pub headers: &'a [(String, String)],
    /// The payload hash to use; `None` hashes `body`.
    pub payload_hash: Option<&'a str>,
    /// The request body.
    pub body: &'a [u8],
    /// `X-Sdk-Date`, `YYYYMMDDTHHMMSSZ`.
    pub sdk_date: &'a str,
}

/// The names of `headers`, for `Debug` output that must not show their values
/// (a security token or an `Authorization` travels there).
pub fn header_names(headers: &[(String, String)]) -> Vec<&str> {
    headers.iter().map(|(k, _)| k.as_str()).collect()
}

impl std::fmt::Debug for SignInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInput")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("header_names", &header_names(self.headers))
            .field("sdk_date", &self.sdk_date)
            .finish_non_exhaustive()
    }
}

/// What the signing algorithm escapes: everything but RFC 3986's unreserved characters.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// RFC 3986 percent-encoding of everything but the unreserved characters (`%XX`, upper case).
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, ESCAPED).to_string()
}

/// Decodes `%XX` escapes (invalid ones are kept as they are; bytes that are not
/// UTF-8 become U+FFFD).
pub fn percent_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The path, each segment encoded, always ending in `/`.
pub fn canonical_uri(path: &str) -> String {
    // The API's paths are all unreserved characters (those [`ESCAPED`] leaves) and
    // slashes: already canonical, nothing to decode or encode.
    if path.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/')) {
        let mut uri = String::with_capacity(path.len() + 1);
        uri.push_str(path);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        return uri;
    }
    canonical_uri_escaped(path)
}

/// [`canonical_uri`] of any path: decoded, then each segment encoded.
fn canonical_uri_escaped(path: &str) -> String {
    let decoded = percent_decode(path);
    let mut uri = decoded.split('/').map(percent_encode).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Parameters sorted by name then value, each side encoded, joined by `&`.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = query.iter().map(|(k, v)| (percent_encode(k), percent_encode(v))).collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// The lowercase names of the signed headers, sorted.
pub fn signed_header_names(headers: &[(String, String)]) -> Vec<String> {
    let mut names: Vec<String> = headers.iter().map(|(k, _)| k.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    names
}

/// The SHA-256 of `data`, in lower-case hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(digest::digest(&digest::SHA256, data))
}

/// The canonical request: method, URI, query, headers, signed-header names and payload hash, one per line.
pub fn canonical_request(input: &SignInput<'_>) -> String {
    canonical_request_with(Algorithm::HmacSha256, input)
}

/// [`canonical_request`] with the payload hashed by `alg`'s hash.
pub fn canonical_request_with(alg: Algorithm, input: &SignInput<'_>) -> String {
    canonical_request_named(alg, input, &signed_header_names(input.headers))
}

/// [`canonical_request_with`] of the signed headers `names` (sorted, lower case),
/// written into one string: signing is on every request's path.
fn canonical_request_named(alg: Algorithm, input: &SignInput<'_>, names: &[String]) -> String {
    let mut out = String::with_capacity(256);
    out.extend(input.method.chars().map(|c| c.to_ascii_uppercase()));
    out.push('\n');
    out.push_str(&canonical_uri(input.path));
    out.push('\n');
    out.push_str(&canonical_query(input.query));
    out.push('\n');
    for name in names {
        let value = input.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map_or("", |(_, v)| v.trim());
        out.push_str(name);
        out.push(':');
        out.push_str(value);
        out.push('\n');
    }
    // The headers part ends with its own newline, so a blank line separates it from
    // the signed-header list (as the official SDKs do).
    out.push('\n');
    push_joined(&mut out, names, ';');
    out.push('\n');
    match input.payload_hash {
        Some(h) => out.push_str(h),
        None if input.body.is_empty() && alg == Algorithm::HmacSha256 => out.push_str(EMPTY_BODY_SHA256),
        None => out.push_str(&alg.hash_hex(input.body)),
    }
    out
}

/// `items` joined by `sep`, appended to `out`.
fn push_joined(out: &mut String, items: &[String], sep: char) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(sep);
        }
        out.push_str(item);
    }
}

/// The string to sign: the algorithm, the date and the canonical request's SHA-256.
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    string_to_sign_with(Algorithm::HmacSha256, sdk_date, canonical_request)
}

/// The string to sign of `alg`: its name, the date and the canonical request's hash.
pub fn string_to_sign_with(alg: Algorithm, sdk_date: &str, canonical_request: &str) -> String {
    format!("{}\n{sdk_date}\n{}", alg.name(), alg.hash_hex(canonical_request.as_bytes()))
}

/// The hex HMAC-SHA256 of `string_to_sign` under `secret_key`.
pub fn signature(secret_key: &str, string_to_sign: &str) -> String {
    signature_with(Algorithm::HmacSha256, secret_key, string_to_sign)
}

/// The hex HMAC of `alg` of `string_to_sign` under `secret_key`.
pub fn signature_with(alg: Algorithm, secret_key: &str, string_to_sign: &str) -> String {
    SigningKey::new(alg, secret_key).sign_hex(string_to_sign.as_bytes())
}

/// The `Authorization` header value for `input`.
pub fn authorization(access_key: &str, secret_key: &str, input: &SignInput<'_>) -> String {
    authorization_with(Algorithm::HmacSha256, access_key, secret_key, input)
}

/// The `Authorization` header value for `input`, signed with `alg`.
pub fn authorization_with(alg: Algorithm, access_key: &str, secret_key: &str, input: &SignInput<'_>) -> String {
    authorization_with_key(access_key, &SigningKey::new(alg, secret_key), input)
}

/// The `Authorization` header value for `input`, signed with a prepared key.
pub fn authorization_with_key(access_key: &str, key: &SigningKey, input: &SignInput<'_>) -> String {
    let alg = key.algorithm();
    let names = signed_header_names(input.headers);
    let canonical = canonical_request_named(alg, input, &names);
    let sig = key.sign_hex(string_to_sign_with(alg, input.sdk_date, &canonical).as_bytes());
    let mut out = String::with_capacity(160);
    out.push_str(alg.name());
    out.push_str(" Access=");
    out.push_str(access_key);
    out.push_str(", SignedHeaders=");
    push_joined(&mut out, &names, ';');
    out.push_str(", Signature=");
    out.push_str(&sig);
    out
}

/// The parts of an `Authorization` header.
#[derive(Debug, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The algorithm its scheme names.
    pub algorithm: Algorithm,
    /// The access key that signed.
    pub access_key: String,
    /// The signed headers' names, lower case.
    pub signed_headers: Vec<String>,
    /// The hex signature.
    pub signature: String,
}

/// Why an `Authorization` header is not of the SDK-HMAC-SHA256 form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizationError {
    /// Another scheme (`Bearer`, ...), or none.
    Scheme,
    /// A part that is not `name=value`.
    Malformed,
    /// A part the signature needs is missing: `Access`, `SignedHeaders` or `Signature`.
    Missing(&'static str),
}

impl std::fmt::Display for AuthorizationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthorizationError::Scheme => write!(f, "authorization scheme is not {ALGORITHM} or SDK-HMAC-SM3"),
            AuthorizationError::Malformed => f.write_str("malformed authorization header"),
            AuthorizationError::Missing(part) => write!(f, "authorization has no {part}"),
        }
    }
}

impl std::error::Error for AuthorizationError {}

/// Reads an `Authorization` header of the SDK-HMAC-SHA256 form.
pub fn parse_authorization(value: &str) -> Result<ParsedAuthorization, AuthorizationError> {
    let (scheme, rest) = value.split_once(' ').ok_or(AuthorizationError::Scheme)?;
    let algorithm = Algorithm::of_scheme(scheme).ok_or(AuthorizationError::Scheme)?;
    let (mut access, mut signed, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or(AuthorizationError::Malformed)?;
        match k {
            "Access" => access = Some(v.to_string()),
            "SignedHeaders" => signed = Some(v.split(';').map(|s| s.to_ascii_lowercase()).collect()),
            "Signature" => sig = Some(v.to_ascii_lowercase()),
            _ => {}
        }
    }
    Ok(ParsedAuthorization {
        algorithm,
        access_key: access.ok_or(AuthorizationError::Missing("Access"))?,
        signed_headers: signed.ok_or(AuthorizationError::Missing("SignedHeaders"))?,
        signature: sig.ok_or(AuthorizationError::Missing("Signature"))?,
    })
}

/// Compares two signatures in time independent of where they differ.
pub fn signatures_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn encoding_rules() {
        assert_eq!(percent_encode("a b/c~d_e.f-g*"), "a%20b%2Fc~d_e.f-g%2A");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_decode("a%20b%zz%4"), "a b%zz%4");
        assert_eq!(canonical_uri("/v1/p/notebooks"), "/v1/p/notebooks/");
        assert_eq!(canonical_uri("/v1/p/notebooks/"), "/v1/p/notebooks/");
        assert_eq!(canonical_uri("/v1/p/a%20b"), "/v1/p/a%20b/");
        // The shortcut for paths of unreserved characters agrees with the whole rule.
        for path in ["/v1/p/notebooks", "/", "", "/a-b_c.d~e/F9", "//x/", "/v1/a b", "/é", "/a%2Fb", "/a+b"] {
            assert_eq!(canonical_uri(path), canonical_uri_escaped(path), "{path:?}");
        }
        assert_eq!(
            canonical_query(&s(&[("name", "my nb"), ("b", "2"), ("a", "y"), ("a", "x")])),
            "a=x&a=y&b=2&name=my%20nb"
        );
        assert_eq!(canonical_query(&[]), "");
    }

    /// Fixed date, keys and body; checks every line of the canonical request and the signature.
    #[test]
    fn fixed_vector_post_with_body() {
        let headers = s(&[
            ("Host", "modelarts.cn-north-4.myhuaweicloud.com"),
            ("X-Sdk-Date", "20261121T235218Z"),
            ("Content-Type", "application/json"),
            ("X-Project-Id", "p1"),
        ]);
        let body = br#"{"name":"nb"}"#;
        let input = SignInput {
            method: "post",
            path: "/v1/p1/notebooks",
            query: &[],
            headers: &headers,
            payload_hash: None,
            body,
            sdk_date: "20261121T235218Z",
        };
        let cr = canonical_request(&input);
        let lines: Vec<&str> = cr.split('\n').collect();
        assert_eq!(lines[0], "POST");
        assert_eq!(lines[1], "/v1/p1/notebooks/");
        assert_eq!(lines[2], "");
        assert_eq!(lines[3], "content-type:application/json");
        assert_eq!(lines[4], "host:modelarts.cn-north-4.myhuaweicloud.com");
        assert_eq!(lines[5], "x-project-id:p1");
        assert_eq!(lines[6], "x-sdk-date:20261121T235218Z");
        assert_eq!(lines[7], "");
        assert_eq!(lines[8], "content-type;host;x-project-id;x-sdk-date");
        assert_eq!(lines[9], sha256_hex(body));
        assert_eq!(lines.len(), 10);
        let auth = authorization("AK", "SK", &input);
        assert!(auth.starts_with(
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature="
        ));
        let parsed = parse_authorization(&auth).unwrap();
        assert_eq!(parsed.signature.len(), 64);
        // Same inputs, same signature; a different key, a different one.
        assert_eq!(auth, authorization("AK", "SK", &input));
        assert_ne!(parsed.signature, parse_authorization(&authorization("AK", "SK2", &input)).unwrap().signature);
    }

    #[test]
    fn empty_body_uses_the_empty_hash() {
        let headers = s(&[("Host", "h"), ("X-Sdk-Date", "20261121T235218Z")]);
        let input = SignInput {
            method: "GET",
            path: "/v1/p/notebooks/",
            query: &s(&[("limit", "10"), ("name", "a&b=c")]),
            headers: &headers,
            payload_hash: None,
            body: b"",
            sdk_date: "20261121T235218Z",
        };
        let cr = canonical_request(&input);
        assert!(cr.ends_with(EMPTY_BODY_SHA256));
        assert!(cr.contains("\nlimit=10&name=a%26b%3Dc\n"));
    }

    /// Requests signed by Huawei Cloud's official Python SDK (crates/modelarts-api/tests/sdk/): the same
    /// inputs must give the same signature here.
    #[test]
    fn matches_the_official_sdk() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../tests/sdk/official_sdk_vectors.json")).unwrap();
        let (ak, sk) = (vectors["access_key"].as_str().unwrap(), vectors["secret_key"].as_str().unwrap());
        let sets = [("requests", Algorithm::HmacSha256), ("sm3_requests", Algorithm::HmacSm3)];
        for (req, alg) in
            sets.iter().flat_map(|(set, alg)| vectors[set].as_array().unwrap().iter().map(move |r| (r, *alg)))
        {
            let headers: Vec<(String, String)> = req["headers"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| *k != "Authorization")
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect();
            let query: Vec<(String, String)> = req["query"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_str().unwrap().to_string()))
                .collect();
            let body = req["body"].as_str().unwrap_or("");
            let input = SignInput {
                method: req["method"].as_str().unwrap(),
                path: req["path"].as_str().unwrap(),
                query: &query,
                headers: &headers,
                payload_hash: None,
                body: body.as_bytes(),
                sdk_date: "20261121T235218Z",
            };
            let expected = parse_authorization(req["headers"]["Authorization"].as_str().unwrap()).unwrap();
            let ours = parse_authorization(&authorization_with(alg, ak, sk, &input)).unwrap();
            assert_eq!(ours, expected, "{alg:?} {}", req["path"]);
            assert_eq!(ours.algorithm, alg);
        }
    }

    #[test]
    fn a_prepared_key_signs_as_the_secret_does_every_time() {
        // RFC 4231 test case 2 for HMAC-SHA256; SM3 against the one-shot function.
        let key = SigningKey::new(Algorithm::HmacSha256, "Jefe");
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        for _ in 0..2 {
            assert_eq!(key.sign_hex(b"what do ya want for nothing?"), expected);
        }
        let sm3 = SigningKey::new(Algorithm::HmacSm3, "sk");
        let once = signature_with(Algorithm::HmacSm3, "sk", "string to sign");
        assert_eq!((sm3.sign_hex(b"string to sign"), sm3.sign_hex(b"string to sign")), (once.clone(), once));
        assert_eq!(format!("{sm3:?}"), "SigningKey { algorithm: HmacSm3, .. }");
    }

    #[test]
    fn parses_authorization_headers() {
        let p = parse_authorization("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;X-Sdk-Date, Signature=ABC").unwrap();
        assert_eq!(p.access_key, "AK");
        assert_eq!(p.signed_headers, vec!["host", "x-sdk-date"]);
        assert_eq!(p.signature, "abc");
        assert!(parse_authorization("Bearer x").is_err());
        assert!(parse_authorization("SDK-HMAC-SHA256 Access=AK").is_err());
        assert!(signatures_match("abc", "abc"));
        assert!(!signatures_match("abc", "abd"));
        assert!(!signatures_match("abc", "ab"));
    }
}
