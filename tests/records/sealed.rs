//! End-to-end tests of sealed records: who opens what, sizes and limits, and Debug
//! output that shows no secret.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ark_ff::PrimeField;
use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::{seal, Authority, BlsSigningKey, Error, Policy, SealedRecord, UserKey};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(7)
}

#[test]
fn satisfying_keys_open_and_others_do_not() {
    let mut rng = rng();
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let policy = Policy::parse("patient:42 or (role:physician and dept:cardiology)").unwrap();
    let sealed = seal(pk, &policy, b"rec-1", b"meta", b"payload", &mut rng).unwrap();
    let doctor = authority
        .issue_key(&["role:physician", "dept:cardiology"], &mut rng)
        .unwrap();
    let patient = authority.issue_key(&["patient:42"], &mut rng).unwrap();
    let nurse = authority
        .issue_key(&["role:nurse", "dept:cardiology"], &mut rng)
        .unwrap();
    assert_eq!(doctor.open(pk, &sealed).unwrap(), b"payload");
    assert_eq!(patient.open(pk, &sealed).unwrap(), b"payload");
    assert_eq!(nurse.open(pk, &sealed), Err(Error::PolicyNotSatisfied));
    let bytes = sealed.to_bytes();
    let back = SealedRecord::from_bytes(&bytes).unwrap();
    assert_eq!(back, sealed);
    assert_eq!(doctor.open(pk, &back).unwrap(), b"payload");
}

#[test]
fn reencryption_one_and_two_hops() {
    let mut rng = rng();
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let policy = Policy::parse("patient:42 or (hospital:h1 and role:physician)").unwrap();
    let sealed = seal(pk, &policy, b"rec-1", b"cardiology", b"ECG", &mut rng).unwrap();
    let patient = authority
        .issue_key(&["patient:42", "hospital:h1"], &mut rng)
        .unwrap();
    let to_h2 = Policy::parse("hospital:h2 and dept:cardiology and role:physician").unwrap();
    // v2: each grant starts from a one-grant delegation key naming a consent key.
    let patient_consent = BlsSigningKey::generate(&mut rng).public_key();
    let rekey = authority
        .issue_delegation_key(&["patient:42"], &patient_consent, &mut rng)
        .unwrap()
        .rekey(pk, &to_h2, &mut rng)
        .unwrap();
    let once = rekey.reencrypt(&sealed).unwrap();
    assert_eq!(once.hop_count(), 1);
    let cardiologist = authority
        .issue_key(
            &["hospital:h2", "dept:cardiology", "role:physician"],
            &mut rng,
        )
        .unwrap();
    let nurse = authority
        .issue_key(&["hospital:h2", "dept:cardiology", "role:nurse"], &mut rng)
        .unwrap();
    assert_eq!(cardiologist.open(pk, &once).unwrap(), b"ECG");
    assert_eq!(nurse.open(pk, &once), Err(Error::PolicyNotSatisfied));
    assert_eq!(patient.open(pk, &once).unwrap(), b"ECG");
    let decoded = SealedRecord::from_bytes(&once.to_bytes()).unwrap();
    assert_eq!(decoded, once);
    // Second hop, from the cardiologist to a researcher.
    let to_research = Policy::parse("role:researcher").unwrap();
    let cardiologist_consent = BlsSigningKey::generate(&mut rng).public_key();
    let rekey2 = authority
        .issue_delegation_key(
            &["hospital:h2", "dept:cardiology", "role:physician"],
            &cardiologist_consent,
            &mut rng,
        )
        .unwrap()
        .rekey(pk, &to_research, &mut rng)
        .unwrap();
    let twice = rekey2.reencrypt(&once).unwrap();
    let researcher = authority.issue_key(&["role:researcher"], &mut rng).unwrap();
    assert_eq!(researcher.open(pk, &twice).unwrap(), b"ECG");
    assert_eq!(researcher.open(pk, &once), Err(Error::PolicyNotSatisfied));
    // The batch equals one-by-one.
    let batch = rekey.reencrypt_batch(&[sealed.clone(), sealed.clone()]);
    assert!(batch.iter().all(|r| r
        .as_ref()
        .is_ok_and(|r| cardiologist.open(pk, r).unwrap() == b"ECG")));
}

fn has_hex_of(haystack: &str, bytes: &[u8]) -> bool {
    // Any 6-byte window of the secret, in lower- or upper-case hex.
    bytes.windows(6).any(|w| {
        let h = hex::encode(w);
        haystack.contains(&h) || haystack.contains(&h.to_uppercase())
    })
}

