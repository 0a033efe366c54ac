//! `Error` as a `std::error::Error`: I/O errors keep their message and source, and each
//! variant that wraps a sub-error exposes it through `source()`.

use std::error::Error as _;
use std::io;

use cipherchart::{ChainError, ChainErrorKind, ConsentError, EncodingError, Error, Policy};

#[derive(Debug)]
struct Cause;

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("disk on fire")
    }
}

impl std::error::Error for Cause {}

#[test]
fn io_errors_keep_their_message_and_source() {
    let e = Error::from(io::Error::new(io::ErrorKind::PermissionDenied, Cause));
    assert_eq!(e.code(), "io");
    assert!(e.to_string().contains("disk on fire"), "{e}");
    let Error::Io(inner) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(inner.kind(), io::ErrorKind::PermissionDenied);
    // source() is the io::Error itself, which still holds the cause.
    let source = e.source().expect("io source");
    let io = source.downcast_ref::<io::Error>().expect("an io::Error");
    assert!(io
        .get_ref()
        .and_then(|c| c.downcast_ref::<Cause>())
        .is_some());
    assert!(inner.get_ref().get_ref().is_some());
    // Equality is by kind (OS messages vary): tests can still assert on the kind.
    assert_eq!(e, Error::Io(io::ErrorKind::PermissionDenied.into()));
    assert_ne!(e, Error::Io(io::ErrorKind::NotFound.into()));
    assert_eq!(e.clone(), e);
}

#[test]
fn sub_errors_are_std_errors_and_sources() {
    fn is_std_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    is_std_error(&EncodingError::Truncated);
    is_std_error(&ConsentError::Expired);
    let chain = ChainError {
        index: 3,
        kind: ChainErrorKind::Link,
    };
    is_std_error(&chain);

    let e = Error::from(EncodingError::Truncated);
    let s = e.source().expect("encoding source");
    assert_eq!(
        s.downcast_ref::<EncodingError>(),
        Some(&EncodingError::Truncated)
    );

    let e = Error::from(chain);
    assert_eq!(
        e.source().and_then(|s| s.downcast_ref::<ChainError>()),
        Some(&chain)
    );

    let e = Error::from(ConsentError::Revoked);
    assert!(e
        .source()
        .and_then(|s| s.downcast_ref::<ConsentError>())
        .is_some());

    let e = Policy::parse("a:b and (").expect_err("syntax");
    assert_eq!(e.code(), "policy_syntax");
    let s = e.source().expect("syntax source");
    assert!(s.downcast_ref::<cipherchart::PolicySyntaxError>().is_some());

    assert!(Error::DecryptionFailed.source().is_none());
    // Error itself is Send + Sync + 'static (usable with anyhow, Box<dyn Error>, ?).
    is_std_error(&Error::DecryptionFailed);
}
