//! The split of a session that was still being sealed at a revocation, at its last progress
//! anchor before the bump (`docs/revocation-v3.md` §6.2, §6.3): the records the anchor covers
//! keep their key under the old header re-wrapped with the anchor's trailer, the records
//! after it are re-encrypted; a revoked key opens neither; anchors that disagree are refused;
//! a crashed sealer's session is force-closed at its last anchor.

use cipherchart::{
    prove_session_records, session_trailer, start_session, start_session_with_notice, Authority,
    BlsSigningKey, Entry, Error, Policy, SessionHeader, SessionRecord, SessionSealer, Trailer,
    UserKey,
};
use rand_chacha::ChaCha20Rng;

use crate::common::{key, rng, NoticeService};

fn code<T: core::fmt::Debug>(r: Result<T, Error>) -> &'static str {
    r.unwrap_err().code()
}

fn payload(i: usize) -> Vec<u8> {
    format!("{} bpm", 60 + i).into_bytes()
}

const ATTRS: [&str; 2] = ["role:nurse", "dept:icu"];

struct Session {
    header: SessionHeader,
    sealer: SessionSealer,
    records: Vec<SessionRecord>,
}

impl Session {
    fn start(
        authority: &Authority,
        notice: &cipherchart::VerifiedNotice,
        rng: &mut ChaCha20Rng,
    ) -> Self {
        let policy = Policy::parse("role:nurse and dept:icu").unwrap();
        let (header, sealer) = start_session_with_notice(
            authority.public_key(),
            notice,
            &policy,
            b"bed-9",
            b"icu",
            rng,
        )
        .unwrap();
        Self {
            header,
            sealer,
            records: Vec::new(),
        }
    }

    fn seal(&mut self, n: usize) {
        for _ in 0..n {
            let i = self.records.len();
            self.records
                .push(self.sealer.seal(b"hr", &payload(i)).unwrap());
        }
    }
}

/// Every record of `header` opened by `key`: with proofs when it carries a trailer.
fn open_every(
    key: &UserKey,
    authority: &Authority,
    header: &SessionHeader,
    records: &[SessionRecord],
) -> Result<Vec<Vec<u8>>, Error> {
    let opener = key.open_session(authority.public_key(), header)?;
    if header.trailer().is_none() {
        return records.iter().map(|r| opener.open(r)).collect();
    }
    let proofs = prove_session_records(records);
    records
        .iter()
        .zip(&proofs)
        .map(|(r, p)| opener.open_included(r, p))
        .collect()
}

