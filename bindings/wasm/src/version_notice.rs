//! Revocation in format v3: `VersionNotice` (signed by the authority's notice key, checked by
//! `verify`) and `VerifiedNotice` (what sealing, key issue and catch-up take). Decoding,
//! verifying and reading notices are in both builds (a ledger node checks the notices it
//! relays); signing one (`VersionNotice.sign`, a secret key) is in the full build only. The
//! methods the notice adds to other classes are with those classes: `Authority.issueKeyUnder`
//! and `rewrap`, `UserKey.versionedAttributes` (`abe.rs`), `sealWithNotice` and the
//! `SealedRecord` accessors (`record.rs`), the `Entry` drafts (`draft.rs`).
//!
//! The core's `NoticeFields` struct has no class here: `VersionNotice.sign` takes a plain
//! object, typed by the `NoticeFields` interface below.

#[cfg(feature = "full")]
use js_sys::Uint8Array;
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use crate::errors::to_js_err;
use crate::num::seconds;
#[cfg(feature = "full")]
use crate::sig::BlsSigningKey;
use crate::sig::{BlsPublicKey, BlsSignature};

#[wasm_bindgen(typescript_custom_section)]
const NOTICE_FIELDS: &str = r#"
/**
 * What the notice service states in a version notice (`VersionNotice.sign`). Numbers are
 * non-negative safe integers; `issuedAt` and `notAfter` are Unix seconds.
 */
export interface NoticeFields {
  /** The authority id (`PublicKey.id`, 32 bytes). */
  authority: Uint8Array;
  /** The serial of the authority statement whose notice key signs. */
  statementSerial: number;
  /** At least 1, at most `issuedAt`, strictly increasing from notice to notice. */
  serial: number;
  /** Issue time (Unix seconds). */
  issuedAt: number;
  /** End of validity (Unix seconds): after `issuedAt`, at most 24 hours after it. */
  notAfter: number;
  /** How many of the authority's bump entries the notice reflects. */
  bumpCount: number;
  /** The entry hash of the last bump entry (32 bytes; all zero exactly when `bumpCount` is 0). */
  bumpHead: Uint8Array;
  /** Every bumped attribute name with its version (at least 1, at most `bumpCount`), in any order. */
  versions: Array<[string, number]>;
}
"#;

fn invalid(why: &'static str) -> JsValue {
    to_js_err(cipherchart::Error::InvalidArgument(why))
}

/// `(name, version)` pairs as a JavaScript `Array<[string, number]>`.
pub(crate) fn name_versions(pairs: &[(cipherchart::Attribute, u32)]) -> Array {
    pairs
        .iter()
        .map(|(a, v)| Array::of2(&JsValue::from_str(a.as_str()), &JsValue::from(*v)))
        .collect()
}

/// A signed version notice: an authority's map of bumped attribute names to their versions,
/// with its serial, validity and bump count, signed by the authority's notice key. Public
/// data: notices may travel over any channel. `fromBytes` checks every encoding rule but not
/// the signature: that is `verify`.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct VersionNotice(pub(crate) cipherchart::VersionNotice);

/// A notice that passed `VersionNotice.verify`: what `sealWithNotice`,
/// `Authority.issueKeyUnder` and `Authority.rewrap` take, and the `previous` of the next
/// verification. Made only by verification.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct VerifiedNotice(pub(crate) cipherchart::VerifiedNotice);

#[wasm_bindgen]
impl VersionNotice {
    /// Verifies the notice at `now` (Unix seconds) against `previous`, the last notice of the
    /// same authority this verifier accepted (`null` or left out for the first): the
    /// signature under `noticeKey`, the validity, no lower serial, no lowered or dropped
    /// name, no jump above the bump count.
    ///
    /// # Errors
    /// Throws `VerificationFailed` (bad signature), `StaleNotice` (expired, issued more than
    /// 5 minutes ahead of `now`, a serial below `previous`'s, or `previous`'s serial with
    /// another digest), `NoticeRollback` (a name dropped or lowered, a lower bump count, a
    /// jump above the bump count) or `WrongAuthority` (`previous` is another authority's).
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = noticeKey)] notice_key: &BlsPublicKey,
        now: f64,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifiedNotice | null")] previous: Option<
            JsValue,
        >,
    ) -> Result<VerifiedNotice, JsValue> {
        let previous = previous_of(previous)?;
        self.0
            .verify(&notice_key.0, seconds(now)?, previous.as_ref())
            .map(VerifiedNotice)
            .map_err(to_js_err)
    }

    /// The notice digest: SHA-256 of `toBytes()` (what chain entries name).
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> Vec<u8> {
        self.0.digest().to_vec()
    }

    /// The 32-byte authority id (`PublicKey.id`).
    #[wasm_bindgen(getter)]
    pub fn authority(&self) -> Vec<u8> {
        self.0.authority().to_vec()
    }

    /// The serial of the authority statement whose notice key signs.
    #[wasm_bindgen(getter, js_name = statementSerial)]
    pub fn statement_serial(&self) -> f64 {
        self.0.statement_serial() as f64
    }

    /// The notice's serial.
    #[wasm_bindgen(getter)]
    pub fn serial(&self) -> f64 {
        self.0.serial() as f64
    }

    /// Issue time (Unix seconds).
    #[wasm_bindgen(getter, js_name = issuedAt)]
    pub fn issued_at(&self) -> f64 {
        self.0.issued_at() as f64
    }

    /// End of validity (Unix seconds).
    #[wasm_bindgen(getter, js_name = notAfter)]
    pub fn not_after(&self) -> f64 {
        self.0.not_after() as f64
    }

    /// How many of the authority's bump entries the notice reflects.
    #[wasm_bindgen(getter, js_name = bumpCount)]
    pub fn bump_count(&self) -> f64 {
        self.0.bump_count() as f64
    }

    /// The 32-byte entry hash of the last bump entry (all zero when `bumpCount` is 0).
    #[wasm_bindgen(getter, js_name = bumpHead)]
    pub fn bump_head(&self) -> Vec<u8> {
        self.0.bump_head().to_vec()
    }

    /// Every bumped name with its version, `[name, version]` sorted by name (a name not
    /// listed is at version 0).
    #[wasm_bindgen(getter, unchecked_return_type = "Array<[string, number]>")]
    pub fn versions(&self) -> Array {
        name_versions(self.0.versions())
    }

    /// The signature by the notice key.
    #[wasm_bindgen(getter)]
    pub fn signature(&self) -> BlsSignature {
        BlsSignature(*self.0.signature())
    }
}

