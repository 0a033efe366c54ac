"""The native module (Rust, pyo3). Import from :mod:`cipherchart` instead."""

import os
from typing import Callable, List, Optional, Protocol, Sequence, Tuple, Union, final

from cipherchart.errors import CipherchartError

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
    "Grant",
    "Narrowing",
    "ConsentToken",
    "VerifiedConsent",
    "RevocationSet",
    "reencrypt_with_consent",
    "reencrypt_batch_with_consent",
    "Chain",
    "EntryDraft",
    "Entry",
    "InclusionProof",
    "Checkpoint",
    "ProofFile",
    "seal",
    "seal_stream",
    "read_stream_info",
    "start_session",
    "fast_aggregate_verify",
    "aggregate_verify",
    "batch_verify",
    "batch_find_invalid",
]

__version__: str

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
    def from_bytes(data: bytes) -> "Policy":
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
    def from_bytes(data: bytes) -> "PublicKey":
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
    def export_master_key_dangerous(self) -> bytes:
        """The master secret key (with the public key). Whoever holds it can issue any key."""
    @staticmethod
    def import_master_key_dangerous(data: bytes) -> "Authority":
        """The inverse of ``export_master_key_dangerous``."""
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "Authority"], Tuple[bytes]]: ...

@final
class UserKey:
    """A user's decryption key. Secret: no equality; ``bytes(key)`` and pickling export it."""

    @staticmethod
    def from_bytes(data: bytes) -> "UserKey":
        """Decodes ``bytes(user_key)``; raises InvalidEncoding otherwise."""
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "UserKey"], Tuple[bytes]]: ...
    @property
    def attributes(self) -> List[str]:
        """The key's attributes, canonical and sorted."""
    def has_attribute(self, attribute: str) -> bool:
        """Whether the key holds ``attribute``."""
    def open(self, public_key: PublicKey, record: "SealedRecord") -> bytes:
        """Opens a record; raises PolicyNotSatisfied or DecryptionFailed."""
    def open_stream(self, public_key: PublicKey, input: _Reader, output: _Writer) -> "StreamInfo":
        """Opens a stream from ``input`` into ``output``; on error discard what was written."""
    def open_session(self, public_key: PublicKey, header: "SessionHeader") -> "SessionOpener":
        """Opens a session header; raises PolicyNotSatisfied or DecryptionFailed."""
    def rekey(self, public_key: PublicKey, attributes: Sequence[str], policy: Policy) -> "ReKey":
        """A re-encryption key from ``attributes`` (held by this key) to ``policy``'s audience."""

@final
class SealedRecord:
    """A sealed (possibly re-encrypted) record: public, comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: bytes) -> "SealedRecord":
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
    def header_digest(self) -> bytes:
        """The 32-byte digest of the record's header."""
    @property
    def hop_count(self) -> int:
        """How many times the record has been re-encrypted."""

@final
class ReKey:
    """A re-encryption key. Secret: no equality; ``bytes(rekey)`` and pickling export it."""

    @staticmethod
    def from_bytes(data: bytes) -> "ReKey":
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
    def can_reencrypt(self, record: SealedRecord) -> bool:
        """Whether the delegated attributes satisfy the record's newest layer."""
    def reencrypt(self, record: SealedRecord) -> SealedRecord:
        """Adds a layer for the target audience; raises PolicyNotSatisfied, LimitExceeded..."""
    def reencrypt_batch(
        self, records: Sequence[SealedRecord]
    ) -> List[Union[SealedRecord, CipherchartError]]:
        """One entry per record, in order: the new record, or the (unraised) exception."""

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
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class SessionHeader:
    """The public header of a session: comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: bytes) -> "SessionHeader": ...
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

@final
class SessionRecord:
    """One record of a session: comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: bytes) -> "SessionRecord": ...
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

    def seal(self, metadata: bytes, payload: bytes) -> SessionRecord: ...
    @property
    def next_sequence(self) -> int: ...
    def __repr__(self) -> str: ...

@final
class SessionOpener:
    """Opens the records of a session. Secret: no equality, not picklable."""

    def open(self, record: SessionRecord) -> bytes:
        """Raises DecryptionFailed for a tampered record or one of another session."""
    def __repr__(self) -> str: ...

@final
class SigningKey:
    """A BLS signing key. Secret: no equality; pickling exports it."""

    @staticmethod
    def generate() -> "SigningKey": ...
    @staticmethod
    def from_ikm(ikm: bytes, key_info: bytes = ...) -> "SigningKey":
        """KeyGen from at least 32 bytes of keying material."""
    @staticmethod
    def from_bytes(data: bytes) -> "SigningKey": ...
    def to_bytes_dangerous(self) -> bytes:
        """The 32-byte secret scalar."""
    @property
    def public_key(self) -> "BlsPublicKey": ...
    def sign(self, message: bytes) -> "Signature": ...
    def prove_possession(self) -> "Signature": ...
    def __repr__(self) -> str: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "SigningKey"], Tuple[bytes]]: ...

