"""Second outside review of format v3 re-encryption, through the Python binding (attacks).

Each test is one attack, from the docs (``docs/formats.md`` "Re-encryption key v3", "Hop v3";
``docs/revocation.md`` §0.1 steps 4-5, §0.5; ``docs/federation.md`` §7) and the public API
(``_native.pyi``) only: the attack, the safe behaviour expected, and the doc sentence relied
on. An attack that succeeds is a finding: its test asserts the safe behaviour and is marked
``xfail(strict=True)`` with its id (``finding HB-n``) until fixed; the others stay as regression tests.
HB-1, HB-4 and HB-5 are fixed: their tests now pass.
"""

from __future__ import annotations

import array
import hashlib
import pickle
import subprocess
import sys
import textwrap
from functools import partial
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import pytest

import cipherchart
from cipherchart import (
    Authority,
    BlsPublicKey,
    BlsSigningKey,
    DelegationKey,
    Policy,
    PublicKey,
    ReKey,
    SealedRecord,
    UserKey,
    VerifiedNotice,
    VersionNotice,
    seal,
    seal_with_notice,
)

T0 = 1_800_000_000
GRANT_ID_DST = b"CIPHERCHART-V01-GRANT-ID-with-SHA256"


class NoticeService:
    """An authority's notice service: its notice key, the bumped names with their versions,
    each notice verified against the one before (as tests/revocation/common.rs)."""

    def __init__(self, authority: Authority, key: Optional[BlsSigningKey] = None) -> None:
        self.key = key if key is not None else BlsSigningKey.generate()
        self.authority = authority.public_key.id
        self.now = T0
        self.bump_count = 0
        self.versions: Dict[str, int] = {}
        self.last: Optional[VerifiedNotice] = None

    def sign(
        self,
        serial: Optional[int] = None,
        versions: Optional[Dict[str, int]] = None,
        bump_count: Optional[int] = None,
    ) -> VersionNotice:
        """A signed notice (not verified); by default the next one at the current versions."""
        self.now += 1
        count = self.bump_count if bump_count is None else bump_count
        head = bytes(32) if count == 0 else bytes([0xBB]) * 24 + count.to_bytes(8, "big")
        at = self.now if serial is None else serial
        return VersionNotice.sign(
            self.key,
            authority=self.authority,
            statement_serial=0,
            serial=at,
            issued_at=at,
            not_after=at + 3600,
            bump_count=count,
            bump_head=head,
            versions=sorted((self.versions if versions is None else versions).items()),
        )

    def current(self) -> VerifiedNotice:
        notice = self.sign()
        self.last = notice.verify(self.key.public_key, self.now, self.last)
        return self.last

    def bump(self, names: Sequence[str]) -> VerifiedNotice:
        self.bump_count += 1
        for n in names:
            self.versions[n] = self.versions.get(n, 0) + 1
        return self.current()


def consent() -> BlsPublicKey:
    return BlsSigningKey.generate().public_key



def rekey(
    authority: Authority,
    source: VerifiedNotice,
    attributes: Sequence[str],
    target: PublicKey,
    target_notice: VerifiedNotice,
    to: str,
    parent: Optional[bytes] = None,
) -> ReKey:
    delegation = authority.issue_delegation_key_under(source, attributes, consent())
    return delegation.rekey_under(target, target_notice, Policy(to), parent)


def raises(cls: type, call: Callable[[], object], code: str) -> cipherchart.CipherchartError:
    """``call`` must raise exactly ``cls`` with ``code`` (never another exception type)."""
    with pytest.raises(cipherchart.CipherchartError) as info:
        call()
    assert type(info.value) is cls, repr(info.value)
    assert info.value.code == code
    return info.value


def is_consumed(delegation: DelegationKey) -> bool:
    return repr(delegation) == "DelegationKey(<used>)"


# ---------------------------------------------------------------------------------------------
# Refusals never consume or corrupt the secret.


