//! Attributes: the names that keys hold and policies mention.
//!
//! An attribute is any non-empty Unicode text, stored in Normalization Form C so that
//! a composed and a decomposed spelling of the same name are the same attribute. Two
//! kinds of characters are refused because they make a policy read differently from
//! what it enforces: control characters (category Cc, e.g. NUL, newline), the
//! bidirectional formatting characters (U+061C, U+200E/F, U+202A–U+202E,
//! U+2066–U+2069) plus the line and paragraph separators U+2028/U+2029 ("Trojan
//! Source" style reordering of a displayed policy), and every other
//! Default_Ignorable_Code_Point (U+00AD soft hyphen, U+200B–U+200D zero-width
//! characters, U+2060 word joiner, U+FEFF, variation selectors, tags, …): these render
//! as nothing, so `role:physician` and `role:phys\u{200B}ician` would display alike
//! while naming different attributes.

use core::borrow::Borrow;
use core::fmt;

use unicode_normalization::UnicodeNormalization;

use super::MAX_ATTRIBUTE_LEN;
use crate::error::{Error, LimitKind, Result};

/// A canonical (NFC-normalised, validated) attribute name such as `role:physician`.
///
/// Attributes compare, sort and hash by their canonical UTF-8 text. The
/// [`Display`](fmt::Display) form is the bare text (no quotes); inside a policy an
/// attribute that is not of the bare form `namespace:value` is written quoted.
///
/// ```
/// use cipherchart::Attribute;
/// let a = Attribute::new("role:physician")?;
/// assert_eq!(a.as_str(), "role:physician");
/// // Any other non-empty text is an attribute too (written quoted in policies).
/// assert_eq!(Attribute::new("Ärztin")?.to_string(), "Ärztin");
/// // Composed and decomposed spellings are the same attribute.
/// assert_eq!(Attribute::new("A\u{308}rztin")?, Attribute::new("\u{c4}rztin")?);
/// assert!(Attribute::new("").is_err());
/// # Ok::<(), cipherchart::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attribute(String);

/// Why a text is not an attribute; the parser turns these into positioned errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AttributeProblem {
    Empty,
    /// A forbidden character (control, separator or default ignorable, which includes
    /// the bidirectional formatting characters).
    ForbiddenChar(char),
    TooLong,
}

impl AttributeProblem {
    pub(crate) fn into_error(self) -> Error {
        match self {
            Self::TooLong => Error::LimitExceeded(LimitKind::AttributeLength),
            Self::Empty | Self::ForbiddenChar(_) => Error::InvalidAttribute,
        }
    }
}

/// NFC composition shrinks text by at most a factor of 3 (a decomposed Hangul
/// syllable: three 3-byte jamo become one 3-byte syllable), so input longer than this
/// can never fit in [`MAX_ATTRIBUTE_LEN`] bytes: reject it before normalising.
const MAX_RAW_LEN: usize = 4 * MAX_ATTRIBUTE_LEN;

impl Attribute {
    /// Validates `text` and normalises it to NFC.
    ///
    /// # Errors
    /// [`Error::InvalidAttribute`] if `text` is empty or contains a control character,
    /// U+2028/U+2029 or a default-ignorable code point (zero-width and bidirectional
    /// formatting characters, soft hyphen, variation selectors, …); [`Error::LimitExceeded`] with
    /// [`LimitKind::AttributeLength`] if it is longer than
    /// [`MAX_ATTRIBUTE_LEN`] bytes after normalisation.
    pub fn new(text: &str) -> Result<Attribute> {
        Self::from_text(text).map_err(AttributeProblem::into_error)
    }

    /// [`Attribute::new`] with the precise reason for a rejection.
    pub(crate) fn from_text(text: &str) -> core::result::Result<Attribute, AttributeProblem> {
        if text.is_empty() {
            return Err(AttributeProblem::Empty);
        }
        if text.len() > MAX_RAW_LEN {
            return Err(AttributeProblem::TooLong);
        }
        if let Some(c) = text.chars().find(|&c| is_forbidden(c)) {
            return Err(AttributeProblem::ForbiddenChar(c));
        }
        let mut canonical = String::with_capacity(text.len().min(MAX_ATTRIBUTE_LEN));
        for c in text.nfc() {
            if canonical.len() + c.len_utf8() > MAX_ATTRIBUTE_LEN {
                return Err(AttributeProblem::TooLong);
            }
            canonical.push(c);
        }
        // Normalisation maps no allowed character to a forbidden one (no character's
        // canonical decomposition contains a control, a separator or a default
        // ignorable); checked again all the same, it is cheap.
        if let Some(c) = canonical.chars().find(|&c| is_forbidden(c)) {
            return Err(AttributeProblem::ForbiddenChar(c));
        }
        Ok(Attribute(canonical))
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the attribute is written bare (unquoted) in a policy: exactly one `:`
    /// with a non-empty run of `[A-Za-z0-9_.\-/#]` on each side.
    pub fn is_bare(&self) -> bool {
        is_bare(&self.0)
    }

    /// Writes the attribute as it appears in canonical policy text: bare if it has the
    /// bare form, otherwise quoted with `"` and `\` escaped.
    pub(crate) fn write_policy_form(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_bare() {
            return f.write_str(&self.0);
        }
        f.write_str("\"")?;
        for c in self.0.chars() {
            if c == '"' || c == '\\' {
                f.write_str("\\")?;
            }
            fmt::Write::write_char(f, c)?;
        }
        f.write_str("\"")
    }
}

/// A character allowed in either half of a bare `namespace:value` attribute.
pub(crate) fn is_bare_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/' | '#')
}

