//! The policy language and its compilation to a linear secret-sharing scheme.
//!
//! A [`Policy`] is parsed from strict text such as
//! `patient:42 or (role:physician and dept:cardiology) or 2 of (role:nurse, dept:cardiology, hospital:h1)`:
//! attributes `namespace:value` (or `"any other text"` in double quotes), `and`
//! (binds tighter), `or`, `k of (…)` and parentheses. The text is NFC-normalised
//! first; keywords are lowercase; byte positions in errors refer to the normalised
//! text. The full grammar, with its error messages, is in `docs/policy.md`.
//!
//! Every policy has one canonical text ([`Display`](fmt::Display),
//! [`to_bytes`](Policy::to_bytes)) with minimal parentheses and single spaces;
//! [`from_bytes`](Policy::from_bytes) accepts only that text, so a policy has exactly
//! one encoding ⟨P⟩ (the FO transform recomputes headers byte for byte).
//!
//! At parse time the policy is compiled once, deterministically, to an [`Lsss`]
//! (Lewko–Waters for AND/OR, Liu–Cao–Wong for genuine thresholds). An attribute may
//! appear only once in a policy: FAME's security proof needs an injective ρ (one row
//! per attribute), and a repeated attribute would give a key two rows built from the
//! same attribute points.
//!
//! ```
//! use cipherchart::Policy;
//! let p: Policy = "role:physician and (dept:cardiology or patient:42)".parse()?;
//! assert!(p.is_satisfied_by(&["role:physician", "patient:42"]));
//! assert!(!p.is_satisfied_by(&["role:physician"]));
//! assert_eq!(p.to_string(), "role:physician and (dept:cardiology or patient:42)");
//! assert_eq!(Policy::from_bytes(&p.to_bytes())?, p);
//! # Ok::<(), cipherchart::Error>(())
//! ```

mod attribute;
mod compile;
mod cost;
mod lexer;
mod lsss;
mod node;
mod parser;
mod reconstruct;
mod versioned;

use core::fmt;
use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

pub use attribute::Attribute;
pub use lsss::Lsss;
pub(crate) use lsss::RowBuilder;
pub use node::PolicyNode;
pub(crate) use versioned::VersionedPolicy;

use crate::error::{EncodingError, Error, LimitKind, Result};

/// The attribute every user key holds beside its own and no re-key or delegation key
/// ever holds: streams and sessions are sealed under `P and cipherchart:key-holder`, so a
/// proxy's blinded key cannot run DecCore on their headers (`docs/security.md` §12.4).
/// Its row in a versioned policy is always at version 0 ([`VersionedPolicy`]).
pub(crate) const HOLDER_GUARD: &str = "cipherchart:key-holder";

/// Most leaves (attributes, LSSS rows) in one policy. Bounded with
/// [`MAX_POLICY_COST`] so that the worst record a reader accepts opens within 50 times
/// an ordinary one (`docs/security.md` §12.1).
pub const MAX_POLICY_LEAVES: usize = 64;
/// Deepest gate nesting: both the number of open parentheses while parsing and the
/// number of gates on any root-to-leaf path of the tree.
pub const MAX_POLICY_DEPTH: usize = 32;
/// Longest policy text in bytes, both as given and after NFC normalisation (and for
/// the canonical text, so every parsed policy's encoding is accepted back).
pub const MAX_POLICY_TEXT_LEN: usize = 65536;
/// Longest attribute in bytes of UTF-8, after NFC normalisation.
pub const MAX_ATTRIBUTE_LEN: usize = 255;
/// Most children of one gate.
pub const MAX_GATE_CHILDREN: usize = 64;
/// Most work that opening a record under one policy may take, in the open-cost model's
/// steps (one G1 point addition or doubling on public data; `docs/policy.md`, §4.1).
/// Every row costs a fixed amount (decoding, hashing its attribute, DecCore, the FO
/// recomputation), a row that DecCore weights by γ ≠ 1 more, and a genuine `k of n`
/// gate adds the small-scalar steps that build its children's Vandermonde row bases,
/// about `6·n·(k−1)·(log2 n + 2.5)`. The bound is the cost of 64 AND/OR rows plus a
/// small margin, about 50 AND-of-1 opens (measured: `docs/performance.md`, "Worst
/// admitted records"): every AND/OR policy within [`MAX_POLICY_LEAVES`] is admitted,
/// costlier thresholds (`40 of 64`) are refused. A re-encrypted record has one budget
/// for all its layers ([`crate::record::MAX_RECORD_OPEN_COST`], 265 000 steps); a policy
/// may use all of it but the fixed work of one header (`HEADER_STEPS`, 5300), so that every
/// admitted policy can be sealed.
pub const MAX_POLICY_COST: u64 = crate::record::MAX_RECORD_OPEN_COST - HEADER_STEPS;

/// The fixed work of one header computation, in open-cost steps (see
/// [`crate::record::MAX_RECORD_OPEN_COST`]).
pub(crate) const HEADER_STEPS: u64 = cost::HEADER_STEPS;

