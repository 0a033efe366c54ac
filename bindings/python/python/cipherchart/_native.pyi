"""The native module (Rust, pyo3). Import from :mod:`cipherchart` instead."""

import os
from datetime import datetime
from typing import Callable, Iterator, List, Optional, Protocol, Sequence, Tuple, Union, final

from cipherchart.errors import CipherchartError

__all__ = [
    "__version__",
    "MAX_POLICY_LEAVES",
    "MAX_POLICY_DEPTH",
    "MAX_POLICY_TEXT_LEN",
    "MAX_ATTRIBUTE_LEN",
    "MAX_GATE_CHILDREN",
    "MAX_KEY_ATTRIBUTES",
    "MAX_RECORD_ID_LEN",
    "MAX_METADATA_LEN",
    "MAX_POLICY_COST",
    "MAX_RECORD_OPEN_COST",
    "MAX_RECORD_LEN",
    "MAX_PAYLOAD_LEN",
    "MAX_HOPS",
    "DEFAULT_CHUNK_SIZE",
    "MAX_CHUNK_SIZE",
    "MAX_TOKEN_LEN",
    "MAX_BLOCKS",
    "MAX_LIST_LEN",
    "MAX_LABEL_LEN",
    "MAX_CONSENT_SUBJECT_LEN",
    "MAX_ENTRY_SUBJECT_LEN",
    "MAX_ENTRY_METADATA_LEN",
    "MAX_NOTE_LEN",
    "MAX_NOTE_SIGNATURES",
    "MAX_PROOF_HASHES",
    "MIN_IKM_LEN",
    "KEY_FILE_WORK_FACTOR",
    "MIN_KEY_FILE_WORK_FACTOR",
    "MAX_KEY_FILE_WORK_FACTOR",
    "MAX_KEY_FILE_LEN",
    "PARALLEL",
    "Policy",
    "PublicKey",
    "Authority",
    "UserKey",
    "SealedRecord",
    "ReKey",
    "DelegationKey",
    "KeyFileOptions",
    "StreamInfo",
    "Trailer",
    "SessionHeader",
    "SessionRecord",
    "SessionSealer",
    "SessionOpener",
    "BlsSigningKey",
    "BlsPublicKey",
    "BlsSignature",
    "UnvalidatedPublicKey",
    "UnvalidatedSignature",
    "Grant",
    "Narrowing",
    "ConsentToken",
    "VerifiedConsent",
    "RevocationSet",
    "Selection",
    "Scope",
    "Window",
    "rekey_digest",
    "check_rekey",
    "reencrypt_with_consent",
    "reencrypt_batch_with_consent",
    "reencrypt_with_consent_under",
    "reencrypt_batch_with_consent_under",
    "seal_batch",
    "Chain",
    "EntryDraft",
    "Entry",
    "InclusionProof",
    "Checkpoint",
    "ProofFile",
    "ConsistencyProof",
    "NoteSignature",
    "Recovery",
    "verify_inclusion",
    "verify_consistency",
    "key_id",
    "MerkleTree",
    "leaf_hash",
    "node_hash",
    "EMPTY_ROOT",
    "GENESIS",
    "seal",
    "seal_stream",
    "seal_stream_with_notice",
    "read_stream_info",
    "stream_trailer",
    "session_trailer",
    "prove_session_record",
    "prove_session_records",
    "start_session",
    "fast_aggregate_verify",
    "aggregate_verify",
    "batch_verify",
    "batch_find_invalid",
    "VersionNotice",
    "VerifiedNotice",
    "seal_with_notice",
    "start_session_with_notice",
]

__version__: str
_ERROR_CODES: List[str]
#: Input bounds of the core (``cipherchart::policy``, ``abe``, ``record``, ``record::stream``).
MAX_POLICY_LEAVES: int
MAX_POLICY_DEPTH: int
MAX_POLICY_TEXT_LEN: int
MAX_ATTRIBUTE_LEN: int
MAX_GATE_CHILDREN: int
MAX_KEY_ATTRIBUTES: int
MAX_RECORD_ID_LEN: int
MAX_METADATA_LEN: int
MAX_POLICY_COST: int
MAX_RECORD_OPEN_COST: int
MAX_RECORD_LEN: int
MAX_PAYLOAD_LEN: int
MAX_HOPS: int
DEFAULT_CHUNK_SIZE: int
MAX_CHUNK_SIZE: int
#: Bounds of consent tokens, chain entries, checkpoint notes and proofs, and BLS key material
#: (``cipherchart::consent``, ``chain``, ``sig``).
MAX_TOKEN_LEN: int
MAX_BLOCKS: int
MAX_LIST_LEN: int
MAX_LABEL_LEN: int
MAX_CONSENT_SUBJECT_LEN: int
MAX_ENTRY_SUBJECT_LEN: int
MAX_ENTRY_METADATA_LEN: int
MAX_NOTE_LEN: int
MAX_NOTE_SIGNATURES: int
MAX_PROOF_HASHES: int
MIN_IKM_LEN: int
#: Key files (``cipherchart::keyfile``): the scrypt work factor (``log2 N``) written by
#: default, the lowest and highest allowed, and the largest key file read (bytes).
KEY_FILE_WORK_FACTOR: int
MIN_KEY_FILE_WORK_FACTOR: int
MAX_KEY_FILE_WORK_FACTOR: int
MAX_KEY_FILE_LEN: int
#: Whether ``reencrypt_batch`` runs on a thread pool of all cores (the wheels are built so).
PARALLEL: bool

#: A bytes argument: ``bytes``, ``bytearray`` or ``memoryview`` (anything else raises
#: InvalidArgument).
_BytesLike = Union[bytes, bytearray, memoryview]
#: A time argument: POSIX seconds (a non-negative ``int`` or ``float``, e.g. ``time.time()``)
#: or a timezone-aware ``datetime``, rounded down to the second. A naive ``datetime`` or a
#: negative, NaN or infinite time raises InvalidArgument.
_Time = Union[int, float, datetime]
#: A file system path argument: a ``str`` or an ``os.PathLike`` (``pathlib.Path``).
_StrPath = Union[str, "os.PathLike[str]"]
#: A batch progress callback: ``progress(done, total)`` after each item; an exception it
#: raises stops the batch and propagates.
_Progress = Callable[[int, int], object]

#: A node of :attr:`Policy.root`.
_PolicyNode = Union[
    Tuple[str, str], Tuple[str, List["_PolicyNode"]], Tuple[str, int, List["_PolicyNode"]]
]
#: The root of the empty Merkle tree, ``SHA-256("")``.
EMPTY_ROOT: bytes
#: The ``prev`` hash of a chain's first entry (32 zero bytes).
GENESIS: bytes

@final
class Policy:
    """A parsed, canonical access policy with its compiled LSSS (M, ρ).

    Immutable and public: comparable, hashable, picklable (by its canonical bytes).
    """

    def __new__(cls, text: str) -> "Policy":
        """Parses policy text, e.g. ``role:physician and (dept:cardiology or patient:42)``.

        Raises PolicySyntaxError (with ``.position``), PolicyInvalid or LimitExceeded.
        """
    @staticmethod
    def from_bytes(data: _BytesLike) -> "Policy":
        """Decodes the canonical encoding ``bytes(policy)``; raises InvalidEncoding otherwise."""
    def __bytes__(self) -> bytes: ...
    def __str__(self) -> str: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "Policy"], Tuple[bytes]]: ...
    def is_satisfied_by(self, attributes: Sequence[str]) -> bool:
        """Whether a key holding ``attributes`` satisfies the policy."""
    @property
    def attributes(self) -> List[str]:
        """The leaf attributes, left to right (the LSSS row order)."""
    def lsss_rows(self) -> List[List[int]]:
        """The LSSS matrix M row by row (small signed entries; a large entry as its residue mod r)."""
    def lsss_rho(self) -> List[str]:
        """ρ: the attribute of each LSSS row."""
    @property
    def root(self) -> "_PolicyNode":
        """The canonical syntax tree: ``("leaf", attribute)``, ``("and", [...])``,
        ``("or", [...])`` or ``("threshold", k, [...])``."""
    def lsss_columns(self) -> int:
        """The number of columns of M."""
    def lsss_display(self) -> str:
        """M with ρ, one row per line."""
    def reconstruct(self, attributes: Sequence[str]) -> Optional[List[Tuple[int, int]]]:
        """Reconstruction coefficients ``(row, coefficient mod r)``, or None if unsatisfied."""

class _Reader(Protocol):
    """A binary file open for reading: ``read(n)`` returns at most ``n`` bytes (``b""`` at the end)."""

    def read(self, size: int, /) -> bytes: ...