/// Signing needs the notice key (a secret): full build only.
#[cfg(feature = "full")]
#[wasm_bindgen]
impl VersionNotice {
    /// Signs a notice with the notice key: `fields` is an object `{ authority, statementSerial,
    /// serial, issuedAt, notAfter, bumpCount, bumpHead, versions }` (`NoticeFields`), with
    /// `versions` an array of `[name, version]` pairs in any order.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a missing or mistyped field, or fields that break a
    /// notice rule (a serial of 0 or above `issuedAt`, a validity empty or over 24 hours, a
    /// bump head zero with bumps or non-zero without, a name listed twice, a version of 0 or
    /// above `bumpCount`); `InvalidAttribute` for a name that is not an attribute or is in the
    /// reserved `cipherchart:` namespace.
    pub fn sign(
        key: &BlsSigningKey,
        // An `Option` so that the raw ABI's typings carry no `any` (a bare `JsValue` would be
        // one); `None` (`undefined`, `null`) is refused like any other non-object.
        #[wasm_bindgen(unchecked_param_type = "NoticeFields")] fields: Option<JsValue>,
    ) -> Result<VersionNotice, JsValue> {
        let fields = fields.unwrap_or(JsValue::UNDEFINED);
        cipherchart::VersionNotice::sign(&key.0, &notice_fields(&fields)?)
            .map(Self)
            .map_err(to_js_err)
    }
}

#[wasm_bindgen]
impl VerifiedNotice {
    /// Internal: a copy of this notice for `VersionNotice.verify`'s `previous` and the
    /// notices of `ReKey.checkCurrent`, which take ownership of the copy (wasm-bindgen frees
    /// what it converts) and leave the caller's notice alive. Not part of the typed API.
    #[wasm_bindgen(js_name = "__copyForPrevious", skip_typescript)]
    pub fn copy_for_previous(&self) -> VerifiedNotice {
        self.clone()
    }

    /// The verified notice (a copy).
    #[wasm_bindgen(getter)]
    pub fn notice(&self) -> VersionNotice {
        VersionNotice(self.0.notice().clone())
    }

    /// The 32-byte authority id.
    #[wasm_bindgen(getter)]
    pub fn authority(&self) -> Vec<u8> {
        self.0.authority().to_vec()
    }

    /// The notice's serial (what a verifier persists as the highest seen).
    #[wasm_bindgen(getter)]
    pub fn serial(&self) -> f64 {
        self.0.serial() as f64
    }

    /// Issue time (Unix seconds).
    #[wasm_bindgen(getter, js_name = issuedAt)]
    pub fn issued_at(&self) -> f64 {
        self.0.issued_at() as f64
    }

    /// End of validity (Unix seconds).
    #[wasm_bindgen(getter, js_name = notAfter)]
    pub fn not_after(&self) -> f64 {
        self.0.not_after() as f64
    }

    /// The notice key it was verified under.
    #[wasm_bindgen(getter, js_name = noticeKey)]
    pub fn notice_key(&self) -> crate::sig::BlsPublicKey {
        crate::sig::BlsPublicKey(*self.0.notice_key())
    }

    /// The current version of the attribute `name`: the notice's, 0 for a name it does not
    /// list or a text that is not an attribute.
    #[wasm_bindgen(js_name = versionOf)]
    pub fn version_of(&self, name: &str) -> u32 {
        self.0.version_of(name)
    }
}

