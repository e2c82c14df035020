//! Where things are served: the emulator's own endpoints and the viewer, apart from Lark's
//! API, so that the server can tell which requests to count and fault.

/// Where the emulator's own endpoints live; requests there are neither counted nor faulted.
pub const CONTROL_PREFIX: &str = "/__emulator";

/// Where the viewer's own endpoints live (under [`CONTROL_PREFIX`]).
pub(crate) const VIEWER_PREFIX: &str = "/__emulator/viewer";

/// Whether a request to `path` is the emulator's own (control or viewer), not Lark's API.
pub(crate) fn is_control(path: &str) -> bool {
    // The viewer's page is the base URL.
    path == "/"
        || path
            .strip_prefix(CONTROL_PREFIX)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}
