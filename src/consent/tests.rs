//! Crate-internal tests of consent tokens: the narrowing rule against an independent
//! model over random chains (built with the unchecked appender, so widening and
//! foreign blocks exist), encoding lengths, and the batch check of revocation ids.

use std::collections::BTreeSet;

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;
use crate::error::{ConsentError, Error};
use crate::sig::BlsSigningKey;

fn key(seed: u64) -> BlsSigningKey {
    BlsSigningKey::generate(&mut ChaCha20Rng::seed_from_u64(seed))
}

/// A generated dimension: `None` = `Any`.
type Dim = Option<BTreeSet<String>>;

fn to_selection(d: &Dim) -> Selection {
    d.clone().map_or(Selection::Any, Selection::Only)
}

/// The model: `a` within `b`, written without `Selection`.
fn dim_within(a: &Dim, b: &Dim) -> bool {
    match (a, b) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => a.iter().all(|x| b.contains(x)),
    }
}

#[derive(Clone, Debug)]
struct Step {
    records: Option<Dim>,
    categories: Option<Dim>,
    purposes: Option<BTreeSet<String>>,
    window: Option<(u64, u64)>,
}

fn non_empty_subset(universe: &'static [&'static str]) -> impl Strategy<Value = BTreeSet<String>> {
    proptest::sample::subsequence(universe, 1..=universe.len())
        .prop_map(|v| v.into_iter().map(str::to_owned).collect())
}

fn dim(universe: &'static [&'static str]) -> impl Strategy<Value = Dim> {
    prop_oneof![1 => Just(None), 3 => non_empty_subset(universe).prop_map(Some)]
}

const RECORDS: &[&str] = &["r1", "r2", "r3"];
const CATEGORIES: &[&str] = &["cardiology", "laboratory", "radiology"];
const PURPOSES: &[&str] = &["research", "treatment"];

fn window() -> impl Strategy<Value = (u64, u64)> {
    (0u64..50, 1u64..50).prop_map(|(a, len)| (a, a + len))
}

