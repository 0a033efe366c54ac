//! Revocation in format v3 (`docs/revocation-v3.md`): for now the version notice
//! (§4.2, §11.2), its verification (§4.3) and keys issued at a notice's versions (§3.4).
//!
//! An authority revokes by *bumping* attribute names: a name's version goes up by one per
//! bump, and keys and headers at the new version share no component with those at the old
//! one (§3.1). The notice service publishes the full map `name → version` as a signed
//! [`VersionNotice`]; a sealer, proxy or storage checks it ([`VersionNotice::verify`]) and
//! gets a [`VerifiedNotice`], the only thing that turns a caller's `Policy` into a
//! versioned one and the only source of versions for [`Authority::issue_key_under`].
//!
//! Not built yet, and what stands in for it: authority identity statements (§4.1) name the
//! notice key, so verification takes the notice key directly; the fold of the bump chain
//! entries (§4.3 step 5) checks `bump_count` and `bump_head`, so both are taken as the notice
//! service states them (`bump_head` is a 32-byte hash the caller supplies).
//!
//! Layering: on `sig` (the notice signature), `abe` (keys) and `policy` (versioned
//! policies); nothing below imports it. `Authority::issue_key_under` is defined here, not in
//! `abe`, so that `abe` keeps not importing `sig`.
//!
//! [`Authority::issue_key_under`]: crate::Authority::issue_key_under

mod catch_up;
mod chain_entry;
mod issue;
mod notice;
mod seal;
mod session_catch_up;
mod stream_catch_up;
mod trailer_entry;
mod verify;

#[cfg(test)]
mod tests;

pub use notice::{NoticeFields, VersionNotice};
pub use seal::{seal_stream_with_notice, seal_with_notice, start_session_with_notice};
pub use verify::VerifiedNotice;
