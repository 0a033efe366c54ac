//! End-to-end tests of sealed records: who opens what.

use cipherchart::{seal, Authority, Error, Policy, SealedRecord};
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
    let rekey = patient
        .rekey(pk, &["patient:42"], &to_h2, &mut rng)
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
    let rekey2 = cardiologist
        .rekey(
            pk,
            &["hospital:h2", "dept:cardiology", "role:physician"],
            &to_research,
            &mut rng,
        )
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
