//! The API's fixed words, as Rust enums (see [`crate::enums`]). Requests are built
//! from them; answers keep the API's text, since a service may add words before an
//! SDK (or this provider) knows them.

use crate::string_enum;

pub use crate::words::{StringEnum, Word};

string_enum! {
    /// Storage of a notebook at create (SDK `VolumeMountRequest.category`: the create
    /// enum has no `SFS`).
    pub enum VolumeCategory { Evs = "EVS", Efs = "EFS", Obs = "OBS", Obsfs = "OBSFS" }
}

string_enum! {
    /// Who owns a notebook's storage (SDK `VolumeMountRequest.ownership`); `DEDICATED`
    /// only with `EFS`.
    pub enum Ownership { Managed = "MANAGED", Dedicated = "DEDICATED" }
}

string_enum! {
    /// How auto-stop counts (SDK `LeaseReq.type`).
    pub enum LeaseType { Timing = "TIMING", Idle = "IDLE" }
}

string_enum! {
    /// What a startup hook's `script` is (SDK `Config.type`): the command itself
    /// (sent base64-encoded) or a script's path in the container.
    pub enum HookType { Command = "COMMAND", Script = "SCRIPT" }
}

string_enum! {
    /// Whether the start waits for a hook (SDK `Config.mode`).
    pub enum HookMode { Block = "BLOCK", Async = "ASYNC" }
}

string_enum! {
    /// Storage mounted into a running notebook (SDK `DataVolumesReq.category`).
    pub enum MountCategory { Obs = "OBS", Obsfs = "OBSFS", Efs = "EFS" }
}

string_enum! {
    /// Where an image is (SDK `CreateImageResponse.status`): an image saved from a
    /// notebook is `CREATING` (the notebook unusable meanwhile) until `ACTIVE`.
    pub enum ImageStatus {
        Init = "INIT",
        Creating = "CREATING",
        CreateFailed = "CREATE_FAILED",
        Error = "ERROR",
        Deleted = "DELETED",
        Active = "ACTIVE",
    }
}

string_enum! {
    /// Where a dynamic mount is (SDK `DataVolumesRes.status`).
    pub enum MountStatus {
        Mounting = "MOUNTING",
        Mounted = "MOUNTED",
        MountFailed = "MOUNT_FAILED",
        Unmounting = "UNMOUNTING",
        UnmountFailed = "UNMOUNT_FAILED",
        Unmounted = "UNMOUNTED",
    }
}

string_enum! {
    /// How an image was made (SDK `Image.origin` / `ImageResponse.origin`): built by a
    /// user, or saved from a notebook — which then runs the saved image.
    pub enum ImageOrigin { Customize = "CUSTOMIZE", ImageSave = "IMAGE_SAVE" }
}

string_enum! {
    /// What is happening to a notebook's volume (SDK `VolumeRes.status`: `RESIZING`
    /// while EVS storage grows, the instance usable meanwhile): the statuses the
    /// next change waits out — the official provider's `evsVolumePendingStatuses`
    /// (`resource_huaweicloud_modelarts_notebook.go`). Absent when nothing happens;
    /// any other word is kept as it is.
    pub enum VolumeStatus { Initializing = "INITIALIZING", Resizing = "RESIZING", Deleting = "DELETING" }
}

string_enum! {
    /// A flavor's processor category (SDK `ListFlavorsRequest.category`).
    pub enum FlavorCategory { Cpu = "CPU", Gpu = "GPU", Ascend = "ASCEND" }
}

string_enum! {
    /// The cluster a flavor runs on (SDK `ListFlavorsRequest.type`): public
    /// (`MANAGED`) or a dedicated resource pool.
    pub enum ClusterType { Managed = "MANAGED", Dedicated = "DEDICATED" }
}

string_enum! {
    /// What kind of instance a notebook is (SDK `ListNotebooksRequest.feature`):
    /// `NOTEBOOK` is billed (the default), `DEFAULT` the free CodeLab one.
    pub enum NotebookFeature { Notebook = "NOTEBOOK", Default = "DEFAULT" }
}

string_enum! {
    /// How the notebooks listed are billed (SDK `ListNotebooksRequest.billing`).
    pub enum BillingKind { Compute = "COMPUTE", Storage = "STORAGE", All = "ALL" }
}

string_enum! {
    /// Whose image it is (SDK `ListImageRequest.type`): built in (the default) or
    /// saved by the user.
    pub enum ImageType { BuildIn = "BUILD_IN", Dedicated = "DEDICATED" }
}

string_enum! {
    /// A CPU architecture, as flavors spell it (SDK `NotebookFlavor.arch`, lower
    /// case; images spell it upper case, SDK `ImageResponse.arch`).
    pub enum CpuArch { X86_64 = "x86_64", Aarch64 = "aarch64" }
}