def test_every_refusal_leaves_the_delegation_key_byte_for_byte_and_working() -> None:
    # Attack: hit one versioned delegation key with every refusal rekey_under, rekey and
    # rekey_to have (another authority's notice, a target not the notice's authority, the
    # guard alone or inside a gate, parents of every wrong length and type, the versioned key
    # to rekey/rekey_to, another authority's key to rekey), hoping one takes the key out and
    # fails after, or leaves it half-used.
    # Safe: each raises its documented class and code, the key's bytes and key id are
    # unchanged after every one, and the key still makes a re-key whose hop opens for the
    # audience (and only for it).
    # Doc: _native.pyi DelegationKey "rekey, rekey_to or rekey_under consumes it (a refused
    # call does not)"; rekey_under "Raises WrongAuthority ..., InvalidAttribute, or
    # InvalidEncoding (parent not 48 bytes), each without consuming it".
    authority, other = Authority.setup(), Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n = service.bump(["patient:42", "role:gp"])
    foreign = NoticeService(other).current()
    record = seal_with_notice(pk, n, Policy("patient:42"), b"r", b"m", b"chart")
    d = authority.issue_delegation_key_under(n, ["patient:42"], consent())
    before, key_id = bytes(d), d.key_id
    gp = Policy("role:gp")
    refusals: List[Tuple[Callable[[], object], type, str]] = [
        (lambda: d.rekey_under(pk, foreign, gp), cipherchart.WrongAuthority, "wrong_authority"),
        (lambda: d.rekey_under(other.public_key, n, gp), cipherchart.WrongAuthority, "wrong_authority"),
        (lambda: d.rekey_under(pk, n, Policy("cipherchart:key-holder")), cipherchart.InvalidAttribute,
         "invalid_attribute"),
        (lambda: d.rekey_under(pk, n, Policy("role:gp or cipherchart:key-holder")), cipherchart.InvalidAttribute,
         "invalid_attribute"),
        (lambda: d.rekey(pk, gp), cipherchart.InvalidArgument, "invalid_argument"),
        (lambda: d.rekey_to(other.public_key, gp), cipherchart.InvalidArgument, "invalid_argument"),
        (lambda: d.rekey(other.public_key, gp), cipherchart.WrongAuthority, "wrong_authority"),
        (lambda: d.rekey_to(pk, Policy("cipherchart:key-holder")), cipherchart.InvalidAttribute,
         "invalid_attribute"),
    ]
    for length in (0, 1, 16, 32, 47, 49, 64, 4096):
        refusals.append((partial(d.rekey_under, pk, n, gp, bytes(length)), cipherchart.InvalidEncoding,
                         "invalid_encoding"))
    bad_parents: List[Any] = ["a" * 48, 48, list(range(48)), array.array("B", bytes(48)), pk, n, object()]
    for bad in bad_parents:
        refusals.append((partial(d.rekey_under, pk, n, gp, bad), cipherchart.InvalidArgument, "invalid_argument"))
    for call, cls, code in refusals:
        raises(cls, call, code)
        assert not is_consumed(d)
        assert bytes(d) == before and d.key_id == key_id
    rk = d.rekey_under(pk, n, gp)
    assert is_consumed(d) and rk.delegation_key_id == key_id
    shared = rk.reencrypt(record)
    assert authority.issue_key_under(n, ["role:gp"]).open(pk, shared) == b"chart"
    raises(cipherchart.PolicyNotSatisfied, lambda: authority.issue_key_under(n, ["role:nurse"]).open(pk, shared),
           "policy_not_satisfied")


def test_an_unversioned_key_survives_the_v3_refusals_and_still_makes_a_v2_rekey() -> None:
    # Attack: refusals of rekey_under on an unversioned key (from issue_delegation_key), then
    # the v2 path: a v3 refusal must not have turned the key into something rekey refuses.
    # Safe: every refusal leaves it as it was; rekey then makes a v2 re-key (is_v3 False).
    # Doc: _native.pyi DelegationKey; formats.md "A v3 delegation key makes only format v3
    # re-keys" (an unversioned one makes either).
    authority, other = Authority.setup(), Authority.setup()
    pk = authority.public_key
    n = NoticeService(authority).current()
    d = authority.issue_delegation_key(["patient:42"], consent())
    before = bytes(d)
    raises(cipherchart.WrongAuthority, lambda: d.rekey_under(pk, NoticeService(other).current(), Policy("role:gp")),
           "wrong_authority")
    raises(cipherchart.InvalidEncoding, lambda: d.rekey_under(pk, n, Policy("role:gp"), bytes(47)), "invalid_encoding")
    raises(cipherchart.InvalidAttribute, lambda: d.rekey_under(pk, n, Policy("cipherchart:key-holder")),
           "invalid_attribute")
    assert bytes(d) == before
    v2 = d.rekey(pk, Policy("role:gp"))
    assert not v2.is_v3 and v2.delegation_key_id is None and v2.parent is None
    shared = v2.reencrypt(seal(pk, Policy("patient:42"), b"r", b"", b"x"))
    assert authority.issue_key(["role:gp"]).open(pk, shared) == b"x"


