//! API errors as diagnostics, for every resource: the API's code and text kept,
//! at the attribute to blame when the refusal names one, and with what to do for
//! the codes that have a remedy (the error-code table: 0104 parameter error, 0113
//! quota, 6301 / 6302).

use crate::client::codes::ErrorCode;
use crate::client::ids::Region;
use crate::client::ApiError;
use crate::protocol::{AttributePath, Diagnostics};

/// An attribute an API refusal can be blamed on: a top-level attribute's name, or
/// a resource's own field type (the notebook's [`crate::provider::notebook::changes::Field`]).
pub(crate) trait Blamed: Copy + PartialEq {
    /// Where the attribute is.
    fn path(self) -> AttributePath;
    /// How messages name it.
    fn name(self) -> String;
}

impl Blamed for &'static str {
    fn path(self) -> AttributePath {
        AttributePath::attr(self)
    }

    fn name(self) -> String {
        self.to_string()
    }
}

/// Words an API message may use, each with the attribute it points at.
pub(crate) type Blame<F = &'static str> = [(&'static str, F)];

/// The error of a notebook ID that names no notebook, at the attribute `at`.
pub(crate) fn notebook_not_found(at: &str, id: &str, region: &Region) -> Diagnostics {
    Diagnostics::with_error_at(
        AttributePath::attr(at),
        "Notebook not found",
        format!("There is no notebook with ID {id:?} in this project and region ({region})."),
    )
}

/// The attribute an API refusal is about, among those the request carried.
pub(crate) fn blamed<F: Blamed>(message: &str, sent: &[F], blame: &Blame<F>) -> Option<F> {
    let text = message.to_ascii_lowercase();
    blame.iter().find(|(word, attr)| text.contains(word) && sent.contains(attr)).map(|(_, attr)| *attr)
}

/// The diagnostic for `e`, which a call carrying the attributes `sent` received;
/// `blame` says which words of a refusal point at which attribute.
pub(crate) fn api_error<F: Blamed>(summary: &str, e: &ApiError, sent: &[F], blame: &Blame<F>) -> Diagnostics {
    let mut d = Diagnostics::new();
    let text = e.to_string();
    match e.known_code() {
        Some(ErrorCode::QuotaExhausted) => d.error(
            "Notebook quota exhausted",
            format!("{text}. The project's notebook quota is used up: delete notebooks that are no longer needed, or ask for a higher quota."),
        ),
        Some(ErrorCode::InstanceLimit) => d.error(
            "Too many notebooks",
            format!("{text}. The project already has the most notebooks it may have: delete notebooks that are no longer needed."),
        ),
        Some(ErrorCode::InstanceExists) => {
            d.error("Notebook already exists", format!("{text}. Import it (terraform import) or choose another name."))
        }
        Some(ErrorCode::ParameterError) => match e.message().and_then(|m| blamed(m, sent, blame)) {
            Some(attr) => d.error_at(attr.path(), summary, format!("The API refused {}: {text}.", attr.name())),
            None => d.error(summary, format!("{text}.")),
        },
        _ => d.error(summary, format!("{text}.")),
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::notebook::changes::{Field, NOTEBOOK_BLAME};

    fn refusal(code: &str, msg: &str) -> ApiError {
        ApiError::from_response(
            "POST",
            "/v1/p/notebooks",
            400,
            format!(r#"{{"error_code":"{code}","error_msg":"{msg}"}}"#).as_bytes(),
        )
    }

    #[test]
    fn a_parameter_error_lands_on_its_attribute() {
        let d = api_error(
            "Failed to create notebook",
            &refusal("ModelArts.0104", "Parameter error: flavor x does not exist"),
            &[Field::Name, Field::FlavorId, Field::ImageId],
            NOTEBOOK_BLAME,
        );
        assert_eq!(d.0[0].path.as_ref().unwrap().to_string(), "flavor_id");
        assert!(d.0[0].detail.contains("ModelArts.0104") && d.0[0].detail.contains("flavor x does not exist"));
        let d = api_error(
            "x",
            &refusal("ModelArts.0104", "Parameter error: capacity must be 5 to 4096 GB"),
            &[Field::VolumeType, Field::VolumeSize],
            NOTEBOOK_BLAME,
        );
        assert_eq!(d.0[0].path.as_ref().unwrap().to_string(), "volume[0].size");
        let d = api_error(
            "x",
            &refusal("ModelArts.0104", "Parameter error: something odd"),
            &[Field::Name],
            NOTEBOOK_BLAME,
        );
        assert!(d.0[0].path.is_none());
    }

    #[test]
    fn codes_with_a_remedy() {
        let quota = refusal("ModelArts.0113", "Create Notebook failed. Quota: notebook is exhausted.");
        let d = api_error("x", &quota, &[], NOTEBOOK_BLAME);
        assert_eq!(d.0[0].summary, "Notebook quota exhausted");
        assert!(d.0[0].detail.contains("higher quota"));
        assert_eq!(
            api_error("x", &refusal("ModelArts.6302", "max"), &[], NOTEBOOK_BLAME).0[0].summary,
            "Too many notebooks"
        );
    }
}
