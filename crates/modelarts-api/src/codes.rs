//! The API's error codes this crate acts on, from the public ModelArts error-code
//! table ("Error Codes" of the ModelArts API reference) and the official Go
//! provider's handling of them, for the client to decide on. The simulator answers
//! with its own copy of the table (`modelarts_sim::rules::code`), so a wrong code
//! here is a failing test rather than an agreement. Bodies look like
//! `{"error_code": "ModelArts.6309", "error_msg": "..."}`, HTTP 400 unless noted.
//! A code not listed here is kept as the API wrote it ([`crate::ApiError::code`]).

use crate::string_enum;

string_enum! {
    /// An error code of the API that this client acts on.
    pub enum ErrorCode {
        /// "Parameter error." The message says which parameter.
        ParameterError = "ModelArts.0104",
        /// "Create Notebook failed. Quota: {} is exhausted."
        QuotaExhausted = "ModelArts.0113",
        /// "The instance already exists."
        InstanceExists = "ModelArts.6301",
        /// "The instance count already reaches the maximum value."
        InstanceLimit = "ModelArts.6302",
        /// "Please stop the instance before deleting."
        StopBeforeDelete = "ModelArts.6304",
        /// "The instance is already running."
        AlreadyRunning = "ModelArts.6305",
        /// "The instance is starting."
        Starting = "ModelArts.6306",
        /// "The instance has already been stopped."
        AlreadyStopped = "ModelArts.6307",
        /// "The instance is stopping."
        Stopping = "ModelArts.6308",
        /// "The instance does not exist."
        InstanceNotFound = "ModelArts.6309",
        /// The instance is busy, or already where the call would put it: the official
        /// provider reads it as "already stopped" on stop and as "gone" on show and
        /// delete. The only safe reading is to look at the instance and decide.
        Busy = "ModelArts.6357",
        /// Another spelling of "does not exist" (the official provider maps it to 404).
        NotFoundAlt = "ModelArts.6404",
        /// API gateway: throttled (HTTP 429).
        Throttled = "APIGW.0308",
    }
}

impl ErrorCode {
    /// "No such instance (or mount)", besides HTTP 404.
    pub fn means_not_found(self) -> bool {
        matches!(self, ErrorCode::InstanceNotFound | ErrorCode::NotFoundAlt)
    }
}
