//! Review test for commit 242d721: without the `getrandom` feature consent verification
//! checks each signature on its own instead of the randomly weighted batch. This file
//! asserts the same outcomes (accept, or the exact error) for valid tokens and for every
//! kind of invalid token; run it in both builds:
//!
//! ```text
//! cargo test --test consent unbatched::
//! cargo test --no-default-features --test consent unbatched::
//! ```
//!
//! It also runs every committed consent vector (`tests/vectors/cipherchart-v2.json`)
//! through the conformance checker, in whichever build runs it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "../conformance/check.rs"]
mod check;
#[path = "../conformance/common.rs"]
mod common;

use cipherchart::BlsSigningKey;
use cipherchart::{ConsentToken, Grant, Grantee, Narrowing, RevocationSet, Window};
use cipherchart::{Error, Policy};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

#[test]
fn committed_consent_vectors_in_this_build() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/cipherchart-v2.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    check::consent(&doc);
}

/// The token's pieces: (header 6 bytes, [(len32 ‖ payload, signature)], flag, proof).
struct Parts {
    head: Vec<u8>,
    blocks: Vec<(Vec<u8>, Vec<u8>)>,
    proof: Option<Vec<u8>>,
}

fn split(b: &[u8]) -> Parts {
    let head = b[..6].to_vec();
    let n = usize::from(b[5]);
    let mut at = 6;
    let mut blocks = Vec::new();
    for _ in 0..n {
        let len = u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize;
        let payload = b[at..at + 4 + len].to_vec();
        let sig = b[at + 4 + len..at + 4 + len + 96].to_vec();
        at += 4 + len + 96;
        blocks.push((payload, sig));
    }
    let proof = (b[at] == 1).then(|| b[at + 1..at + 97].to_vec());
    assert_eq!(at + 1 + proof.as_ref().map_or(0, |_| 96), b.len(), "layout");
    Parts {
        head,
        blocks,
        proof,
    }
}

fn join(p: &Parts) -> Vec<u8> {
    let mut out = p.head.clone();
    for (payload, sig) in &p.blocks {
        out.extend_from_slice(payload);
        out.extend_from_slice(sig);
    }
    match &p.proof {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            out.extend_from_slice(s);
        }
    }
    out
}

struct Fixture {
    patient: BlsSigningKey,
    hospital: BlsSigningKey,
    researcher: BlsSigningKey,
    basic: ConsentToken,
    basic2: ConsentToken,
    held_presented: ConsentToken,
    att_presented: ConsentToken,
    att2: ConsentToken,
}

fn fixture() -> Fixture {
    let mut r = ChaCha20Rng::seed_from_u64(242);
    let patient = BlsSigningKey::generate(&mut r);
    let hospital = BlsSigningKey::generate(&mut r);
    let researcher = BlsSigningKey::generate(&mut r);
    let audience = Policy::parse("hospital:h2 and dept:cardiology").unwrap();
    let window = Window::new(1_000, 2_000).unwrap();
    let grant = |purpose: &str| {
        Grant::new("patient-42", Grantee::Policy(audience.clone()), window)
            .categories(["cardiology"])
            .purposes([purpose])
    };
    let basic = ConsentToken::issue(&patient, &grant("treatment"), &mut r).unwrap();
    let basic2 = ConsentToken::issue(&patient, &grant("research"), &mut r).unwrap();
    let held = ConsentToken::issue(
        &patient,
        &grant("research").holder(hospital.public_key()),
        &mut r,
    )
    .unwrap();
    let held_presented = held.present(&hospital).unwrap();
    let narrowing = |w: u64| {
        Narrowing::new()
            .window(Window::new(1_100, w).unwrap())
            .holder(researcher.public_key())
    };
    let att = held.attenuate(&hospital, &narrowing(1_900)).unwrap();
    let att_presented = att.present(&researcher).unwrap();
    let att2 = held.attenuate(&hospital, &narrowing(1_800)).unwrap();
    Fixture {
        patient,
        hospital,
        researcher,
        basic,
        basic2,
        held_presented,
        att_presented,
        att2,
    }
}

fn verify(f: &Fixture, bytes: &[u8]) -> Result<(), Error> {
    let t = ConsentToken::from_bytes(bytes)?;
    t.verify(&f.patient.public_key(), 1_500, &RevocationSet::new())
        .map(|_| ())
}

