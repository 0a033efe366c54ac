"""Federation (docs/federation.md): a referral from hospital A to hospital B by a
cross-authority re-key, opened with B's keys and the trusted public keys; chains of referrals,
consent and audit across the two, and every refusal."""

from __future__ import annotations

from typing import Any, Tuple, cast

import pytest

import cipherchart
from cipherchart import (
    Authority,
    BlsSigningKey,
    Chain,
    ConsentToken,
    Entry,
    EntryDraft,
    Grant,
    Policy,
    ReKey,
    SealedRecord,
)

NOW = 1_800_000_000
CHART = Policy("patient:42 or (role:physician and dept:oncology)")
CARDIOLOGY = Policy("role:physician and dept:cardiology")
PATIENT = BlsSigningKey.generate()


Net = Tuple[Authority, Authority, Authority]


@pytest.fixture(scope="module")
def net() -> Net:
    return Authority.setup(), Authority.setup(), Authority.setup()


def referral(a: Authority, b: Authority, policy: Policy = CARDIOLOGY) -> ReKey:
    return a.issue_delegation_key(["patient:42"], PATIENT.public_key).rekey_to(
        b.public_key, policy
    )


def chart(a: Authority, rid: bytes = b"r1") -> SealedRecord:
    return cipherchart.seal(a.public_key, CHART, rid, b"category=cardiology", b"notes " + rid)


def test_a_b_key_opens_a_referred_record_with_both_public_keys(net: Net) -> None:
    a, b, _ = net
    rekey = referral(a, b)
    assert rekey.authority == a.public_key.id
    assert rekey.target_authority == b.public_key.id
    referred = rekey.reencrypt(chart(a))
    assert referred.authority == a.public_key.id
    assert referred.current_authority == b.public_key.id
    doctor = b.issue_key(["role:physician", "dept:cardiology"])
    assert doctor.open_federated([a.public_key, b.public_key], referred) == b"notes r1"
    assert doctor.open_federated((b.public_key, a.public_key), referred) == b"notes r1"
    # Round trips, and the deterministic re-encryption of a decoded re-key.
    again = ReKey.from_bytes(bytes(rekey))
    assert again.target_authority == b.public_key.id
    assert SealedRecord.from_bytes(bytes(referred)) == referred
    # A's audience keeps its own layer.
    patient = a.issue_key(["patient:42"])
    assert patient.open(a.public_key, referred) == b"notes r1"


def test_missing_or_foreign_public_keys_are_wrong_authority(net: Net) -> None:
    a, b, c = net
    referred = referral(a, b).reencrypt(chart(a))
    doctor = b.issue_key(["role:physician", "dept:cardiology"])
    for trusted in ([b.public_key], [a.public_key], []):
        with pytest.raises(cipherchart.WrongAuthority):
            doctor.open_federated(trusted, referred)
    with pytest.raises(cipherchart.WrongAuthority):
        doctor.open(b.public_key, referred)
    stranger = c.issue_key(["role:physician", "dept:cardiology"])
    with pytest.raises(cipherchart.WrongAuthority):
        stranger.open_federated([a.public_key, b.public_key, c.public_key], referred)
    # B's "patient:42" is not A's.
    fake = b.issue_key(["patient:42"])
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        fake.open_federated([a.public_key, b.public_key], referred)


def test_referrals_chain_across_authorities(net: Net) -> None:
    a, b, c = net
    at_b = referral(a, b).reencrypt(chart(a, b"r2"))
    lead = BlsSigningKey.generate()
    b_to_c = b.issue_delegation_key(
        ["role:physician", "dept:cardiology"], lead.public_key
    ).rekey_to(c.public_key, Policy("role:surgeon"))
    assert not b_to_c.can_reencrypt(chart(a))
    with pytest.raises(cipherchart.WrongAuthority):
        b_to_c.reencrypt(chart(a))
    with pytest.raises(cipherchart.WrongAuthority):
        referral(a, c).reencrypt(at_b)
    at_c = b_to_c.reencrypt(at_b)
    surgeon = c.issue_key(["role:surgeon"])
    assert surgeon.open_federated([a.public_key, b.public_key, c.public_key], at_c) == b"notes r2"
    with pytest.raises(cipherchart.WrongAuthority):
        surgeon.open_federated([a.public_key, c.public_key], at_c)


def test_consent_and_audit_across_two_hospitals(net: Net) -> None:
    a, b, _ = net
    rekey = referral(a, b)
    grant = Grant(
        "patient-42", CARDIOLOGY, (NOW, NOW + 86_400), categories=["cardiology"],
        purposes=["treatment"], rekey=rekey,
    )
    token = ConsentToken.issue(PATIENT, grant)
    chain_a, chain_b = Chain(), Chain()
    chain_a.sign_and_append(token.grant_entry(NOW), PATIENT)
    consent = chain_a.verify_consent(token, PATIENT.public_key, NOW + 60)
    referred = cipherchart.reencrypt_with_consent(
        consent, rekey, chart(a, b"r3"), "cardiology", "treatment"
    )
    with pytest.raises(cipherchart.ConsentError):
        cipherchart.reencrypt_with_consent(consent, rekey, chart(a), "cardiology", "research")
    proxy, receiver = BlsSigningKey.generate(), BlsSigningKey.generate()
    chain_a.sign_and_append(Entry.for_reencrypt(referred, rekey.grant_id, NOW + 60), proxy)
    received = EntryDraft.for_payload(NOW + 61, "share", referred.record_id, bytes(referred))
    chain_b.sign_and_append(received.with_metadata(rekey.grant_id), receiver)
    chain_a.verify_all()
    chain_b.verify_all()
    assert chain_a[-1].digest == chain_b[-1].digest
    chain_a.sign_and_append(token.revoke_entry(NOW + 120), PATIENT)
    with pytest.raises(cipherchart.ConsentError):
        chain_a.verify_consent(token, PATIENT.public_key, NOW + 180)


def test_rekey_to_is_consumed_and_refuses_bad_arguments(net: Net) -> None:
    a, b, _ = net
    delegation = a.issue_delegation_key(["patient:42"], PATIENT.public_key)
    with pytest.raises(cipherchart.WrongAuthority):
        delegation.rekey(b.public_key, CARDIOLOGY)
    # A wrong public key does not cost the grant (as in JavaScript).
    delegation.rekey_to(b.public_key, CARDIOLOGY)
    with pytest.raises(cipherchart.InvalidArgument):
        delegation.rekey_to(b.public_key, CARDIOLOGY)
    fresh = a.issue_delegation_key(["patient:42"], PATIENT.public_key)
    with pytest.raises(cipherchart.InvalidArgument):
        fresh.rekey_to(cast(Any, b"not a key"), CARDIOLOGY)
    with pytest.raises(cipherchart.InvalidAttribute):
        fresh.rekey_to(b.public_key, Policy("cipherchart:key-holder"))
    doctor = b.issue_key(["role:physician", "dept:cardiology"])
    referred = referral(a, b).reencrypt(chart(a))
    with pytest.raises(cipherchart.InvalidArgument):
        doctor.open_federated(cast(Any, a.public_key), referred)
    with pytest.raises(cipherchart.InvalidArgument):
        doctor.open_federated(cast(Any, [a.public_key, b"x"]), referred)