class _Writer(Protocol):
    """A binary file open for writing."""

    def write(self, data: bytes, /) -> Optional[int]: ...

@final
class PublicKey:
    """The authority's public key: public, comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "PublicKey":
        """Decodes ``bytes(public_key)``; raises InvalidEncoding otherwise."""
    @property
    def id(self) -> bytes:
        """The 32-byte id of the key."""
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "PublicKey"], Tuple[bytes]]: ...

@final
class Authority:
    """The attribute authority (holds the master secret key). No equality; pickling exports
    the master key."""

    @staticmethod
    def setup() -> "Authority":
        """A new authority with a fresh master key (randomness from the OS)."""
    @property
    def public_key(self) -> PublicKey:
        """The public key to seal records under."""
    def issue_key(self, attributes: Sequence[str]) -> "UserKey":
        """Issues a user key for ``attributes``; raises InvalidAttribute, LimitExceeded or
        InvalidArgument (empty set)."""
    def issue_key_under(self, notice: "VerifiedNotice", attributes: Sequence[str]) -> "UserKey":
        """Issues a user key for ``attributes``, each at its version under ``notice`` (0 for
        a name it does not list); raises WrongAuthority for another authority's notice,
        otherwise as ``issue_key``."""
    def rewrap(self, record: "SealedRecord", notice: "VerifiedNotice") -> "SealedRecord":
        """Catches ``record`` up to ``notice``'s versions (a v3 record keeps its body; a v2
        record is re-encrypted into v3). Raises WrongAuthority, FutureVersion or
        DecryptionFailed."""
    def rewrap_stream(
        self, input: _Reader, trailer: "Trailer", notice: "VerifiedNotice", output: _Writer
    ) -> "StreamInfo":
        """Catches a closed v3 stream up to ``notice`` by re-wrapping its header with
        ``trailer`` (``stream_trailer`` of it, logged at close): the frames are copied byte
        for byte and checked against the trailer. Returns the new header's info. On error,
        discard what was written. Raises InvalidArgument (a v2 stream, a trailer that is not
        the stream's), WrongAuthority, FutureVersion, StaleNotice, DecryptionFailed (frames
        other than the trailer's) or InvalidEncoding."""
    def reencrypt_stream(
        self,
        input: _Reader,
        trailer: Optional["Trailer"],
        notice: "VerifiedNotice",
        output: _Writer,
    ) -> "StreamInfo":
        """Catches a stream (v2 or v3) up to ``notice`` by re-encrypting it whole into a v3
        stream under a fresh stream key (for a stream still open at the revocation, and v2
        streams). A v3 stream is read against ``trailer``, the one its sealer logged at close
        (``None`` for a v2 stream). Returns the new stream's info. On error, discard what was
        written. Raises InvalidArgument (a v3 stream without its trailer or with another, a
        v2 stream with one), WrongAuthority, FutureVersion, StaleNotice, DecryptionFailed or
        InvalidEncoding."""
    def rewrap_session(
        self, header: "SessionHeader", trailer: "Trailer", notice: "VerifiedNotice"
    ) -> "SessionHeader":
        """Catches a closed v3 session up to ``notice`` by re-wrapping its header with
        ``trailer`` (``SessionSealer.trailer()``, logged at close); the records stay as they
        are, and open with ``SessionOpener.open_included`` or ``open_all``. Raises
        InvalidArgument (a v2 session, a trailer that is not the session's), WrongAuthority,
        FutureVersion, StaleNotice or DecryptionFailed."""
    def reencrypt_session(
        self,
        header: "SessionHeader",
        records: Sequence["SessionRecord"],
        trailer: Optional["Trailer"],
        notice: "VerifiedNotice",
    ) -> Tuple["SessionHeader", List["SessionRecord"], "Trailer"]:
        """Catches a session (v2 or v3) up to ``notice`` by re-encrypting it whole under a
        fresh session key: the new header, its records (same sequence numbers and metadata)
        and the trailer to log. A v3 session is checked against ``trailer`` (its sealer's;
        ``records`` must be exactly its records), a v2 one takes ``None`` and its sequence
        numbers must increase. Raises InvalidArgument, WrongAuthority, FutureVersion,
        StaleNotice or DecryptionFailed."""
    def split_session(
        self,
        header: "SessionHeader",
        records: Sequence["SessionRecord"],
        progress: "Trailer",
        close: "Trailer",
        notice: "VerifiedNotice",
    ) -> Tuple["SessionHeader", "SessionHeader", List["SessionRecord"], "Trailer"]:
        """Splits a v3 session still being sealed at the revocation at its last progress
        anchor: ``(prefix, tail, tail_records, tail_trailer)``, the old header re-wrapped with
        ``progress`` and the records after it re-encrypted. Raises InvalidArgument,
        WrongAuthority, FutureVersion, StaleNotice or DecryptionFailed (anchors that
        disagree, records not the close trailer's)."""
    def issue_delegation_key(
        self, attributes: Sequence[str], delegator: BlsPublicKey
    ) -> "DelegationKey":
        """A one-grant delegation key for ``attributes``, naming ``delegator`` (the BLS
        consent key whose tokens gate the re-key made from it)."""
    def issue_delegation_key_under(
        self, notice: "VerifiedNotice", attributes: Sequence[str], delegator: BlsPublicKey
    ) -> "DelegationKey":
        """A one-grant delegation key for ``attributes``, each at its version under ``notice``
        (as ``issue_key_under``), naming ``delegator``: for a grant of records sealed under
        notices (``DelegationKey.rekey_under``). Raises WrongAuthority for another authority's
        notice, otherwise as ``issue_delegation_key``."""
    def to_secret_bytes(self) -> bytes:
        """Hazardous: the master secret key. Whoever holds it can issue any key and open
        every record of this authority: store it encrypted, never log it."""
    @staticmethod
    def from_secret_bytes(data: _BytesLike) -> "Authority":
        """Hazardous: the inverse of ``to_secret_bytes`` (recomputes the public key)."""
    def to_key_file(self, passphrase: str, options: Optional["KeyFileOptions"] = None) -> bytes:
        """This key as key-file bytes (a binary age file with a passphrase recipient), written
        with ``options.work_factor`` (18 by default: about a second, without the GIL). Raises
        KeyFileError (kind ``invalid_passphrase``) for an empty passphrase or one with a lone
        surrogate."""
    @staticmethod
    def from_key_file(
        data: _BytesLike, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> "Authority":
        """Reads the key from key-file bytes (binary or armored), accepting work factors up
        to ``options.max_work_factor`` (18 by default). Raises KeyFileError (``.kind``:
        ``wrong_passphrase_or_damaged``, ``wrong_key_type``, ``damaged``, ...)."""
    def write_key_file(
        self, path: _StrPath, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> None:
        """Writes the key to a new key file at ``path`` (mode 0600, crash-safe). An existing
        file raises IoError unless ``options.replace_existing``."""
    @staticmethod
    def read_key_file(
        path: _StrPath, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> "Authority":
        """Reads the key from the key file at ``path``; as ``from_key_file``, and IoError if
        the file cannot be read."""
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "Authority"], Tuple[bytes]]: ...

@final
class UserKey:
    """A user's decryption key. Secret: no equality; ``bytes(key)`` and pickling export it."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "UserKey":
        """Decodes ``bytes(user_key)``; raises InvalidEncoding otherwise."""
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "UserKey"], Tuple[bytes]]: ...
    @property
    def attributes(self) -> List[str]:
        """The key's attributes, canonical and sorted."""
    def versioned_attributes(self) -> List[Tuple[str, int]]:
        """``(name, version)`` per attribute, in the order of ``attributes`` (all 0 for a key
        from ``issue_key``)."""
    def has_attribute(self, attribute: str) -> bool:
        """Whether the key holds ``attribute``."""
    def open(self, public_key: PublicKey, record: "SealedRecord") -> bytes:
        """Opens a record; raises PolicyNotSatisfied or DecryptionFailed."""
    def open_federated(
        self, public_keys: Sequence[PublicKey], record: "SealedRecord"
    ) -> bytes:
        """Opens a record whose layers may be of several authorities (a referral from
        another hospital): ``public_keys`` are the authorities you trust. Raises
        WrongAuthority if a needed one is missing, PolicyNotSatisfied, DecryptionFailed."""
    def open_batch(
        self,
        public_key: PublicKey,
        records: Sequence["SealedRecord"],
        progress: Optional[_Progress] = None,
    ) -> List[Union[bytes, CipherchartError]]:
        """Opens each record in order (``open`` in a loop, without the GIL), calling
        ``progress(done, total)`` after each. One entry per record: the payload or the
        (unraised) exception; an exception of ``progress`` raises and stops the batch."""
    def open_stream(self, public_key: PublicKey, input: _Reader, output: _Writer) -> "StreamInfo":
        """Opens a stream from ``input`` into ``output``; on error discard what was written."""
    def open_session(self, public_key: PublicKey, header: "SessionHeader") -> "SessionOpener":
        """Opens a session header; raises PolicyNotSatisfied or DecryptionFailed."""
    @property
    def authority(self) -> bytes:
        """The key id of the issuing authority."""
    def to_key_file(self, passphrase: str, options: Optional["KeyFileOptions"] = None) -> bytes:
        """This key as key-file bytes (a binary age file with a passphrase recipient), written
        with ``options.work_factor`` (18 by default: about a second, without the GIL). Raises
        KeyFileError (kind ``invalid_passphrase``) for an empty passphrase or one with a lone
        surrogate."""
    @staticmethod
    def from_key_file(
        data: _BytesLike, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> "UserKey":
        """Reads the key from key-file bytes (binary or armored), accepting work factors up
        to ``options.max_work_factor`` (18 by default). Raises KeyFileError (``.kind``:
        ``wrong_passphrase_or_damaged``, ``wrong_key_type``, ``damaged``, ...)."""
    def write_key_file(
        self, path: _StrPath, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> None:
        """Writes the key to a new key file at ``path`` (mode 0600, crash-safe). An existing
        file raises IoError unless ``options.replace_existing``."""
    @staticmethod
    def read_key_file(
        path: _StrPath, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> "UserKey":
        """Reads the key from the key file at ``path``; as ``from_key_file``, and IoError if
        the file cannot be read."""

@final
class SealedRecord:
    """A sealed (possibly re-encrypted) record: public, comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "SealedRecord":
        """Decodes ``bytes(record)``; raises InvalidEncoding otherwise."""
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "SealedRecord"], Tuple[bytes]]: ...
    @property
    def policy(self) -> Policy:
        """The policy the record was sealed under."""
    @property
    def current_policy(self) -> Policy:
        """The policy of the newest layer: who can open the record now."""
    @property
    def record_id(self) -> bytes: ...
    @property
    def metadata(self) -> bytes: ...
    @property
    def authority(self) -> bytes: ...
    @property
    def current_authority(self) -> bytes:
        """The key id of the newest layer's authority (another after a referral)."""
    @property
    def header_digest(self) -> bytes:
        """The 32-byte digest of the record's header."""
    @property
    def hop_count(self) -> int:
        """How many times the record has been re-encrypted."""
    def attribute_versions(self) -> List[Tuple[str, int]]:
        """``(name, version)`` per policy attribute, in LSSS row order (all 0 for format v2)."""
    @property
    def notice_serial(self) -> Optional[int]:
        """The serial of the notice the record was sealed or caught up under; None for v2."""
    @property
    def body_commitment(self) -> Optional[bytes]:
        """The 32-byte body commitment of a v3 record (``rewrap`` keeps it); None for v2."""
    def needs_catch_up(self, notice: "VerifiedNotice") -> bool:
        """Whether a layer of ``notice``'s authority (the record's own header, or a hop's
        capsules) names a name at a lower version than ``notice``'s."""
    def strip_stale_hops(self, notice: "VerifiedNotice") -> Optional["SealedRecord"]:
        """The record without its hops from the first one whose layer is of ``notice``'s
        authority and stale; None if no hop is. The hops below stay byte for byte."""
    @property
    def newest_grant(self) -> Optional[bytes]:
        """The newest hop's grant, 48 bytes (source authority key id, then grant id: the
        ``ReKey.grant`` that made it); None without hops. The ``parent`` of a v3 re-key that
        forwards the record (``DelegationKey.rekey_under``)."""

@final
class DelegationKey:
    """A one-grant delegation key. Secret: no equality; ``rekey``, ``rekey_to`` or
    ``rekey_under`` consumes it (a refused call does not)."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "DelegationKey":
        """Decodes ``bytes(key)``; raises InvalidEncoding otherwise."""
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "DelegationKey"], Tuple[bytes]]: ...
    @property
    def attributes(self) -> List[str]: ...
    @property
    def delegator(self) -> BlsPublicKey: ...
    @property
    def authority(self) -> bytes: ...
    @property
    def key_id(self) -> bytes:
        """The 32-byte key id: a v3 re-key made from this key names it and derives its grant
        id from it (one delegation key, one grant)."""
    def rekey(self, public_key: PublicKey, policy: Policy) -> "ReKey":
        """The grant's re-encryption key to ``policy``'s audience; consumes this key (a
        second call raises InvalidArgument). Raises WrongAuthority, without consuming the
        key, if ``public_key`` is not the issuing authority's; InvalidArgument, without
        consuming it, for a key at attribute versions (use ``rekey_under``)."""
    def rekey_to(self, target: PublicKey, policy: Policy) -> "ReKey":
        """The grant's cross-authority re-encryption key to ``policy``'s audience under
        ``target``'s authority; consumes this key. Raises InvalidAttribute, or
        InvalidArgument for a key at attribute versions, without consuming it."""
    def rekey_under(
        self,
        target: PublicKey,
        target_notice: "VerifiedNotice",
        policy: Policy,
        parent: Optional[_BytesLike] = None,
    ) -> "ReKey":
        """The grant's format v3 re-encryption key, for records sealed under notices: to
        ``policy``'s audience under ``target``'s authority (this key's own, or another's for
        a referral), at the versions of ``target_notice``, that authority's current notice.
        ``parent`` (48 bytes, ``SealedRecord.newest_grant``): the re-key transforms only
        records whose newest hop is of that grant; without it, only records without hops.
        Consumes this key. Raises WrongAuthority (``target_notice`` is not ``target``'s
        authority's), InvalidAttribute, or InvalidEncoding (``parent`` not 48 bytes), each
        without consuming it."""
    def to_key_file(self, passphrase: str, options: Optional["KeyFileOptions"] = None) -> bytes:
        """This key as key-file bytes (a binary age file with a passphrase recipient), written
        with ``options.work_factor`` (18 by default: about a second, without the GIL). Raises
        KeyFileError (kind ``invalid_passphrase``) for an empty passphrase or one with a lone
        surrogate."""
    @staticmethod
    def from_key_file(
        data: _BytesLike, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> "DelegationKey":
        """Reads the key from key-file bytes (binary or armored), accepting work factors up
        to ``options.max_work_factor`` (18 by default). Raises KeyFileError (``.kind``:
        ``wrong_passphrase_or_damaged``, ``wrong_key_type``, ``damaged``, ...)."""
    def write_key_file(
        self, path: _StrPath, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> None:
        """Writes the key to a new key file at ``path`` (mode 0600, crash-safe). An existing
        file raises IoError unless ``options.replace_existing``."""
    @staticmethod
    def read_key_file(
        path: _StrPath, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> "DelegationKey":
        """Reads the key from the key file at ``path``; as ``from_key_file``, and IoError if
        the file cannot be read."""

@final
class KeyFileOptions:
    """How key files are written and read: the scrypt work factor to write with, the highest
    one to accept when reading, and whether writing may replace an existing file. Immutable,
    comparable."""

    def __new__(
        cls, *, work_factor: int = 18, max_work_factor: int = 18, replace_existing: bool = False
    ) -> "KeyFileOptions":
        """Each work factor is 15 to 20 (``2**n`` KiB of memory: 256 MiB at 18, 1 GiB at 20);
        anything else raises InvalidArgument."""
    @property
    def work_factor(self) -> int:
        """The scrypt work factor (``log2 N``) files are written with."""
    @property
    def max_work_factor(self) -> int:
        """The highest work factor accepted when reading."""
    @property
    def replace_existing(self) -> bool:
        """Whether ``write_key_file`` may replace an existing file."""
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class ReKey:
    """A re-encryption key. Secret: no equality; ``bytes(rekey)`` and pickling export it."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "ReKey":
        """Decodes ``bytes(rekey)``; raises InvalidEncoding otherwise."""
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "ReKey"], Tuple[bytes]]: ...
    @property
    def grant_id(self) -> bytes: ...
    @property
    def attributes(self) -> List[str]: ...
    @property
    def target_policy(self) -> Policy: ...
    @property
    def delegator(self) -> BlsPublicKey: ...
    @property
    def authority(self) -> bytes:
        """The key id of the source authority."""
    @property
    def target_authority(self) -> bytes:
        """The key id of the target authority (another after ``rekey_to``)."""
    @property
    def is_v3(self) -> bool:
        """Whether this is a format v3 re-key (``rekey_under``): it transforms v3 records
        only, a v2 re-key v2 records only."""
    @property
    def parent(self) -> Optional[bytes]:
        """A v3 re-key's parent grant (48 bytes): it transforms only records whose newest hop
        is of that grant. None without a parent (only records without hops) and for v2."""
    @property
    def delegation_key_id(self) -> Optional[bytes]:
        """The 32-byte id of the delegation key a v3 re-key was made from
        (``DelegationKey.key_id``); None for a v2 re-key."""
    @property
    def grant(self) -> bytes:
        """This grant's qualified id, 48 bytes: the source authority's key id, then
        ``grant_id`` (``SealedRecord.newest_grant`` of a record it transformed)."""
    def attribute_versions(self) -> List[Tuple[str, int]]:
        """``(name, version)`` per delegated attribute (all 0 for a v2 re-key)."""
    def target_versions(self) -> List[Tuple[str, int]]:
        """``(name, version)`` per target policy attribute, in LSSS row order, as the
        capsule is sealed (all 0 for a v2 re-key)."""
    def check_current(self, notices: Sequence["VerifiedNotice"]) -> None:
        """Checks the re-key against the newest verified notices of its source and target
        authorities, as a proxy does before applying it. Raises WrongAuthority (a notice
        missing), StaleReKey (a name was bumped since it was made: make a new one) or
        FutureVersion (a notice older than the re-key)."""
    def can_reencrypt(self, record: SealedRecord) -> bool:
        """Whether the delegated attributes satisfy the record's newest layer."""
    def reencrypt(self, record: SealedRecord) -> SealedRecord:
        """Adds a layer for the target audience; raises PolicyNotSatisfied, LimitExceeded..."""
    def reencrypt_batch(
        self, records: Sequence[SealedRecord]
    ) -> List[Union[SealedRecord, CipherchartError]]:
        """One entry per record, in order: the new record, or the (unraised) exception."""
    def to_key_file(self, passphrase: str, options: Optional["KeyFileOptions"] = None) -> bytes:
        """This key as key-file bytes (a binary age file with a passphrase recipient), written
        with ``options.work_factor`` (18 by default: about a second, without the GIL). Raises
        KeyFileError (kind ``invalid_passphrase``) for an empty passphrase or one with a lone
        surrogate."""
    @staticmethod
    def from_key_file(
        data: _BytesLike, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> "ReKey":
        """Reads the key from key-file bytes (binary or armored), accepting work factors up
        to ``options.max_work_factor`` (18 by default). Raises KeyFileError (``.kind``:
        ``wrong_passphrase_or_damaged``, ``wrong_key_type``, ``damaged``, ...)."""
    def write_key_file(
        self, path: _StrPath, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> None:
        """Writes the key to a new key file at ``path`` (mode 0600, crash-safe). An existing
        file raises IoError unless ``options.replace_existing``."""
    @staticmethod
    def read_key_file(
        path: _StrPath, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> "ReKey":
        """Reads the key from the key file at ``path``; as ``from_key_file``, and IoError if
        the file cannot be read."""

@final
class StreamInfo:
    """The public header of a stream."""

    @property
    def stream_id(self) -> bytes: ...
    @property
    def metadata(self) -> bytes: ...
    @property
    def policy(self) -> Policy: ...
    @property
    def chunk_size(self) -> int: ...
    @property
    def notice_serial(self) -> Optional[int]:
        """The serial of the notice a format v3 stream was sealed under; None for v2."""
    def attribute_versions(self) -> List[Tuple[str, int]]:
        """The policy's names with their versions, in LSSS row order (all 0 for v2)."""
    @property
    def authority(self) -> bytes:
        """The id of the authority the stream is sealed under (``PublicKey.id``)."""
    @property
    def header_digest(self) -> bytes:
        """The digest of the stream's KEM header (what a trailer and the catch-up's chain
        entry name)."""
    @property
    def trailer(self) -> Optional["Trailer"]:
        """For a v3 stream whose header was re-wrapped after close: the trailer its frames
        are checked against when opened; None for a stream as sealed."""
    def needs_catch_up(self, notice: "VerifiedNotice") -> bool:
        """Whether ``notice`` concerns this stream: sealed under its authority, naming an
        attribute at a lower version than the notice's (a v2 stream is at version 0)."""
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Trailer:
    """The trailer of a closed stream (or session): its header's digest and key commitment,
    the count and RFC 6962 root of its items. Public: comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "Trailer": ...
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "Trailer"], Tuple[bytes]]: ...
    @property
    def kind(self) -> str:
        """``"stream"`` or ``"session"``."""
    @property
    def id(self) -> bytes:
        """The stream (or session) id."""
    @property
    def header_digest(self) -> bytes:
        """The digest of the KEM header the items were sealed under (the header at close)."""
    @property
    def key_commitment(self) -> bytes:
        """That header's envelope key commitment."""
    @property
    def count(self) -> int:
        """The number of items (a stream's frames, at least one; a session's records, any)."""
    @property
    def root(self) -> bytes:
        """The RFC 6962 Merkle root over the items' digests, in order."""
    @property
    def digest(self) -> bytes:
        """The trailer digest (what chain entries and a re-wrapped header name)."""

@final
class SessionHeader:
    """The public header of a session: comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "SessionHeader": ...
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "SessionHeader"], Tuple[bytes]]: ...
    @property
    def session_id(self) -> bytes: ...
    @property
    def metadata(self) -> bytes: ...
    @property
    def policy(self) -> Policy: ...
    @property
    def digest(self) -> bytes: ...
    @property
    def notice_serial(self) -> Optional[int]:
        """The serial of the notice a format v3 session was started under; None for v2."""
    def attribute_versions(self) -> List[Tuple[str, int]]:
        """The policy's attributes with their versions, in LSSS row order."""
    @property
    def authority(self) -> bytes:
        """The 32-byte key id of the authority that sealed the header."""
    @property
    def trailer(self) -> Optional["Trailer"]:
        """The trailer a header re-wrapped after close carries; None otherwise."""
    def needs_catch_up(self, notice: "VerifiedNotice") -> bool:
        """Whether ``notice`` concerns this session (its authority, a name at a lower
        version)."""

@final
class SessionRecord:
    """One record of a session: comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "SessionRecord": ...
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "SessionRecord"], Tuple[bytes]]: ...
    @property
    def sequence(self) -> int: ...
    @property
    def metadata(self) -> bytes: ...

@final
class SessionSealer:
    """Seals the records of a session. Secret: no equality, not picklable."""

    def seal(self, metadata: _BytesLike, payload: _BytesLike) -> SessionRecord: ...
    @property
    def next_sequence(self) -> int: ...
    def trailer(self) -> "Trailer":
        """The trailer over the records sealed so far. Raises InvalidArgument for a v2
        session."""
    def close(self) -> "Trailer":
        """Closes a v3 session (``seal`` then raises InvalidArgument) and returns its
        trailer, the one to log (``Entry.for_session_close``). Raises InvalidArgument for a
        v2 session."""
    def __repr__(self) -> str: ...

@final
class SessionOpener:
    """Opens the records of a session. Secret: no equality, not picklable."""

    def open(self, record: SessionRecord) -> bytes:
        """Raises DecryptionFailed for a tampered record or one of another session,
        InvalidArgument for a re-wrapped session (use ``open_included`` or ``open_all``)."""
    def open_included(self, record: SessionRecord, proof: "InclusionProof") -> bytes:
        """Opens one record of a re-wrapped session with its proof under the trailer
        (``prove_session_record``). Raises InvalidArgument for a session with no trailer,
        DecryptionFailed if the proof does not place the record under the trailer's root."""
    def open_all(self, records: Sequence[SessionRecord]) -> List[bytes]:
        """Opens every record, in order; for a re-wrapped session they must be exactly the
        trailer's (DecryptionFailed otherwise)."""
    def __repr__(self) -> str: ...

@final
class BlsSigningKey:
    """A BLS signing key. Secret: no equality; pickling exports it."""

    @staticmethod
    def generate() -> "BlsSigningKey": ...
    @staticmethod
    def from_ikm(ikm: _BytesLike, key_info: _BytesLike = ...) -> "BlsSigningKey":
        """KeyGen from at least 32 bytes of keying material."""
    @staticmethod
    def from_secret_bytes(data: _BytesLike) -> "BlsSigningKey":
        """Hazardous: decodes the raw 32-byte big-endian secret scalar."""
    def to_secret_bytes(self) -> bytes:
        """Hazardous: the raw 32-byte secret scalar. Whoever holds it can sign as this key."""
    @property
    def public_key(self) -> "BlsPublicKey": ...
    def sign(self, message: _BytesLike) -> "BlsSignature": ...
    def prove_possession(self) -> "BlsSignature": ...
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "BlsSigningKey"], Tuple[bytes]]: ...
    def to_key_file(self, passphrase: str, options: Optional["KeyFileOptions"] = None) -> bytes:
        """This key as key-file bytes (a binary age file with a passphrase recipient), written
        with ``options.work_factor`` (18 by default: about a second, without the GIL). Raises
        KeyFileError (kind ``invalid_passphrase``) for an empty passphrase or one with a lone
        surrogate."""
    @staticmethod
    def from_key_file(
        data: _BytesLike, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> "BlsSigningKey":
        """Reads the key from key-file bytes (binary or armored), accepting work factors up
        to ``options.max_work_factor`` (18 by default). Raises KeyFileError (``.kind``:
        ``wrong_passphrase_or_damaged``, ``wrong_key_type``, ``damaged``, ...)."""
    def write_key_file(
        self, path: _StrPath, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> None:
        """Writes the key to a new key file at ``path`` (mode 0600, crash-safe). An existing
        file raises IoError unless ``options.replace_existing``."""
    @staticmethod
    def read_key_file(
        path: _StrPath, passphrase: str, options: Optional["KeyFileOptions"] = None
    ) -> "BlsSigningKey":
        """Reads the key from the key file at ``path``; as ``from_key_file``, and IoError if
        the file cannot be read."""

@final
class BlsPublicKey:
    """A BLS public key (48 bytes): comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "BlsPublicKey": ...
    @staticmethod
    def aggregate(keys: Sequence["BlsPublicKey"]) -> "BlsPublicKey": ...
    def verify(self, message: _BytesLike, signature: "BlsSignature") -> None:
        """Raises VerificationFailed unless ``signature`` is valid on ``message``."""
    def verify_possession(self, proof: "BlsSignature") -> None: ...
    def to_eip2537_bytes(self) -> bytes:
        """The key uncompressed for Ethereum's EIP-2537 precompiles (128 bytes)."""
    def to_object_bytes(self) -> bytes:
        """The 52-byte cipherchart object (header, then the 48 raw bytes)."""
    @staticmethod
    def from_object_bytes(data: _BytesLike) -> "BlsPublicKey": ...
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "BlsPublicKey"], Tuple[bytes]]: ...

@final
class BlsSignature:
    """A BLS signature (96 bytes): comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "BlsSignature": ...
    @staticmethod
    def aggregate(signatures: Sequence["BlsSignature"]) -> "BlsSignature": ...
    def to_eip2537_bytes(self) -> bytes:
        """The signature uncompressed for Ethereum's EIP-2537 precompiles (256 bytes)."""
    def to_object_bytes(self) -> bytes:
        """The 100-byte cipherchart object (header, then the 96 raw bytes)."""
    @staticmethod
    def from_object_bytes(data: _BytesLike) -> "BlsSignature": ...
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "BlsSignature"], Tuple[bytes]]: ...

@final
class UnvalidatedPublicKey:
    """A decoded BLS public key that may be the identity (``c0`` then 47 zero bytes): the
    IETF / Ethereum deserialization step. Only ``validate()`` gives a usable
    :class:`BlsPublicKey`. Comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "UnvalidatedPublicKey":
        """Every check of ``BlsPublicKey.from_bytes`` but the identity's."""
    @staticmethod
    def from_public_key(key: BlsPublicKey) -> "UnvalidatedPublicKey": ...
    @property
    def is_identity(self) -> bool: ...
    def validate(self) -> BlsPublicKey:
        """Raises InvalidEncoding (kind ``identity_point``) for the identity."""
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "UnvalidatedPublicKey"], Tuple[bytes]]: ...

@final
class UnvalidatedSignature:
    """A decoded BLS signature that may be the identity (``c0`` then 95 zero bytes); only
    ``validate()`` gives a :class:`BlsSignature`. Comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "UnvalidatedSignature":
        """Every check of ``BlsSignature.from_bytes`` but the identity's."""
    @staticmethod
    def from_signature(signature: BlsSignature) -> "UnvalidatedSignature": ...
    @staticmethod
    def aggregate(signatures: Sequence["UnvalidatedSignature"]) -> "UnvalidatedSignature":
        """The sum, the identity included (Ethereum's ``Aggregate``); InvalidArgument if empty."""
    @property
    def is_identity(self) -> bool: ...
    def validate(self) -> BlsSignature:
        """Raises InvalidEncoding (kind ``identity_point``) for the identity."""
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "UnvalidatedSignature"], Tuple[bytes]]: ...

