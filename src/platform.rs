//! What differs between the platforms the provider runs on (Linux, macOS,
//! Windows), kept in one place so it is reviewed in one place.

use std::path::PathBuf;

/// The user's home directory: `HOME` on Linux and macOS, `USERPROFILE` on Windows
/// (where KooCLI keeps `%USERPROFILE%\.hcloud\config.json`, as the official
/// provider reads it).
pub fn home_dir() -> Option<PathBuf> {
    // Platform: Windows keeps the home directory in USERPROFILE.
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from)
}