#[test]
fn debug_output_shows_no_secrets() {
    let mut rng = rng();
    let authority = Authority::setup(&mut rng);
    let key = authority
        .issue_key(&["role:physician", "Ärztin"], &mut rng)
        .unwrap();
    let debug = format!("{key:?}");
    assert!(
        debug.contains("role:physician") && debug.contains("Ärztin"),
        "{debug}"
    );
    let key_bytes = key.to_bytes();
    // Skip the header and the attribute section: only point bytes are secret.
    let points = &key_bytes[key_bytes.len() - (288 + 3 * 48 * 3)..];
    assert!(has_hex_of(&hex::encode(&points[100..120]), points)); // the check works
    assert!(!has_hex_of(&debug, points), "{debug}");
    assert!(!has_hex_of(&format!("{key:#?}"), points));
    assert!(debug.len() < 100, "{debug}");

    let msk = authority.to_secret_bytes();
    for shown in [format!("{authority:?}"), format!("{authority:#?}")] {
        assert!(!has_hex_of(&shown, &msk[4..]), "{shown}");
        // Nor the scalars in decimal (arkworks' Display of field elements).
        for s in msk[4..4 + 128].chunks(32) {
            let decimal = ark_bls12_381::Fr::from_be_bytes_mod_order(s).to_string();
            assert!(
                !shown.contains(&decimal[..decimal.len().min(20)]),
                "{shown}"
            );
        }
        assert!(shown.contains("PublicKey"), "{shown}");
    }

    // Keys and sealers zeroize on drop (checked at the type level).
    fn zeroizes_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    zeroizes_on_drop::<UserKey>();
    // The encodings of secrets come back in zeroizing buffers.
    let _: zeroize::Zeroizing<Vec<u8>> = key.to_bytes();
    let _: zeroize::Zeroizing<Vec<u8>> = authority.to_secret_bytes();
}

#[test]
fn sizes_limits_and_freshness() {
    let mut rng = rng();
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let policy = Policy::parse("role:physician").unwrap();
    let key = authority.issue_key(&["role:physician"], &mut rng).unwrap();
    // Empty and large payloads, largest id and metadata.
    let id = vec![b'i'; cipherchart::limits::MAX_RECORD_ID_LEN];
    let meta = vec![b'm'; cipherchart::limits::MAX_METADATA_LEN];
    for payload in [Vec::new(), vec![0xab; 1 << 20]] {
        let sealed = seal(pk, &policy, &id, &meta, &payload, &mut rng).unwrap();
        let back = SealedRecord::from_bytes(&sealed.to_bytes()).unwrap();
        assert_eq!(key.open(pk, &back).unwrap(), payload);
    }
    let long_id = vec![0; id.len() + 1];
    let long_meta = vec![0; meta.len() + 1];
    assert!(matches!(
        seal(pk, &policy, &long_id, b"", b"", &mut rng),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        seal(pk, &policy, b"", &long_meta, b"", &mut rng),
        Err(Error::InvalidArgument(_))
    ));
    // Header size as documented: 320 + 144·rows bytes plus the policy text framing and
    // (format v2) the 32-byte authority id.
    let three = Policy::parse("a:1 and b:2 and c:3").unwrap();
    let sealed = seal(pk, &three, b"", b"", b"", &mut rng).unwrap();
    let header_len = 32 + 4 + three.as_str().len() + 288 + 4 + 3 * 144 + 32;
    assert_eq!(sealed.to_bytes().len(), 4 + 4 + 4 + header_len + 4 + 16 + 1);
    // Sealing twice gives unrelated records; the same seeded RNG gives the same bytes.
    let a = seal(pk, &policy, b"r", b"", b"same", &mut rng).unwrap();
    let b = seal(pk, &policy, b"r", b"", b"same", &mut rng).unwrap();
    assert_ne!(a.header_digest(), b.header_digest());
    assert_ne!(a.to_bytes(), b.to_bytes());
    let c = seal(
        pk,
        &policy,
        b"r",
        b"",
        b"same",
        &mut ChaCha20Rng::seed_from_u64(1),
    )
    .unwrap();
    let d = seal(
        pk,
        &policy,
        b"r",
        b"",
        b"same",
        &mut ChaCha20Rng::seed_from_u64(1),
    )
    .unwrap();
    assert_eq!(c.to_bytes(), d.to_bytes());
}
