//! The simulator's notebooks and their state machine. Transitions run in real time
//! but lazily: a notebook's status is brought up to date whenever it is looked at.

use std::time::{Duration, Instant};

use super::records::{MountRecord, SavedImage};
use modelarts_api::enums::{VolumeStatus, Word};
use modelarts_api::timefmt::now_millis;
use modelarts_api::types::{CustomHooks, DataVolume, Lease, Notebook, NotebookImage, Status};

/// How long each transition takes.
#[derive(Clone, Copy, Debug)]
pub struct Timings {
    /// From create to RUNNING.
    pub create: Duration,
    /// From start to RUNNING.
    pub start: Duration,
    /// From stop to STOPPED.
    pub stop: Duration,
    /// From delete to gone.
    pub delete: Duration,
    /// How long an EVS volume stays `RESIZING` after it is grown.
    pub resize: Duration,
    /// How long a storage mount stays `MOUNTING` (and an unmount `UNMOUNTING`).
    pub mount: Duration,
    /// How long saving an image takes (`CREATING`; the notebook `SNAPSHOTTING`).
    pub image: Duration,
}

impl Default for Timings {
    fn default() -> Self {
        let s = Duration::from_secs(1);
        Timings { create: s, start: s, stop: s, delete: s, resize: s, mount: s, image: s }
    }
}

/// How a transition ends.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ending {
    /// Reaches its status on time.
    Normal,
    /// Ends in ERROR with this fail reason.
    Error(String),
    /// Never ends.
    Stuck,
}

#[derive(Clone, Debug)]
struct Transition {
    to: Status,
    /// `None` for a transition that never ends.
    at: Option<Instant>,
    fail: Option<String>,
    /// Deleting: the notebook disappears when the transition ends.
    remove: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Record {
    pub(crate) notebook: Notebook,
    transition: Option<Transition>,
    /// When a growing volume stops being `RESIZING`.
    resized_at: Option<Instant>,
    /// The startup scripts applied; the API never shows them.
    pub(crate) hooks: Option<CustomHooks>,
    /// Storage mounted into the running notebook. Mounts outlive a stop and a start
    /// of the notebook (the evidence is silent on this); they go with the notebook.
    pub(crate) mounts: Vec<MountRecord>,
    /// The project the notebook belongs to.
    pub(crate) project: String,
    /// The image the notebook runs once the transition in progress ends well: an
    /// image being saved from it. After a save the API reports the saved image as
    /// the notebook's (the official docs of `huaweicloud_modelarts_notebook_image_store`:
    /// storing "will change the value of `image_id`").
    pub(crate) image_after: Option<NotebookImage>,
}

impl Record {
    pub(crate) fn new(notebook: Notebook) -> Self {
        Record {
            notebook,
            transition: None,
            resized_at: None,
            hooks: None,
            mounts: Vec::new(),
            project: String::new(),
            image_after: None,
        }
    }

    /// Marks the volume `RESIZING` for `during` (the instance stays usable).
    pub(crate) fn begin_resize(&mut self, during: Duration) {
        if let Some(v) = self.notebook.volume.as_mut() {
            v.status = Some(VolumeStatus::Resizing.into());
        }
        self.resized_at = Instant::now().checked_add(during);
    }

    /// Starts a transition: the notebook shows `during` now and `to` after `after`.
    pub(crate) fn begin(&mut self, during: Status, to: Status, after: Duration, ending: &Ending) {
        self.notebook.status = during;
        self.notebook.fail_reason = None;
        let (at, fail) = match ending {
            // A time beyond what the clock can hold is a transition that never ends.
            Ending::Normal => (Instant::now().checked_add(after), None),
            Ending::Error(reason) => (Instant::now().checked_add(after), Some(reason.clone())),
            Ending::Stuck => (None, None),
        };
        let remove = to == Status::Deleted;
        self.transition = Some(Transition { to, at, fail, remove });
    }