def test_a_consumed_key_refuses_every_read_and_export_with_invalid_argument() -> None:
    # Attack: read the secret or its id out of a consumed key (key_id, bytes, pickle, the
    # getters) or use it again through each re-key method.
    # Safe: InvalidArgument (code invalid_argument) from each, never a value or another class;
    # repr says it was used.
    # Doc: _native.pyi DelegationKey.rekey "consumes this key (a second call raises
    # InvalidArgument)"; d.ts keyId "Throws InvalidArgument once consumed".
    authority = Authority.setup()
    pk = authority.public_key
    n = NoticeService(authority).current()
    d = authority.issue_delegation_key_under(n, ["patient:42"], consent())
    d.rekey_under(pk, n, Policy("role:gp"))
    calls: List[Callable[[], object]] = [
        lambda: d.key_id,
        lambda: bytes(d),
        lambda: pickle.dumps(d),
        lambda: d.attributes,
        lambda: d.delegator,
        lambda: d.authority,
        lambda: d.rekey(pk, Policy("role:gp")),
        lambda: d.rekey_to(pk, Policy("role:gp")),
        lambda: d.rekey_under(pk, n, Policy("role:gp")),
        lambda: d.to_key_file("pass phrase"),
    ]
    for call in calls:
        raises(cipherchart.InvalidArgument, call, "invalid_argument")
    assert is_consumed(d)


def test_parent_buffers_are_read_as_their_48_bytes_and_other_types_consume_nothing() -> None:
    # Attack: the parent as a strided memoryview, a memoryview at an offset, a 2-D view, one
    # cast to 4-byte items, a bytearray; then as an array.array, a list of ints, a str.
    # Safe: every buffer is read as the 48 bytes it exposes (the re-key's parent is that
    # grant); the non-buffers are InvalidArgument and the key is still usable.
    # Doc: _native.pyi _BytesLike = bytes | bytearray | memoryview; rekey_under "parent (48
    # bytes, SealedRecord.newest_grant)".
    authority = Authority.setup()
    pk = authority.public_key
    n = NoticeService(authority).current()
    record = seal_with_notice(pk, n, Policy("patient:42"), b"r", b"", b"x")
    hop1 = rekey(authority, n, ["patient:42"], pk, n, "role:gp").reencrypt(record)
    grant = hop1.newest_grant
    assert grant is not None and len(grant) == 48
    views: List[Any] = [
        memoryview(bytes(x for b in grant for x in (b, 0)))[::2],
        memoryview(b"\xee" * 5 + grant)[5:],
        memoryview(grant).cast("B", (6, 8)),
        memoryview(bytearray(grant)).cast("I"),
        bytearray(grant),
    ]
    for view in views:
        rk = authority.issue_delegation_key_under(n, ["role:gp"], consent()).rekey_under(
            pk, n, Policy("role:cardiologist"), view
        )
        assert rk.parent == grant
        assert rk.can_reencrypt(hop1) and not rk.can_reencrypt(record)
    d = authority.issue_delegation_key_under(n, ["role:gp"], consent())
    wrong: List[Any] = [array.array("B", grant), list(grant), grant.hex(), iter(grant)]
    for bad in wrong:
        raises(cipherchart.InvalidArgument, lambda: d.rekey_under(pk, n, Policy("role:x"), bad), "invalid_argument")
    assert not is_consumed(d)


def test_a_rekey_naming_its_own_grant_as_parent_transforms_nothing() -> None:
    # Attack: the grant id is derived from the key id, which is public before the re-key is
    # made; name the re-key's own future grant as its parent (a cycle), hoping it applies to
    # records it already transformed or to any record.
    # Safe: the derivation is as documented, and such a re-key transforms no record (none has
    # a newest hop of a grant that does not exist yet).
    # Doc: formats.md "Re-encryption key v3": grant_id = SHA-256(GRANT-ID ‖ source id ‖
    # delegation_key_id)[..16]; "parent ... the re-key transforms only records whose newest
    # hop is of that grant".
    authority = Authority.setup()
    pk = authority.public_key
    n = NoticeService(authority).bump(["role:gp"])
    d = authority.issue_delegation_key_under(n, ["patient:42"], consent())
    grant_id = hashlib.sha256(GRANT_ID_DST + pk.id + d.key_id).digest()[:16]
    rk = d.rekey_under(pk, n, Policy("role:gp"), pk.id + grant_id)
    assert rk.grant_id == grant_id and rk.parent == rk.grant
    record = seal_with_notice(pk, n, Policy("patient:42"), b"r", b"", b"x")
    hop1 = rekey(authority, n, ["patient:42"], pk, n, "role:gp").reencrypt(record)
    for r in (record, hop1):
        assert not rk.can_reencrypt(r)
        raises(cipherchart.PolicyNotSatisfied, lambda: rk.reencrypt(r), "policy_not_satisfied")


# ---------------------------------------------------------------------------------------------
# Threads.