def seal(
    public_key: PublicKey, policy: Policy, record_id: _BytesLike, metadata: _BytesLike, payload: _BytesLike
) -> SealedRecord:
    """Seals ``payload`` under ``policy``; raises InvalidArgument for oversized inputs."""

def seal_with_notice(
    public_key: PublicKey,
    notice: "VerifiedNotice",
    policy: Policy,
    record_id: _BytesLike,
    metadata: _BytesLike,
    payload: _BytesLike,
) -> SealedRecord:
    """Seals ``payload`` under ``policy`` at ``notice``'s versions (a format v3 record); raises
    WrongAuthority for another authority's notice, InvalidArgument for oversized inputs."""

@final
class VersionNotice:
    """A signed version notice (the authority's map of bumped attribute names to versions):
    public, comparable, hashable, picklable."""

    @staticmethod
    def sign(
        key: BlsSigningKey,
        *,
        authority: _BytesLike,
        statement_serial: int,
        serial: int,
        issued_at: _Time,
        not_after: _Time,
        bump_count: int,
        bump_head: _BytesLike,
        versions: Sequence[Tuple[str, int]],
    ) -> "VersionNotice":
        """Signs the fields with the notice key (``authority`` and ``bump_head``: 32 bytes;
        ``versions``: ``(name, version)`` pairs in any order). Raises InvalidArgument or
        InvalidAttribute for fields that break a notice rule."""
    def verify(
        self, notice_key: BlsPublicKey, now: _Time, previous: Optional["VerifiedNotice"] = None
    ) -> "VerifiedNotice":
        """Verifies at ``now`` against ``previous`` (the last notice of the same authority
        accepted under the same notice key). Raises VerificationFailed, StaleNotice,
        NoticeRollback, WrongAuthority, or InvalidArgument for a ``previous`` verified under
        another key. A ``VerifiedNotice`` does not expire by itself: re-verify the newest
        notice before its ``not_after`` and use that one."""
    @staticmethod
    def from_bytes(data: _BytesLike) -> "VersionNotice":
        """Decodes ``bytes(notice)`` (signature not verified); raises InvalidEncoding otherwise."""
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "VersionNotice"], Tuple[bytes]]: ...
    @property
    def digest(self) -> bytes:
        """SHA-256 of ``bytes(notice)``."""
    @property
    def authority(self) -> bytes: ...
    @property
    def statement_serial(self) -> int: ...
    @property
    def serial(self) -> int: ...
    @property
    def issued_at(self) -> int: ...
    @property
    def not_after(self) -> int: ...
    @property
    def bump_count(self) -> int: ...
    @property
    def bump_head(self) -> bytes: ...
    @property
    def versions(self) -> List[Tuple[str, int]]:
        """Every bumped name with its version, sorted by name."""
    @property
    def signature(self) -> BlsSignature: ...

