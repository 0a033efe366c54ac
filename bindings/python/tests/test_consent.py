"""Consent tokens: issue, attenuate, present, verify, revoke, re-encrypt with consent."""

from __future__ import annotations

import pickle

import pytest

import cipherchart
from cipherchart import (
    Authority,
    ConsentToken,
    Grant,
    Narrowing,
    Policy,
    PublicKey,
    ReKey,
    RevocationSet,
    BlsSigningKey,
)

NOW = 1_767_225_600
DAY = 86_400
PATIENT = BlsSigningKey.from_ikm(b"p" * 32)
HOSPITAL = BlsSigningKey.from_ikm(b"h" * 32)
RESIDENT = BlsSigningKey.from_ikm(b"r" * 32)
H2 = Policy("hospital:h2 and dept:cardiology")


def issued() -> ConsentToken:
    grant = Grant(
        "patient-42",
        H2,
        (NOW, NOW + 90 * DAY),
        categories=["cardiology"],
        purposes=["treatment", "research"],
        holder=HOSPITAL.public_key,
    )
    return ConsentToken.issue(PATIENT, grant)


def narrowed() -> ConsentToken:
    narrow = Narrowing(
        purposes=["treatment"], window=(NOW, NOW + 7 * DAY), holder=RESIDENT.public_key
    )
    return issued().attenuate(HOSPITAL, narrow).present(RESIDENT)


def test_issue_attenuate_present_verify() -> None:
    token = ConsentToken.from_text(narrowed().to_text())
    assert token.block_count == 2 and token.is_presented
    assert token.issuer == PATIENT.public_key and token.holder == RESIDENT.public_key
    consent = token.verify(PATIENT.public_key, NOW + 3600)
    assert consent.permits(b"ecg-1", "cardiology", "treatment")
    assert not consent.permits(b"ecg-1", "cardiology", "research")
    assert not consent.permits(b"ecg-1", "oncology", "treatment")
    assert consent.subject == "patient-42" and consent.issuer == PATIENT.public_key
    assert consent.purposes == ["treatment"] and consent.window == (NOW, NOW + 7 * DAY)
    assert consent.verified_at == NOW + 3600
    # Who signed each block: the keys a revocation registry is asked about, block by block.
    assert token.block_signers() == [PATIENT.public_key, HOSPITAL.public_key]
    assert issued().block_signers() == [PATIENT.public_key]


def test_refusals_are_consent_errors() -> None:
    token = narrowed()
    with pytest.raises(cipherchart.ConsentError) as info:
        token.verify(PATIENT.public_key, NOW + 8 * DAY)
    assert info.value.code == "consent_error" and "expired" in str(info.value)
    with pytest.raises(cipherchart.ConsentError):
        issued().verify(PATIENT.public_key, NOW)  # names a holder but carries no proof
    with pytest.raises((cipherchart.ConsentError, cipherchart.VerificationFailed)):
        token.verify(HOSPITAL.public_key, NOW + 1)
    with pytest.raises(cipherchart.ConsentError):
        issued().attenuate(RESIDENT, Narrowing(purposes=["treatment"]))  # not the holder
    with pytest.raises(cipherchart.InvalidArgument):
        Grant("p", H2, (NOW, NOW), purposes=["treatment"])


def test_revocation() -> None:
    token = narrowed()
    revoked = RevocationSet()
    first = token.revocation_ids()[0]
    assert len(first) == 32 and revoked.insert(first) and not revoked.insert(first)
    assert first in revoked and len(revoked) == 1
    with pytest.raises(cipherchart.ConsentError):
        token.verify(PATIENT.public_key, NOW + 1, revoked)
    with pytest.raises(cipherchart.InvalidEncoding):
        revoked.insert(b"short")


def test_token_encodings() -> None:
    token = narrowed()
    assert ConsentToken.from_bytes(bytes(token)) == token
    assert pickle.loads(pickle.dumps(token)) == token
    assert hash(ConsentToken.from_text(token.to_text())) == hash(token)
    assert repr(token).startswith("ConsentToken(")
    with pytest.raises(cipherchart.InvalidEncoding):
        ConsentToken.from_text("not a token!")
    bad = bytearray(bytes(token))
    bad[-1] ^= 1
    with pytest.raises(
        (cipherchart.VerificationFailed, cipherchart.ConsentError, cipherchart.InvalidEncoding)
    ):
        ConsentToken.from_bytes(bytes(bad)).verify(PATIENT.public_key, NOW + 1)


def grant_rekey(authority: Authority, target: Policy, delegator: BlsSigningKey = PATIENT) -> ReKey:
    """A re-key from a delegation key issued for one grant, naming ``delegator``."""
    delegation = authority.issue_delegation_key(["patient:42"], delegator.public_key)
    return delegation.rekey(authority.public_key, target)


