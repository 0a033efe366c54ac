//! `Policy`: parse, encode, check and inspect access policies.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::errors::to_js_err;
use crate::num::MAX_SAFE_INTEGER;

/// A parsed, canonical access policy with its compiled LSSS (M, ρ).
///
/// Immutable; holds no secret, so it can be compared, logged and shared freely.
#[wasm_bindgen]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy(pub(crate) cipherchart::Policy);

impl From<cipherchart::Policy> for Policy {
    fn from(p: cipherchart::Policy) -> Self {
        Self(p)
    }
}

impl AsRef<cipherchart::Policy> for Policy {
    fn as_ref(&self) -> &cipherchart::Policy {
        &self.0
    }
}

#[wasm_bindgen]
impl Policy {
    /// Parses policy text such as `role:physician and (dept:cardiology or patient:42)`.
    ///
    /// # Errors
    /// Throws `PolicySyntaxError` (with `.position`), `PolicyInvalid` or `LimitExceeded`.
    pub fn parse(text: &str) -> Result<Policy, JsValue> {
        cipherchart::Policy::parse(text)
            .map(Self)
            .map_err(to_js_err)
    }

    /// The canonical text.
    #[wasm_bindgen(js_name = toString)]
    pub fn text(&self) -> String {
        self.0.to_string()
    }

    /// Whether a key holding these attributes satisfies the policy.
    #[wasm_bindgen(js_name = isSatisfiedBy)]
    pub fn is_satisfied_by(&self, attributes: Vec<String>) -> bool {
        self.0.is_satisfied_by(&attributes)
    }

    /// The leaf attributes, left to right (the LSSS row order).
    #[wasm_bindgen(getter)]
    pub fn attributes(&self) -> Vec<String> {
        self.0
            .attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect()
    }

    /// The LSSS matrix M, row by row, as integers.
    ///
    /// # Errors
    /// Throws `InvalidArgument` if an entry does not fit a JavaScript number exactly (only
    /// possible for very wide `k of (…)` gates).
    #[wasm_bindgen(js_name = lsssRows, unchecked_return_type = "number[][]")]
    pub fn lsss_rows(&self) -> Result<Array, JsValue> {
        let m = self.0.lsss();
        let entry = |i, j| match m.small_entry(i, j) {
            Some(v) if v.unsigned_abs() <= MAX_SAFE_INTEGER => Ok(JsValue::from(v as f64)),
            _ => Err(to_js_err(cipherchart::Error::InvalidArgument(
                "LSSS entry too large for a JavaScript number",
            ))),
        };
        (0..m.rows())
            .map(|i| {
                (0..m.columns())
                    .map(|j| entry(i, j))
                    .collect::<Result<Array, _>>()
                    .map(JsValue::from)
            })
            .collect()
    }

    /// ρ: the attribute of each LSSS row.
    #[wasm_bindgen(js_name = lsssRho)]
    pub fn lsss_rho(&self) -> Vec<String> {
        self.0
            .lsss()
            .attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect()
    }

    /// Reconstruction coefficients for a satisfying attribute set: `[row, coefficient]` pairs
    /// with the coefficient in Z_p as a decimal string (`BigInt(c)` converts it), or `undefined`
    /// if the attributes do not satisfy the policy.
    #[wasm_bindgen(unchecked_return_type = "Array<[number, string]> | undefined")]
    pub fn reconstruct(&self, attributes: Vec<String>) -> Option<Array> {
        let pair = |(i, c): (usize, _)| {
            Array::of2(
                &JsValue::from(i as f64),
                &JsValue::from(ToString::to_string(&c)),
            )
        };
        self.0
            .lsss()
            .reconstruct(&attributes)
            .map(|v| v.into_iter().map(pair).collect())
    }

    /// Whether two policies are the same (same canonical text).
    pub fn equals(&self, other: &Policy) -> bool {
        self == other
    }
}