@final
class BlsPublicKey:
    """A BLS public key (48 bytes): comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: bytes) -> "BlsPublicKey": ...
    @staticmethod
    def aggregate(keys: Sequence["BlsPublicKey"]) -> "BlsPublicKey": ...
    def verify(self, message: bytes, signature: "Signature") -> None:
        """Raises VerificationFailed unless ``signature`` is valid on ``message``."""
    def verify_possession(self, proof: "Signature") -> None: ...
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "BlsPublicKey"], Tuple[bytes]]: ...

@final
class Signature:
    """A BLS signature (96 bytes): comparable, hashable, picklable."""

    @staticmethod
    def from_bytes(data: bytes) -> "Signature": ...
    @staticmethod
    def aggregate(signatures: Sequence["Signature"]) -> "Signature": ...
    def __bytes__(self) -> bytes: ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Callable[[bytes], "Signature"], Tuple[bytes]]: ...

def seal(
    public_key: PublicKey, policy: Policy, record_id: bytes, metadata: bytes, payload: bytes
) -> SealedRecord:
    """Seals ``payload`` under ``policy``; raises InvalidArgument for oversized inputs."""

def seal_stream(
    public_key: PublicKey,
    policy: Policy,
    stream_id: bytes,
    metadata: bytes,
    input: _Reader,
    output: _Writer,
    chunk_size: Optional[int] = None,
) -> int:
    """Seals everything ``input`` yields into ``output``; returns the plaintext length."""

def read_stream_info(input: _Reader) -> StreamInfo:
    """Reads only the public header of a stream."""

def start_session(
    public_key: PublicKey, policy: Policy, session_id: bytes, metadata: bytes
) -> Tuple[SessionHeader, SessionSealer]:
    """Starts a session: its public header and a sealer for its records."""

def fast_aggregate_verify(
    public_keys: Sequence[BlsPublicKey], message: bytes, signature: Signature
) -> None:
    """One aggregate signature by many keys on one message; raises VerificationFailed."""

def aggregate_verify(pairs: Sequence[Tuple[BlsPublicKey, bytes]], signature: Signature) -> None:
    """One aggregate signature over distinct (key, message) pairs; raises VerificationFailed."""

def batch_verify(items: Sequence[Tuple[BlsPublicKey, bytes, Signature]]) -> None:
    """Many (key, message, signature) triples at once; raises VerificationFailed."""

def batch_find_invalid(items: Sequence[Tuple[BlsPublicKey, bytes, Signature]]) -> List[int]:
    """The indices of the triples that do not verify (ascending)."""

@final
class Grant:
    """What a patient grants: the authority block of a consent token."""

    def __new__(
        cls,
        subject: str,
        grantee: Union[Policy, BlsPublicKey],
        window: Tuple[int, int],
        *,
        records: Optional[Sequence[str]] = None,
        categories: Optional[Sequence[str]] = None,
        purposes: Optional[Sequence[str]] = None,
        rekey: Optional[ReKey] = None,
        holder: Optional[BlsPublicKey] = None,
    ) -> "Grant":
        """``window`` is ``(not_before, expiry)`` in seconds; raises InvalidArgument unless
        ``not_before < expiry``."""
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
        purposes: Optional[Sequence[str]] = None,
        window: Optional[Tuple[int, int]] = None,
        holder: Optional[BlsPublicKey] = None,
    ) -> "Narrowing": ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class ConsentToken:
    """A signed, attenuable consent token: public, comparable, hashable, picklable."""

    @staticmethod
    def issue(issuer: SigningKey, grant: Grant) -> "ConsentToken": ...
    def attenuate(self, holder: SigningKey, narrowing: Narrowing) -> "ConsentToken":
        """Raises ConsentError if ``holder`` is not the named holder or the block widens."""
    def present(self, holder: SigningKey) -> "ConsentToken": ...
    def verify(
        self, issuer: BlsPublicKey, now: int, revoked: Optional["RevocationSet"] = None
    ) -> "VerifiedConsent":
        """Raises ConsentError (expired, revoked, ...) or VerificationFailed."""
    def to_text(self) -> str: ...
    @staticmethod
    def from_text(text: str) -> "ConsentToken": ...
    @staticmethod
    def from_bytes(data: bytes) -> "ConsentToken": ...
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
    def grant_entry(self, time: int) -> "EntryDraft":
        """The chain entry logging this token's issue."""
    def revoke_entry(self, time: int) -> "EntryDraft":
        """The chain entry revoking this token (subject: its last block's revocation id)."""
    def revocation_ids(self) -> List[bytes]: ...