@final
class VerifiedNotice:
    """A notice checked by ``VersionNotice.verify``: what ``seal_with_notice``,
    ``Authority.issue_key_under`` and ``Authority.rewrap`` take."""

    @property
    def notice(self) -> VersionNotice: ...
    @property
    def authority(self) -> bytes: ...
    @property
    def serial(self) -> int: ...
    @property
    def issued_at(self) -> int: ...
    @property
    def not_after(self) -> int: ...
    @property
    def notice_key(self) -> BlsPublicKey:
        """The notice key it was verified under."""
    def version_of(self, name: str) -> int:
        """The notice's version of ``name``; 0 if not listed or not an attribute."""
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

def seal_batch(
    public_key: PublicKey,
    policy: Policy,
    items: Sequence[Tuple[_BytesLike, _BytesLike, _BytesLike]],
    progress: Optional[_Progress] = None,
) -> List[SealedRecord]:
    """Seals each ``(record_id, metadata, payload)`` in order (``seal`` in a loop, without
    the GIL), calling ``progress(done, total)`` after each. The first error raises; so does
    an exception of ``progress``, which stops the batch."""

def seal_stream(
    public_key: PublicKey,
    policy: Policy,
    stream_id: _BytesLike,
    metadata: _BytesLike,
    input: _Reader,
    output: _Writer,
    chunk_size: Optional[int] = None,
) -> int:
    """Seals everything ``input`` yields into ``output``; returns the plaintext length."""

