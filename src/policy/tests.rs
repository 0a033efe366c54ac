//! Unit tests of the policy module: errors with positions, limits, precedence, NFC,
//! canonical text and known LSSS matrices.

#![allow(clippy::unwrap_used)]

use ark_bls12_381::Fr;
use ark_ff::{One, Zero};

use super::*;
use crate::error::{EncodingError, PolicySyntaxError};

fn p(text: &str) -> Policy {
    Policy::parse(text).unwrap_or_else(|e| unreachable!("{text:?} should parse: {e}"))
}

fn leaf(s: &str) -> PolicyNode {
    PolicyNode::Leaf(Attribute::new(s).unwrap())
}

/// The position of a syntax error, or the error itself for anything else.
fn syntax_pos(text: &str) -> core::result::Result<usize, Option<Error>> {
    match Policy::parse(text) {
        Err(Error::PolicySyntax(PolicySyntaxError { position, .. })) => Ok(position),
        Err(e) => Err(Some(e)),
        Ok(_) => Err(None),
    }
}

fn matrix(policy: &Policy) -> Vec<Vec<i64>> {
    let m = policy.lsss();
    (0..m.rows())
        .map(|i| {
            (0..m.columns())
                .map(|j| m.small_entry(i, j).unwrap())
                .collect()
        })
        .collect()
}

/// Σ γ_i·M_i over Z_p.
fn combine(m: &Lsss, gamma: &[(usize, Fr)]) -> Vec<Fr> {
    let mut sum = vec![Fr::zero(); m.columns()];
    for (i, g) in gamma {
        for (s, e) in sum.iter_mut().zip(m.row(*i)) {
            *s += *g * e;
        }
    }
    sum
}

fn target(columns: usize) -> Vec<Fr> {
    let mut t = vec![Fr::zero(); columns];
    t[0] = Fr::one();
    t
}

#[test]
fn canonical_text_and_tree() {
    let policy = p("  patient:42 or(role:physician and dept:cardiology)\n or 2 of (role:nurse,dept:icu ,hospital:h1)");
    assert_eq!(
        policy.to_string(),
        "patient:42 or role:physician and dept:cardiology or 2 of (role:nurse, dept:icu, hospital:h1)"
    );
    assert_eq!(
        policy.root(),
        &PolicyNode::Or(vec![
            leaf("patient:42"),
            PolicyNode::And(vec![leaf("role:physician"), leaf("dept:cardiology")]),
            PolicyNode::Threshold {
                k: 2,
                children: vec![leaf("role:nurse"), leaf("dept:icu"), leaf("hospital:h1")]
            },
        ])
    );
    let names: Vec<&str> = policy.attributes().iter().map(Attribute::as_str).collect();
    assert_eq!(
        names,
        [
            "patient:42",
            "role:physician",
            "dept:cardiology",
            "role:nurse",
            "dept:icu",
            "hospital:h1"
        ]
    );
    assert_eq!(p(&policy.to_string()), policy);
    assert_eq!(policy.as_str().as_bytes(), policy.to_bytes().as_slice());
}

#[test]
fn precedence_and_flattening() {
    assert_eq!(p("a:1 or b:2 and c:3"), p("a:1 or (b:2 and c:3)"));
    assert_ne!(p("a:1 or b:2 and c:3"), p("(a:1 or b:2) and c:3"));
    assert_eq!(
        p("(a:1 or b:2) and c:3").to_string(),
        "(a:1 or b:2) and c:3"
    );
    assert_eq!(p("a:1 and (b:2 and c:3)"), p("a:1 and b:2 and c:3"));
    assert_eq!(
        p("((a:1 and b:2)) and c:3").root(),
        &PolicyNode::And(vec![leaf("a:1"), leaf("b:2"), leaf("c:3")])
    );
    assert_eq!(p("a:1 or (b:2 or c:3)").to_string(), "a:1 or b:2 or c:3");
    assert_eq!(p("((a:1))").root(), &leaf("a:1"));
    // Thresholds are never merged into their parent, nor with each other.
    assert_eq!(
        p("2 of (a:1, 2 of (b:2, c:3, d:4), e:5)").to_string(),
        "2 of (a:1, 2 of (b:2, c:3, d:4), e:5)"
    );
    // Children of a threshold need no parentheses.
    assert_eq!(
        p("2 of ((a:1 or b:2), c:3 and d:4, e:5)").to_string(),
        "2 of (a:1 or b:2, c:3 and d:4, e:5)"
    );
}

