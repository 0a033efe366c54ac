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
    let doctor = authority.issue_key(&["role:physician", "dept:cardiology"], &mut rng).unwrap();
    let patient = authority.issue_key(&["patient:42"], &mut rng).unwrap();
    let nurse = authority.issue_key(&["role:nurse", "dept:cardiology"], &mut rng).unwrap();
    assert_eq!(doctor.open(pk, &sealed).unwrap(), b"payload");
    assert_eq!(patient.open(pk, &sealed).unwrap(), b"payload");
    assert_eq!(nurse.open(pk, &sealed), Err(Error::PolicyNotSatisfied));
    let bytes = sealed.to_bytes();
    let back = SealedRecord::from_bytes(&bytes).unwrap();
    assert_eq!(back, sealed);
    assert_eq!(doctor.open(pk, &back).unwrap(), b"payload");
}
