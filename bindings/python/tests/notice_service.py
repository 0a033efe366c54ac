"""The notice service of tests/revocation/common.rs, shared by the catch-up tests: it keeps the
authority's bumped names, signs a notice per change (serial = issue time, one second apart) and
verifies each against the one before, as a sealer does. Not a test module."""

from __future__ import annotations

import struct
from typing import Dict, Optional

from cipherchart import Authority, BlsSigningKey, VerifiedNotice, VersionNotice

T0 = 1_800_000_000


class NoticeService:
    """Keeps the authority's bumped names, signs a notice per change (serial = issue time, one
    second apart) and verifies it as a sealer does (tests/revocation/common.rs)."""

    def __init__(self, authority: Authority) -> None:
        self.key = BlsSigningKey.generate()
        self.authority = authority.public_key.id
        self.now = T0
        self.bump_count = 0
        self.versions: Dict[str, int] = {}
        self.last: Optional[VerifiedNotice] = None

    def current(self) -> VerifiedNotice:
        """A fresh notice at the current versions, verified against the previous one."""
        self.now += 1
        head = bytes(32) if self.bump_count == 0 else b"\xbb" * 24 + struct.pack(">Q", self.bump_count)
        notice = VersionNotice.sign(
            self.key,
            authority=self.authority,
            statement_serial=0,
            serial=self.now,
            issued_at=self.now,
            not_after=self.now + 3600,
            bump_count=self.bump_count,
            bump_head=head,
            versions=sorted(self.versions.items()),
        )
        self.last = notice.verify(self.key.public_key, self.now, self.last)
        return self.last

    def bump(self, *names: str) -> VerifiedNotice:
        """One bump raising each of `names` by one, and the notice that reflects it."""
        self.bump_count += 1
        for n in names:
            self.versions[n] = self.versions.get(n, 0) + 1
        return self.current()
