//! Structured: builds a policy from the input (up to 6 leaves, AND/OR/k-of-n gates,
//! depth ≤ 3) and an attribute set, seals a payload under it with a ChaCha RNG seeded
//! from the input, and opens it with a key of the fixed authority holding exactly that
//! set. Asserts, against an evaluation of the tree done here (not by the library):
//! `is_satisfied_by` and LSSS reconstruction agree with the tree, and the record opens
//! (to the payload) iff the set satisfies the policy. The sealed record round-trips.
//!
//! For about a quarter of the inputs it also re-encrypts: a re-key from the held set's
//! subset `S'` (chosen by the input) to a small target policy `P'`; asserts that
//! `can_reencrypt` and `reencrypt` succeed iff `S'` satisfies the policy, that a
//! delegate key opens the result iff its set satisfies `P'` and that the original key
//! still opens it iff it opened the record.
#![no_main]

use std::collections::HashMap;
use std::sync::Mutex;

use cipherchart::{seal, Policy, SealedRecord, UserKey};
use cipherchart_fuzz::{fixture, Cursor};
use libfuzzer_sys::fuzz_target;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

const MAX_LEAVES: usize = 6;
const MAX_DEPTH: usize = 3;
/// Attribute of bit 6 of the set: held, but in no policy.
const OUTSIDER: &str = "z:outsider";

enum Tree {
    Leaf(usize),
    /// `k of (children)`; AND is `n of`, OR is `1 of`, written with the keywords.
    Gate(usize, Vec<Tree>),
}

fn build(c: &mut Cursor<'_>, depth: usize, leaves: &mut usize) -> Tree {
    let b = c.byte();
    if depth >= MAX_DEPTH || *leaves + 2 > MAX_LEAVES || b % 3 == 0 {
        *leaves += 1;
        return Tree::Leaf(*leaves - 1);
    }
    let want = 2 + usize::from(c.byte() % 3);
    let mut children = Vec::new();
    while children.len() < want && *leaves < MAX_LEAVES {
        children.push(build(c, depth + 1, leaves));
    }
    if children.len() == 1 {
        return children.pop().expect("one child");
    }
    let n = children.len();
    let k = match b % 3 {
        1 => n,                             // and
        _ if c.byte() % 2 == 0 => 1,        // or
        _ => 1 + usize::from(c.byte()) % n, // k of n
    };
    Tree::Gate(k, children)
}

fn text(t: &Tree, top: bool, out: &mut String) {
    match t {
        Tree::Leaf(i) => out.push_str(&format!("a:{i}")),
        Tree::Gate(k, children) => {
            let n = children.len();
            let sep = if *k == n {
                " and "
            } else if *k == 1 {
                " or "
            } else {
                ", "
            };
            if sep == ", " {
                out.push_str(&format!("{k} of ("));
            } else if !top {
                out.push('(');
            }
            for (i, ch) in children.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                text(ch, false, out);
            }
            if sep == ", " || !top {
                out.push(')');
            }
        }
    }
}

fn eval(t: &Tree, held: u8) -> bool {
    match t {
        Tree::Leaf(i) => held & (1 << i) != 0,
        Tree::Gate(k, children) => children.iter().filter(|c| eval(c, held)).count() >= *k,
    }
}

fn attributes(held: u8) -> Vec<String> {
    let mut v: Vec<String> = (0..MAX_LEAVES)
        .filter(|i| held & (1 << i) != 0)
        .map(|i| format!("a:{i}"))
        .collect();
    if held & (1 << 6) != 0 || v.is_empty() {
        v.push(OUTSIDER.to_owned());
    }
    v
}

/// Keys are costly to issue: one per attribute set, cached.
fn with_key<T>(attrs: &[String], f: impl FnOnce(&UserKey) -> T) -> T {
    static KEYS: Mutex<Option<HashMap<Vec<String>, UserKey>>> = Mutex::new(None);
    let mut guard = KEYS.lock().unwrap_or_else(|e| e.into_inner());
    let keys = guard.get_or_insert_with(HashMap::new);
    let key = keys.entry(attrs.to_vec()).or_insert_with(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(keys_seed(attrs));
        fixture().authority.issue_key(attrs, &mut rng).expect("key")
    });
    f(key)
}