_RACE_SCRIPT = textwrap.dedent(
    """
    import threading, time
    import cipherchart
    from cipherchart import Authority, BlsSigningKey, Policy, VersionNotice

    def notice(authority, key):
        n = VersionNotice.sign(key, authority=authority.public_key.id, statement_serial=0,
            serial=1_800_000_001, issued_at=1_800_000_001, not_after=1_800_003_601,
            bump_count=1, bump_head=b"\\x01" * 32, versions=[("role:gp", 1)])
        return n.verify(key.public_key, 1_800_000_001)

    a, other = Authority.setup(), Authority.setup()
    pk, n, foreign = a.public_key, notice(a, BlsSigningKey.generate()), notice(other, BlsSigningKey.generate())
    gp, delegator = Policy("role:gp"), BlsSigningKey.generate().public_key

    def spin(calls, seconds=1.0):
        stop = time.monotonic() + seconds
        def loop(call):
            while time.monotonic() < stop:
                try:
                    call()
                except cipherchart.CipherchartError:
                    pass
        threads = [threading.Thread(target=loop, args=(c,), daemon=True) for c in calls]
        for t in threads: t.start()
        for t in threads: t.join()

    # 1. A refused rekey_under in one thread, key_id and repr in others.
    d = a.issue_delegation_key_under(n, ["patient:42"], delegator)
    spin([lambda: d.rekey_under(pk, foreign, gp), lambda: d.key_id, lambda: repr(d)])
    assert d.rekey_under(pk, n, gp).is_v3
    # 2. A consumed key read from two threads.
    spin([lambda: repr(d), lambda: d.key_id])
    # 3. Eight threads race for one grant, five times: exactly one re-key each time.
    for _ in range(5):
        d = a.issue_delegation_key_under(n, ["patient:42"], delegator)
        barrier, out = threading.Barrier(8), []
        def go(i):
            barrier.wait()
            try:
                out.append(d.rekey_under(pk, n if i % 2 else foreign, gp))
            except cipherchart.CipherchartError as e:
                out.append(e)
        threads = [threading.Thread(target=go, args=(i,)) for i in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        assert sum(isinstance(o, cipherchart.ReKey) for o in out) == 1, out
    print("completed")
    """
)


def test_threads_sharing_a_delegation_key_never_hang_and_spend_the_grant_once() -> None:
    # Attack: share one DelegationKey between threads, as the class docstring allows ("Safe to
    # share between threads (an internal lock guards the one-time use)"): one thread's call
    # is refused (another authority's notice) while others read key_id and repr; then a
    # consumed key read from two threads; then eight threads racing for the grant. Run in a
    # child interpreter so that a hang is a failure, not a stuck test run.
    # Safe: every call returns or raises a CipherchartError promptly; exactly one re-key per
    # grant.
    # Doc: _native.pyi DelegationKey "rekey_under consumes it (a refused call does not)";
    # README "Threads: every object can be shared between threads".
    try:
        done = subprocess.run(
            [sys.executable, "-c", _RACE_SCRIPT], capture_output=True, text=True, timeout=30, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the interpreter hung (deadlock) with threads sharing one DelegationKey")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "completed"


def test_check_current_and_strip_from_threads_agree_with_one_thread() -> None:
    # Attack: the re-key, notices and records are frozen objects read from several threads at
    # once (check_current, needs_catch_up, strip_stale_hops, newest_grant), hoping for a torn
    # answer.
    # Safe: every thread gets what one thread gets.
    # Doc: README "Threads: every object can be shared between threads".
    from concurrent.futures import ThreadPoolExecutor

    authority = Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n0 = service.current()
    grant = rekey(authority, n0, ["patient:42"], pk, n0, "role:gp")
    shared = grant.reencrypt(seal_with_notice(pk, n0, Policy("patient:42"), b"r", b"", b"x"))
    n1 = service.bump(["role:gp"])

    def one(i: int) -> Tuple[str, bool, Optional[bytes], Optional[bytes]]:
        notice = (n0, n1)[i % 2]
        try:
            grant.check_current([n0, notice])
            verdict = "ok"
        except cipherchart.CipherchartError as e:
            verdict = e.code
        stripped = shared.strip_stale_hops(notice)
        return verdict, shared.needs_catch_up(notice), None if stripped is None else bytes(stripped), shared.newest_grant

    expected = [one(i) for i in range(2)]
    assert expected[0][0] == "ok" and expected[1][0] == "stale_rekey"
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(one, range(32))) == expected * 16


# ---------------------------------------------------------------------------------------------
# check_current.


