//! What the simulator keeps about work in progress besides notebooks: images being
//! saved and storage being mounted, each with the transition it is in. Plain data
//! with its own clock, below the handlers that make them (`images`, `mounts`) and
//! the store that keeps them.

use std::time::Instant;

use modelarts_api::enums::{ImageStatus, MountStatus, Word};
use modelarts_api::types::{Image, Mount};

/// An image saved from a notebook, and its save in progress.
#[derive(Clone, Debug)]
pub(crate) struct SavedImage {
    pub(crate) image: Image,
    pub(crate) project: String,
    /// When the save ends (`None`: done, or never ends).
    pub(crate) until: Option<Instant>,
    /// The save ends in `CREATE_FAILED` with this message.
    pub(crate) fail: Option<String>,
}

impl SavedImage {
    pub(crate) fn advance(&mut self, now: Instant) {
        if self.until.is_none_or(|at| now < at) {
            return;
        }
        self.until = None;
        let status = match self.fail.take() {
            Some(message) => {
                self.image.status_message = Some(message);
                ImageStatus::CreateFailed
            }
            None => ImageStatus::Active,
        };
        self.image.status = Some(status.into());
    }
}

/// A mount and the transition it is in.
#[derive(Clone, Debug)]
pub(crate) struct MountRecord {
    pub(crate) mount: Mount,
    /// When the transition ends (`None`: settled, or never ends).
    pub(crate) until: Option<Instant>,
    pub(crate) in_transition: bool,
    /// The transition ends in `MOUNT_FAILED` with this reason.
    pub(crate) fail: Option<String>,
    /// Unmounting: gone at the end.
    pub(crate) removing: bool,
}

impl MountRecord {
    /// Sets the status outright, ending any transition (the control API).
    pub(crate) fn force_status(&mut self, status: &str) {
        self.in_transition = false;
        self.mount.status = Some(Word::parse(status));
    }

    /// Brings the status up to date; true when the mount is gone.
    pub(crate) fn advance(&mut self, now: Instant) -> bool {
        if !self.in_transition || self.until.is_none_or(|at| now < at) {
            return false;
        }
        self.in_transition = false;
        if self.removing {
            return true;
        }
        match self.fail.take() {
            Some(reason) => {
                self.mount.status = Some(MountStatus::MountFailed.into());
                self.mount.failure_reason = Some(reason);
            }
            None => self.mount.status = Some(MountStatus::Mounted.into()),
        }
        false
    }
}
