//! The API's error codes this crate acts on, from the public ModelArts error-code
//! table ("Error Codes" of the ModelArts API reference) and the official Go
//! provider's handling of them, for the client to decide on. The simulator answers
//! with its own copy of the table (`sim::rules::code`), so a wrong code here is a
//! failing test rather than an agreement. Bodies look like
//! `{"error_code": "ModelArts.6309", "error_msg": "..."}`, HTTP 400 unless noted.

/// "Parameter error." The message says which parameter.
pub const PARAMETER_ERROR: &str = "ModelArts.0104";
/// "Create Notebook failed. Quota: {} is exhausted."
pub const QUOTA_EXHAUSTED: &str = "ModelArts.0113";
/// "The instance already exists."
pub const INSTANCE_EXISTS: &str = "ModelArts.6301";
/// "The instance count already reaches the maximum value."
pub const INSTANCE_LIMIT: &str = "ModelArts.6302";
/// "Please stop the instance before deleting."
pub const STOP_BEFORE_DELETE: &str = "ModelArts.6304";
/// "The instance is already running."
pub const ALREADY_RUNNING: &str = "ModelArts.6305";
/// "The instance is starting."
pub const STARTING: &str = "ModelArts.6306";
/// "The instance has already been stopped."
pub const ALREADY_STOPPED: &str = "ModelArts.6307";
/// "The instance is stopping."
pub const STOPPING: &str = "ModelArts.6308";
/// "The instance does not exist."
pub const INSTANCE_NOT_FOUND: &str = "ModelArts.6309";
/// The instance is busy, or already where the call would put it: the official
/// provider reads it as "already stopped" on stop and as "gone" on show and
/// delete. The only safe reading is to look at the instance and decide.
pub const BUSY: &str = "ModelArts.6357";
/// Another spelling of "does not exist" (the official provider maps it to 404).
pub const NOT_FOUND_ALT: &str = "ModelArts.6404";
/// API gateway: throttled (HTTP 429).
pub const THROTTLED: &str = "APIGW.0308";

/// Codes that mean "no such instance (or mount)", besides HTTP 404.
pub const NOT_FOUND_CODES: &[&str] = &[INSTANCE_NOT_FOUND, NOT_FOUND_ALT];