#[test]
fn three_way_and_matrix() {
    // The input that makes rabe panic. Lewko–Waters: a = (1,1,0), b = (0,−1,1), c = (0,0,−1).
    let policy = p("a:1 and b:2 and c:3");
    assert_eq!(
        matrix(&policy),
        vec![vec![1, 1, 0], vec![0, -1, 1], vec![0, 0, -1]]
    );
    let gamma = policy.lsss().reconstruct(&["c:3", "a:1", "b:2"]).unwrap();
    assert_eq!(gamma, vec![(0, Fr::one()), (1, Fr::one()), (2, Fr::one())]);
    assert_eq!(policy.lsss().reconstruct(&["a:1", "b:2"]), None);
}

#[test]
fn demo_policy_matrix() {
    let policy = p("patient:42 or (role:physician and dept:cardiology) or 2 of (role:nurse, dept:icu, hospital:h1)");
    assert_eq!(
        matrix(&policy),
        vec![
            vec![1, 0, 0],
            vec![1, 1, 0],
            vec![0, -1, 0],
            vec![1, 0, 1],
            vec![1, 0, 2],
            vec![1, 0, 3],
        ]
    );
    // 2-of-3 with the 2nd and 3rd children: λ2 = 3/(3−2) = 3, λ3 = 2/(2−3) = −2.
    let gamma = policy
        .lsss()
        .reconstruct(&["hospital:h1", "dept:icu"])
        .unwrap();
    assert_eq!(gamma, vec![(4, Fr::from(3u64)), (5, -Fr::from(2u64))]);
    assert_eq!(combine(policy.lsss(), &gamma), target(3));
    // OR takes the first satisfied child only.
    let gamma = policy
        .lsss()
        .reconstruct(&["dept:icu", "role:nurse", "patient:42", "role:physician"])
        .unwrap();
    assert_eq!(gamma, vec![(0, Fr::one())]);
    let text = policy.lsss().display_matrix();
    assert!(text.contains("role:nurse"), "{text}");
    assert_eq!(text.lines().count(), 7, "{text}");
}

