//! A test-only fault hook: with the `testing` feature (which `cargo test` turns on),
//! `MODELARTS_PROVIDER_TEST_PANIC=<point>` makes the provider panic when it reaches
//! `point`, so the end-to-end tests can prove what survives a crash (a created
//! notebook stays in the state). Without the feature — every build a user makes —
//! it compiles to nothing.

/// Panics when the test hook names `point`.
#[cfg(feature = "testing")]
#[allow(clippy::panic, reason = "the whole point of this test hook")]
pub(crate) fn panic_point(point: &str) {
    if std::env::var("MODELARTS_PROVIDER_TEST_PANIC").is_ok_and(|p| p == point) {
        panic!("test hook: MODELARTS_PROVIDER_TEST_PANIC={point}");
    }
}

/// Does nothing: the build has no test hook.
#[cfg(not(feature = "testing"))]
pub(crate) fn panic_point(_point: &str) {}