def seal_stream_with_notice(
    public_key: PublicKey,
    notice: "VerifiedNotice",
    policy: Policy,
    stream_id: _BytesLike,
    metadata: _BytesLike,
    input: _Reader,
    output: _Writer,
    chunk_size: Optional[int] = None,
) -> int:
    """Seals everything ``input`` yields at the versions of ``notice`` (format v3): keys
    issued before a bump of one of the policy's names do not open it. Returns the plaintext
    length. Raises WrongAuthority if the notice is not ``public_key``'s authority's."""

def read_stream_info(input: _Reader) -> StreamInfo:
    """Reads only the public header of a stream."""

def stream_trailer(input: _Reader) -> Trailer:
    """The trailer of a v3 stream (no key needed): what its sealer logs at close
    (``Entry.for_stream_close``). For a re-wrapped stream, the frames are checked against the
    trailer it carries, which is returned. Raises InvalidArgument for a v2 stream,
    InvalidEncoding or DecryptionFailed for a malformed or altered stream."""

def session_trailer(header: SessionHeader, records: Sequence[SessionRecord]) -> Trailer:
    """The trailer of a v3 session from its header and records, in order (no key): what its
    sealer's ``SessionSealer.trailer()`` gives. For a re-wrapped header, the records are
    checked against the trailer it carries, which is returned. Raises InvalidArgument for a
    v2 session, DecryptionFailed for records other than the carried trailer's."""

