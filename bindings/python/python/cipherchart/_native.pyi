"""The native module (Rust, pyo3). Import from :mod:`cipherchart` instead."""

from typing import Callable, List, Optional, Sequence, Tuple, final

__all__ = ["Policy", "__version__"]

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
