//! Issue 16, finding 7: invisible characters in attribute names.
//!
//! Every `Default_Ignorable_Code_Point` (Unicode's DerivedCoreProperties: zero-width
//! characters, joiners, soft hyphen, variation selectors, tags, fillers, bidi controls…)
//! renders as nothing, so `role:phys\u{200B}ician` would display like `role:physician`
//! while naming another attribute. They are refused everywhere an attribute name enters
//! the library: `Attribute::new`, `Policy::parse` (bare and quoted forms),
//! `Policy::from_bytes` and `Authority::issue_key`. Ordinary non-ASCII names still work.

#![allow(clippy::unwrap_used)]

use cipherchart::Attribute;
use cipherchart::{Authority, Error, Policy};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// The characters named in the finding.
const NAMED: &[char] = &[
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{180E}', '\u{00AD}',
];

/// Every range of the Default_Ignorable_Code_Point table (Unicode 16.0), as its first
/// and last code point.
const RANGES: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

fn ch(cp: u32) -> char {
    char::from_u32(cp).unwrap()
}

/// The refused set: the named characters, both edges of every range, and a middle one.
fn refused() -> Vec<char> {
    let mut out: Vec<char> = NAMED.to_vec();
    for &(lo, hi) in RANGES {
        out.extend([ch(lo), ch(hi), ch(lo + (hi - lo) / 2)]);
    }
    out
}

fn is_syntax(r: &Result<Policy, Error>) -> bool {
    matches!(r, Err(Error::PolicySyntax(_)))
}

#[test]
fn attribute_new_refuses_default_ignorables() {
    for c in refused() {
        for text in [
            format!("role:phys{c}ician"),
            format!("{c}role:physician"),
            format!("role:physician{c}"),
            format!("Ärzt{c}in"),
            c.to_string(),
        ] {
            assert_eq!(
                Attribute::new(&text),
                Err(Error::InvalidAttribute),
                "U+{:04X} in {text:?}",
                c as u32
            );
        }
    }
}

#[test]
fn policies_refuse_default_ignorables_bare_and_quoted() {
    for c in refused() {
        let bare = format!("role:phys{c}ician or patient:42");
        assert!(is_syntax(&Policy::parse(&bare)), "bare U+{:04X}", c as u32);
        assert!(
            Policy::from_bytes(bare.as_bytes()).is_err(),
            "bare bytes U+{:04X}",
            c as u32
        );
        for quoted in [
            format!("\"role:phys{c}ician\" or patient:42"),
            format!("patient:42 and \"{c}\""),
            format!("2 of (a:1, \"Ärzt{c}in\", b:2)"),
        ] {
            let parsed = Policy::parse(&quoted);
            assert!(is_syntax(&parsed), "quoted U+{:04X}: {parsed:?}", c as u32);
            let decoded = Policy::from_bytes(quoted.as_bytes());
            assert!(
                is_syntax(&decoded),
                "from_bytes U+{:04X}: {decoded:?}",
                c as u32
            );
        }
    }
}

#[test]
fn issue_key_refuses_default_ignorables() {
    let mut rng = ChaCha20Rng::seed_from_u64(167);
    let authority = Authority::setup(&mut rng);
    for c in NAMED
        .iter()
        .copied()
        .chain([ch(0xE0001), ch(0x1D17A), ch(0xFE0F)])
    {
        let name = format!("role:phys{c}ician");
        assert_eq!(
            authority
                .issue_key(&[name.as_str(), "patient:42"], &mut rng)
                .map(|_| ()),
            Err(Error::InvalidAttribute),
            "U+{:04X}",
            c as u32
        );
    }
}

/// The code points just outside each range are ordinary characters (unless they are
/// controls or in another range) and stay allowed.
#[test]
fn neighbours_of_the_ranges_are_allowed() {
    let inside = |cp: u32| RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&cp));
    let mut checked = 0;
    for &(lo, hi) in RANGES {
        for cp in [lo - 1, hi + 1] {
            let c = ch(cp);
            if inside(cp) || c.is_control() || matches!(cp, 0x2028 | 0x2029) {
                continue;
            }
            let text = format!("x{c}y");
            assert!(Attribute::new(&text).is_ok(), "U+{cp:04X}");
            assert!(
                Policy::parse(&format!("\"{text}\" or a:1")).is_ok(),
                "quoted U+{cp:04X}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 25, "{checked}");
}

#[test]
fn ordinary_non_ascii_still_parses() {
    let mut rng = ChaCha20Rng::seed_from_u64(168);
    let authority = Authority::setup(&mut rng);
    for name in [
        "role:Ärzt",
        "Ärztin",
        "hospital:charité-berlin",
        "科室:心脏科",
        "役割:医師",
        "역할:의사",
        "роль:врач",
        "دور:طبيب",
        "ρόλος:ιατρός",
        "emoji:🩺",
    ] {
        let a = Attribute::new(name).unwrap();
        let p = Policy::parse(&format!("\"{name}\" or patient:42")).unwrap();
        assert_eq!(p.attributes()[0], a);
        assert_eq!(Policy::from_bytes(&p.to_bytes()).unwrap(), p);
        assert!(p.is_satisfied_by(&[name]));
        authority.issue_key(&[name], &mut rng).unwrap();
    }
}