fn keys_seed(attrs: &[String]) -> u64 {
    attrs
        .iter()
        .flat_map(|a| a.bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
}

/// Target policies of re-keys, with their audience over `d:0`, `d:1`, `d:2`.
const TARGETS: [(&str, fn(u8) -> bool); 4] = [
    ("d:0", |d| d & 1 != 0),
    ("d:0 or d:1", |d| d & 3 != 0),
    ("d:0 and d:1", |d| d & 3 == 3),
    ("2 of (d:0, d:1, d:2)", |d| (d & 7).count_ones() >= 2),
];

fn delegate_attributes(d: u8) -> Vec<String> {
    let mut v: Vec<String> = (0..3)
        .filter(|i| d & (1 << i) != 0)
        .map(|i| format!("d:{i}"))
        .collect();
    if v.is_empty() {
        v.push(OUTSIDER.to_owned());
    }
    v
}

/// Re-encrypts `sealed` from a subset of `held` to one of [`TARGETS`] and checks who
/// opens the result.
fn reencrypt(
    c: &mut Cursor<'_>,
    tree: &Tree,
    t: &str,
    held: u8,
    sealed: &SealedRecord,
    payload: &[u8],
) {
    let f = fixture();
    // S': the held attributes at the positions the next byte picks.
    let pick = c.byte();
    let sub_attrs: Vec<String> = attributes(held)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| pick & (1 << i) != 0)
        .map(|(_, a)| a)
        .collect();
    if sub_attrs.is_empty() {
        return;
    }
    // The subset as a mask over the leaves (the outsider never satisfies a leaf).
    let sub_mask = (0..MAX_LEAVES as u8)
        .filter(|i| sub_attrs.contains(&format!("a:{i}")))
        .fold(0u8, |m, i| m | (1 << i));
    let (target_text, target_eval) = TARGETS[usize::from(c.byte()) % TARGETS.len()];
    let target = Policy::parse(target_text).expect("target policy");
    let mut rng = ChaCha20Rng::seed_from_u64(c.u64());
    // v2: a one-grant delegation key for S' (naming the fixture patient's consent key)
    // where v1 restricted the holder's user key to S'.
    let rk = f
        .authority
        .issue_delegation_key(&sub_attrs, &f.patient.public_key(), &mut rng)
        .and_then(|d| d.rekey(f.pk(), &target, &mut rng))
        .unwrap_or_else(|e| panic!("rekey from {sub_attrs:?}: {e}"));
    let can = eval(tree, sub_mask);
    assert_eq!(
        rk.can_reencrypt(sealed),
        can,
        "can_reencrypt {sub_attrs:?} under {t}"
    );
    let hop = match rk.reencrypt(sealed) {
        Ok(hop) => {
            assert!(can, "{sub_attrs:?} re-encrypted a record under {t}");
            hop
        }
        Err(e) => {
            assert!(!can, "{sub_attrs:?} failed to re-encrypt under {t}: {e}");
            return;
        }
    };
    assert_eq!(hop.hop_count(), 1);
    assert_eq!(hop.current_policy(), &target);
    let decoded =
        SealedRecord::from_bytes(&hop.to_bytes()).expect("the re-encrypted record decodes");
    assert_eq!(decoded, hop);
    let d = c.byte() & 7;
    let d_attrs = delegate_attributes(d);
    let opened = with_key(&d_attrs, |key| key.open(f.pk(), &decoded));
    match opened {
        Ok(p) => {
            assert!(target_eval(d), "{d_attrs:?} opened a hop to {target_text}");
            assert_eq!(p, payload);
        }
        Err(e) => assert!(
            !target_eval(d),
            "{d_attrs:?} failed to open a hop to {target_text}: {e}"
        ),
    }
    let original = with_key(&attributes(held), |key| key.open(f.pk(), &decoded));
    assert_eq!(
        original.is_ok(),
        eval(tree, held),
        "the original audience after a hop"
    );
}

fuzz_target!(|data: &[u8]| {
    let mut c = Cursor::new(data);
    let mut leaves = 0;
    let tree = build(&mut c, 0, &mut leaves);
    let held = c.byte() & 0x7f;
    let seed = c.u64();
    let reencrypt_too = c.byte() % 4 == 0;
    let payload: Vec<u8> = (0..c.byte() % 48).map(|_| c.byte()).collect();

    let mut t = String::new();
    text(&tree, true, &mut t);
    let policy = Policy::parse(&t).unwrap_or_else(|e| panic!("{t:?} does not parse: {e}"));
    let attrs = attributes(held);
    let expected = eval(&tree, held);
    assert_eq!(
        policy.is_satisfied_by(&attrs),
        expected,
        "is_satisfied_by on {t}"
    );
    let refs: Vec<&str> = attrs.iter().map(String::as_str).collect();
    assert_eq!(
        policy.lsss().reconstruct(&refs).is_some(),
        expected,
        "LSSS on {t}"
    );

    let f = fixture();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let sealed = seal(f.pk(), &policy, b"fuzz", b"", &payload, &mut rng).expect("seal");
    let decoded = SealedRecord::from_bytes(&sealed.to_bytes()).expect("the record decodes");
    assert_eq!(decoded, sealed);
    let opened = with_key(&attrs, |key| key.open(f.pk(), &decoded));
    match opened {
        Ok(p) => {
            assert!(expected, "{attrs:?} opened a record under {t}");
            assert_eq!(p, payload);
        }
        Err(e) => assert!(
            !expected,
            "{attrs:?} failed to open a record under {t}: {e}"
        ),
    }
    if reencrypt_too {
        reencrypt(&mut c, &tree, &t, held, &decoded, &payload);
    }
});
