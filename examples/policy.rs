//! The policy language at a glance: parse, canonical form, LSSS matrix with ρ, and who
//! can decrypt with which reconstruction coefficients γ.
//!
//! ```text
//! cargo run --example policy
//! cargo run --example policy -- 'role:nurse and (ward:icu or 2 of (a:1, b:2, c:3))'
//! ```

use ark_bls12_381::Fr;
use ark_ff::PrimeField;
use cipherchart::PolicyNode;
use cipherchart::{Error, Policy};

const DEFAULT: &str =
    "patient:42 or (role:physician and dept:cardiology) or 2 of (role:nurse, ward:cardiology, hospital:h1)";

fn main() {
    let custom = std::env::args().nth(1);
    let text = custom.as_deref().unwrap_or(DEFAULT);

    println!("cipherchart · policy demo");
    println!("═════════════════════════\n");
    println!("Input      {text}");
    let policy = match Policy::parse(text) {
        Ok(p) => p,
        Err(e) => {
            show_error(text, &e);
            std::process::exit(1);
        }
    };
    println!("Canonical  {policy}");
    println!(
        "⟨P⟩        {} bytes (UTF-8 of the canonical text)\n",
        policy.to_bytes().len()
    );

    println!("Tree");
    print_tree(policy.root(), "", "");

    let m = policy.lsss();
    println!(
        "\nLSSS  M is {} × {} over Z_p, row i belongs to attribute ρ(i)",
        m.rows(),
        m.columns()
    );
    println!("      (Lewko–Waters for and/or: entries 0, ±1; Liu–Cao–Wong rows (…, i, i², …) for k of n)\n");
    for line in m.display_matrix().lines() {
        println!("  {line}");
    }

    println!("\nWho can decrypt?  (γ: Σ γ_i·M_i = (1, 0, …, 0))\n");
    for set in attribute_sets(&policy, custom.is_none()) {
        let shown = format!("{{{}}}", set.join(", "));
        match m.reconstruct(&set) {
            Some(gamma) => {
                let terms: Vec<String> = gamma
                    .iter()
                    .map(|(i, g)| format!("γ{i} = {}", pretty(g)))
                    .collect();
                println!("  ✓ {shown:<52} {}", terms.join(", "));
            }
            None => println!("  ✗ {shown:<52} not satisfied"),
        }
    }

    if custom.is_none() {
        println!("\nMistakes are reported precisely\n");
        for bad in [
            "role:nurse and (ward:icu",
            "role:nurse AND ward:icu",
            "3 of (role:nurse, ward:icu)",
            "nurse or doctor",
            "dept:cardiology or (role:physician and dept:cardiology)",
        ] {
            show_error(
                bad,
                &Policy::parse(bad)
                    .err()
                    .unwrap_or(Error::InvalidArgument("parsed")),
            );
            println!();
        }
    }
}

/// Prints an error, with a caret under the position of a syntax error.
fn show_error(text: &str, e: &Error) {
    println!("  {text}");
    if let Error::PolicySyntax(s) = e {
        let column = text
            .get(..s.position)
            .map_or(s.position, |p| p.chars().count());
        println!("  {}^", " ".repeat(column));
    }
    println!("  {e}  [{}]", e.code());
}

/// Sets worth trying: curated ones for the default policy, generic ones otherwise.
fn attribute_sets(policy: &Policy, curated: bool) -> Vec<Vec<String>> {
    if curated {
        let sets: &[&[&str]] = &[
            &["patient:42"],
            &["role:physician", "dept:cardiology"],
            &["role:physician", "dept:oncology"],
            &["role:nurse", "ward:cardiology"],
            &["role:nurse", "hospital:h1"],
            &["ward:cardiology", "hospital:h1", "role:nurse"],
            &["role:nurse", "dept:cardiology"],
        ];
        return sets
            .iter()
            .map(|s| s.iter().map(|a| (*a).to_owned()).collect())
            .collect();
    }
    let all: Vec<String> = policy
        .attributes()
        .iter()
        .map(|a| a.as_str().to_owned())
        .collect();
    let mut sets = vec![all.clone()];
    for skip in 0..all.len().min(6) {
        sets.push(
            all.iter()
                .enumerate()
                .filter(|&(i, _)| i != skip)
                .map(|(_, a)| a.clone())
                .collect(),
        );
    }
    sets.extend(all.iter().take(4).map(|a| vec![a.clone()]));
    sets
}

/// Writes γ as a small signed integer or fraction when it is one (Lagrange
/// coefficients are), else as a residue mod p.
fn pretty(g: &Fr) -> String {
    for d in 1u64..=1000 {
        let scaled = *g * Fr::from(d);
        for (sign, value) in [("", scaled), ("-", -scaled)] {
            let big = value.into_bigint();
            if big.0[1..].iter().all(|&limb| limb == 0) && big.0[0] < 1_000_000 {
                let n = big.0[0];
                return if d == 1 {
                    format!("{sign}{n}")
                } else {
                    format!("{sign}{n}/{d}")
                };
            }
        }
    }
    g.to_string()
}

fn print_tree(node: &PolicyNode, label_prefix: &str, child_prefix: &str) {
    let (label, children) = match node {
        PolicyNode::Leaf(a) => (PolicyNode::Leaf(a.clone()).to_string(), &[][..]),
        PolicyNode::And(c) => ("and".to_owned(), c.as_slice()),
        PolicyNode::Or(c) => ("or".to_owned(), c.as_slice()),
        PolicyNode::Threshold { k, children } => {
            (format!("{k} of {}", children.len()), children.as_slice())
        }
        _ => ("?".to_owned(), &[][..]),
    };
    println!("  {label_prefix}{label}");
    for (i, child) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        let (branch, next) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        print_tree(
            child,
            &format!("{child_prefix}{branch}"),
            &format!("{child_prefix}{next}"),
        );
    }
}