/// A parsed, validated, canonical access policy with its compiled [`Lsss`].
///
/// Immutable. Two policies are equal iff their canonical texts are equal (which is
/// iff their trees are equal). `Debug` shows the canonical text.
#[derive(Clone)]
pub struct Policy {
    root: PolicyNode,
    lsss: Lsss,
    text: String,
}

impl Policy {
    /// Parses policy text (see the module documentation for the grammar).
    ///
    /// # Errors
    /// [`Error::PolicySyntax`] with the byte position and what was expected;
    /// [`Error::PolicyInvalid`]`("attribute repeated")` if an attribute occurs twice;
    /// [`Error::LimitExceeded`] if a bound ([`MAX_POLICY_TEXT_LEN`],
    /// [`MAX_POLICY_LEAVES`], [`MAX_POLICY_DEPTH`], [`MAX_GATE_CHILDREN`],
    /// [`MAX_ATTRIBUTE_LEN`]) is exceeded, and [`LimitKind::PolicyCost`] if opening a
    /// record under the policy would cost more than [`MAX_POLICY_COST`]. All are
    /// checked before any group operation.
    pub fn parse(text: &str) -> Result<Policy> {
        if text.len() > MAX_POLICY_TEXT_LEN {
            return Err(Error::LimitExceeded(LimitKind::PolicyLength));
        }
        let normalized: String = text.nfc().collect();
        if normalized.len() > MAX_POLICY_TEXT_LEN {
            return Err(Error::LimitExceeded(LimitKind::PolicyLength));
        }
        Self::from_tree(parser::parse_tree(&normalized)?)
    }

    /// Validates a canonical tree and compiles it.
    fn from_tree(root: PolicyNode) -> Result<Policy> {
        // The parser bounds parenthesis nesting; `and` inside `or` adds a level
        // without a parenthesis, so the tree depth is checked as well.
        if root.depth() > MAX_POLICY_DEPTH {
            return Err(Error::LimitExceeded(LimitKind::PolicyDepth));
        }
        let mut seen = HashSet::new();
        let mut repeated = false;
        root.for_each_leaf(&mut |a| repeated |= !seen.insert(a.as_str()));
        if repeated {
            return Err(Error::PolicyInvalid("attribute repeated"));
        }
        let text = root.to_string();
        if text.len() > MAX_POLICY_TEXT_LEN {
            return Err(Error::LimitExceeded(LimitKind::PolicyLength));
        }
        let lsss = compile::compile(&root);
        let policy = Policy { root, lsss, text };
        if policy.open_cost() > MAX_POLICY_COST {
            return Err(Error::LimitExceeded(LimitKind::PolicyCost));
        }
        Ok(policy)
    }

    /// The root of the canonical syntax tree.
    pub fn root(&self) -> &PolicyNode {
        &self.root
    }

    /// The leaf attributes left to right: the LSSS row order (ρ).
    pub fn attributes(&self) -> &[Attribute] {
        self.lsss.attributes()
    }

    /// Whether a key holding `attributes` satisfies the policy. Texts are compared
    /// after NFC normalisation.
    pub fn is_satisfied_by<S: AsRef<str>>(&self, attributes: &[S]) -> bool {
        self.lsss.is_satisfied_by(attributes)
    }

    /// The canonical encoding ⟨P⟩: the UTF-8 bytes of the canonical text.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.text.as_bytes().to_vec()
    }

    /// The canonical text (same as [`Display`](fmt::Display)).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Decodes ⟨P⟩ strictly: the bytes must be UTF-8 and exactly the canonical text
    /// of the policy they parse to (no extra spaces, no redundant parentheses, NFC).
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] for bytes longer than [`MAX_POLICY_TEXT_LEN`];
    /// [`Error::InvalidEncoding`] with [`EncodingError::InvalidText`] for invalid
    /// UTF-8 and [`EncodingError::NonCanonical`] for valid but non-canonical text; the
    /// errors of [`Policy::parse`] otherwise.
    pub fn from_bytes(bytes: &[u8]) -> Result<Policy> {
        if bytes.len() > MAX_POLICY_TEXT_LEN {
            return Err(Error::LimitExceeded(LimitKind::PolicyLength));
        }
        let text = core::str::from_utf8(bytes).map_err(|_| EncodingError::InvalidText)?;
        let policy = Self::parse(text)?;
        if policy.text != text {
            return Err(EncodingError::NonCanonical.into());
        }
        Ok(policy)
    }

    /// The compiled LSSS (M, ρ), computed once at parse time.
    pub fn lsss(&self) -> &Lsss {
        &self.lsss
    }

    /// The work to open a record under this policy, in the steps of the open-cost
    /// model (never more than [`MAX_POLICY_COST`]). Computed once at parse time: free
    /// to call, e.g. to bound the sum over the layers of a re-encrypted record.
    pub(crate) fn open_cost(&self) -> u64 {
        self.lsss.open_cost()
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Policy").field(&self.text).finish()
    }
}

impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Policy {}

impl core::hash::Hash for Policy {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl core::str::FromStr for Policy {
    type Err = Error;

    fn from_str(s: &str) -> Result<Policy> {
        Policy::parse(s)
    }
}

#[cfg(test)]
mod tests;