/// The notice an optional `previous` argument names: `None` if absent, else a copy of the
/// `VerifiedNotice` it is (`Option<&VerifiedNotice>` cannot cross the boundary).
///
/// # Errors
/// `InvalidArgument` for anything but a `VerifiedNotice` of this build, `undefined` or `null`.
fn previous_of(value: Option<JsValue>) -> Result<Option<cipherchart::VerifiedNotice>, JsValue> {
    match value.filter(|v| !v.is_undefined() && !v.is_null()) {
        Some(value) => notice_of(&value).map(Some),
        None => Ok(None),
    }
}

/// A copy of the `VerifiedNotice` that `value` is: an optional argument or an array element
/// (`&VerifiedNotice` can be neither); the caller's notice stays alive.
///
/// # Errors
/// `InvalidArgument` for anything but a `VerifiedNotice` of this build.
pub(crate) fn notice_of(value: &JsValue) -> Result<cipherchart::VerifiedNotice, JsValue> {
    use wasm_bindgen::convert::TryFromJsValue;
    use wasm_bindgen::JsCast;
    let copy = Reflect::get(value, &JsValue::from_str("__copyForPrevious"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(value).ok());
    match copy.map(VerifiedNotice::try_from_js_value) {
        Some(Ok(notice)) => Ok(notice.0),
        _ => Err(invalid(
            "expected a VerifiedNotice of this build (or a freed notice)",
        )),
    }
}

/// Reads the field `$key` of a `NoticeFields` object, with a message naming it.
#[cfg(feature = "full")]
macro_rules! field {
    ($fields:expr, $key:literal, number) => {{
        let v = field!(@get $fields, $key).as_f64();
        match v {
            Some(x) if x.is_finite() && x >= 0.0 && x.fract() == 0.0
                && x <= crate::num::MAX_SAFE_INTEGER as f64 => x as u64,
            _ => return Err(invalid(concat!(
                "fields.", $key, " must be a non-negative safe integer"
            ))),
        }
    }};
    ($fields:expr, $key:literal, hash) => {{
        field!(@get $fields, $key)
            .dyn_into::<Uint8Array>()
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b.to_vec()).ok())
            .ok_or_else(|| invalid(concat!("fields.", $key, " must be a 32-byte Uint8Array")))?
    }};
    (@get $fields:expr, $key:literal) => {
        Reflect::get($fields, &JsValue::from_str($key))
            .map_err(|_| invalid("fields must be a NoticeFields object"))?
    };
}

/// The core's `NoticeFields` from a JavaScript `NoticeFields` object.
///
/// # Errors
/// `InvalidArgument` naming the field that is missing or mistyped; `InvalidAttribute` (and
/// the attribute's other errors) for a name that is not an attribute.
#[cfg(feature = "full")]
fn notice_fields(fields: &JsValue) -> Result<cipherchart::NoticeFields, JsValue> {
    use wasm_bindgen::JsCast;
    if !fields.is_object() {
        return Err(invalid("fields must be a NoticeFields object"));
    }
    let versions = field!(@get fields, "versions");
    Ok(cipherchart::NoticeFields {
        authority: field!(fields, "authority", hash),
        statement_serial: field!(fields, "statementSerial", number),
        serial: field!(fields, "serial", number),
        issued_at: field!(fields, "issuedAt", number),
        not_after: field!(fields, "notAfter", number),
        bump_count: field!(fields, "bumpCount", number),
        bump_head: field!(fields, "bumpHead", hash),
        versions: name_version_pairs(&versions)?,
    })
}

/// `fields.versions`: an array of `[name, version]` pairs.
#[cfg(feature = "full")]
fn name_version_pairs(value: &JsValue) -> Result<Vec<(cipherchart::Attribute, u32)>, JsValue> {
    const WHY: &str = "fields.versions must be an array of [name, version] pairs \
                       (a string and a non-negative integer below 2^32)";
    if !Array::is_array(value) {
        return Err(invalid(WHY));
    }
    Array::from(value)
        .iter()
        .map(|pair| {
            if !Array::is_array(&pair) {
                return Err(invalid(WHY));
            }
            let pair = Array::from(&pair);
            // A lone surrogate would become U+FFFD in `as_string`: two different JS names
            // would then sign as one attribute (outside review RB-3). Refused instead.
            let well_formed = pair
                .get(0)
                .dyn_ref::<js_sys::JsString>()
                .is_some_and(js_sys::JsString::is_valid_utf16);
            let (Some(name), Some(version)) = (pair.get(0).as_string(), pair.get(1).as_f64())
            else {
                return Err(invalid(WHY));
            };
            if !well_formed {
                return Err(invalid(
                    "fields.versions: a name is not well-formed Unicode (a lone surrogate)",
                ));
            }
            if pair.length() != 2
                || !(0.0..=f64::from(u32::MAX)).contains(&version)
                || version.fract() != 0.0
            {
                return Err(invalid(WHY));
            }
            let name = cipherchart::Attribute::new(&name).map_err(to_js_err)?;
            Ok((name, version as u32))
        })
        .collect()
}
