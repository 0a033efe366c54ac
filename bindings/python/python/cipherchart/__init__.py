"""cipherchart: attribute-based encryption of health records on BLS12-381.

Python bindings of the Rust crate ``cipherchart``: thin wrappers, no logic of their own.
Bytes in and out are :class:`bytes`; every exception derives from :class:`CipherchartError`
(see :mod:`cipherchart.errors`).
"""

from cipherchart._native import Policy, __version__
from cipherchart.errors import (
    ERROR_CLASSES,
    CipherchartError,
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
    "ERROR_CLASSES",
]