@final
class VerifiedConsent:
    """A verified token: the only value ``reencrypt_with_consent`` accepts."""

    def permits(self, record_id: bytes, category: str, purpose: str) -> bool: ...
    @property
    def subject(self) -> str: ...
    @property
    def issuer(self) -> BlsPublicKey: ...
    @property
    def purposes(self) -> List[str]: ...
    @property
    def window(self) -> Tuple[int, int]: ...
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
    def insert(self, revocation_id: bytes) -> bool: ...
    def __contains__(self, key: bytes, /) -> bool: ...
    def __len__(self) -> int: ...
    def __repr__(self) -> str: ...

def reencrypt_with_consent(
    consent: VerifiedConsent, rekey: ReKey, record: SealedRecord, category: str, purpose: str
) -> SealedRecord:
    """Re-encrypts only what the consent covers; raises ConsentError otherwise."""

def reencrypt_batch_with_consent(
    consent: VerifiedConsent,
    rekey: ReKey,
    records: Sequence[Tuple[SealedRecord, str]],
    purpose: str,
) -> List[Union[SealedRecord, CipherchartError]]:
    """One entry per ``(record, category)``: the new record or the (unraised) exception."""

@final
class EntryDraft:
    """An unsigned chain entry."""

    def with_metadata(self, metadata: bytes) -> "EntryDraft": ...
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Entry:
    """A signed chain entry: comparable (by bytes), hashable, picklable."""

    @staticmethod
    def for_seal(record: SealedRecord, time: int) -> EntryDraft:
        """Logs sealing ``record`` (action ``create``, digest SHA-256 of ``bytes(record)``)."""
    @staticmethod
    def for_reencrypt(record: SealedRecord, grant_id: bytes, time: int) -> EntryDraft:
        """Logs a re-encryption whose result is ``record`` (``grant_id``: 16 bytes)."""
    @staticmethod
    def from_bytes(data: bytes) -> "Entry": ...
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
    def subject(self) -> bytes: ...
    @property
    def digest(self) -> bytes: ...
    @property
    def metadata(self) -> bytes: ...
    @property
    def signature(self) -> Signature: ...
    @property
    def hash(self) -> bytes: ...
    @property
    def leaf_hash(self) -> bytes: ...
    def verify_signature(self) -> None:
        """Raises VerificationFailed unless the actor's signature is valid."""

@final
class InclusionProof:
    """A Merkle audit path."""

    @property
    def index(self) -> int: ...
    @property
    def size(self) -> int: ...
    @property
    def path(self) -> List[bytes]: ...
    def verify(self, leaf_hash: bytes, root: bytes) -> None:
        """Raises VerificationFailed unless ``leaf_hash`` is at ``index`` under ``root``."""
    def __repr__(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Checkpoint:
    """A signed checkpoint (C2SP signed note)."""

    @staticmethod
    def from_bytes(data: bytes) -> "Checkpoint": ...
    @staticmethod
    def from_note(note: str) -> "Checkpoint": ...
    def to_note(self) -> str: ...
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
    def from_bytes(data: bytes) -> "ProofFile": ...
    @staticmethod
    def from_text(text: str) -> "ProofFile": ...
    def to_text(self) -> str: ...
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
    """The proof chain, in memory (``Chain()``) or in a file (``Chain.open_file(path)``)."""

    def __new__(cls) -> "Chain": ...
    @staticmethod
    def open_file(path: Union[str, "os.PathLike[str]"]) -> "Chain":
        """Opens (or creates) the chain file; raises ChainError for a damaged one."""
    def __len__(self) -> int: ...
    def __repr__(self) -> str: ...
    @property
    def root(self) -> bytes: ...
    @property
    def last_hash(self) -> bytes: ...
    def entry(self, index: int) -> Entry: ...
    def sign_and_append(self, draft: EntryDraft, actor: SigningKey) -> int: ...
    def prove_inclusion(self, index: int) -> InclusionProof: ...
    def checkpoint(self, log_key: SigningKey, origin: str) -> Checkpoint: ...
    def proof_file(self, index: int, checkpoint: Checkpoint) -> ProofFile: ...
    def verify_all(
        self, checkpoint: Optional[Checkpoint] = None, log_key: Optional[BlsPublicKey] = None
    ) -> None:
        """Raises ChainError (with ``.index``) naming the first fault."""