#[test]
fn valid_tokens_are_accepted() {
    let f = fixture();
    for t in [&f.basic, &f.basic2, &f.held_presented, &f.att_presented] {
        verify(&f, &t.to_bytes()).unwrap();
    }
}

/// Tokens that decode (every signature a valid point) but carry a wrong signature at
/// each position: the batch and the one-by-one checks must both say
/// `VerificationFailed`.
#[test]
fn wrong_signatures_at_every_position_are_refused() {
    let f = fixture();
    let basic = split(&f.basic.to_bytes());
    let basic2 = split(&f.basic2.to_bytes());
    let held = split(&f.held_presented.to_bytes());
    let att = split(&f.att_presented.to_bytes());
    let att2 = split(&f.att2.to_bytes());
    let other_sig = f.patient.sign(b"something else").to_bytes().to_vec();
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();

    let mut p = split(&f.basic.to_bytes());
    p.blocks[0].1 = basic2.blocks[0].1.clone();
    cases.push(("basic: block 0 signed for another token", join(&p)));
    p.blocks[0].1 = other_sig.clone();
    cases.push(("basic: block 0 signed for another message", join(&p)));
    p.blocks[0].1 = f.hospital.sign(&basic.blocks[0].0[4..]).to_bytes().to_vec();
    cases.push(("basic: block 0 signed by the wrong key", join(&p)));

    let mut p = split(&f.held_presented.to_bytes());
    p.proof = Some(held.blocks[0].1.clone());
    cases.push(("held: proof replaced by the block signature", join(&p)));
    p.proof = Some(att.proof.clone().unwrap());
    cases.push(("held: proof of another token", join(&p)));
    let mut p = split(&f.held_presented.to_bytes());
    p.blocks[0].1 = basic.blocks[0].1.clone();
    cases.push(("held: block 0 signature replaced, proof kept", join(&p)));

    let mut p = split(&f.att_presented.to_bytes());
    p.blocks[1].1 = att2.blocks[1].1.clone();
    cases.push(("attenuated: block 1 signed for another narrowing", join(&p)));
    let mut p = split(&f.att_presented.to_bytes());
    p.blocks[0].1 = basic.blocks[0].1.clone();
    cases.push(("attenuated: block 0 signature replaced", join(&p)));
    let mut p = split(&f.att_presented.to_bytes());
    let (s0, s1) = (p.blocks[0].1.clone(), p.blocks[1].1.clone());
    p.blocks[0].1 = s1;
    p.blocks[1].1 = s0;
    cases.push(("attenuated: block signatures swapped", join(&p)));
    let mut p = split(&f.att_presented.to_bytes());
    p.proof = Some(f.researcher.sign(b"not the proof").to_bytes().to_vec());
    cases.push(("attenuated: wrong proof", join(&p)));
    // Two wrong signatures at once.
    let mut p = split(&f.att_presented.to_bytes());
    p.blocks[0].1 = basic2.blocks[0].1.clone();
    p.blocks[1].1 = att2.blocks[1].1.clone();
    cases.push(("attenuated: both block signatures wrong", join(&p)));

    for (what, bytes) in &cases {
        assert_eq!(verify(&f, bytes), Err(Error::VerificationFailed), "{what}");
    }
    // The splicing itself is sound: an unmodified token round-trips through it.
    assert_eq!(join(&att), f.att_presented.to_bytes());
}

/// Every single-byte change of a valid token is refused, with the same error in both
/// builds (the digest of the outcome list is pinned).
#[test]
fn every_byte_flip_is_refused() {
    let f = fixture();
    let mut outcomes = String::new();
    for t in [&f.basic, &f.att_presented] {
        let b = t.to_bytes();
        for i in 0..b.len() {
            for mask in [0x01u8, 0x80] {
                let mut m = b.clone();
                m[i] ^= mask;
                let r = verify(&f, &m);
                assert!(r.is_err(), "byte {i} ^ {mask:#x} accepted");
                outcomes.push_str(r.unwrap_err().code());
                outcomes.push(';');
            }
        }
    }
    // Refusals other than decoding errors must include signature failures.
    assert!(outcomes.contains("verification_failed"));
    // Compare between the two builds with `--nocapture`.
    println!("byte-flip outcomes: {outcomes}");
}