def prove_session_record(records: Sequence[SessionRecord], index: int) -> "InclusionProof":
    """The inclusion proof of ``records[index]`` under the trailer of ``records`` (public
    data), for ``SessionOpener.open_included``. Raises InvalidArgument for an index out of
    range."""

def prove_session_records(records: Sequence[SessionRecord]) -> List["InclusionProof"]:
    """The proofs of every record of a session, from one tree (``proofs[i]`` is
    ``prove_session_record(records, i)``)."""

def start_session(
    public_key: PublicKey, policy: Policy, session_id: _BytesLike, metadata: _BytesLike
) -> Tuple[SessionHeader, SessionSealer]:
    """Starts a session: its public header and a sealer for its records."""

def start_session_with_notice(
    public_key: PublicKey,
    notice: "VerifiedNotice",
    policy: Policy,
    session_id: _BytesLike,
    metadata: _BytesLike,
) -> Tuple[SessionHeader, SessionSealer]:
    """Starts a session at the versions of ``notice`` (format v3): keys issued before a bump
    of one of the policy's names do not open it. Raises WrongAuthority if the notice is not
    ``public_key``'s authority's."""

def fast_aggregate_verify(
    public_keys: Sequence[BlsPublicKey], message: _BytesLike, signature: BlsSignature
) -> None:
    """One aggregate signature by many keys on one message; raises VerificationFailed."""

def aggregate_verify(pairs: Sequence[Tuple[BlsPublicKey, _BytesLike]], signature: BlsSignature) -> None:
    """One aggregate signature over distinct (key, message) pairs; raises VerificationFailed."""

def batch_verify(items: Sequence[Tuple[BlsPublicKey, _BytesLike, BlsSignature]]) -> None:
    """Many (key, message, signature) triples at once; raises VerificationFailed."""

def batch_find_invalid(items: Sequence[Tuple[BlsPublicKey, _BytesLike, BlsSignature]]) -> List[int]:
    """The indices of the triples that do not verify (ascending)."""

@final
class Grant:
    """What a patient grants: the authority block of a consent token."""

    def __new__(
        cls,
        subject: str,
        grantee: Union[Policy, BlsPublicKey],
        window: Union["Window", Tuple[_Time, _Time]],
        *,
        purposes: Sequence[str],
        scope: Optional["Scope"] = None,
        records: Optional[Sequence[str]] = None,
        categories: Optional[Sequence[str]] = None,
        rekey: Optional[ReKey] = None,
        rekey_digest: Optional[_BytesLike] = None,
        holder: Optional[BlsPublicKey] = None,
    ) -> "Grant":
        """``window`` is a ``Window`` or ``(not_before, expiry)`` in seconds; raises
        InvalidArgument unless ``not_before < expiry``. ``records``/``categories`` apply
        after ``scope``; ``rekey_digest`` (32 bytes, see :func:`rekey_digest`) binds a re-key
        by its digest."""
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Narrowing:
    """How an attenuation block narrows a token (anything left out stays as it was)."""

    def __new__(
        cls,
        *,
        records: Optional[Sequence[str]] = None,
        categories: Optional[Sequence[str]] = None,
        record_selection: Optional["Selection"] = None,
        category_selection: Optional["Selection"] = None,
        purposes: Optional[Sequence[str]] = None,
        window: Union["Window", Tuple[_Time, _Time], None] = None,
        holder: Optional[BlsPublicKey] = None,
    ) -> "Narrowing": ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class ConsentToken:
    """A signed, attenuable consent token: public, comparable, hashable, picklable."""

    @staticmethod
    def issue(issuer: BlsSigningKey, grant: Grant) -> "ConsentToken": ...
    def attenuate(self, holder: BlsSigningKey, narrowing: Narrowing) -> "ConsentToken":
        """Raises ConsentError if ``holder`` is not the named holder or the block widens."""
    def present(self, holder: BlsSigningKey) -> "ConsentToken": ...
    def verify(
        self, issuer: BlsPublicKey, now: _Time, revoked: Optional["RevocationSet"] = None
    ) -> "VerifiedConsent":
        """Raises ConsentError (expired, revoked, ...) or VerificationFailed."""
    def to_text(self) -> str: ...
    @staticmethod
    def from_text(text: str) -> "ConsentToken": ...
    @staticmethod
    def from_bytes(data: _BytesLike) -> "ConsentToken": ...
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "ConsentToken"], Tuple[bytes]]: ...
    @property
    def issuer(self) -> Optional[BlsPublicKey]: ...
    @property
    def holder(self) -> Optional[BlsPublicKey]: ...
    @property
    def is_presented(self) -> bool: ...
    @property
    def block_count(self) -> int: ...
    def grant_entry(self, time: _Time) -> "EntryDraft":
        """The chain entry logging this token's issue."""
    def revoke_entry(self, time: _Time) -> "EntryDraft":
        """The chain entry revoking this token (subject: its last block's revocation id)."""
    def revocation_ids(self) -> List[bytes]: ...
    def block_signers(self) -> List[BlsPublicKey]: ...

@final
class VerifiedConsent:
    """A verified token: the only value ``reencrypt_with_consent`` accepts."""

    def permits(self, record_id: _BytesLike, category: str, purpose: str) -> bool: ...
    def check_permits(self, record_id: _BytesLike, category: str, purpose: str) -> None:
        """Raises ConsentError unless ``permits(...)``."""
    @property
    def subject(self) -> str: ...
    @property
    def issuer(self) -> BlsPublicKey: ...
    @property
    def grantee(self) -> Union[Policy, BlsPublicKey]:
        """A ``Policy`` (the audience a re-key must target) or a ``BlsPublicKey``."""
    @property
    def scope(self) -> "Scope": ...
    @property
    def rekey_digest(self) -> Optional[bytes]:
        """The digest of the one re-key the consent authorises, if it names one."""
    @property
    def holder(self) -> Optional[BlsPublicKey]: ...
    def revocation_ids(self) -> List[bytes]: ...
    @property
    def purposes(self) -> List[str]: ...
    @property
    def window(self) -> "Window":
        """Equal to the pair ``(not_before, expiry)``."""
    @property
    def verified_at(self) -> int: ...
    def __repr__(self) -> str: ...

@final
class RevocationSet:
    """Revoked block ids (32 bytes each)."""

    def __new__(cls) -> "RevocationSet": ...
    @staticmethod
    def from_chain(chain: "Chain") -> "RevocationSet":
        """Every revocation logged in ``chain``."""
    def insert(self, revocation_id: _BytesLike) -> bool: ...
    def insert_entry(self, entry: "Entry") -> bool:
        """Records a revoke entry (raises VerificationFailed for a bad signature);
        returns whether ``entry`` was a revocation."""
    def __contains__(self, key: _BytesLike, /) -> bool: ...
    def __len__(self) -> int: ...
    def __repr__(self) -> str: ...

@final
class Selection:
    """Which values of one scope dimension a consent covers: ``any()`` or ``only([...])``."""

    @staticmethod
    def any() -> "Selection": ...
    @staticmethod
    def only(values: Sequence[str]) -> "Selection": ...
    @property
    def is_any(self) -> bool: ...
    @property
    def values(self) -> Optional[List[str]]:
        """The selected values, sorted; None for ``any()``."""
    def contains(self, value: str) -> bool: ...
    def contains_bytes(self, value: _BytesLike) -> bool: ...
    def is_within(self, wider: "Selection") -> bool: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[..., "Selection"], Tuple[List[str], ...]]: ...