fn step() -> impl Strategy<Value = Step> {
    (
        proptest::option::of(dim(RECORDS)),
        proptest::option::of(dim(CATEGORIES)),
        proptest::option::of(non_empty_subset(PURPOSES)),
        proptest::option::of(window()),
    )
        .prop_map(|(records, categories, purposes, window)| Step {
            records,
            categories,
            purposes,
            window,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Verification succeeds iff every block narrows (per the model), and then the
    /// effective rights are the model's.
    #[test]
    fn random_chains_verify_iff_every_block_narrows(
        records in dim(RECORDS),
        categories in dim(CATEGORIES),
        purposes in non_empty_subset(PURPOSES),
        (nb, exp) in window(),
        steps in proptest::collection::vec(step(), 0..4),
    ) {
        let patient = key(1);
        let holders: Vec<BlsSigningKey> = (0..=steps.len() as u64).map(|i| key(100 + i)).collect();
        let grant = Grant::new("p42", Grantee::Key(holders[0].public_key()), Window::new(nb, exp).unwrap())
            .scope(Scope { records: to_selection(&records), categories: to_selection(&categories) })
            .purposes(purposes.iter().cloned())
            .holder(holders[0].public_key());
        let mut token = ConsentToken::issue(&patient, &grant, &mut ChaCha20Rng::seed_from_u64(7)).unwrap();

        let (mut m_rec, mut m_cat, mut m_pur, mut m_win) = (records, categories, purposes, (nb, exp));
        let mut narrows = true;
        for (i, s) in steps.iter().enumerate() {
            let mut n = Narrowing::new().holder(holders[i + 1].public_key());
            if let Some(d) = &s.records {
                narrows &= dim_within(d, &m_rec);
                m_rec = d.clone();
                n = n.record_selection(to_selection(d));
            }
            if let Some(d) = &s.categories {
                narrows &= dim_within(d, &m_cat);
                m_cat = d.clone();
                n = n.category_selection(to_selection(d));
            }
            if let Some(p) = &s.purposes {
                narrows &= p.iter().all(|x| m_pur.contains(x));
                m_pur = p.clone();
                n = n.purposes(p.iter().cloned());
            }
            if let Some((a, b)) = s.window {
                narrows &= m_win.0 <= a && b <= m_win.1;
                m_win = (a, b);
                n = n.window(Window::new(a, b).unwrap());
            }
            // The checked path agrees with the model on every prefix that narrowed so far.
            if narrows {
                prop_assert!(token.attenuate(&holders[i], &n).is_ok());
            } else {
                prop_assert!(token.attenuate(&holders[i], &n).is_err());
            }
            token = token.append_unchecked(&holders[i], &n);
        }
        let token = token.present(&holders[steps.len()]).unwrap();
        // Round trip through bytes: decoding is what a verifier sees.
        let token = ConsentToken::from_bytes(&token.to_bytes()).unwrap();
        prop_assert_eq!(token.encoded_len(), token.to_bytes().len());

        let result = verify(&token, &patient.public_key(), m_win.0, &RevocationSet::new());
        if narrows {
            let consent = result.unwrap();
            prop_assert_eq!(consent.scope().records.clone(), to_selection(&m_rec));
            prop_assert_eq!(consent.scope().categories.clone(), to_selection(&m_cat));
            prop_assert_eq!(consent.purposes(), &m_pur);
            prop_assert_eq!((consent.window().not_before(), consent.window().expiry()), m_win);
        } else {
            prop_assert_eq!(result.unwrap_err(), Error::Consent(ConsentError::Widened));
        }
    }
}

#[test]
fn a_block_signed_by_another_key_than_the_named_holder_fails_verification() {
    let (patient, holder, thief) = (key(1), key(2), key(3));
    let grant = Grant::new(
        "p42",
        Grantee::Key(holder.public_key()),
        Window::new(0, 10).unwrap(),
    )
    .purposes(["treatment"])
    .holder(holder.public_key());
    let token = ConsentToken::issue(&patient, &grant, &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
    assert_eq!(
        token.attenuate(&thief, &Narrowing::new()).unwrap_err(),
        Error::Consent(ConsentError::BadChain)
    );
    let forged = token.append_unchecked(&thief, &Narrowing::new());
    assert_eq!(
        verify(&forged, &patient.public_key(), 5, &RevocationSet::new()).unwrap_err(),
        Error::VerificationFailed
    );
}

#[test]
fn shifting_signature_mass_between_blocks_is_caught() {
    // An aggregate check would accept s0 + D, s1 − D; the weighted batch must not,
    // or a holder could change block 0's revocation id and dodge its revocation.
    use ark_bls12_381::G2Projective;
    use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};

    let (patient, holder) = (key(1), key(2));
    let grant = Grant::new(
        "p42",
        Grantee::Key(holder.public_key()),
        Window::new(0, 10).unwrap(),
    )
    .purposes(["treatment"])
    .holder(holder.public_key());
    let token = ConsentToken::issue(&patient, &grant, &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
    let token = token.attenuate(&holder, &Narrowing::new()).unwrap();
    let d = G2Projective::generator() * ark_bls12_381::Fr::from(12345u64);
    let mut shifted = token.clone();
    let s0 = (shifted.blocks[0].signature.point().into_group() + d).into_affine();
    shifted.blocks[0].signature = crate::sig::BlsSignature::from_point_unchecked(s0);
    // The holder re-signs block 1 over the shifted signature and subtracts D.
    let msg = block::block_message(
        1,
        Some(&shifted.blocks[0].signature),
        &shifted.blocks[1].payload,
    );
    let s1 = (holder.sign(&msg).point().into_group() - d).into_affine();
    shifted.blocks[1].signature = crate::sig::BlsSignature::from_point_unchecked(s1);
    assert_ne!(shifted.revocation_ids()[0], token.revocation_ids()[0]);
    assert_eq!(
        verify(&shifted, &patient.public_key(), 5, &RevocationSet::new()).unwrap_err(),
        Error::VerificationFailed
    );
}

#[test]
fn block_signers_are_the_issuer_then_each_named_holder() {
    let (patient, h1, h2) = (key(1), key(2), key(3));
    let grant = Grant::new(
        "p42",
        Grantee::Key(h1.public_key()),
        Window::new(0, 10).unwrap(),
    )
    .purposes(["treatment"])
    .holder(h1.public_key());
    let t0 = ConsentToken::issue(&patient, &grant, &mut ChaCha20Rng::seed_from_u64(2)).unwrap();
    assert_eq!(t0.block_signers(), Some(vec![patient.public_key()]));
    let t1 = t0
        .attenuate(&h1, &Narrowing::new().holder(h2.public_key()))
        .unwrap();
    let t2 = t1.attenuate(&h2, &Narrowing::new()).unwrap();
    assert_eq!(
        t2.block_signers(),
        Some(vec![patient.public_key(), h1.public_key(), h2.public_key()])
    );
    // The last holder t2 names (none here) signs no block.
    assert_eq!(t2.block_signers().unwrap().len(), t2.block_count());
}