#[test]
fn degenerate_thresholds_compile_like_or_and_and() {
    let one = p("1 of (a:1, b:2, c:3)");
    assert!(matches!(one.root(), PolicyNode::Threshold { k: 1, .. }));
    assert_eq!(one.to_string(), "1 of (a:1, b:2, c:3)");
    assert_ne!(one, p("a:1 or b:2 or c:3"));
    assert_eq!(one.lsss(), p("a:1 or b:2 or c:3").lsss());
    let all = p("3 of (a:1, b:2, c:3)");
    assert_eq!(all.lsss(), p("a:1 and b:2 and c:3").lsss());
    assert_eq!(
        all.lsss()
            .reconstruct(&["a:1", "b:2", "c:3"])
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn nested_threshold_coefficients_multiply() {
    let policy = p("2 of (a:1, 2 of (b:2, c:3, d:4), e:5) and f:6");
    let m = policy.lsss();
    for set in [
        &["a:1", "c:3", "d:4", "f:6"][..],
        &["b:2", "d:4", "e:5", "f:6"],
        &["a:1", "e:5", "f:6"],
    ] {
        let gamma = m.reconstruct(set).unwrap();
        assert_eq!(combine(m, &gamma), target(m.columns()), "{set:?}");
        assert!(gamma
            .iter()
            .all(|(i, g)| !g.is_zero() && set.contains(&m.rho(*i).as_str())));
    }
    assert_eq!(m.reconstruct(&["a:1", "b:2", "f:6"]), None);
    assert_eq!(m.reconstruct(&["a:1", "e:5"]), None);
}

#[test]
fn quoted_attributes() {
    let policy =
        p(r#""0 0" and "01" and "Ärztin" and "a:b:c" and "say \"hi\" \\o/" and "patient:42""#);
    assert_eq!(
        policy.to_string(),
        r#""0 0" and "01" and "Ärztin" and "a:b:c" and "say \"hi\" \\o/" and patient:42"#
    );
    let names: Vec<&str> = policy.attributes().iter().map(Attribute::as_str).collect();
    assert_eq!(
        names,
        [
            "0 0",
            "01",
            "Ärztin",
            "a:b:c",
            "say \"hi\" \\o/",
            "patient:42"
        ]
    );
    assert!(policy.is_satisfied_by(&names));
    assert!(!policy.is_satisfied_by(&names[1..]));
    // Quoted keywords and numbers are attributes, not syntax.
    assert_eq!(p(r#""and" or "2""#).attributes().len(), 2);
}

#[test]
fn nfc_normalisation() {
    let composed = p("\"\u{c4}rztin\" or role:x");
    let decomposed = p("\"A\u{308}rztin\" or role:x");
    assert_eq!(composed, decomposed);
    assert_eq!(composed.to_bytes(), decomposed.to_bytes());
    assert!(composed.is_satisfied_by(&["A\u{308}rztin"]));
    assert!(decomposed.is_satisfied_by(&["\u{c4}rztin"]));
    // Only the NFC text is the canonical encoding.
    assert_eq!(
        Policy::from_bytes("\"A\u{308}rztin\" or role:x".as_bytes()),
        Err(Error::InvalidEncoding(EncodingError::NonCanonical))
    );
    assert_eq!(
        Policy::from_bytes(composed.as_str().as_bytes()),
        Ok(composed)
    );
}

#[test]
fn case_sensitive() {
    assert!(p("role:Nurse").is_satisfied_by(&["role:Nurse"]));
    assert!(!p("role:Nurse").is_satisfied_by(&["role:nurse"]));
    assert_ne!(p("role:Nurse"), p("role:nurse"));
}

#[test]
fn from_bytes_is_strict() {
    let canonical = p("a:1 or b:2 and c:3 or 2 of (d:4, e:5, f:6)");
    assert_eq!(
        Policy::from_bytes(&canonical.to_bytes()),
        Ok(canonical.clone())
    );
    let non_canonical = [
        " a:1 or b:2 and c:3 or 2 of (d:4, e:5, f:6)",
        "a:1 or b:2 and c:3 or 2 of (d:4, e:5, f:6)\n",
        "a:1  or b:2 and c:3 or 2 of (d:4, e:5, f:6)",
        "a:1 or (b:2 and c:3) or 2 of (d:4, e:5, f:6)",
        "(a:1 or b:2 and c:3 or 2 of (d:4, e:5, f:6))",
        "a:1 or b:2 and c:3 or 2 of (d:4,e:5, f:6)",
        "a:1 or b:2 and c:3 or 2 of ( d:4, e:5, f:6)",
        "\"a:1\" or b:2 and c:3 or 2 of (d:4, e:5, f:6)",
        "a:1 or (b:2 and c:3 or 2 of (d:4, e:5, f:6))",
    ];
    for text in non_canonical {
        assert_eq!(p(text), canonical, "{text:?} parses to the same policy");
        assert_eq!(
            Policy::from_bytes(text.as_bytes()),
            Err(Error::InvalidEncoding(EncodingError::NonCanonical)),
            "{text:?}"
        );
    }
    assert_eq!(
        Policy::from_bytes(b"a:1 or \xff"),
        Err(Error::InvalidEncoding(EncodingError::InvalidText))
    );
    assert!(matches!(
        Policy::from_bytes(b"a:1 or"),
        Err(Error::PolicySyntax(_))
    ));
}

#[test]
fn syntax_errors_have_positions() {
    let cases: &[(&str, usize)] = &[
        ("", 0),
        ("   ", 3),
        ("a:1 and", 7),
        ("a:1 and or b:2", 8),
        ("(a:1 or b:2", 11),
        ("a:1 or b:2)", 10),
        ("a:1 b:2", 4),
        ("a:1 and AND", 8),
        ("nurse", 0),
        ("a:1 or (", 8),
        ("a:1 or ()", 8),
        ("3 of (a:1, b:2)", 0),
        ("0 of (a:1, b:2)", 0),
        ("1 of (a:1)", 0),
        ("2 (a:1, b:2)", 2),
        ("2 of a:1", 5),
        ("2 of (a:1 b:2)", 10),
        ("2 of (a:1, b:2", 14),
        ("2 of (a:1,, b:2)", 10),
        ("01 of (a:1, b:2)", 0),
        ("a:1 or \"x", 7),
        ("a:1 or \"\"", 7),
        ("a:1 or \"x\\y\"", 9),
        ("a:1 or \"x\ny\"", 9),
        ("a:1 or \"x\u{202E}y\"", 9),
        ("a:1 & b:2", 4),
        ("a:1 or b:2 of", 11),
        ("of", 0),
        ("a:1 , b:2", 4),
        ("é:1", 0),
        // The first character that needs quotes, not the start of the word (issue 23).
        ("role:Ärzt", 5),
        ("a:1 or role:Ärzt", 12),
        ("role:x2é", 7),
    ];
    for &(text, position) in cases {
        assert_eq!(syntax_pos(text), Ok(position), "{text:?}");
    }
    let Err(Error::PolicySyntax(e)) = Policy::parse("(a:1 or b:2") else {
        unreachable!()
    };
    assert_eq!(
        e.message,
        "expected 'and', 'or' or ')', found the end of the policy"
    );
    let Err(Error::PolicySyntax(e)) = Policy::parse("3 of (a:1, b:2)") else {
        unreachable!()
    };
    assert!(e.message.contains("3 of 2"), "{}", e.message);
    let Err(Error::PolicySyntax(e)) = Policy::parse("dept:kardiologie or hospital:charité") else {
        unreachable!()
    };
    assert_eq!(e.position, 35);
    assert!(e.message.contains("double quotes"), "{}", e.message);
    // Positions are in the NFC text (4 bytes of decomposed "Ä" + "x:" become 2 + 2).
    assert_eq!(syntax_pos("\"A\u{308}\" x"), Ok(5));
}

#[test]
fn repeated_attributes_are_rejected() {
    for text in [
        "a:1 or a:1",
        "a:1 and (b:2 or a:1)",
        "2 of (a:1, b:2, \"a:1\")",
        "\"A\u{308}\" or \"\u{c4}\"",
    ] {
        assert_eq!(
            Policy::parse(text),
            Err(Error::PolicyInvalid("attribute repeated")),
            "{text:?}"
        );
    }
}

fn limit(text: &str) -> Option<LimitKind> {
    match Policy::parse(text) {
        Err(Error::LimitExceeded(kind)) => Some(kind),
        _ => None,
    }
}

fn leaves(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("a:{i}")).collect()
}

#[test]
fn limits() {
    assert!(Policy::parse(&leaves(MAX_POLICY_LEAVES).join(" or ")).is_ok());
    assert_eq!(
        limit(&leaves(MAX_POLICY_LEAVES + 1).join(" or ")),
        Some(LimitKind::PolicyLeaves)
    );

    let wide = format!("1 of ({})", leaves(MAX_GATE_CHILDREN).join(", "));
    assert_eq!(p(&wide).lsss().columns(), 1);
    // The widest genuine thresholds, `2 of 64` and `2 of 63`, are just over the open-cost bound (their
    // rows and two weighted ones leave no room for the fixed work of a header).
    let widest = format!("2 of ({})", leaves(MAX_GATE_CHILDREN).join(", "));
    assert_eq!(limit(&widest), Some(LimitKind::PolicyCost));
    assert!(Policy::parse(&format!(
        "2 of ({})",
        leaves(MAX_GATE_CHILDREN - 2).join(", ")
    ))
    .is_ok());
    let too_wide = format!("2 of ({}, b:1)", leaves(MAX_GATE_CHILDREN).join(", "));
    assert_eq!(limit(&too_wide), Some(LimitKind::GateWidth));

    let nested = |n: usize| format!("{}a:1{}", "(".repeat(n), ")".repeat(n));
    assert!(Policy::parse(&nested(MAX_POLICY_DEPTH)).is_ok());
    assert_eq!(
        limit(&nested(MAX_POLICY_DEPTH + 1)),
        Some(LimitKind::PolicyDepth)
    );
    // A huge nesting is refused without exhausting the stack.
    assert_eq!(limit(&nested(30_000)), Some(LimitKind::PolicyDepth));
    assert_eq!(
        limit(&format!("{}a:1", "2 of (".repeat(10_000))),
        Some(LimitKind::PolicyDepth)
    );

    // Tree depth: an alternating chain a0 or (a1 and (a2 or (…))) has one gate per
    // level, one more than its parentheses.
    let chain = |gates: usize| {
        let mut text = format!("x:{gates}");
        for i in (0..gates).rev() {
            let op = if i % 2 == 0 { "or" } else { "and" };
            text = if i + 1 == gates {
                format!("x:{i} {op} {text}")
            } else {
                format!("x:{i} {op} ({text})")
            };
        }
        text
    };
    assert_eq!(p(&chain(MAX_POLICY_DEPTH)).root().depth(), MAX_POLICY_DEPTH);
    assert_eq!(
        limit(&chain(MAX_POLICY_DEPTH + 1)),
        Some(LimitKind::PolicyDepth)
    );
    // Round trip at the limit: the canonical text is accepted back.
    let deep = p(&chain(MAX_POLICY_DEPTH));
    assert_eq!(Policy::from_bytes(&deep.to_bytes()), Ok(deep));

    let long = format!("a:{}", "1".repeat(MAX_ATTRIBUTE_LEN - 2));
    assert!(Policy::parse(&long).is_ok());
    assert_eq!(limit(&format!("{long}1")), Some(LimitKind::AttributeLength));
    assert_eq!(
        limit(&format!("\"{}\"", "é".repeat(128))),
        Some(LimitKind::AttributeLength)
    );

    let spaces = format!("a:1{}", " ".repeat(MAX_POLICY_TEXT_LEN - 3));
    assert!(Policy::parse(&spaces).is_ok());
    assert_eq!(limit(&format!("{spaces} ")), Some(LimitKind::PolicyLength));
    assert_eq!(
        Policy::from_bytes(format!("{spaces} ").as_bytes()),
        Err(Error::LimitExceeded(LimitKind::PolicyLength))
    );
}

#[test]
fn accessors_out_of_range() {
    let policy = p("a:1 and b:2");
    let m = policy.lsss();
    assert_eq!(m.small_entry(2, 0), None);
    assert_eq!(m.small_entry(0, 2), None);
    assert_eq!(m.row(1).len(), 2);
    assert!(std::panic::catch_unwind(|| m.row(2).len()).is_err());
}

#[test]
fn large_threshold_entries_are_not_small() {
    // 20 of 21: child 21 gets 21^19 > 2^62 in the last column.
    let policy = p(&format!("20 of ({})", leaves(21).join(", ")));
    let m = policy.lsss();
    assert_eq!(m.columns(), 20);
    assert_eq!(m.small_entry(20, 1), Some(21));
    assert_eq!(m.small_entry(20, 19), None);
    assert_eq!(m.small_entry(1, 19), Some(1 << 19));
    let set: Vec<String> = leaves(21).into_iter().skip(1).collect();
    let gamma = m.reconstruct(&set).unwrap();
    assert_eq!(gamma.len(), 20);
    assert_eq!(combine(m, &gamma), target(20));
}

/// Rebuilds row vectors over Z_p through [`Lsss::build_rows`].
struct VectorBuilder {
    columns: usize,
    rows: Vec<Option<Vec<Fr>>>,
}

impl RowBuilder for VectorBuilder {
    type Value = Vec<Fr>;

    fn zero(&mut self) -> Vec<Fr> {
        vec![Fr::zero(); self.columns]
    }

    fn add_unit(&mut self, v: &mut Vec<Fr>, column: usize, sign: i8) {
        v[column] += if sign < 0 { -Fr::one() } else { Fr::one() };
    }

    fn add_powers(&mut self, v: &mut Vec<Fr>, first: usize, count: usize, x: u64) {
        let mut power = Fr::one();
        for e in 0..count {
            power *= Fr::from(x);
            v[first + e] += power;
        }
    }

    fn leaf(&mut self, row: usize, v: &Vec<Fr>) {
        self.rows[row] = Some(v.clone());
    }
}

/// The gate walk that the row-base builder and the cost model use rebuilds exactly the
/// compiled matrix, for every row and for subsets of rows.
#[test]
fn build_rows_rebuilds_the_matrix() {
    let wide = leaves(30).join(", ");
    for text in [
        "a:1".to_owned(),
        "a:1 and a:2 and a:3".to_owned(),
        "a:1 or (a:2 and a:3) or a:4".to_owned(),
        "2 of (a:1, a:2, a:3)".to_owned(),
        "2 of (a:1 and a:2, a:3 or a:4, 3 of (a:5, a:6, a:7, a:8)) and a:9".to_owned(),
        "a:0 or 3 of (a:1, 2 of (a:2, a:3, a:4), a:5 and (a:6 or a:7), a:8)".to_owned(),
        "(a:1 or a:2) and (a:3 or 1 of (a:4, a:5)) and 2 of (a:6, a:7)".to_owned(),
        format!("20 of ({wide})"),
    ] {
        let policy = p(&text);
        let m = policy.lsss();
        for subset in 0..3usize {
            let mut b = VectorBuilder {
                columns: m.columns(),
                rows: vec![None; m.rows()],
            };
            let wanted = |i: usize| subset == 0 || i.is_multiple_of(subset);
            m.build_rows(&mut b, &wanted);
            for (i, row) in b.rows.iter().enumerate() {
                if wanted(i) {
                    assert_eq!(row.as_deref(), Some(m.row(i)), "{text}: row {i}");
                } else {
                    assert!(row.is_none(), "{text}: row {i} not wanted");
                }
            }
        }
    }
}

/// The open-cost model: a fixed amount per row, more below a threshold, and Horner
/// steps that grow with n·(k − 1); the bound refuses the reviewer's policy.
#[test]
fn open_cost_model() {
    let or = |n: usize| p(&leaves(n).join(" or ")).open_cost();
    let one = p("a:1").open_cost();
    assert!(one >= cost::ROW_STEPS);
    // Linear in rows for AND/OR (plus a few additions per row).
    let per_row = (or(60) - or(30)) / 30;
    assert!(
        (cost::ROW_STEPS..cost::ROW_STEPS + 24).contains(&per_row),
        "{per_row}"
    );
    // Every AND/OR policy within the other limits fits.
    assert!(or(MAX_POLICY_LEAVES) <= MAX_POLICY_COST);
    assert!(p(&leaves(MAX_POLICY_LEAVES).join(" and ")).open_cost() <= MAX_POLICY_COST);
    // A record under any admitted policy is within the record budget.
    assert_eq!(
        MAX_POLICY_COST + cost::HEADER_STEPS,
        crate::record::MAX_RECORD_OPEN_COST
    );
    // A threshold costs more than the OR of the same leaves, growing with k.
    let t = |k: usize, n: usize| {
        Policy::parse(&format!("{k} of ({})", leaves(n).join(", "))).map(|p| p.open_cost())
    };
    let mut last = or(20);
    for k in 2..20 {
        let c = t(k, 20).unwrap();
        assert!(c > last, "{k} of 20");
        last = c;
    }
    // Horner on x ≤ 20: k − 1 steps of at most 4 doublings and 4 additions.
    // (10 rows weighted by γ ≠ 1: the key uses 10 of the 20 children.)
    let horner = t(10, 20).unwrap() - or(20) - 10 * cost::THRESHOLD_ROW_STEPS;
    assert!(horner <= 6 * 20 * 9 * 9, "{horner}");
    // The reviewer's policy and `64 of 128` are refused (by their width first); within
    // the leaf limit, a costly threshold is refused by its cost.
    let huge = format!("role:physician or 254 of ({})", leaves(255).join(", "));
    assert!(matches!(
        limit(&huge),
        Some(LimitKind::PolicyLeaves | LimitKind::GateWidth)
    ));
    assert!(Policy::from_bytes(huge.as_bytes()).is_err());
    assert!(limit(&format!("64 of ({})", leaves(128).join(", "))).is_some());
    let costly = format!("40 of ({})", leaves(MAX_POLICY_LEAVES).join(", "));
    assert_eq!(limit(&costly), Some(LimitKind::PolicyCost));
    assert_eq!(
        Policy::from_bytes(costly.as_bytes()),
        Err(Error::LimitExceeded(LimitKind::PolicyCost))
    );
    assert_eq!(cost::mul_small_steps(1), 0);
    assert_eq!(cost::mul_small_steps(2), 1);
    assert_eq!(cost::mul_small_steps(3), 2);
    assert_eq!(cost::mul_small_steps(255), 14);
    assert_eq!(cost::mul_small_steps(256), 8);
}

/// `docs/revocation-v3.md` §3.1 (S2): `@` is an ordinary character, never a version
/// suffix. It is not a bare-name character, so a name holding it is written quoted (the
/// v2 rule, unchanged), parses back to itself, and matches only itself.
#[test]
fn a_v2_name_with_at_sign_is_an_ordinary_name() {
    for name in ["alice@example.org", "role:nurse@2", "a@b@2", "@", "x:@1"] {
        let a = Attribute::new(name).unwrap();
        assert_eq!(a.as_str(), name);
        assert!(!a.is_bare(), "{name}");
        let policy = p(&format!("\"{name}\" and role:x"));
        assert_eq!(policy.as_str(), format!("\"{name}\" and role:x"));
        assert_eq!(Policy::from_bytes(&policy.to_bytes()), Ok(policy.clone()));
        assert!(policy.is_satisfied_by(&[name, "role:x"]));
        let stem = name.rsplit_once('@').map_or(name, |(stem, _)| stem);
        if !stem.is_empty() {
            assert!(!policy.is_satisfied_by(&[stem, "role:x"]), "{name}");
        }
    }
    // Unquoted, `@` is not part of a bare attribute: a syntax error, as in v2.
    assert!(syntax_pos("role:nurse@2").is_ok());
}