    /// Brings the status up to date; returns true when the notebook is gone.
    pub(crate) fn advance(&mut self, now: Instant) -> bool {
        self.mounts.retain_mut(|m| !m.advance(now));
        // The instance lists its mounts as `data_volumes` (SDK `VolumeResponse`: the
        // storage path is `url` there).
        self.notebook.data_volumes = self
            .mounts
            .iter()
            .map(|m| DataVolume {
                category: m.mount.category.as_ref().map(|c| Word::parse(c.as_str())),
                mount_path: m.mount.mount_path.clone(),
                url: m.mount.uri.clone(),
                status: m.mount.status.clone(),
                mount_type: m.mount.mount_type.clone(),
            })
            .collect();
        if self.resized_at.is_some_and(|at| now >= at) {
            self.resized_at = None;
            if let Some(v) = self.notebook.volume.as_mut() {
                v.status = None;
            }
        }
        let due = matches!(&self.transition, Some(Transition { at: Some(at), .. }) if now >= *at);
        if let Some(t) = self.transition.take_if(|_| due) {
            if t.remove && t.fail.is_none() {
                return true;
            }
            let image_after = self.image_after.take();
            match t.fail {
                Some(reason) => {
                    self.notebook.status = Status::Error;
                    self.notebook.fail_reason = Some(reason);
                }
                None => {
                    self.notebook.status = t.to;
                    if let Some(image) = image_after {
                        self.notebook.image = image;
                    }
                }
            }
            self.notebook.update_at = Some(now_millis());
        }
        // Auto-stop fires when a running notebook's lease runs out: `duration` counts
        // from `lease.create_at`, the instance's creation (SDK `Lease.duration`).
        if self.notebook.status == Status::Running {
            if let Some(Lease { create_at: Some(c), duration: Some(d), enable: Some(true), .. }) = &self.notebook.lease
            {
                if now_millis() >= c.saturating_add(*d) {
                    self.notebook.status = Status::Stopped;
                    self.notebook.update_at = Some(now_millis());
                }
            }
        }
        false
    }

    /// Sets the status outright, ending any transition in progress (the control API).
    pub(crate) fn force_status(&mut self, status: Status) {
        self.transition = None;
        self.image_after = None;
        self.notebook.status = status;
    }

    #[cfg(test)]
    fn in_transition(&self) -> bool {
        self.transition.is_some()
    }
}

/// All notebooks, oldest first, and the images saved from them.
#[derive(Default, Debug)]
pub(crate) struct Store {
    records: Vec<Record>,
    pub(crate) images: Vec<SavedImage>,
}

impl Store {
    /// Brings every notebook up to date, dropping deleted ones.
    pub(crate) fn advance_all(&mut self) {
        let now = Instant::now();
        self.records.retain_mut(|r| !r.advance(now));
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Record> {
        let now = Instant::now();
        let idx = self.records.iter().position(|r| r.notebook.id == id)?;
        if self.records.get_mut(idx)?.advance(now) {
            self.records.remove(idx);
            return None;
        }
        self.records.get_mut(idx)
    }

    pub(crate) fn insert(&mut self, r: Record) {
        self.records.push(r);
    }

    pub(crate) fn all(&mut self) -> Vec<Notebook> {
        self.advance_all();
        self.records.iter().map(|r| r.notebook.clone()).collect()
    }

    /// The notebooks of one project.
    pub(crate) fn all_of(&mut self, project: &str) -> Vec<Notebook> {
        self.advance_all();
        self.records.iter().filter(|r| r.project == project).map(|r| r.notebook.clone()).collect()
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> Record {
        Record::new(Notebook { id: "n".into(), status: Status::Running, ..Default::default() })
    }

    #[test]
    fn transitions_finish_on_time() {
        let mut r = rec();
        r.begin(Status::Stopping, Status::Stopped, Duration::from_millis(50), &Ending::Normal);
        assert!(!r.advance(Instant::now()));
        assert_eq!(r.notebook.status, Status::Stopping);
        assert!(!r.advance(Instant::now() + Duration::from_millis(60)));
        assert_eq!(r.notebook.status, Status::Stopped);
        assert!(!r.in_transition());
    }

    #[test]
    fn error_and_stuck_endings() {
        let mut r = rec();
        r.begin(Status::Starting, Status::Running, Duration::ZERO, &Ending::Error("no capacity".into()));
        r.advance(Instant::now());
        assert_eq!(r.notebook.status, Status::Error);
        assert_eq!(r.notebook.fail_reason.as_deref(), Some("no capacity"));
        r.begin(Status::Starting, Status::Running, Duration::ZERO, &Ending::Stuck);
        r.advance(Instant::now() + Duration::from_secs(3600));
        assert_eq!(r.notebook.status, Status::Starting);
    }

    #[test]
    fn deletion_removes_the_notebook() {
        let mut s = Store::default();
        let mut r = rec();
        r.begin(Status::Deleting, Status::Deleted, Duration::ZERO, &Ending::Normal);
        s.insert(r);
        assert!(s.get_mut("n").is_none());
        assert!(s.is_empty());
    }

    #[test]
    fn auto_stop_fires_when_the_lease_runs_out() {
        let mut r = rec();
        r.notebook.lease = Some(Lease {
            create_at: Some(now_millis() - 10),
            duration: Some(5),
            enable: Some(true),
            ..Default::default()
        });
        r.advance(Instant::now());
        assert_eq!(r.notebook.status, Status::Stopped);
    }
}
