//! No input makes a reader panic: random bytes through every method, in random order.

use proptest::prelude::*;

use crate::encoding::{peek_type, ObjectType, Reader};

/// Applies one reader method, chosen by `op`; returns whether it succeeded.
fn apply(r: &mut Reader<'_>, op: u8, limit: usize) -> bool {
    match op % 18 {
        0 => r.u8().is_ok(),
        1 => r.u16().is_ok(),
        2 => r.u32().is_ok(),
        3 => r.u64().is_ok(),
        4 => r.bool().is_ok(),
        5 => r.count(limit).is_ok(),
        6 => r.bytes(limit).is_ok(),
        7 => r.text(limit).is_ok(),
        8 => r.fixed::<3>().is_ok(),
        9 => r.fixed::<0>().is_ok(),
        10 => r.g1().is_ok(),
        11 => r.g1_allow_identity().is_ok(),
        12 => r.g2().is_ok(),
        13 => r.g2_allow_identity().is_ok(),
        14 => r.gt().is_ok(),
        15 => r.scalar().is_ok(),
        16 => r.nonzero_scalar().is_ok(),
        _ => r.remaining() < usize::MAX,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Random bytes, optionally behind a valid header, read by random method sequences
    /// with random limits: errors are fine, panics are not, and the reader never claims
    /// more bytes than it was given.
    #[test]
    fn random_bytes_never_panic(
        header in proptest::option::of(0usize..ObjectType::ALL.len()),
        body in proptest::collection::vec(any::<u8>(), 0..800),
        ops in proptest::collection::vec(any::<u8>(), 1..24),
        limit in prop_oneof![Just(0usize), 0usize..64, Just(usize::MAX)],
    ) {
        let kind = header.and_then(|i| ObjectType::ALL.get(i).copied()).unwrap_or(ObjectType::PublicKey);
        let mut bytes = header.map(|_| kind.header().to_vec()).unwrap_or_default();
        bytes.extend_from_slice(&body);
        let _ = peek_type(&bytes);
        let mut readers = vec![Reader::raw(&bytes)];
        if let Ok(r) = Reader::new(&bytes, kind) {
            readers.push(r);
        }
        for mut r in readers {
            for op in &ops {
                let before = r.remaining();
                let ok = apply(&mut r, *op, limit);
                prop_assert!(r.remaining() <= before);
                if !ok {
                    break;
                }
            }
            let _ = r.finish();
        }
    }

    /// Every method directly on random bytes of every length up to a GT element.
    #[test]
    fn every_method_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        for op in 0..18u8 {
            for limit in [0, 7, usize::MAX] {
                let mut r = Reader::raw(&bytes);
                let _ = apply(&mut r, op, limit);
            }
        }
        for kind in ObjectType::ALL {
            let _ = Reader::new(&bytes, kind).map(Reader::finish);
        }
    }
}