#[test]
fn a_split_session_keeps_the_prefix_key_and_reencrypts_the_tail() {
    let mut rng = rng(101);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let carla = key(&authority, &n0, &ATTRS, &mut rng);
    let mut s = Session::start(&authority, &n0, &mut rng);
    s.seal(4);
    let first = s.sealer.trailer().unwrap();
    s.seal(3);
    let progress = s.sealer.trailer().unwrap(); // the last anchor before the bump
    let signer = BlsSigningKey::generate(&mut rng);
    let entry = Entry::for_session_progress(&progress, service.now()).unwrap();
    let entry = entry.sign(0, [0; 32], &signer).unwrap();
    assert_eq!(*entry.digest(), progress.digest());
    assert_eq!(entry.metadata(), &progress.to_bytes()[..]);
    assert_eq!(entry.action(), cipherchart::Action::Update);
    // Carla leaves: the sealer goes on until it sees the notice, then closes.
    let n1 = service.bump(&["role:nurse"]);
    s.seal(5);
    let close = s.sealer.close().unwrap();
    assert_eq!(close.count(), 12);

    let split = authority
        .split_session(&s.header, &s.records, &progress, &close, &n1, &mut rng)
        .unwrap();
    assert_eq!(split.prefix.trailer(), Some(&progress));
    assert_eq!(split.tail.trailer(), None);
    assert_eq!(split.tail.session_id(), s.header.session_id());
    assert_eq!(split.tail_records.len(), 5);
    let sequences: Vec<u64> = split
        .tail_records
        .iter()
        .map(SessionRecord::sequence)
        .collect();
    assert_eq!(sequences, [7, 8, 9, 10, 11]);
    assert_eq!(
        split.tail_trailer,
        session_trailer(&split.tail, &split.tail_records).unwrap()
    );
    for h in [&split.prefix, &split.tail] {
        assert!(!h.needs_catch_up(&n1));
        assert_eq!(
            code(carla.open_session(authority.public_key(), h)),
            "policy_not_satisfied"
        );
    }
    let dora = key(&authority, &n1, &ATTRS, &mut rng);
    let prefix = open_every(&dora, &authority, &split.prefix, &s.records[..7]).unwrap();
    let tail = open_every(&dora, &authority, &split.tail, &split.tail_records).unwrap();
    let all: Vec<Vec<u8>> = prefix.into_iter().chain(tail).collect();
    assert_eq!(all, (0..12).map(payload).collect::<Vec<_>>());
    // The prefix header admits the first records only: the old tail records are refused.
    let opener = dora
        .open_session(authority.public_key(), &split.prefix)
        .unwrap();
    assert_eq!(code(opener.open_all(&s.records)), "decryption_failed");
    // The tail is not the old key's: Carla's old opener of the old header opens none of it.
    let old = carla
        .open_session(authority.public_key(), &s.header)
        .unwrap();
    for r in &split.tail_records {
        assert_eq!(code(old.open(r)), "decryption_failed");
    }
    // Both halves log as catch-ups of the old header; the tail's trailer as a close.
    assert!(Entry::for_session_catch_up(&s.header, &split.prefix, 0).is_ok());
    assert!(Entry::for_session_catch_up(&s.header, &split.tail, 0).is_ok());
    assert!(Entry::for_session_close(&split.tail_trailer, 0).is_ok());
    // An earlier anchor also splits (more is re-encrypted).
    let earlier = authority
        .split_session(&s.header, &s.records, &first, &close, &n1, &mut rng)
        .unwrap();
    assert_eq!(earlier.tail_records.len(), 8);
    // At the next bump both halves are ordinary closed sessions: re-wrapped.
    let n2 = service.bump(&["dept:icu"]);
    let again = authority
        .rewrap_session(&split.prefix, &progress, &n2, &mut rng)
        .unwrap();
    let tail_again = authority
        .rewrap_session(&split.tail, &split.tail_trailer, &n2, &mut rng)
        .unwrap();
    let erin = key(&authority, &n2, &ATTRS, &mut rng);
    assert_eq!(
        open_every(&erin, &authority, &again, &s.records[..7])
            .unwrap()
            .len(),
        7
    );
    assert_eq!(
        open_every(&erin, &authority, &tail_again, &split.tail_records)
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn anchors_that_disagree_and_wrong_arguments_are_refused() {
    let mut rng = rng(102);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let mut s = Session::start(&authority, &n0, &mut rng);
    s.seal(3);
    let progress = s.sealer.trailer().unwrap();
    s.seal(3);
    let close = s.sealer.close().unwrap();
    let n1 = service.bump(&["dept:icu"]);
    let split =
        |h: &SessionHeader,
         r: &[SessionRecord],
         p: &Trailer,
         c: &Trailer,
         rng: &mut ChaCha20Rng| { authority.split_session(h, r, p, c, &n1, rng) };
    // A progress trailer whose records are not the close trailer's first ones: the sealer
    // equivocated (here: a trailer of the same count over other records of the session).
    let other_prefix = session_trailer(&s.header, &s.records[1..4]).unwrap();
    assert_eq!(other_prefix.count(), 3);
    assert_eq!(
        code(split(
            &s.header,
            &s.records,
            &other_prefix,
            &close,
            &mut rng
        )),
        "decryption_failed"
    );
    // Records other than the close trailer's: out of order (refused on their sequence
    // numbers, before any key work), or fewer.
    let mut swapped = s.records.clone();
    swapped.swap(4, 5);
    assert_eq!(
        code(split(&s.header, &swapped, &progress, &close, &mut rng)),
        "invalid_argument"
    );
    assert_eq!(
        code(split(
            &s.header,
            &s.records[..5],
            &progress,
            &close,
            &mut rng
        )),
        "decryption_failed"
    );
    // A progress anchor of no records, of every record, or after the close.
    let none = session_trailer(&s.header, &[]).unwrap();
    for p in [&none, &close] {
        assert_eq!(
            code(split(&s.header, &s.records, p, &close, &mut rng)),
            "invalid_argument"
        );
    }
    assert_eq!(
        code(split(&s.header, &s.records, &close, &progress, &mut rng)),
        "invalid_argument"
    );
    // Trailers of another session; a stream-kind copy.
    let mut t = Session::start(&authority, &n0, &mut rng);
    t.seal(6);
    let t_progress = session_trailer(&t.header, &t.records[..3]).unwrap();
    let t_close = t.sealer.close().unwrap();
    assert_eq!(
        code(split(&s.header, &s.records, &t_progress, &close, &mut rng)),
        "invalid_argument"
    );
    assert_eq!(
        code(split(&s.header, &s.records, &progress, &t_close, &mut rng)),
        "invalid_argument"
    );
    let mut bytes = progress.to_bytes();
    bytes[4] = 2;
    let as_stream = Trailer::from_bytes(&bytes).unwrap();
    assert_eq!(
        code(split(&s.header, &s.records, &as_stream, &close, &mut rng)),
        "invalid_argument"
    );
    // A re-wrapped header, and a v2 session, are not split.
    let rewrapped = authority
        .rewrap_session(&s.header, &close, &n1, &mut rng)
        .unwrap();
    assert_eq!(
        code(split(&rewrapped, &s.records, &progress, &close, &mut rng)),
        "invalid_argument"
    );
    let policy = Policy::parse("role:nurse and dept:icu").unwrap();
    let (v2, _) =
        start_session(authority.public_key(), &policy, b"bed-9", b"icu", &mut rng).unwrap();
    assert_eq!(
        code(split(&v2, &s.records, &progress, &close, &mut rng)),
        "invalid_argument"
    );
    // Another authority's notice, and one older than the header's (a version would go down).
    let foreign = NoticeService::new(&Authority::setup(&mut rng), &mut rng).current();
    assert_eq!(
        code(authority.split_session(&s.header, &s.records, &progress, &close, &foreign, &mut rng)),
        "wrong_authority"
    );
    let mut later = Session::start(&authority, &n1, &mut rng);
    later.seal(2);
    let lp = later.sealer.trailer().unwrap();
    later.seal(1);
    let lc = later.sealer.close().unwrap();
    assert_eq!(
        code(authority.split_session(&later.header, &later.records, &lp, &lc, &n0, &mut rng)),
        "future_version"
    );
    // Progress entries take session trailers only.
    assert_eq!(
        code(Entry::for_session_progress(&as_stream, 0)),
        "invalid_argument"
    );
}

#[test]
fn a_crashed_sealers_session_is_force_closed_at_its_last_anchor() {
    let mut rng = rng(103);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let carla = key(&authority, &n0, &ATTRS, &mut rng);
    let mut s = Session::start(&authority, &n0, &mut rng);
    s.seal(5);
    let progress = s.sealer.trailer().unwrap();
    s.seal(2); // then the sealer crashes: no close
    let n1 = service.bump(&["role:nurse"]);
    // The authority logs the last anchor as the close and re-wraps with it.
    let forced = authority
        .rewrap_session(&s.header, &progress, &n1, &mut rng)
        .unwrap();
    assert!(Entry::for_session_close(&progress, service.now()).is_ok());
    let dora = key(&authority, &n1, &ATTRS, &mut rng);
    assert_eq!(
        open_every(&dora, &authority, &forced, &s.records[..5]).unwrap(),
        (0..5).map(payload).collect::<Vec<_>>()
    );
    // The records after the anchor are quarantined: no current key opens them, with any
    // proof the store could make.
    let opener = dora.open_session(authority.public_key(), &forced).unwrap();
    let proofs = prove_session_records(&s.records);
    for (record, proof) in s.records.iter().zip(&proofs).skip(5) {
        assert_eq!(
            code(opener.open_included(record, proof)),
            "decryption_failed"
        );
    }
    assert_eq!(
        code(carla.open_session(authority.public_key(), &forced)),
        "policy_not_satisfied"
    );
}
