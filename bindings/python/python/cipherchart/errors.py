"""Exceptions raised by cipherchart.

Every exception derives from :class:`CipherchartError` and carries ``.code``, the stable
machine-readable code of the Rust ``Error`` (the same codes as the JavaScript error classes).
Input errors also derive from :class:`ValueError`, I/O errors from :class:`OSError`.
Decryption and verification failures are deliberately opaque.
"""

from __future__ import annotations

from typing import Dict, Optional, Type

from cipherchart._native import _ERROR_CODES

__all__ = [
    "CipherchartError",
    "InvalidEncoding",
    "PolicySyntaxError",
    "PolicyInvalid",
    "LimitExceeded",
    "InvalidAttribute",
    "PolicyNotSatisfied",
    "DecryptionFailed",
    "VerificationFailed",
    "WrongAuthority",
    "InvalidArgument",
    "IoError",
    "ChainError",
    "ConsentError",
    "KeyFileError",
    "StaleNotice",
    "NoticeRollback",
    "FutureVersion",
    "StaleReKey",
    "ERROR_CLASSES",
]


class CipherchartError(Exception):
    """Base class of every cipherchart error."""

    #: The stable code of this error (a class default; an instance may carry a newer one).
    code: str = "cipherchart_error"

    #: What exactly went wrong, for the errors whose Rust variant carries a reason: the
    #: snake_case name of the ``ConsentError`` (``"revoked"``, ``"expired"``, ...), of the
    #: ``ChainErrorKind`` of a :class:`ChainError` (``"link"``, ``"signature"``, ...), of the
    #: ``EncodingError`` of an :class:`InvalidEncoding` (``"truncated"``, ...), of the
    #: ``LimitKind`` of a :class:`LimitExceeded` (``"policy_leaves"``, ...) or of the
    #: ``KeyFileError`` of a :class:`KeyFileError` (``"wrong_passphrase_or_damaged"``, ...).
    #: None otherwise.
    kind: Optional[str] = None

    def __init__(self, message: str, code: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code if code is not None else type(self).code


class InvalidEncoding(CipherchartError, ValueError):
    """Bytes handed to a decoder are malformed."""

    code = "invalid_encoding"


class PolicySyntaxError(CipherchartError, ValueError):
    """A policy text does not follow the grammar.

    ``.position`` is the byte offset into the NFC-normalised text where the problem was found.
    """

    code = "policy_syntax"

    def __init__(self, message: str, position: Optional[int] = None) -> None:
        super().__init__(message)
        self.position = position


class PolicyInvalid(CipherchartError, ValueError):
    """A policy is well formed but not acceptable (e.g. it repeats an attribute)."""

    code = "policy_invalid"


class LimitExceeded(CipherchartError, ValueError):
    """A policy or attribute set exceeds a resource bound."""

    code = "limit_exceeded"


class InvalidAttribute(CipherchartError, ValueError):
    """An attribute name is not of the form ``namespace:value`` or is not canonical."""

    code = "invalid_attribute"


class PolicyNotSatisfied(CipherchartError):
    """The key's attributes do not satisfy the record's policy."""

    code = "policy_not_satisfied"


class DecryptionFailed(CipherchartError):
    """Decryption failed: a tampered or mismatched record, header or key."""

    code = "decryption_failed"


class VerificationFailed(CipherchartError):
    """A signature, proof or checkpoint did not verify."""

    code = "verification_failed"


class WrongAuthority(CipherchartError, ValueError):
    """A key, re-key or record belongs to another authority than the one named."""

    code = "wrong_authority"


class InvalidArgument(CipherchartError, ValueError, TypeError):
    """An argument is out of its documented range or of the wrong type.

    Also a ``ValueError`` and a ``TypeError``, so that both Python conventions (a wrong
    value, a wrong type: a ``str`` where a ``PublicKey`` is expected) catch it.
    """

    code = "invalid_argument"


class IoError(CipherchartError, OSError):
    """An I/O operation failed."""

    code = "io"


class ChainError(CipherchartError):
    """The proof chain is inconsistent: a broken link, a bad proof or a store that does not
    match its checkpoints.

    ``.index`` is the index of the first entry found at fault (or the tree size that could
    not be matched), when known. ``.kind`` says what: ``"encoding"``, ``"sequence"``,
    ``"link"``, ``"signature"``, ``"modified"``, ``"missing"``, ``"root"``, ``"store"``,
    ``"locked"`` (another writer has the chain file open: ``Chain.open_file`` allows one
    writer per file) or ``"file_changed"`` (something else wrote to the chain file; nothing was
    appended).
    """

    code = "chain_error"

    def __init__(self, message: str, index: Optional[int] = None) -> None:
        super().__init__(message)
        self.index = index


class ConsentError(CipherchartError):
    """A consent token was refused: expired, revoked, attenuated beyond its grant, or not
    covering the requested use."""

    code = "consent_error"


class KeyFileError(CipherchartError):
    """A key file could not be written or read. ``.kind`` says why:

    - ``"wrong_passphrase_or_damaged"``: a wrong passphrase, or an altered passphrase stanza
      (age cannot tell these apart);
    - ``"malformed"``: not a cipherchart key file (not an age file, other recipients than a
      passphrase, a header that does not parse, over 1 MiB, a label that does not parse);
    - ``"header_mac"``: the header was altered after the passphrase stanza;
    - ``"damaged"``: the encrypted payload is damaged or truncated;
    - ``"work_factor_too_high"``: the file asks for more scrypt work than
      ``KeyFileOptions.max_work_factor`` allows (18 unless raised);
    - ``"work_factor_too_low"``: the file's scrypt work factor is below 15;
    - ``"wrong_key_type"``: the file holds another kind of key than the one asked for;
    - ``"invalid_passphrase"``: an empty passphrase when writing, or a ``str`` with no UTF-8
      form (a lone surrogate such as ``"\\ud800"``).
    """

    code = "key_file_error"


class StaleNotice(CipherchartError):
    """A version notice is not current: expired, issued more than five minutes ahead of the
    verifier's clock, older than the notice already accepted, or another notice under the same
    serial."""

    code = "stale_notice"


class NoticeRollback(CipherchartError):
    """A version notice would move attribute versions backwards, or raises a name by more than
    its bump count allows. Worth an alarm."""

    code = "notice_rollback"


class FutureVersion(CipherchartError):
    """An attribute version above every version notice the verifier can check."""

    code = "future_version"


class StaleReKey(CipherchartError):
    """A re-key at older attribute versions than the current notice of its source or target
    authority: a name it delegates or a name of its target policy was bumped since it was made.
    Make a new re-key under the current notices."""

    code = "stale_rekey"


_BY_CODE: Dict[str, Type[CipherchartError]] = {
    cls.code: cls for cls in CipherchartError.__subclasses__()
}

#: The exception class for each stable code, in the order of the core's table
#: (``cipherchart::Error::CODES``): a code of the core without a class here fails at import.
ERROR_CLASSES: Dict[str, Type[CipherchartError]] = {code: _BY_CODE[code] for code in _ERROR_CODES}


def _from_native(
    code: str, message: str, position: Optional[int], kind: Optional[str] = None
) -> CipherchartError:
    """Called by the native module: the exception for a Rust error (``position``: the byte
    offset of a policy syntax error, or the entry index of a chain error; ``kind``: the
    reason, see :attr:`CipherchartError.kind`). An unknown code (a newer core) still gives a
    :class:`CipherchartError` carrying that code."""
    cls = ERROR_CLASSES.get(code)
    e: CipherchartError
    if cls is PolicySyntaxError:
        e = PolicySyntaxError(message, position)
    elif cls is ChainError:
        e = ChainError(message, position)
    else:
        e = cls(message) if cls is not None else CipherchartError(message, code)
    if kind is not None:
        e.kind = kind
    return e