/// Whether `s` has the bare form `namespace:value`.
pub(crate) fn is_bare(s: &str) -> bool {
    match s.split_once(':') {
        Some((ns, value)) => {
            !ns.is_empty()
                && !value.is_empty()
                && ns.chars().all(is_bare_char)
                && value.chars().all(is_bare_char)
        }
        None => false,
    }
}

/// Unicode's `Default_Ignorable_Code_Point` property: every range of
/// `DerivedCoreProperties.txt`, Unicode 16.0.0 (the list has been the same since 14.0,
/// which added U+180F). Code points that render as nothing (zero-width characters,
/// joiners, format controls, fillers, variation selectors, tags) or that are reserved
/// to be ignored. Sorted, disjoint, inclusive.
const DEFAULT_IGNORABLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),   // SOFT HYPHEN
    ('\u{034F}', '\u{034F}'),   // COMBINING GRAPHEME JOINER
    ('\u{061C}', '\u{061C}'),   // ARABIC LETTER MARK
    ('\u{115F}', '\u{1160}'),   // HANGUL CHOSEONG FILLER..HANGUL JUNGSEONG FILLER
    ('\u{17B4}', '\u{17B5}'),   // KHMER VOWEL INHERENT AQ..AA
    ('\u{180B}', '\u{180F}'),   // MONGOLIAN FVS1..3, VOWEL SEPARATOR, FVS4
    ('\u{200B}', '\u{200F}'),   // ZERO WIDTH SPACE..RIGHT-TO-LEFT MARK
    ('\u{202A}', '\u{202E}'),   // LEFT-TO-RIGHT EMBEDDING..RIGHT-TO-LEFT OVERRIDE
    ('\u{2060}', '\u{206F}'),   // WORD JOINER..NOMINAL DIGIT SHAPES (U+2065 reserved)
    ('\u{3164}', '\u{3164}'),   // HANGUL FILLER
    ('\u{FE00}', '\u{FE0F}'),   // VARIATION SELECTOR-1..16
    ('\u{FEFF}', '\u{FEFF}'),   // ZERO WIDTH NO-BREAK SPACE (BOM)
    ('\u{FFA0}', '\u{FFA0}'),   // HALFWIDTH HANGUL FILLER
    ('\u{FFF0}', '\u{FFF8}'),   // reserved
    ('\u{1BCA0}', '\u{1BCA3}'), // SHORTHAND FORMAT LETTER OVERLAP..UP STEP
    ('\u{1D173}', '\u{1D17A}'), // MUSICAL SYMBOL BEGIN BEAM..END PHRASE
    ('\u{E0000}', '\u{E0FFF}'), // tags, VARIATION SELECTOR-17..256, reserved
];

/// Whether `c` has the `Default_Ignorable_Code_Point` property ([`DEFAULT_IGNORABLE`]).
pub(crate) fn is_default_ignorable(c: char) -> bool {
    DEFAULT_IGNORABLE
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                core::cmp::Ordering::Less
            } else if lo > c {
                core::cmp::Ordering::Greater
            } else {
                core::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Characters never allowed in an attribute (see the module documentation): controls,
/// the line and paragraph separators, and the default-ignorable code points (which
/// include every bidirectional formatting character).
pub(crate) fn is_forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_default_ignorable(c)
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Attribute {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Lets a `HashSet<Attribute>` or `BTreeSet<Attribute>` be queried with a `&str`
/// (hashing and ordering agree with `str`'s).
impl Borrow<str> for Attribute {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl core::str::FromStr for Attribute {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_and_quoted_forms() {
        for s in [
            "patient:42",
            "role:physician",
            "epoch:2026Q4",
            "org:h1/ward-3.b#2",
            "a_b:c",
        ] {
            assert!(is_bare(s), "{s}");
        }
        for s in [
            "0 0", "01", "Ärztin", "a:b:c", ":a", "a:", "a", "a :b", "rôle:x", "and",
        ] {
            assert!(!is_bare(s), "{s}");
        }
    }

    #[test]
    fn rejects_empty_control_and_bidi() {
        assert_eq!(Attribute::new(""), Err(Error::InvalidAttribute));
        for bad in [
            "a\0b",
            "a\nb",
            "\u{7f}",
            "x\u{202E}y",
            "\u{2066}",
            "a\u{2028}b",
            "\u{200F}",
        ] {
            assert_eq!(Attribute::new(bad), Err(Error::InvalidAttribute), "{bad:?}");
        }
    }

    #[test]
    fn length_is_counted_after_nfc() {
        let max = "a".repeat(MAX_ATTRIBUTE_LEN);
        assert_eq!(
            Attribute::new(&max).map(|a| a.as_str().len()),
            Ok(MAX_ATTRIBUTE_LEN)
        );
        let over = "a".repeat(MAX_ATTRIBUTE_LEN + 1);
        assert_eq!(
            Attribute::new(&over),
            Err(Error::LimitExceeded(LimitKind::AttributeLength))
        );
        // 85 decomposed Hangul syllables: 765 bytes in, 255 bytes after NFC.
        let decomposed = "\u{1100}\u{1161}\u{11A8}".repeat(85);
        assert_eq!(decomposed.len(), 765);
        assert_eq!(
            Attribute::new(&decomposed).map(|a| a.as_str().len()),
            Ok(255)
        );
        assert_eq!(
            Attribute::new(&"x".repeat(100_000)),
            Err(Error::LimitExceeded(LimitKind::AttributeLength))
        );
    }

    #[test]
    fn nfc_and_borrow() {
        let composed = Attribute::new("\u{c4}rztin").map_err(|e| e.to_string());
        let decomposed = Attribute::new("A\u{308}rztin").map_err(|e| e.to_string());
        assert_eq!(composed, decomposed);
        let set: std::collections::HashSet<Attribute> = composed.into_iter().collect();
        assert!(set.contains("\u{c4}rztin"));
    }
}