def test_check_current_takes_the_newest_notice_whatever_the_order_duplicates_or_foreign_notices() -> None:
    # Attack: hide the bumping notice among duplicates of the older one, before or after it,
    # beside notices of other authorities, in a tuple, a generator, a dict view.
    # Safe: the newest (highest serial) notice of each authority counts: the stale re-key is
    # StaleReKey in every arrangement, the fresh one passes in every arrangement, and a list
    # with only the older notice is FutureVersion for the fresh re-key.
    # Doc: formats.md "of several notices of one authority the one with the highest serial
    # counts"; _native.pyi check_current (Sequence).
    authority, other = Authority.setup(), Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n0 = service.current()
    stale = rekey(authority, n0, ["patient:42"], pk, n0, "role:gp")
    n1 = service.bump(["role:gp"])
    fresh = rekey(authority, n1, ["patient:42"], pk, n1, "role:gp")
    foreign = NoticeService(other).bump(["role:gp"])
    arrangements: List[Sequence[VerifiedNotice]] = [
        [n1], [n0, n1], [n1, n0], [n0, n0, n1, n0], [foreign, n0, n1], [n1, foreign, n0, foreign], [n1] * 1000,
    ]
    for notices in arrangements:
        raises(cipherchart.StaleReKey, lambda: stale.check_current(notices), "stale_rekey")
        fresh.check_current(notices)

    def gen() -> Iterator[VerifiedNotice]:
        yield n0
        yield n1

    raises(cipherchart.StaleReKey, lambda: stale.check_current((n0, n1)), "stale_rekey")
    raises(cipherchart.StaleReKey, lambda: stale.check_current(gen()), "stale_rekey")  # type: ignore[arg-type]
    raises(cipherchart.StaleReKey, lambda: stale.check_current({0: n0, 1: n1}.values()),  # type: ignore[arg-type]
           "stale_rekey")
    fresh.check_current(gen())  # type: ignore[arg-type]
    for older in ([n0], [n0, n0], [foreign, n0]):
        raises(cipherchart.FutureVersion, lambda: fresh.check_current(older), "future_version")
    for missing in ([], [foreign], [foreign, foreign]):
        raises(cipherchart.WrongAuthority, lambda: fresh.check_current(missing), "wrong_authority")
    # An exception raised while iterating the caller's iterable is the caller's, unchanged.

    class Boom(Exception):
        pass

    def failing() -> Iterator[VerifiedNotice]:
        yield n1
        raise Boom("mine")

    with pytest.raises(Boom):
        fresh.check_current(failing())  # type: ignore[arg-type]
    # Not notices: InvalidArgument.
    bad: List[Any] = ["n", b"", [bytes(n1.notice)], [n1.notice], [n1, None], 3, None]
    for b in bad:
        raises(cipherchart.InvalidArgument, lambda: fresh.check_current(b), "invalid_argument")


def test_an_expired_but_verified_notice_still_counts_as_documented() -> None:
    # Attack: pass check_current a notice whose not_after has long passed (verified while it
    # was fresh), hoping it is refused or, worse, that it outranks a newer notice.
    # Safe (documented): a VerifiedNotice does not expire by itself, so it counts by its
    # serial: beside a newer notice it loses; alone it is what the proxy vouches for.
    # Doc: _native.pyi VersionNotice.verify "A VerifiedNotice does not expire by itself:
    # re-verify the newest notice before its not_after and use that one".
    authority = Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n0 = service.current()
    stale = rekey(authority, n0, ["patient:42"], pk, n0, "role:gp")
    n1 = service.bump(["role:gp"])
    assert n0.not_after < n1.issued_at + 10**6
    stale.check_current([n0])
    raises(cipherchart.StaleReKey, lambda: stale.check_current([n0, n1]), "stale_rekey")


def test_two_notices_with_one_serial_never_let_a_stale_rekey_pass_by_their_order() -> None:
    # Attack: two notices of the authority with the same serial, one reflecting the bump of
    # the re-key's target name and one not (an equivocating or restored notice service; each
    # verifies on its own, previous=None), listed in both orders.
    # Safe: the answer does not depend on the order; with a notice at that serial that
    # reflects the bump the re-key is not current (StaleReKey, or a refusal of the ambiguity).
    # Doc: formats.md "of several notices of one authority the one with the highest serial
    # counts" (ties are not addressed); revocation.md §0.1 step 5.
    authority = Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n0 = service.current()
    stale = rekey(authority, n0, ["patient:42"], pk, n0, "role:gp")
    serial = service.now + 10
    bumped = service.sign(serial=serial, versions={"role:gp": 1}, bump_count=1).verify(service.key.public_key, serial)
    plain = service.sign(serial=serial, versions={}, bump_count=0).verify(service.key.public_key, serial)
    assert bumped.serial == plain.serial and bumped.notice.digest != plain.notice.digest
    # verify() itself refuses the second once it knows the first.
    raises(cipherchart.StaleNotice, lambda: plain.notice.verify(service.key.public_key, serial, bumped), "stale_notice")
    outcomes = set()
    for notices in ([bumped, plain], [plain, bumped]):
        try:
            stale.check_current(notices)
            outcomes.add("passed")
        except cipherchart.CipherchartError as e:
            outcomes.add(e.code)
    assert "passed" not in outcomes, outcomes