def test_reencrypt_with_consent(authority: Authority, pk: PublicKey) -> None:
    record = cipherchart.seal(pk, Policy("patient:42"), b"ecg-1", b"", b"ECG")
    rekey = grant_rekey(authority, H2)
    grant = Grant(
        "patient-42", H2, (NOW, NOW + DAY), categories=["cardiology"], purposes=["treatment"],
        rekey=rekey,
    )
    consent = ConsentToken.issue(PATIENT, grant).verify(PATIENT.public_key, NOW + 1)
    shared = cipherchart.reencrypt_with_consent(consent, rekey, record, "cardiology", "treatment")
    doctor = authority.issue_key(["hospital:h2", "dept:cardiology"])
    assert doctor.open(pk, shared) == b"ECG"
    with pytest.raises(cipherchart.ConsentError):
        cipherchart.reencrypt_with_consent(consent, rekey, record, "cardiology", "research")
    other = grant_rekey(authority, H2)  # same target, not the bound re-key
    with pytest.raises(cipherchart.ConsentError):
        cipherchart.reencrypt_with_consent(consent, other, record, "cardiology", "treatment")


def test_batch_with_consent(authority: Authority, pk: PublicKey) -> None:
    rekey = grant_rekey(authority, H2)
    grant = Grant(
        "patient-42", H2, (NOW, NOW + DAY), categories=["cardiology"], purposes=["treatment"],
        rekey=rekey,
    )
    consent = ConsentToken.issue(PATIENT, grant).verify(PATIENT.public_key, NOW + 1)
    records = [cipherchart.seal(pk, Policy("patient:42"), b"r%d" % i, b"", b"p") for i in range(3)]
    pairs = [(records[0], "cardiology"), (records[1], "oncology"), (records[2], "cardiology")]
    results = cipherchart.reencrypt_batch_with_consent(consent, rekey, pairs, "treatment")
    assert isinstance(results[0], cipherchart.SealedRecord) and results[0].hop_count == 1
    assert isinstance(results[1], cipherchart.ConsentError)
    assert isinstance(results[2], cipherchart.SealedRecord)
    other = grant_rekey(authority, Policy("lab:l1"))
    with pytest.raises(cipherchart.ConsentError):
        cipherchart.reencrypt_batch_with_consent(consent, other, pairs, "treatment")


def test_finding_3_consent_is_bound_to_the_delegator(authority: Authority, pk: PublicKey) -> None:
    """v2 finding 3: one patient's consent never gates another patient's re-key, with or
    without that re-key's (public) digest copied into it; a consent naming no re-key gates
    nothing."""
    alice, bob = BlsSigningKey.generate(), BlsSigningKey.generate()
    bob_record = cipherchart.seal(pk, Policy("patient:42"), b"p/psych", b"", b"bob")
    bob_rekey = grant_rekey(authority, H2, delegator=bob)
    assert bob_rekey.delegator == bob.public_key

    def consent(issuer: BlsSigningKey, rekey: ReKey | None = None) -> cipherchart.VerifiedConsent:
        grant = Grant("p", H2, (NOW, NOW + DAY), purposes=["treatment"], rekey=rekey)
        return ConsentToken.issue(issuer, grant).verify(issuer.public_key, NOW + 1)

    for c in (consent(alice), consent(alice, rekey=bob_rekey), consent(bob)):
        with pytest.raises(cipherchart.ConsentError) as e:
            cipherchart.reencrypt_with_consent(c, bob_rekey, bob_record, "psych", "treatment")
        assert e.value.kind == "rekey_mismatch"
    shared = cipherchart.reencrypt_with_consent(
        consent(bob, rekey=bob_rekey), bob_rekey, bob_record, "psych", "treatment"
    )
    assert authority.issue_key(["hospital:h2", "dept:cardiology"]).open(pk, shared) == b"bob"


def test_revocations_logged_in_the_chain() -> None:
    """Revoking a token logs its last block's id: that token (and any made from it) fails."""
    token = narrowed()
    chain = cipherchart.Chain()
    chain.sign_and_append(token.grant_entry(NOW), PATIENT)
    assert len(RevocationSet.from_chain(chain)) == 0
    token.verify(PATIENT.public_key, NOW + 1, RevocationSet.from_chain(chain))
    chain.sign_and_append(token.revoke_entry(NOW + 2), PATIENT)
    revoked = RevocationSet.from_chain(chain)
    assert token.revocation_ids()[-1] in revoked  # the last block: this token and no wider one
    assert token.revocation_ids()[0] not in revoked
    with pytest.raises(cipherchart.ConsentError):
        token.verify(PATIENT.public_key, NOW + 3, revoked)
