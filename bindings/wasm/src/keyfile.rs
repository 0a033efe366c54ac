//! Passphrase-protected key files (`cipherchart::KeyFile`), as bytes only (JavaScript has no
//! file API here: store the bytes where the app keeps data): `KeyFileOptions`, and `toKeyFile` /
//! `fromKeyFile` on every secret key type (`UserKey`, `ReKey`, `DelegationKey`,
//! `BlsSigningKey`, `Authority`). Full build only.
//!
//! A passphrase is taken as a `JsString` and checked for lone surrogates before it is
//! converted: wasm-bindgen's `String` conversion would silently turn them into U+FFFD, so two
//! different JavaScript strings would give the same key.

use cipherchart::KeyFile;
use js_sys::JsString;
use wasm_bindgen::prelude::*;

use crate::abe::{Authority, UserKey};
use crate::errors::to_js_err;
use crate::num::integer;
use crate::pre::{DelegationKey, ReKey};
use crate::sig::BlsSigningKey;

/// How key files are written and read: the scrypt work factor (`log2 N`) to write with (15 to
/// 20; 18 by default: 256 MiB and about a second natively) and the highest one to accept when
/// reading (15 to 18 in WebAssembly; 18 by default). Immutable: `withWorkFactor` and
/// `withMaxWorkFactor` return new options.
#[wasm_bindgen]
#[derive(Clone, Copy, Debug)]
pub struct KeyFileOptions(pub(crate) cipherchart::KeyFileOptions);

/// A work factor from a JavaScript number: an integer above 255 is out of the core's range
/// all the same, so it is passed as 255 and refused there with the core's message.
fn log_n(n: f64) -> Result<u8, JsValue> {
    Ok(u8::try_from(integer(n)?).unwrap_or(u8::MAX))
}

#[wasm_bindgen]
impl KeyFileOptions {
    /// The defaults: write with work factor 18, read files of work factor up to 18.
    #[wasm_bindgen(constructor)]
    pub fn new() -> KeyFileOptions {
        Self(cipherchart::KeyFileOptions::new())
    }

    /// These options, writing with work factor `workFactor` (memory `2^workFactor` KiB).
    ///
    /// # Errors
    /// Throws `InvalidArgument` outside 15..=20.
    #[wasm_bindgen(js_name = withWorkFactor)]
    pub fn with_work_factor(
        &self,
        #[wasm_bindgen(js_name = workFactor)] work_factor: f64,
    ) -> Result<KeyFileOptions, JsValue> {
        self.0
            .with_work_factor(log_n(work_factor)?)
            .map(Self)
            .map_err(to_js_err)
    }

    /// These options, reading files of work factor at most `maxWorkFactor`.
    ///
    /// # Errors
    /// Throws `InvalidArgument` outside 15..=18: WebAssembly refuses more than 18, as its
    /// linear memory never shrinks after a large allocation.
    #[wasm_bindgen(js_name = withMaxWorkFactor)]
    pub fn with_max_work_factor(
        &self,
        #[wasm_bindgen(js_name = maxWorkFactor)] max_work_factor: f64,
    ) -> Result<KeyFileOptions, JsValue> {
        self.0
            .with_max_work_factor(log_n(max_work_factor)?)
            .map(Self)
            .map_err(to_js_err)
    }

    /// The work factor files are written with.
    #[wasm_bindgen(getter, js_name = workFactor)]
    pub fn work_factor(&self) -> u8 {
        self.0.work_factor()
    }

    /// The highest work factor accepted when reading.
    #[wasm_bindgen(getter, js_name = maxWorkFactor)]
    pub fn max_work_factor(&self) -> u8 {
        self.0.max_work_factor()
    }

    /// Whether `other` holds the same options.
    pub fn equals(&self, other: &KeyFileOptions) -> bool {
        self.0 == other.0
    }

    /// Internal: a copy for `toKeyFile` and `fromKeyFile`, which take ownership of the copy
    /// (wasm-bindgen frees what it converts) and leave the caller's options alive. Not part of
    /// the typed API.
    #[wasm_bindgen(js_name = "__copyForKeyFile", skip_typescript)]
    pub fn copy_for_key_file(&self) -> KeyFileOptions {
        *self
    }
}

impl Default for KeyFileOptions {
    fn default() -> Self {
        Self::new()
    }
}

/// The options an optional `options` argument names: the defaults if absent, else a copy of
/// the `KeyFileOptions` it is (`Option<&KeyFileOptions>` cannot cross the boundary).
///
/// # Errors
/// `InvalidArgument` for anything but a `KeyFileOptions` of this build, `undefined` or `null`.
fn options_of(value: Option<JsValue>) -> Result<cipherchart::KeyFileOptions, JsValue> {
    use wasm_bindgen::convert::TryFromJsValue;
    use wasm_bindgen::JsCast;
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(cipherchart::KeyFileOptions::new());
    };
    let copy = js_sys::Reflect::get(&value, &JsValue::from_str("__copyForKeyFile"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&value).ok());
    match copy.map(KeyFileOptions::try_from_js_value) {
        Some(Ok(options)) => Ok(options.0),
        _ => Err(to_js_err(cipherchart::Error::InvalidArgument(
            "expected a KeyFileOptions of this build (or freed options)",
        ))),
    }
}