def test_notices_of_one_authority_under_two_notice_keys_are_not_mixed() -> None:
    # Attack: beside the genuine notice that bumps the target name, a newer notice for the
    # same authority id with no bump, signed by another BLS key and verified under that key
    # (a mis-pinned or attacker-fed notice key).
    # Safe: the mix is refused (InvalidArgument, as VersionNotice.verify refuses a previous
    # verified under another key), or at least the stale re-key does not pass.
    # Doc: _native.pyi VersionNotice.verify "InvalidArgument for a previous verified under
    # another key"; VerifiedNotice.notice_key; revocation.md §0.3 (the verifier pins the key).
    authority = Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n0 = service.current()
    stale = rekey(authority, n0, ["patient:42"], pk, n0, "role:gp")
    n1 = service.bump(["role:gp"])
    mallory = NoticeService(authority)
    mallory.now = n1.serial + 100
    forged = mallory.current()
    assert forged.authority == n1.authority and forged.notice_key != n1.notice_key
    with pytest.raises(cipherchart.CipherchartError):
        stale.check_current([n1, forged])


# ---------------------------------------------------------------------------------------------
# strip_stale_hops and needs_catch_up.


class Chain4:
    """A record of A shared four times: hop 1 within A (gp), hop 2 a referral to B
    (cardiologist), hop 3 within B (surgeon), hop 4 a referral back to A (role:x)."""

    def __init__(self) -> None:
        self.a, self.b = Authority.setup(), Authority.setup()
        self.pa, self.pb = self.a.public_key, self.b.public_key
        self.sa, self.sb = NoticeService(self.a), NoticeService(self.b)
        self.na = self.sa.bump(["role:x"])
        self.nb = self.sb.bump(["role:surgeon"])
        self.record = seal_with_notice(self.pa, self.na, Policy("patient:42"), b"r", b"m", b"chart")
        self.h1 = rekey(self.a, self.na, ["patient:42"], self.pa, self.na, "role:gp").reencrypt(self.record)
        self.h2 = rekey(self.a, self.na, ["role:gp"], self.pb, self.nb, "role:cardiologist",
                        self.h1.newest_grant).reencrypt(self.h1)
        self.h3 = rekey(self.b, self.nb, ["role:cardiologist"], self.pb, self.nb, "role:surgeon",
                        self.h2.newest_grant).reencrypt(self.h2)
        self.h4 = rekey(self.b, self.nb, ["role:surgeon"], self.pa, self.na, "role:x",
                        self.h3.newest_grant).reencrypt(self.h3)
        self.trusted = [self.pa, self.pb]

    def opens(self, key: UserKey, record: SealedRecord) -> bool:
        try:
            return key.open_federated(self.trusted, record) == b"chart"
        except (cipherchart.PolicyNotSatisfied, cipherchart.WrongAuthority):
            return False


def test_strip_removes_exactly_the_hops_from_the_first_stale_one_of_the_notices_authority() -> None:
    # Attack: look for a strip that keeps a stale layer or drops a current one below it, across
    # two authorities that each hold layers (A: 0, 1, 4; B: 2, 3).
    # Safe: the record without its hops from the first stale one of the notice's authority on
    # (the hops below byte for byte, i.e. the earlier stored copy); None when no hop is stale;
    # a stripped copy no longer needs a catch-up by that notice unless layer 0 does; the revoked
    # key opens no stripped copy, the keys of the layers kept still do.
    # Doc: revocation.md §0.1 step 4; _native.pyi strip_stale_hops, needs_catch_up.
    w = Chain4()
    assert w.h4.hop_count == 4
    x_before = w.a.issue_key_under(w.na, ["role:x"])
    assert w.opens(x_before, w.h4)
    # A bumps role:x (hop 4's layer): only hop 4 goes.
    na2 = w.sa.bump(["role:x"])
    assert w.h4.needs_catch_up(na2) and not w.h4.needs_catch_up(w.nb)
    assert w.h4.strip_stale_hops(w.nb) is None
    s = w.h4.strip_stale_hops(na2)
    assert s is not None and bytes(s) == bytes(w.h3) and not s.needs_catch_up(na2)
    assert not w.opens(x_before, s) and w.opens(w.b.issue_key_under(w.nb, ["role:surgeon"]), s)
    # B bumps role:surgeon (hop 3's layer): hops 3 and 4 go, the referral (hop 2) stays.
    nb2 = w.sb.bump(["role:surgeon"])
    s = w.h4.strip_stale_hops(nb2)
    assert s is not None and bytes(s) == bytes(w.h2)
    assert not w.opens(w.b.issue_key_under(w.nb, ["role:surgeon"]), s)
    assert w.opens(w.b.issue_key_under(nb2, ["role:cardiologist"]), s)
    # A bumps role:gp (hop 1's layer): every hop goes, hop 4's current A layer with them.
    na3 = w.sa.bump(["role:gp"])
    s = w.h4.strip_stale_hops(na3)
    assert s is not None and bytes(s) == bytes(w.record) and not s.needs_catch_up(na3)
    assert w.h2.strip_stale_hops(na3) is not None and w.record.strip_stale_hops(na3) is None
    # Stripping is idempotent and never touches what another authority's notice selects.
    assert s.strip_stale_hops(na3) is None and s.strip_stale_hops(nb2) is None


