//! What a consent covers, as values: `Selection` (one dimension: record ids or categories),
//! `Scope` (both dimensions) and `Window` (the validity interval). `VerifiedConsent.scope` and
//! `.window` return them; `Grant.scope` and `Narrowing.recordSelection` / `categorySelection`
//! take them. Public data, in both builds.

use wasm_bindgen::prelude::*;

use crate::errors::to_js_err;
use crate::num::seconds;

/// The core window `[notBefore, expiry)` from JavaScript numbers: every binding that takes a
/// window goes through here.
pub(crate) fn window(not_before: f64, expiry: f64) -> Result<cipherchart::Window, JsValue> {
    cipherchart::Window::new(seconds(not_before)?, seconds(expiry)?).map_err(to_js_err)
}

/// Which values of one dimension of a scope a consent covers: `Selection.any()` (every value)
/// or `Selection.only([...])`.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct Selection(pub(crate) cipherchart::Selection);

#[wasm_bindgen]
impl Selection {
    /// Every value: the dimension does not restrict.
    pub fn any() -> Selection {
        Self(cipherchart::Selection::Any)
    }

    /// Exactly these values (duplicates merged).
    pub fn only(values: Vec<String>) -> Selection {
        Self(cipherchart::Selection::only(values))
    }

    /// Whether this is `Selection.any()`.
    #[wasm_bindgen(getter, js_name = isAny)]
    pub fn is_any(&self) -> bool {
        matches!(self.0, cipherchart::Selection::Any)
    }

    /// The selected values, sorted by their UTF-8 bytes; `undefined` for `any()`.
    #[wasm_bindgen(getter)]
    pub fn values(&self) -> Option<Vec<String>> {
        match &self.0 {
            cipherchart::Selection::Any => None,
            cipherchart::Selection::Only(set) => Some(set.iter().cloned().collect()),
        }
    }

    /// Whether `value` is selected.
    pub fn contains(&self, value: &str) -> bool {
        self.0.contains(value)
    }

    /// Whether the byte string `value` (a record id) is selected.
    #[wasm_bindgen(js_name = containsBytes)]
    pub fn contains_bytes(&self, value: &[u8]) -> bool {
        self.0.contains_bytes(value)
    }

    /// Whether every value this selects is selected by `wider`.
    #[wasm_bindgen(js_name = isWithin)]
    pub fn is_within(&self, wider: &Selection) -> bool {
        self.0.is_within(&wider.0)
    }
}

/// Which records a consent covers: those whose id `records` selects and whose category
/// `categories` selects.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct Scope(pub(crate) cipherchart::Scope);

#[wasm_bindgen]
impl Scope {
    /// The scope of the records whose id `records` selects and whose category `categories`
    /// selects.
    #[wasm_bindgen(constructor)]
    pub fn new(records: &Selection, categories: &Selection) -> Scope {
        Self(cipherchart::Scope {
            records: records.0.clone(),
            categories: categories.0.clone(),
        })
    }

    /// Every record of the subject.
    pub fn all() -> Scope {
        Self(cipherchart::Scope::all())
    }

    /// The record ids covered.
    #[wasm_bindgen(getter)]
    pub fn records(&self) -> Selection {
        Selection(self.0.records.clone())
    }

    /// The categories covered.
    #[wasm_bindgen(getter)]
    pub fn categories(&self) -> Selection {
        Selection(self.0.categories.clone())
    }

    /// Whether the record with this id and category is covered.
    pub fn contains(
        &self,
        #[wasm_bindgen(js_name = recordId)] record_id: &[u8],
        category: &str,
    ) -> bool {
        self.0.contains(record_id, category)
    }

    /// Whether everything this covers is covered by `wider`.
    #[wasm_bindgen(js_name = isWithin)]
    pub fn is_within(&self, wider: &Scope) -> bool {
        self.0.is_within(&wider.0)
    }
}

/// The validity interval `[notBefore, expiry)` of a consent, in Unix seconds.
#[wasm_bindgen]
#[derive(Clone, Copy, Debug)]
pub struct Window(pub(crate) cipherchart::Window);

#[wasm_bindgen]
impl Window {
    /// The interval from `notBefore` (included) to `expiry` (excluded).
    ///
    /// # Errors
    /// Throws `InvalidArgument` if `expiry` is not after `notBefore`, or for a time that is
    /// not a non-negative safe integer.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = notBefore)] not_before: f64,
        expiry: f64,
    ) -> Result<Window, JsValue> {
        window(not_before, expiry).map(Self)
    }

    /// The first second inside the window.
    #[wasm_bindgen(getter, js_name = notBefore)]
    pub fn not_before(&self) -> f64 {
        self.0.not_before() as f64
    }

    /// The first second after the window.
    #[wasm_bindgen(getter)]
    pub fn expiry(&self) -> f64 {
        self.0.expiry() as f64
    }

    /// Whether `t` (Unix seconds) is inside the window.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a time that is not a non-negative safe integer.
    pub fn contains(&self, t: f64) -> Result<bool, JsValue> {
        Ok(self.0.contains(seconds(t)?))
    }

    /// Whether this window lies inside `wider`.
    #[wasm_bindgen(js_name = isWithin)]
    pub fn is_within(&self, wider: &Window) -> bool {
        self.0.is_within(&wider.0)
    }
}