@final
class Scope:
    """Which records a consent covers (record ids and categories)."""

    def __new__(
        cls,
        records: Union[Selection, Sequence[str], None] = None,
        categories: Union[Selection, Sequence[str], None] = None,
    ) -> "Scope":
        """Each dimension a ``Selection`` or a list of values; left out, it selects all."""
    @staticmethod
    def all() -> "Scope": ...
    @property
    def records(self) -> Selection: ...
    @property
    def categories(self) -> Selection: ...
    def contains(self, record_id: _BytesLike, category: str) -> bool: ...
    def is_within(self, wider: "Scope") -> bool: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[type["Scope"], Tuple[Selection, Selection]]: ...

@final
class Window:
    """``[not_before, expiry)`` in seconds; equal to, and unpacks as, the pair."""

    def __new__(cls, not_before: _Time, expiry: _Time) -> "Window":
        """Raises InvalidArgument unless ``not_before < expiry``."""
    @property
    def not_before(self) -> int: ...
    @property
    def expiry(self) -> int: ...
    def contains(self, t: _Time) -> bool: ...
    def is_within(self, wider: "Window") -> bool: ...
    def __len__(self) -> int: ...
    def __getitem__(self, key: int, /) -> int: ...
    def __iter__(self) -> Iterator[int]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[type["Window"], Tuple[int, int]]: ...

def rekey_digest(rekey: ReKey) -> bytes:
    """The 32-byte digest a consent names to authorise exactly ``rekey``."""

def check_rekey(consent: VerifiedConsent, rekey: ReKey) -> None:
    """Raises ConsentError unless the consent authorises ``rekey``."""

def reencrypt_with_consent(
    consent: VerifiedConsent, rekey: ReKey, record: SealedRecord, category: str, purpose: str
) -> SealedRecord:
    """Re-encrypts only what the consent covers; raises ConsentError otherwise, and
    InvalidArgument for a format v3 re-key (use ``reencrypt_with_consent_under``)."""

def reencrypt_batch_with_consent(
    consent: VerifiedConsent,
    rekey: ReKey,
    records: Sequence[Tuple[SealedRecord, str]],
    purpose: str,
) -> List[Union[SealedRecord, CipherchartError]]:
    """One entry per ``(record, category)``: the new record or the (unraised) exception.
    Raises InvalidArgument for a format v3 re-key (use ``reencrypt_batch_with_consent_under``)."""

def reencrypt_with_consent_under(
    consent: VerifiedConsent,
    rekey: ReKey,
    notices: Sequence["VerifiedNotice"],
    record: SealedRecord,
    category: str,
    purpose: str,
) -> SealedRecord:
    """``reencrypt_with_consent`` that first checks ``rekey`` against the current notices
    (``ReKey.check_current``): raises StaleReKey for a grant made before a bump of its names."""

def reencrypt_batch_with_consent_under(
    consent: VerifiedConsent,
    rekey: ReKey,
    notices: Sequence["VerifiedNotice"],
    records: Sequence[Tuple[SealedRecord, str]],
    purpose: str,
) -> List[Union[SealedRecord, CipherchartError]]:
    """``reencrypt_batch_with_consent`` with the currency check of
    ``reencrypt_with_consent_under`` (once, for the whole batch)."""

@final
class EntryDraft:
    """An unsigned chain entry."""

    def __new__(cls, time: _Time, action: Union[str, int], subject: _BytesLike, digest: _BytesLike) -> "EntryDraft":
        """``action``: ``create``, ``update``, ``read``, ``share``, ``re-encrypt``, ``grant``,
        ``revoke``, ``custody``, ``extension-0x0100``…, or a numeric code (extensions from 0x0100);
        ``digest``: 32 bytes."""
    @staticmethod
    def for_payload(time: _Time, action: Union[str, int], subject: _BytesLike, payload: _BytesLike) -> "EntryDraft":
        """A draft whose digest is the SHA-256 of ``payload``."""
    def sign(self, sequence: int, prev: _BytesLike, actor: BlsSigningKey) -> "Entry":
        """Signs the draft as entry ``sequence`` after the entry of hash ``prev`` (for ``Chain.append``)."""
    @property
    def time(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def action_code(self) -> int: ...
    @property
    def subject(self) -> bytes: ...
    @property
    def digest(self) -> bytes: ...
    @property
    def metadata(self) -> bytes: ...
    def with_metadata(self, metadata: _BytesLike) -> "EntryDraft": ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Entry:
    """A signed chain entry: comparable (by bytes), hashable, picklable."""

    @staticmethod
    def for_seal(record: SealedRecord, time: _Time) -> EntryDraft:
        """Logs sealing ``record`` (action ``create``, digest SHA-256 of ``bytes(record)``)."""
    @staticmethod
    def for_reencrypt(record: SealedRecord, grant_id: _BytesLike, time: _Time) -> EntryDraft:
        """Logs a re-encryption whose result is ``record`` (``grant_id``: 16 bytes)."""
    @staticmethod
    def for_notice(notice: VersionNotice, time: _Time) -> EntryDraft:
        """Logs a notice that bumps (action ``revoke``, subject the authority id, digest the
        notice digest, metadata ``serial ‖ bump_count``). Raises InvalidArgument for a notice
        that reflects no bump."""
    @staticmethod
    def for_key_update(notice: VersionNotice, keys_issued: int, time: _Time) -> EntryDraft:
        """Logs the key updates of a notice (action ``grant``, metadata the count)."""
    @staticmethod
    def for_catch_up(old: SealedRecord, new: SealedRecord, time: _Time) -> EntryDraft:
        """Logs a record's catch-up (action ``update``, metadata the old and new header digests).
        Raises InvalidArgument if ``new`` is not a catch-up of ``old``."""
    @staticmethod
    def for_stream_close(trailer: Trailer, time: _Time) -> EntryDraft:
        """Logs a stream's close (action ``create``, subject the stream id, digest the trailer
        digest, metadata ``bytes(trailer)``). Raises InvalidArgument for a session trailer."""
    @staticmethod
    def for_session_close(trailer: Trailer, time: _Time) -> EntryDraft:
        """Logs a session's close (action ``create``, subject the session id, digest the
        trailer digest, metadata ``bytes(trailer)``). Raises InvalidArgument for a stream
        trailer."""
    @staticmethod
    def for_session_progress(trailer: Trailer, time: _Time) -> EntryDraft:
        """Logs a session's progress anchor (action ``update``, subject the session id,
        digest the trailer digest, metadata ``bytes(trailer)``). Raises InvalidArgument for a
        stream trailer."""
    @staticmethod
    def for_session_catch_up(
        old: SessionHeader, new: SessionHeader, time: _Time
    ) -> EntryDraft:
        """Logs a session's catch-up (action ``update``, subject the session id, digest the
        new header digest, metadata the old and new header digests and, for a re-wrap, the
        carried trailer's digest: 96 bytes, else 64). Raises InvalidArgument if ``new`` is
        not a catch-up of ``old``."""
    @staticmethod
    def for_stream_catch_up(old: StreamInfo, new: StreamInfo, time: _Time) -> EntryDraft:
        """Logs a stream's catch-up (action ``update``, subject the stream id, digest the new
        header digest, metadata the old and new header digests and, for a re-wrap, the
        carried trailer's digest: 96 bytes, else 64). Raises InvalidArgument if ``new`` is not
        a catch-up of ``old`` (for a re-wrap: its trailer is not the old stream's)."""
    @staticmethod
    def for_strip(old: SealedRecord, new: SealedRecord, time: _Time) -> EntryDraft:
        """Logs a record's strip (action ``update``, metadata the old record's digest and the
        hop counts). Raises InvalidArgument unless ``new`` is ``old`` with fewer hops."""
    @staticmethod
    def from_bytes(data: _BytesLike) -> "Entry": ...
    def __bytes__(self) -> bytes: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "Entry"], Tuple[bytes]]: ...
    @property
    def sequence(self) -> int: ...
    @property
    def prev(self) -> bytes: ...
    @property
    def time(self) -> int: ...
    @property
    def actor(self) -> BlsPublicKey: ...
    @property
    def action(self) -> str:
        """``create``, ``update``, ``read``, ``share``, ``re-encrypt``, ``grant``, ``revoke``..."""
    @property
    def action_code(self) -> int: ...
    def signed_message(self) -> bytes:
        """The exact bytes the actor signed."""
    @property
    def subject(self) -> bytes: ...
    @property
    def digest(self) -> bytes: ...
    @property
    def metadata(self) -> bytes: ...
    @property
    def signature(self) -> BlsSignature: ...
    @property
    def hash(self) -> bytes: ...
    @property
    def leaf_hash(self) -> bytes: ...
    def verify_signature(self) -> None:
        """Raises VerificationFailed unless the actor's signature is valid."""