def test_a_stale_layer_0_is_none_for_strip_and_true_for_needs_catch_up_as_documented() -> None:
    # Attack: a notice of the record's own authority whose bump is in layer 0. A storage that
    # runs `strip or keep` would keep a record that still opens for the revoked key.
    # Safe (documented): strip_stale_hops is None (no hop is stale), needs_catch_up is True,
    # and the catch-up is Authority.rewrap, after which the revoked key opens nothing. With a
    # stale hop too, strip removes the hops but the result still needs the catch-up.
    # Doc: revocation.md §0.1 step 4 ("A record whose own header is current but a hop's layer
    # is not ... is stripped instead"); _native.pyi strip_stale_hops "None if no hop is".
    w = Chain4()
    revoked = w.a.issue_key_under(w.na, ["patient:42"])
    na2 = w.sa.bump(["patient:42"])
    assert w.record.needs_catch_up(na2) and w.record.strip_stale_hops(na2) is None
    assert w.h4.needs_catch_up(na2) and w.h4.strip_stale_hops(na2) is None
    caught = w.a.rewrap(w.record, na2)
    raises(cipherchart.PolicyNotSatisfied, lambda: revoked.open(w.pa, caught), "policy_not_satisfied")
    assert not caught.needs_catch_up(na2)
    na3 = w.sa.bump(["patient:42", "role:gp"])
    s = w.h4.strip_stale_hops(na3)
    assert s is not None and s.hop_count == 0 and s.needs_catch_up(na3)
    assert w.a.rewrap(s, na3).hop_count == 0


def test_strip_then_reapply_across_authorities_reaches_only_the_current_audience() -> None:
    # Attack: after B strips the referred copy, re-apply the referral with (a) the stale
    # re-key, (b) a current re-key without the parent, (c) a current re-key with the parent
    # newest_grant names, and see who opens each.
    # Safe: a proxy that follows the docs refuses (a) (StaleReKey), (b) applies to nothing
    # (PolicyNotSatisfied: the stripped copy still has hop 1), (c) reaches the cardiologists
    # current under B's notice and not the revoked one.
    # Doc: federation.md §7 ("A's proxy re-refers the copy with a re-key current under both
    # notices"); revocation.md §0.1 step 5 (parent links).
    w = Chain4()
    referral = rekey(w.a, w.na, ["role:gp"], w.pb, w.nb, "role:cardiologist", w.h1.newest_grant)
    referred = referral.reencrypt(w.h1)
    old_cardio = w.b.issue_key_under(w.nb, ["role:cardiologist"])
    assert w.opens(old_cardio, referred)
    nb2 = w.sb.bump(["role:cardiologist"])
    stripped = referred.strip_stale_hops(nb2)
    assert stripped is not None and bytes(stripped) == bytes(w.h1)
    assert stripped.newest_grant == w.h1.newest_grant
    raises(cipherchart.StaleReKey, lambda: referral.check_current([w.na, nb2]), "stale_rekey")
    orphan = rekey(w.a, w.na, ["role:gp"], w.pb, nb2, "role:cardiologist")
    orphan.check_current([w.na, nb2])
    raises(cipherchart.PolicyNotSatisfied, lambda: orphan.reencrypt(stripped), "policy_not_satisfied")
    again = rekey(w.a, w.na, ["role:gp"], w.pb, nb2, "role:cardiologist", stripped.newest_grant)
    again.check_current([w.na, nb2])
    re_referred = SealedRecord.from_bytes(bytes(again.reencrypt(stripped)))
    assert not w.opens(old_cardio, re_referred)
    assert w.opens(w.b.issue_key_under(nb2, ["role:cardiologist"]), re_referred)
    assert not re_referred.needs_catch_up(nb2) and re_referred.strip_stale_hops(nb2) is None


