//! A test-only fault hook: in debug builds, `MODELARTS_PROVIDER_TEST_PANIC=<point>`
//! makes the provider panic when it reaches `point`, so the end-to-end tests can
//! prove what survives a crash (a created notebook stays in the state). Release
//! builds compile it to nothing.

/// Panics when the test hook names `point` (debug builds only).
#[cfg(debug_assertions)]
#[allow(clippy::panic, reason = "the whole point of this test hook")]
pub(crate) fn panic_point(point: &str) {
    if std::env::var("MODELARTS_PROVIDER_TEST_PANIC").is_ok_and(|p| p == point) {
        panic!("test hook: MODELARTS_PROVIDER_TEST_PANIC={point}");
    }
}

/// Panics when the test hook names `point` (debug builds only).
#[cfg(not(debug_assertions))]
pub fn panic_point(_point: &str) {}
