"""Format v3 re-encryption through the Python binding (the Rust tests/revocation/hops.rs, case
for case): delegation keys at attribute versions (``Authority.issue_delegation_key_under``),
v3 re-keys (``DelegationKey.rekey_under``) with parent links, ``SealedRecord.newest_grant``,
the proxy's currency check (``ReKey.check_current``, ``StaleReKey``), a revocation reaching a
hop's audience, a v3 referral across two authorities, and the refusals: every refused call
leaves the delegation key usable (outside review FB-1)."""

from __future__ import annotations

import pickle
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import pytest

import cipherchart
from cipherchart import (
    Authority,
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
V3_DELEGATION_KEY = bytes([0x43, 0x43, 0x09, 0x03])
V3_REKEY = bytes([0x43, 0x43, 0x05, 0x03])


class NoticeService:
    """An authority's notice service (as tests/revocation/common.rs): its own notice key, the
    bumped names with their versions, each notice verified against the one before."""

    def __init__(self, authority: Authority) -> None:
        self.key = BlsSigningKey.generate()
        self.authority = authority.public_key.id
        self.now = T0
        self.bump_count = 0
        self.versions: Dict[str, int] = {}
        self.last: Optional[VerifiedNotice] = None

    def current(self) -> VerifiedNotice:
        """A fresh notice at the current versions."""
        self.now += 1
        head = bytes(32) if self.bump_count == 0 else bytes([0xBB]) * 24 + self.bump_count.to_bytes(8, "big")
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

    def bump(self, names: Sequence[str]) -> VerifiedNotice:
        """One bump entry raising each of ``names`` by one, and the notice that reflects it."""
        self.bump_count += 1
        for n in names:
            self.versions[n] = self.versions.get(n, 0) + 1
        return self.current()


def rekey(
    authority: Authority,
    source_notice: VerifiedNotice,
    attributes: Sequence[str],
    target: Tuple[PublicKey, VerifiedNotice],
    to: str,
    parent: Optional[bytes] = None,
) -> ReKey:
    """A v3 re-key for ``attributes`` of ``authority`` to ``to`` under ``target``'s notice."""
    consent = BlsSigningKey.generate()
    delegation = authority.issue_delegation_key_under(source_notice, attributes, consent.public_key)
    return delegation.rekey_under(target[0], target[1], Policy(to), parent)


def key(authority: Authority, notice: VerifiedNotice, attributes: Sequence[str]) -> UserKey:
    return authority.issue_key_under(notice, attributes)


def is_consumed(delegation: DelegationKey) -> bool:
    return repr(delegation) == "DelegationKey(<used>)"


def raises(cls: type, call: Callable[[], object], code: str) -> cipherchart.CipherchartError:
    """``call`` must raise exactly ``cls`` with ``code``."""
    with pytest.raises(cipherchart.CipherchartError) as info:
        call()
    assert type(info.value) is cls, repr(info.value)
    assert info.value.code == code
    return info.value


def invalid(call: Callable[[], object], argument: str) -> None:
    """``call`` must raise InvalidArgument; on Python 3.11+ a note names ``argument``."""
    e = raises(cipherchart.InvalidArgument, call, "invalid_argument")
    if sys.version_info >= (3, 11):
        notes: List[str] = getattr(e, "__notes__", [])
        assert any(f"'{argument}'" in n for n in notes), (notes, argument)


def test_a_v3_record_is_shared_through_a_v3_rekey_and_every_object_round_trips() -> None:
    authority = Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n1 = service.bump(["patient:42", "role:gp"])
    record = seal_with_notice(pk, n1, Policy("patient:42"), b"r1", b"letter", b"x-ray")
    consent = BlsSigningKey.generate()
    delegation = authority.issue_delegation_key_under(n1, ["patient:42"], consent.public_key)
    # A delegation key at a version >= 1 is written in format v3, once.
    data = bytes(delegation)
    assert data[:4] == V3_DELEGATION_KEY
    delegation = DelegationKey.from_bytes(data)
    assert bytes(delegation) == data
    assert bytes(pickle.loads(pickle.dumps(delegation))) == data
    assert delegation.attributes == ["patient:42"] and delegation.authority == pk.id
    key_id = delegation.key_id
    assert isinstance(key_id, bytes) and len(key_id) == 32
    assert DelegationKey.from_bytes(data).key_id == key_id

    rk = delegation.rekey_under(pk, n1, Policy("role:gp"))
    assert is_consumed(delegation)
    raises(cipherchart.InvalidArgument, lambda: delegation.key_id, "invalid_argument")
    raises(
        cipherchart.InvalidArgument,
        lambda: delegation.rekey_under(pk, n1, Policy("role:gp")),
        "invalid_argument",
    )
    assert rk.is_v3 and rk.parent is None
    assert rk.target_versions() == [("role:gp", 1)]
    assert rk.attribute_versions() == [("patient:42", 1)]
    assert rk.target_policy == Policy("role:gp") and rk.delegator == consent.public_key
    rk.check_current([n1])
    rk_bytes = bytes(rk)
    assert rk_bytes[:4] == V3_REKEY
    rk2 = ReKey.from_bytes(rk_bytes)
    assert bytes(rk2) == rk_bytes
    assert bytes(pickle.loads(pickle.dumps(rk))) == rk_bytes
    assert rk2.grant == rk.grant and rk2.is_v3 and rk2.parent is None
    # The grant: the source authority's key id, then the grant id, derived from the key id.
    assert len(rk.grant) == 48 and rk.grant == pk.id + rk.grant_id
    assert rk.grant_id != bytes(16)
    assert key_id[:16] != rk.grant_id

    assert record.newest_grant is None
    shared = rk.reencrypt(record)
    assert shared.hop_count == 1
    assert shared.newest_grant == rk.grant
    # Deterministic, and the record round-trips byte for byte.
    assert bytes(rk2.reencrypt(record)) == bytes(shared)
    decoded = SealedRecord.from_bytes(bytes(shared))
    assert bytes(decoded) == bytes(shared) and decoded == shared
    assert decoded.newest_grant == rk.grant

    gp = key(authority, n1, ["role:gp"])
    assert gp.open(pk, decoded) == b"x-ray"
    # The original audience still opens (its layer is embedded).
    patient = key(authority, n1, ["patient:42"])
    assert patient.open(pk, decoded) == b"x-ray"
    # A gp key from before the bump of role:gp does not.
    old_gp = authority.issue_key(["role:gp"])
    raises(cipherchart.PolicyNotSatisfied, lambda: old_gp.open(pk, decoded), "policy_not_satisfied")
    nurse = key(authority, n1, ["role:nurse"])
    raises(cipherchart.PolicyNotSatisfied, lambda: nurse.open(pk, decoded), "policy_not_satisfied")


def test_a_v2_rekey_and_record_have_no_v3_fields() -> None:
    authority = Authority.setup()
    pk = authority.public_key
    consent = BlsSigningKey.generate()
    v2 = authority.issue_delegation_key(["patient:42"], consent.public_key).rekey(pk, Policy("role:gp"))
    assert not v2.is_v3 and v2.parent is None
    assert v2.grant == pk.id + v2.grant_id
    assert v2.attribute_versions() == [("patient:42", 0)]
    assert v2.target_versions() == [("role:gp", 0)]
    shared = v2.reencrypt(seal(pk, Policy("patient:42"), b"r", b"", b"x"))
    assert shared.newest_grant == v2.grant
    # A v2 re-key is current under a notice that bumped nothing it names (every version 0).
    service = NoticeService(authority)
    v2.check_current([service.current()])
    raises(cipherchart.StaleReKey, lambda: v2.check_current([service.bump(["role:gp"])]), "stale_rekey")


def test_multi_hop_follows_the_parent_links() -> None:
    authority = Authority.setup()
    pk = authority.public_key
    n = NoticeService(authority).bump(["role:gp"])
    record = seal_with_notice(pk, n, Policy("patient:42"), b"r", b"", b"note")
    first = rekey(authority, n, ["patient:42"], (pk, n), "role:gp")
    hop1 = first.reencrypt(record)

    # The gp forwards to a specialist: a re-key whose parent is the first grant.
    second = rekey(authority, n, ["role:gp"], (pk, n), "role:cardiologist", hop1.newest_grant)
    assert second.parent == first.grant
    # It applies only to records whose newest hop is of its parent.
    assert not second.can_reencrypt(record)
    raises(cipherchart.PolicyNotSatisfied, lambda: second.reencrypt(record), "policy_not_satisfied")
    assert second.can_reencrypt(hop1)
    hop2 = second.reencrypt(hop1)
    assert hop2.newest_grant == second.grant
    # A re-key without a parent applies only to records without hops, even where its
    # attributes satisfy the newest layer.
    orphan = rekey(authority, n, ["role:gp"], (pk, n), "role:cardiologist")
    assert not orphan.can_reencrypt(hop1)
    raises(cipherchart.PolicyNotSatisfied, lambda: orphan.reencrypt(hop1), "policy_not_satisfied")
    # Nor does a re-key whose parent is another grant.
    stranger = rekey(authority, n, ["patient:42"], (pk, n), "role:gp")
    wrong_parent = rekey(authority, n, ["role:gp"], (pk, n), "role:cardiologist", stranger.grant)
    raises(cipherchart.PolicyNotSatisfied, lambda: wrong_parent.reencrypt(hop1), "policy_not_satisfied")

    # The parent may be any bytes-like value.
    hop2_grant = hop2.newest_grant
    assert hop2_grant is not None
    consent = BlsSigningKey.generate()
    third = authority.issue_delegation_key_under(n, ["role:cardiologist"], consent.public_key).rekey_under(
        pk, n, Policy("role:surgeon"), memoryview(bytearray(hop2_grant))
    )
    assert third.parent == second.grant
    hop3 = SealedRecord.from_bytes(bytes(third.reencrypt(hop2)))
    assert hop3.hop_count == 3 and hop3.newest_grant == third.grant
    for attrs, expect in [
        (["patient:42"], True),
        (["role:gp"], True),
        (["role:cardiologist"], True),
        (["role:surgeon"], True),
        (["role:nurse"], False),
    ]:
        k = key(authority, n, attrs)
        if expect:
            assert k.open(pk, hop3) == b"note", attrs
        else:
            raises(cipherchart.PolicyNotSatisfied, lambda: k.open(pk, hop3), "policy_not_satisfied")


def test_formats_do_not_mix_and_refusals_do_not_consume_the_delegation_key() -> None:
    authority = Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n0 = service.current()
    gp = Policy("role:gp")
    v2_record = seal(pk, Policy("patient:42"), b"r", b"", b"x")
    v3_record = seal_with_notice(pk, n0, Policy("patient:42"), b"r", b"", b"x")
    consent = BlsSigningKey.generate()
    v2 = authority.issue_delegation_key(["patient:42"], consent.public_key).rekey(pk, gp)
    v3 = rekey(authority, n0, ["patient:42"], (pk, n0), "role:gp")
    raises(cipherchart.InvalidArgument, lambda: v2.reencrypt(v3_record), "invalid_argument")
    raises(cipherchart.InvalidArgument, lambda: v3.reencrypt(v2_record), "invalid_argument")
    assert not v2.can_reencrypt(v3_record) and not v3.can_reencrypt(v2_record)
    # The batch gives the same refusal in the record's slot.
    (refused,) = v2.reencrypt_batch([v3_record])
    assert isinstance(refused, cipherchart.InvalidArgument)
    # An unversioned delegation key makes either: a v3 re-key at version 0 here.
    unversioned = authority.issue_delegation_key(["patient:42"], consent.public_key).rekey_under(pk, n0, gp)
    assert unversioned.is_v3 and unversioned.attribute_versions() == [("patient:42", 0)]
    assert unversioned.can_reencrypt(v3_record) and not unversioned.can_reencrypt(v2_record)

    # A versioned one only v3 re-keys: rekey and rekey_to refuse it without consuming it.
    n1 = service.bump(["patient:42"])
    versioned = authority.issue_delegation_key_under(n1, ["patient:42"], consent.public_key)
    raises(cipherchart.InvalidArgument, lambda: versioned.rekey(pk, gp), "invalid_argument")
    assert not is_consumed(versioned)
    raises(cipherchart.InvalidArgument, lambda: versioned.rekey_to(pk, gp), "invalid_argument")
    assert not is_consumed(versioned)
    # The refusals keep the core's order: another authority's key first, the guard next.
    other = Authority.setup()
    raises(cipherchart.WrongAuthority, lambda: versioned.rekey(other.public_key, gp), "wrong_authority")
    guard = Policy("cipherchart:key-holder")
    raises(cipherchart.InvalidAttribute, lambda: versioned.rekey(pk, guard), "invalid_attribute")
    raises(cipherchart.InvalidAttribute, lambda: versioned.rekey_to(pk, guard), "invalid_attribute")
    assert not is_consumed(versioned)
    assert versioned.rekey_under(pk, n1, gp).attribute_versions() == [("patient:42", 1)]
    assert is_consumed(versioned)

    # rekey_under: a notice of another authority, the guard, a parent that is not 48 bytes:
    # each refused before any work, and the key is still usable.
    other_notice = NoticeService(other).current()
    d = authority.issue_delegation_key_under(n1, ["patient:42"], consent.public_key)
    raises(cipherchart.WrongAuthority, lambda: d.rekey_under(pk, other_notice, gp), "wrong_authority")
    raises(cipherchart.WrongAuthority, lambda: d.rekey_under(other.public_key, n1, gp), "wrong_authority")
    raises(cipherchart.InvalidAttribute, lambda: d.rekey_under(pk, n1, guard), "invalid_attribute")
    for length in (0, 16, 32, 47, 49, 96):
        e = raises(
            cipherchart.InvalidEncoding,
            lambda: d.rekey_under(pk, n1, gp, bytes(length)),
            "invalid_encoding",
        )
        assert e.kind == "bad_length"
    assert not is_consumed(d)
    grant = d.rekey_under(pk, n1, gp, None)
    assert grant.is_v3 and grant.parent is None
    assert is_consumed(d)
    raises(cipherchart.InvalidArgument, lambda: d.rekey_under(pk, n1, gp), "invalid_argument")
    # A notice of another authority cannot issue a delegation key.
    raises(
        cipherchart.WrongAuthority,
        lambda: authority.issue_delegation_key_under(other_notice, ["patient:42"], consent.public_key),
        "wrong_authority",
    )


def test_a_revoked_delegatee_loses_the_record_and_the_others_keep_it() -> None:
    authority = Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n0 = service.current()
    record = seal_with_notice(pk, n0, Policy("patient:42"), b"r", b"", b"letter")
    grant = rekey(authority, n0, ["patient:42"], (pk, n0), "role:gp")
    shared = grant.reencrypt(record)
    ann, bob = key(authority, n0, ["role:gp"]), key(authority, n0, ["role:gp"])
    assert bob.open(pk, shared) == b"letter"

    # Bob leaves: role:gp is bumped.
    n1 = service.bump(["role:gp"])
    # The proxy's check: the re-key's target is stale, so it is not applied again.
    e = raises(cipherchart.StaleReKey, lambda: grant.check_current([n1]), "stale_rekey")
    assert isinstance(e, cipherchart.CipherchartError)
    # A proxy holding only an older notice than the re-key's cannot vouch for it.
    fresh = rekey(authority, n1, ["patient:42"], (pk, n1), "role:gp")
    raises(cipherchart.FutureVersion, lambda: fresh.check_current([n0]), "future_version")
    # Stored copies catch up: the hop's layer is stale, the hop is dropped.
    assert shared.needs_catch_up(n1)
    caught_up = authority.rewrap(shared, n1)
    assert caught_up.hop_count == 0 and caught_up.newest_grant is None
    raises(cipherchart.PolicyNotSatisfied, lambda: bob.open(pk, caught_up), "policy_not_satisfied")
    # The proxy re-applies the grant with a re-key made under the new notice.
    fresh.check_current([n1])
    fresh.check_current((n0, n1)[1:])  # any sequence
    reshared = fresh.reencrypt(caught_up)
    raises(cipherchart.PolicyNotSatisfied, lambda: bob.open(pk, reshared), "policy_not_satisfied")
    raises(cipherchart.PolicyNotSatisfied, lambda: ann.open(pk, reshared), "policy_not_satisfied")
    new_ann = key(authority, n1, ["role:gp"])
    assert new_ann.open(pk, reshared) == b"letter"
    # Applying the stale re-key to the caught-up record: nothing in the record stops it, and
    # Bob's old key opens that copy. This is why a proxy runs check_current before every use.
    stale_copy = grant.reencrypt(caught_up)
    raises(cipherchart.PolicyNotSatisfied, lambda: new_ann.open(pk, stale_copy), "policy_not_satisfied")
    assert bob.open(pk, stale_copy) == b"letter"

    # The delegator's own attribute bumped: the source side is stale.
    n2 = service.bump(["patient:42"])
    raises(cipherchart.StaleReKey, lambda: fresh.check_current([n2]), "stale_rekey")
    caught_up = authority.rewrap(reshared, n2)
    raises(cipherchart.PolicyNotSatisfied, lambda: fresh.reencrypt(caught_up), "policy_not_satisfied")


def test_a_v3_referral_across_two_authorities() -> None:
    a, b = Authority.setup(), Authority.setup()
    pk_a, pk_b = a.public_key, b.public_key
    na = NoticeService(a).bump(["patient:42"])
    service_b = NoticeService(b)
    nb = service_b.bump(["role:cardiologist"])
    record = seal_with_notice(pk_a, na, Policy("patient:42"), b"ecg", b"", b"ECG")
    # The target notice must be the target authority's.
    consent = BlsSigningKey.generate()
    d = a.issue_delegation_key_under(na, ["patient:42"], consent.public_key)
    raises(cipherchart.WrongAuthority, lambda: d.rekey_under(pk_b, na, Policy("role:cardiologist")), "wrong_authority")
    assert not is_consumed(d)

    referral = rekey(a, na, ["patient:42"], (pk_b, nb), "role:cardiologist")
    assert referral.authority == pk_a.id and referral.target_authority == pk_b.id
    assert referral.target_versions() == [("role:cardiologist", 1)]
    for notices in ([na], [nb], []):
        raises(cipherchart.WrongAuthority, lambda: referral.check_current(notices), "wrong_authority")
    referral.check_current([na, nb])
    referral.check_current([nb, na])
    referred = SealedRecord.from_bytes(bytes(referral.reencrypt(record)))
    assert referred.current_authority == pk_b.id
    cardiologist = key(b, nb, ["role:cardiologist"])
    assert cardiologist.open_federated([pk_a, pk_b], referred) == b"ECG"
    raises(cipherchart.WrongAuthority, lambda: cardiologist.open(pk_b, referred), "wrong_authority")
    # B's own hop onward names the referral as its parent, qualified by A.
    assert referred.newest_grant == pk_a.id + referral.grant_id == referral.grant
    onward = rekey(b, nb, ["role:cardiologist"], (pk_b, nb), "role:surgeon", referred.newest_grant)
    assert onward.parent == referral.grant and onward.grant == pk_b.id + onward.grant_id
    twice = onward.reencrypt(referred)
    surgeon = key(b, nb, ["role:surgeon"])
    assert surgeon.open_federated([pk_a, pk_b], twice) == b"ECG"
    # B bumps the target name: the referral's re-key is stale, also beside the older notice.
    nb2 = service_b.bump(["role:cardiologist"])
    raises(cipherchart.StaleReKey, lambda: referral.check_current([na, nb2]), "stale_rekey")
    raises(cipherchart.StaleReKey, lambda: referral.check_current([na, nb, nb2]), "stale_rekey")
    # B's notice selects the stored copy by its B layer; B's storage strips the stale hop
    # (the copy is then A's record as sealed), and A's proxy re-refers it under both notices.
    assert referred.needs_catch_up(nb2) and not record.needs_catch_up(nb2)
    assert referred.strip_stale_hops(na) is None
    stripped = referred.strip_stale_hops(nb2)
    assert stripped is not None and bytes(stripped) == bytes(record)
    # The strip is logged (B's chain); a pair that is not a strip is refused.
    assert cipherchart.Entry.for_strip(referred, stripped, 1_800_000_100).action == "update"
    raises(cipherchart.InvalidArgument, lambda: cipherchart.Entry.for_strip(stripped, referred, 1), "invalid_argument")
    raises(cipherchart.WrongAuthority, lambda: cardiologist.open_federated([pk_a, pk_b], stripped), "wrong_authority")
    again = rekey(a, na, ["patient:42"], (pk_b, nb2), "role:cardiologist")
    again.check_current([na, nb2])
    re_referred = again.reencrypt(stripped)
    raises(cipherchart.PolicyNotSatisfied, lambda: cardiologist.open_federated([pk_a, pk_b], re_referred), "policy_not_satisfied")
    assert key(b, nb2, ["role:cardiologist"]).open_federated([pk_a, pk_b], re_referred) == b"ECG"


def test_wrong_types_for_every_new_method_are_invalid_argument_and_consume_nothing() -> None:
    authority = Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n = service.bump(["role:gp"])
    unverified = VersionNotice.from_bytes(bytes(n.notice))
    consent = BlsSigningKey.generate()
    gp = Policy("role:gp")
    record = seal_with_notice(pk, n, Policy("patient:42"), b"r", b"", b"x")

    bad_notices: List[Any] = [None, b"notice", bytes(n.notice), unverified, pk, "n"]
    for bad in bad_notices:
        invalid(lambda: authority.issue_delegation_key_under(bad, ["patient:42"], consent.public_key), "notice")
    bad_attributes: List[Any] = ["patient:42", None, [b"patient:42"], 42]
    for bad in bad_attributes:
        invalid(lambda: authority.issue_delegation_key_under(n, bad, consent.public_key), "attributes")
    bad_delegators: List[Any] = [None, bytes(consent.public_key), consent, pk]
    for bad in bad_delegators:
        invalid(lambda: authority.issue_delegation_key_under(n, ["patient:42"], bad), "delegator")

    d = authority.issue_delegation_key_under(n, ["patient:42"], consent.public_key)
    bad_targets: List[Any] = [None, bytes(pk), "pk", authority, n]
    for bad in bad_targets:
        invalid(lambda: d.rekey_under(bad, n, gp), "target")
    for bad in bad_notices:
        invalid(lambda: d.rekey_under(pk, bad, gp), "target_notice")
    bad_policies: List[Any] = [None, "role:gp", bytes(gp), n]
    for bad in bad_policies:
        invalid(lambda: d.rekey_under(pk, n, bad), "policy")
    bad_parents: List[Any] = ["a" * 48, 48, [0] * 48, pk, n]
    for bad in bad_parents:
        invalid(lambda: d.rekey_under(pk, n, gp, bad), "parent")
        invalid(lambda: d.rekey_under(pk, n, gp, parent=bad), "parent")
    assert not is_consumed(d)
    rk = d.rekey_under(target=pk, target_notice=n, policy=gp, parent=None)

    bad_lists: List[Any] = [None, n, "notices", b"", [unverified], [n, None], [pk], 3]
    for bad in bad_lists:
        invalid(lambda: rk.check_current(bad), "notices")
    # A consumed key: every new method raises InvalidArgument too.
    raises(cipherchart.InvalidArgument, lambda: d.key_id, "invalid_argument")
    raises(cipherchart.InvalidArgument, lambda: d.rekey_under(pk, n, gp), "invalid_argument")
    # The new read-only members take no arguments, and are read-only.
    assert rk.reencrypt(record).newest_grant == rk.grant
    for obj, attr in [(rk, "is_v3"), (rk, "parent"), (rk, "grant"), (record, "newest_grant"), (d, "key_id")]:
        with pytest.raises(AttributeError):
            setattr(obj, attr, b"x")


def test_check_current_and_grants_across_threads() -> None:
    # The re-key and notices are immutable and shared; check_current from several threads
    # gives the same answer each time.
    from concurrent.futures import ThreadPoolExecutor

    authority = Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n0 = service.current()
    rk = rekey(authority, n0, ["patient:42"], (pk, n0), "role:gp")
    n1 = service.bump(["role:gp"])

    def check(notice: VerifiedNotice) -> str:
        try:
            rk.check_current([notice])
            return "ok"
        except cipherchart.CipherchartError as e:
            return e.code

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(check, [n0, n1] * 8))
    assert results == ["ok", "stale_rekey"] * 8