@final
class InclusionProof:
    """A Merkle audit path."""

    def __new__(cls, index: int, size: int, path: Sequence[_BytesLike]) -> "InclusionProof": ...
    @property
    def index(self) -> int: ...
    @property
    def size(self) -> int: ...
    @property
    def path(self) -> List[bytes]: ...
    def verify(self, leaf_hash: _BytesLike, root: _BytesLike) -> None:
        """Raises VerificationFailed unless ``leaf_hash`` is at ``index`` under ``root``."""
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Checkpoint:
    """A signed checkpoint (C2SP signed note)."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "Checkpoint": ...
    @staticmethod
    def from_note(note: str) -> "Checkpoint": ...
    @staticmethod
    def sign(origin: str, size: int, root: _BytesLike, log_key: BlsSigningKey) -> "Checkpoint":
        """Signs ``(origin, size, root)``; raises InvalidArgument for a bad origin."""
    def to_note(self) -> str: ...
    def note_text(self) -> str:
        """The note body the signatures cover."""
    @property
    def extensions(self) -> List[str]: ...
    @property
    def signatures(self) -> List["NoteSignature"]: ...
    def __bytes__(self) -> bytes: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "Checkpoint"], Tuple[bytes]]: ...
    @property
    def origin(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def root(self) -> bytes: ...
    def verify(self, log_key: BlsPublicKey) -> None: ...

@final
class ProofFile:
    """A receipt (checkpoint + entry + audit path), verifiable offline."""

    @staticmethod
    def from_bytes(data: _BytesLike) -> "ProofFile": ...
    def __new__(cls, checkpoint: Checkpoint, entry: Entry, proof: InclusionProof) -> "ProofFile":
        """Raises InvalidArgument unless the proof is for the entry at the checkpoint's size."""
    @staticmethod
    def from_text(text: str) -> "ProofFile": ...
    def to_text(self) -> str: ...
    @staticmethod
    def from_tlog_proof(text: str) -> "ProofFile": ...
    def to_tlog_proof(self) -> str:
        """The C2SP tlog-proof v1 text."""
    @property
    def proof(self) -> InclusionProof: ...
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "ProofFile"], Tuple[bytes]]: ...
    @property
    def checkpoint(self) -> Checkpoint: ...
    @property
    def entry(self) -> Entry: ...
    def verify(self, log_key: BlsPublicKey) -> Entry:
        """Returns the entry, or raises VerificationFailed."""

@final
class Chain:
    """The proof chain, in memory (``Chain()``) or in a file (``Chain.open_file(path)``).

    Safe to share between threads (calls are serialised by a lock inside). A context manager
    (``with Chain.open_file(path) as chain:`` closes it, releasing the file), iterable (its
    entries in order) and indexable (``chain[-1]``; IndexError out of range)."""

    def __new__(cls) -> "Chain": ...
    @staticmethod
    def open_file(path: Union[str, "os.PathLike[str]"], read_only: bool = False) -> "Chain":
        """Opens (or creates, unless ``read_only``) the chain file; raises InvalidEncoding
        (``.kind`` ``"wrong_type"`` or ``"unsupported_version"``) for a file that is not a chain
        store of this version (it is never modified), ChainError for a damaged store, or with
        ``.kind == "locked"`` if another writer (this process or another) has it open: one
        writer per file, until it is closed or garbage-collected."""
    @staticmethod
    def from_records(records: Sequence[_BytesLike]) -> "Chain":
        """A chain in memory over store records (entry encodings, in order); raises
        ChainError for a record that is not the entry expected there."""
    @property
    def recovery(self) -> Optional["Recovery"]:
        """What opening the file found; None in memory."""
    def verify_consent(
        self, token: "ConsentToken", issuer: "BlsPublicKey", now: _Time
    ) -> "VerifiedConsent":
        """Verifies ``token`` as :meth:`ConsentToken.verify` does, with the revocations logged
        in this chain; raises as ``verify``, and VerificationFailed for a revoke entry with a
        bad signature."""
    def root_at(self, size: int) -> bytes: ...
    def append(self, entry: Entry) -> int:
        """Appends an entry signed elsewhere (``EntryDraft.sign``); returns its index. Raises
        InvalidArgument for a wrong position or link, VerificationFailed for a bad signature."""
    def prove_inclusion_at(self, index: int, size: int) -> InclusionProof: ...
    def prove_consistency(self, old_size: int) -> "ConsistencyProof": ...
    def prove_consistency_between(self, old_size: int, new_size: int) -> "ConsistencyProof": ...
    def __len__(self) -> int: ...
    def __repr__(self) -> str: ...
    def __getitem__(self, index: int, /) -> Entry: ...
    def __iter__(self) -> Iterator[Entry]: ...
    def close(self) -> None:
        """Closes the chain (a file chain releases its file); later calls raise InvalidArgument."""
    def __enter__(self) -> "Chain": ...
    def __exit__(self, *exc: object) -> bool: ...
    @property
    def root(self) -> bytes: ...
    @property
    def last_hash(self) -> bytes: ...
    def entry(self, index: int) -> Entry: ...
    def sign_and_append(self, draft: EntryDraft, actor: BlsSigningKey) -> int: ...
    def prove_inclusion(self, index: int) -> InclusionProof: ...
    def checkpoint(self, log_key: BlsSigningKey, origin: str) -> Checkpoint: ...
    def proof_file(self, index: int, checkpoint: Checkpoint) -> ProofFile: ...
    def verify_all(
        self, checkpoint: Optional[Checkpoint] = None, log_key: Optional[BlsPublicKey] = None
    ) -> None:
        """Raises ChainError (with ``.index``) naming the first fault."""

@final
class ConsistencyProof:
    """An RFC 6962 consistency proof: comparable, hashable, picklable."""

    def __new__(cls, old_size: int, new_size: int, path: Sequence[_BytesLike]) -> "ConsistencyProof": ...
    @staticmethod
    def from_bytes(data: _BytesLike) -> "ConsistencyProof": ...
    def __bytes__(self) -> bytes: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "ConsistencyProof"], Tuple[bytes]]: ...
    @property
    def old_size(self) -> int: ...
    @property
    def new_size(self) -> int: ...
    @property
    def path(self) -> List[bytes]: ...
    def verify(self, old_root: _BytesLike, new_root: _BytesLike) -> None:
        """Raises VerificationFailed unless the old tree is a prefix of the new one."""

@final
class NoteSignature:
    """One signature line of a checkpoint note."""

    @property
    def key_name(self) -> str: ...
    @property
    def key_id(self) -> bytes: ...
    @property
    def signature(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Recovery:
    """What opening a chain file found and did."""

    @property
    def records(self) -> int: ...
    @property
    def kept_bytes(self) -> int: ...
    @property
    def dropped_bytes(self) -> int: ...
    @property
    def damaged(self) -> bool: ...
    @property
    def saved_to(self) -> Optional[str]: ...
    @property
    def is_clean(self) -> bool: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

def verify_inclusion(leaf_hash: _BytesLike, index: int, size: int, path: Sequence[_BytesLike], root: _BytesLike) -> None:
    """Raises VerificationFailed unless ``path`` proves ``leaf_hash`` at ``index`` under ``root``."""

def verify_consistency(
    old_size: int, new_size: int, old_root: _BytesLike, new_root: _BytesLike, path: Sequence[_BytesLike]
) -> None:
    """Raises VerificationFailed unless ``path`` proves the old tree a prefix of the new one."""

def key_id(key_name: str, key: BlsPublicKey) -> bytes:
    """The 4-byte key id of a log key under ``key_name``."""

def leaf_hash(data: _BytesLike) -> bytes:
    """``SHA-256(0x00 || data)``: the RFC 6962 hash of a leaf."""

def node_hash(left: _BytesLike, right: _BytesLike) -> bytes:
    """``SHA-256(0x01 || left || right)``: the RFC 6962 hash of an inner node."""

@final
class MerkleTree:
    """An RFC 6962 Merkle tree of leaf hashes."""

    def __new__(cls) -> "MerkleTree": ...
    def __len__(self) -> int: ...
    def __repr__(self) -> str: ...
    def push(self, leaf_hash: _BytesLike) -> int:
        """Appends a leaf hash; returns its index."""
    def leaf(self, index: int) -> bytes: ...
    @property
    def root(self) -> bytes: ...
    def root_at(self, size: int) -> bytes: ...
    def inclusion_proof(self, index: int, size: int) -> InclusionProof: ...
    def consistency_proof(self, old_size: int, new_size: int) -> ConsistencyProof: ...