/// The passphrase as UTF-8: a string with a lone surrogate has no UTF-8 form and throws
/// `KeyFileError` with kind `invalid_passphrase` (checked before any conversion). Taken as an
/// `Option<JsString>` (typed `string`; `js/checks.js` refuses anything else first) because a
/// borrowed `&JsString` would be an untyped externref in the raw ABI's typings.
///
/// # Errors
/// `InvalidArgument` if it is missing or not a string.
fn passphrase_of(passphrase: Option<&JsString>) -> Result<String, JsValue> {
    let Some(passphrase) = passphrase else {
        return Err(to_js_err(cipherchart::Error::InvalidArgument(
            "a passphrase must be a string",
        )));
    };
    if !passphrase.is_valid_utf16() {
        return Err(to_js_err(cipherchart::Error::KeyFile(
            cipherchart::KeyFileError::InvalidPassphrase,
        )));
    }
    passphrase.as_string().ok_or_else(|| {
        to_js_err(cipherchart::Error::InvalidArgument(
            "a passphrase must be a string",
        ))
    })
}

/// `toKeyFile` and `fromKeyFile` for each `Class` (a newtype over a core `KeyFile` type).
macro_rules! key_file_methods {
    ($($class:ident),* $(,)?) => {$(
        #[wasm_bindgen]
        impl $class {
            /// This key as key-file bytes: a binary age file with a passphrase (scrypt)
            /// recipient, written with `options.workFactor` (18 by default).
            ///
            /// # Errors
            /// Throws `KeyFileError` (kind `invalid_passphrase`) for an empty passphrase or
            /// one with a lone surrogate.
            #[wasm_bindgen(js_name = toKeyFile)]
            pub fn to_key_file(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] passphrase: Option<JsString>,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyFileOptions | null")]
                options: Option<JsValue>,
            ) -> Result<Vec<u8>, JsValue> {
                let options = options_of(options)?;
                let passphrase = passphrase_of(passphrase.as_ref())?;
                self.0
                    .to_key_file_with(&passphrase, &options)
                    .map_err(to_js_err)
            }

            /// Reads the key from key-file bytes (binary or armored), accepting work factors
            /// up to `options.maxWorkFactor` (18 by default, at most 18 in WebAssembly).
            ///
            /// # Errors
            /// Throws `KeyFileError` (`.kind`: `wrong_passphrase_or_damaged`,
            /// `wrong_key_type`, `damaged`, `work_factor_too_high`, …), `InvalidEncoding` if
            /// the key inside does not decode.
            #[wasm_bindgen(js_name = fromKeyFile)]
            pub fn from_key_file(
                bytes: &[u8],
                #[wasm_bindgen(unchecked_param_type = "string")] passphrase: Option<JsString>,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyFileOptions | null")]
                options: Option<JsValue>,
            ) -> Result<$class, JsValue> {
                let options = options_of(options)?;
                let passphrase = passphrase_of(passphrase.as_ref())?;
                KeyFile::from_key_file_with(bytes, &passphrase, &options)
                    .map(Self)
                    .map_err(to_js_err)
            }
        }
    )*};
}

key_file_methods!(UserKey, ReKey, BlsSigningKey, Authority);

#[wasm_bindgen]
impl DelegationKey {
    /// This key as key-file bytes, as `UserKey.toKeyFile`.
    ///
    /// # Errors
    /// As `UserKey.toKeyFile`; `InvalidArgument` once consumed by `rekey`.
    #[wasm_bindgen(js_name = toKeyFile)]
    pub fn to_key_file(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] passphrase: Option<JsString>,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyFileOptions | null")] options: Option<
            JsValue,
        >,
    ) -> Result<Vec<u8>, JsValue> {
        let options = options_of(options)?;
        let passphrase = passphrase_of(passphrase.as_ref())?;
        self.key()?
            .to_key_file_with(&passphrase, &options)
            .map_err(to_js_err)
    }

    /// Reads a delegation key from key-file bytes, as `UserKey.fromKeyFile`.
    ///
    /// # Errors
    /// As `UserKey.fromKeyFile`.
    #[wasm_bindgen(js_name = fromKeyFile)]
    pub fn from_key_file(
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "string")] passphrase: Option<JsString>,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyFileOptions | null")] options: Option<
            JsValue,
        >,
    ) -> Result<DelegationKey, JsValue> {
        let options = options_of(options)?;
        let passphrase = passphrase_of(passphrase.as_ref())?;
        cipherchart::DelegationKey::from_key_file_with(bytes, &passphrase, &options)
            .map(Self::new)
            .map_err(to_js_err)
    }
}