def test_the_consent_helper_with_notices_refuses_a_stale_grant_and_the_one_without_refuses_v3() -> None:
    """``reencrypt_with_consent_under`` checks the re-key against the notices before the
    record; ``reencrypt_with_consent`` refuses a v3 re-key (it cannot check its currency)."""
    authority = Authority.setup()
    pk = authority.public_key
    service = NoticeService(authority)
    n0 = service.current()
    patient = BlsSigningKey.generate()
    letter = seal_with_notice(pk, n0, Policy("patient:42"), b"letter-1", b"", b"letter")
    delegation = authority.issue_delegation_key_under(n0, ["patient:42"], patient.public_key)
    rk = delegation.rekey_under(pk, n0, Policy("role:gp"), None)
    grant = cipherchart.Grant(
        "42", Policy("role:gp"), (T0, T0 + 86_400), purposes=["treatment"], rekey=rk
    )
    consent = cipherchart.ConsentToken.issue(patient, grant).verify(patient.public_key, T0 + 10)
    eli = key(authority, n0, ["role:gp"])
    shared = cipherchart.reencrypt_with_consent_under(consent, rk, [n0], letter, "x", "treatment")
    assert eli.open(pk, shared) == b"letter"
    [one] = cipherchart.reencrypt_batch_with_consent_under(consent, rk, [n0], [(letter, "x")], "treatment")
    assert isinstance(one, SealedRecord)
    raises(
        cipherchart.InvalidArgument,
        lambda: cipherchart.reencrypt_with_consent(consent, rk, letter, "x", "treatment"),
        "invalid_argument",
    )
    raises(
        cipherchart.InvalidArgument,
        lambda: cipherchart.reencrypt_batch_with_consent(consent, rk, [(letter, "x")], "treatment"),
        "invalid_argument",
    )
    n1 = service.bump(["role:gp"])
    for notices in ([n1], [n0, n1], [n1, n0]):
        raises(
            cipherchart.StaleReKey,
            lambda: cipherchart.reencrypt_with_consent_under(consent, rk, notices, letter, "x", "treatment"),
            "stale_rekey",
        )
        raises(
            cipherchart.StaleReKey,
            lambda: cipherchart.reencrypt_batch_with_consent_under(
                consent, rk, notices, [(letter, "x")], "treatment"
            ),
            "stale_rekey",
        )
    raises(
        cipherchart.WrongAuthority,
        lambda: cipherchart.reencrypt_with_consent_under(consent, rk, [], letter, "x", "treatment"),
        "wrong_authority",
    )
    invalid(
        lambda: cipherchart.reencrypt_with_consent_under(consent, rk, [b"n0"], letter, "x", "treatment"),  # type: ignore[list-item]
        "notices",
    )