def test_strip_of_v2_records_and_notices_of_uninvolved_authorities() -> None:
    # Attack: strip_stale_hops and needs_catch_up on v2 records (every version 0) and with a
    # notice of an authority no layer names.
    # Safe: a v2 hop whose name was bumped is stripped like a v3 one (the result decodes and
    # is the record as sealed); an uninvolved authority's notice selects nothing.
    # Doc: _native.pyi needs_catch_up, strip_stale_hops; revocation.md §0.1 step 4.
    authority, other = Authority.setup(), Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    record = seal(pk, Policy("patient:42"), b"r", b"", b"v2")
    v2 = authority.issue_delegation_key(["patient:42"], consent()).rekey(pk, Policy("role:gp"))
    shared = v2.reencrypt(record)
    n1 = service.bump(["role:gp"])
    assert shared.needs_catch_up(n1) and not record.needs_catch_up(n1)
    s = shared.strip_stale_hops(n1)
    assert s is not None and bytes(SealedRecord.from_bytes(bytes(s))) == bytes(record)
    uninvolved = NoticeService(other).bump(["role:gp", "patient:42"])
    assert not shared.needs_catch_up(uninvolved) and shared.strip_stale_hops(uninvolved) is None


# ---------------------------------------------------------------------------------------------
# Revocation bypass and relabelled encodings through from_bytes.


def test_a_proxy_following_the_docs_never_delivers_to_a_revoked_delegatee() -> None:
    # Attack: get a revoked gp's key a current copy through the proxy: the old re-key, a re-key
    # made from an unversioned delegation key (issued before the bump) through rekey_under,
    # and a re-key made under the older target notice, each offered to a proxy that runs
    # check_current with the newest notice before reencrypt (revocation.md §0.5).
    # Safe: each is StaleReKey at the check; the caught-up record opens only for a key issued
    # under the new notice.
    # Doc: revocation.md §0.1 step 5, §0.5 "The proxy's checks are a function".
    authority = Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n0 = service.current()
    record = seal_with_notice(pk, n0, Policy("patient:42"), b"r", b"", b"letter")
    bob = authority.issue_key_under(n0, ["role:gp"])
    old = rekey(authority, n0, ["patient:42"], pk, n0, "role:gp")
    unversioned = authority.issue_delegation_key(["patient:42"], consent())
    n1 = service.bump(["role:gp"])
    caught = authority.rewrap(old.reencrypt(record), n1)

    def proxy(rk: ReKey) -> SealedRecord:
        rk.check_current([n0, n1])
        return rk.reencrypt(caught)

    for attempt in (
        old,
        unversioned.rekey_under(pk, n0, Policy("role:gp")),
        rekey(authority, n1, ["patient:42"], pk, n0, "role:gp"),
    ):
        raises(cipherchart.StaleReKey, lambda: proxy(attempt), "stale_rekey")
    good = proxy(rekey(authority, n1, ["patient:42"], pk, n1, "role:gp"))
    raises(cipherchart.PolicyNotSatisfied, lambda: bob.open(pk, good), "policy_not_satisfied")
    assert authority.issue_key_under(n1, ["role:gp"]).open(pk, good) == b"letter"


def test_v3_encodings_relabelled_as_v2_and_back_do_not_decode() -> None:
    # Attack: change the version byte of a v3 re-key, a v3 delegation key and a v3 record (with
    # a hop) to 2, and of their v2 counterparts to 3, hoping for a v2 re-key out of a versioned
    # key (which rekey refuses) or a v3 object without its checks.
    # Safe: InvalidEncoding from each from_bytes.
    # Doc: formats.md "Delegation key" v3 paragraph, "Re-encryption key v3", "Sealed record v3"
    # ("A format v2 re-key refuses a v3 record and a v3 re-key a v2 record").
    authority = Authority.setup()
    pk = authority.public_key
    n = NoticeService(authority).bump(["patient:42", "role:gp"])
    d3 = authority.issue_delegation_key_under(n, ["patient:42"], consent())
    d2 = authority.issue_delegation_key(["patient:42"], consent())
    r3 = rekey(authority, n, ["patient:42"], pk, n, "role:gp")
    r2 = authority.issue_delegation_key(["patient:42"], consent()).rekey(pk, Policy("role:gp"))
    s3 = r3.reencrypt(seal_with_notice(pk, n, Policy("patient:42"), b"r", b"", b"x"))
    s2 = r2.reencrypt(seal(pk, Policy("patient:42"), b"r", b"", b"x"))
    decoders: List[Tuple[Callable[[bytes], object], bytes]] = [
        (DelegationKey.from_bytes, bytes(d3)),
        (DelegationKey.from_bytes, bytes(d2)),
        (ReKey.from_bytes, bytes(r3)),
        (ReKey.from_bytes, bytes(r2)),
        (SealedRecord.from_bytes, bytes(s3)),
        (SealedRecord.from_bytes, bytes(s2)),
    ]
    for decode, data in decoders:
        assert data[3] in (2, 3)
        relabelled = data[:3] + bytes([5 - data[3]]) + data[4:]
        raises(cipherchart.InvalidEncoding, lambda: decode(relabelled),
               "invalid_encoding")
