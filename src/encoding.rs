//! Canonical, versioned wire format helpers (work in progress).
