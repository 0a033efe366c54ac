"""cipherchart: attribute-based encryption of health records on BLS12-381.

Python bindings of the Rust crate ``cipherchart``: thin wrappers, no logic of their own.
Bytes in and out are :class:`bytes`; every exception derives from :class:`CipherchartError`
(see :mod:`cipherchart.errors`). Pairing-heavy calls release the GIL, so threads run them in
parallel; randomness comes from the operating system.

Streams (:func:`seal_stream`, :meth:`UserKey.open_stream`, :func:`read_stream_info`) take
binary file objects: anything with ``read(n) -> bytes`` for input and ``write(b)`` for output
(``io.BytesIO``, ``open(path, "rb")``/``"wb"``). The core works in chunks without the GIL and
takes it back for each ``read``/``write`` call; an exception raised by the file object is
re-raised unchanged.

Secret objects (:class:`Authority`, :class:`UserKey`, :class:`ReKey`, :class:`SigningKey`,
session sealers and openers) have no equality or hash, and their ``repr`` shows no secret.
Pickling the secret keys is supported and exports them: treat a pickle of a key as the key.
"""

from cipherchart._native import (
    Authority,
    BlsPublicKey,
    Policy,
    PublicKey,
    ReKey,
    SealedRecord,
    SessionHeader,
    SessionOpener,
    SessionRecord,
    SessionSealer,
    Signature,
    SigningKey,
    StreamInfo,
    UserKey,
    __version__,
    aggregate_verify,
    batch_find_invalid,
    batch_verify,
    fast_aggregate_verify,
    read_stream_info,
    seal,
    seal_stream,
    start_session,
)
from cipherchart.errors import (
    ERROR_CLASSES,
    ChainError,
    CipherchartError,
    ConsentError,
    DecryptionFailed,
    InvalidArgument,
    InvalidAttribute,
    InvalidEncoding,
    IoError,
    LimitExceeded,
    NotASubset,
    PolicyInvalid,
    PolicyNotSatisfied,
    PolicySyntaxError,
    VerificationFailed,
)

__all__ = [
    "__version__",
    "Policy",
    "PublicKey",
    "Authority",
    "UserKey",
    "SealedRecord",
    "ReKey",
    "StreamInfo",
    "SessionHeader",
    "SessionRecord",
    "SessionSealer",
    "SessionOpener",
    "SigningKey",
    "BlsPublicKey",
    "Signature",
    "seal",
    "seal_stream",
    "read_stream_info",
    "start_session",
    "fast_aggregate_verify",
    "aggregate_verify",
    "batch_verify",
    "batch_find_invalid",
    "CipherchartError",
    "InvalidEncoding",
    "PolicySyntaxError",
    "PolicyInvalid",
    "LimitExceeded",
    "InvalidAttribute",
    "PolicyNotSatisfied",
    "DecryptionFailed",
    "VerificationFailed",
    "NotASubset",
    "InvalidArgument",
    "IoError",
    "ChainError",
    "ConsentError",
    "ERROR_CLASSES",
]
