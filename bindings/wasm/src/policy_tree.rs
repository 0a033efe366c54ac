//! The rest of `Policy`'s inspection API: its canonical syntax tree (`root`, typed as
//! `PolicyNode`), the LSSS column count and the printed matrix.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::errors::to_js_err;
use crate::policy::Policy;
use cipherchart::PolicyNode;

#[wasm_bindgen(typescript_custom_section)]
const POLICY_NODE: &str = r#"
/** A node of a policy's canonical syntax tree (`Policy.root`). */
export type PolicyNode =
  | { kind: "leaf"; attribute: string }
  | { kind: "and"; children: PolicyNode[] }
  | { kind: "or"; children: PolicyNode[] }
  | { kind: "threshold"; k: number; children: PolicyNode[] };
"#;

fn set(obj: &Object, key: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(obj, &JsValue::from_str(key), value).map(|_| ())
}

fn node(n: &PolicyNode) -> Result<JsValue, JsValue> {
    let obj = Object::new();
    let children = |c: &[PolicyNode]| -> Result<JsValue, JsValue> {
        c.iter()
            .map(node)
            .collect::<Result<Array, _>>()
            .map(JsValue::from)
    };
    match n {
        PolicyNode::Leaf(a) => {
            set(&obj, "kind", &"leaf".into())?;
            set(&obj, "attribute", &a.as_str().into())?;
        }
        PolicyNode::And(c) => {
            set(&obj, "kind", &"and".into())?;
            set(&obj, "children", &children(c)?)?;
        }
        PolicyNode::Or(c) => {
            set(&obj, "kind", &"or".into())?;
            set(&obj, "children", &children(c)?)?;
        }
        PolicyNode::Threshold { k, children: c } => {
            set(&obj, "kind", &"threshold".into())?;
            set(&obj, "k", &JsValue::from(*k as f64))?;
            set(&obj, "children", &children(c)?)?;
        }
        // `PolicyNode` is non-exhaustive: a gate kind added to the core fails loudly here rather
        // than being shown as something else.
        _ => {
            return Err(to_js_err(cipherchart::Error::InvalidArgument(
                "policy node kind unknown to this binding",
            )))
        }
    }
    Ok(obj.into())
}

#[wasm_bindgen]
impl Policy {
    /// The canonical syntax tree: `{ kind: "leaf", attribute }`, `{ kind: "and" | "or",
    /// children }` or `{ kind: "threshold", k, children }` (same-operator nesting flattened,
    /// thresholds kept as written).
    ///
    /// # Errors
    /// Throws `InvalidArgument` only for a node kind this binding does not know.
    #[wasm_bindgen(getter, unchecked_return_type = "PolicyNode")]
    pub fn root(&self) -> Result<JsValue, JsValue> {
        node(self.as_ref().root())
    }

    /// The number of LSSS columns (1 + binary ANDs + Σ (k − 1) over genuine thresholds).
    #[wasm_bindgen(js_name = lsssColumns)]
    pub fn lsss_columns(&self) -> u32 {
        u32::try_from(self.as_ref().lsss().columns()).unwrap_or(u32::MAX)
    }

    /// M with ρ, one row per line (for demos and debugging).
    #[wasm_bindgen(js_name = lsssDisplay)]
    pub fn lsss_display(&self) -> String {
        self.as_ref().lsss().display_matrix()
    }
}
