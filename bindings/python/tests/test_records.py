"""Authority, keys, seal/open and SealedRecord."""

from __future__ import annotations

import pickle

import pytest

import cipherchart
from cipherchart import Authority, Policy, PublicKey, SealedRecord, UserKey


def test_round_trip(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    sealed = cipherchart.seal(pk, policy, b"rec-1", b"ecg", b"sinus rhythm")
    assert doctor.open(pk, sealed) == b"sinus rhythm"
    assert sealed.record_id == b"rec-1" and sealed.metadata == b"ecg"
    assert sealed.policy == policy and sealed.current_policy == policy
    assert sealed.hop_count == 0
    assert len(sealed.header_digest) == 32


def test_empty_payload(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    assert doctor.open(pk, cipherchart.seal(pk, policy, b"", b"", b"")) == b""


def test_policy_not_satisfied(pk: PublicKey, policy: Policy, nurse: UserKey) -> None:
    sealed = cipherchart.seal(pk, policy, b"rec-1", b"", b"secret")
    with pytest.raises(cipherchart.PolicyNotSatisfied) as info:
        nurse.open(pk, sealed)
    assert info.value.code == "policy_not_satisfied"


def test_other_authority_cannot_open(pk: PublicKey, policy: Policy) -> None:
    other = Authority.setup()
    key = other.issue_key(["patient:42"])
    sealed = cipherchart.seal(pk, policy, b"r", b"", b"secret")
    with pytest.raises(cipherchart.WrongAuthority):  # format v2: records name their authority
        key.open(other.public_key, sealed)
    with pytest.raises(cipherchart.WrongAuthority):
        key.open(pk, sealed)


def test_tampered_bytes_fail(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    data = bytearray(bytes(cipherchart.seal(pk, policy, b"rec-1", b"m", b"payload")))
    for position in (len(data) - 1, len(data) // 2, len(data) - 40):
        bad = bytearray(data)
        bad[position] ^= 1
        with pytest.raises((cipherchart.DecryptionFailed, cipherchart.InvalidEncoding)):
            doctor.open(pk, SealedRecord.from_bytes(bytes(bad)))
    with pytest.raises(cipherchart.InvalidEncoding):
        SealedRecord.from_bytes(bytes(data) + b"\x00")


def test_truncated_bytes_are_invalid_encoding(pk: PublicKey, policy: Policy) -> None:
    data = bytes(cipherchart.seal(pk, policy, b"r", b"", b"x"))
    for cut in (0, 1, 10, len(data) // 2):
        with pytest.raises(cipherchart.InvalidEncoding):
            SealedRecord.from_bytes(data[:cut])


def test_record_bytes_and_pickle(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    sealed = cipherchart.seal(pk, policy, b"rec-1", b"", b"payload")
    again = SealedRecord.from_bytes(bytes(sealed))
    assert again == sealed and hash(again) == hash(sealed)
    assert pickle.loads(pickle.dumps(sealed)) == sealed
    assert doctor.open(pk, again) == b"payload"
    assert sealed != cipherchart.seal(pk, policy, b"rec-1", b"", b"payload")


def test_public_key(authority: Authority, pk: PublicKey) -> None:
    assert len(pk.id) == 32
    assert PublicKey.from_bytes(bytes(pk)) == pk
    assert pickle.loads(pickle.dumps(pk)) == pk
    assert hash(PublicKey.from_bytes(bytes(pk))) == hash(pk)
    assert pk != Authority.setup().public_key
    assert pk.id[:8].hex() in repr(pk)
    with pytest.raises(cipherchart.InvalidEncoding):
        PublicKey.from_bytes(bytes(pk)[:-1])


def test_user_key(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    assert doctor.attributes == ["dept:cardiology", "role:physician"]
    assert doctor.has_attribute("role:physician")
    assert not doctor.has_attribute("patient:42")
    sealed = cipherchart.seal(pk, policy, b"r", b"", b"x")
    for copy in (UserKey.from_bytes(bytes(doctor)), pickle.loads(pickle.dumps(doctor))):
        assert isinstance(copy, UserKey)
        assert copy.attributes == doctor.attributes
        assert copy.open(pk, sealed) == b"x"
    with pytest.raises(cipherchart.InvalidEncoding):
        UserKey.from_bytes(bytes(doctor)[:-3])


def test_issue_key_errors(authority: Authority) -> None:
    with pytest.raises(cipherchart.InvalidArgument):
        authority.issue_key([])
    with pytest.raises(cipherchart.InvalidAttribute):
        authority.issue_key([""])


def test_master_key_export(authority: Authority, pk: PublicKey, policy: Policy) -> None:
    exported = authority.to_secret_bytes()
    restored = Authority.from_secret_bytes(exported)
    assert restored.public_key == pk
    key = restored.issue_key(["patient:42"])
    assert key.open(pk, cipherchart.seal(pk, policy, b"r", b"", b"x")) == b"x"
    pickled = pickle.loads(pickle.dumps(authority))
    assert isinstance(pickled, Authority) and pickled.public_key == pk
    with pytest.raises(cipherchart.InvalidEncoding):
        Authority.from_secret_bytes(exported[:-1])


def test_secrets_have_no_equality_and_no_secret_in_repr(
    authority: Authority, doctor: UserKey
) -> None:
    twin = UserKey.from_bytes(bytes(doctor))
    # Identity only: no __eq__ (nor a value hash) on secrets, so no timing oracle on them.
    assert doctor != twin and doctor == doctor
    assert type(doctor).__eq__ is object.__eq__
    assert type(authority).__eq__ is object.__eq__
    secret_hex = bytes(doctor).hex()
    master_hex = authority.to_secret_bytes().hex()
    assert repr(doctor).startswith("UserKey(")
    assert repr(authority).startswith("Authority(")
    for text in (repr(doctor), repr(authority)):
        for i in range(0, len(secret_hex) - 16, 16):
            assert secret_hex[i : i + 16] not in text
        for i in range(0, len(master_hex) - 16, 16):
            assert master_hex[i : i + 16] not in text


def test_seal_limits(pk: PublicKey, policy: Policy) -> None:
    with pytest.raises(cipherchart.InvalidArgument):
        cipherchart.seal(pk, policy, b"x" * 100_000, b"", b"")


def test_input_bounds_are_the_cores(pk: cipherchart.PublicKey) -> None:
    assert (cipherchart.MAX_RECORD_ID_LEN, cipherchart.MAX_HOPS) == (1024, 8)
    assert cipherchart.DEFAULT_CHUNK_SIZE <= cipherchart.MAX_CHUNK_SIZE
    p = cipherchart.Policy("a:1")
    cipherchart.seal(pk, p, b"i" * cipherchart.MAX_RECORD_ID_LEN, b"", b"x")
    with pytest.raises(cipherchart.InvalidArgument):
        cipherchart.seal(pk, p, b"i" * (cipherchart.MAX_RECORD_ID_LEN + 1), b"", b"x")
    with pytest.raises(cipherchart.InvalidArgument):
        cipherchart.seal(pk, p, b"i", b"m" * (cipherchart.MAX_METADATA_LEN + 1), b"x")
    leaves = [f"a:{i}" for i in range(cipherchart.MAX_POLICY_LEAVES)]
    assert len(cipherchart.Policy(" or ".join(leaves)).attributes) == cipherchart.MAX_POLICY_LEAVES
    with pytest.raises(cipherchart.LimitExceeded):
        cipherchart.Policy(" or ".join(leaves + ["b:1"]))
    with pytest.raises(cipherchart.LimitExceeded):
        cipherchart.Policy("a:" + "x" * cipherchart.MAX_ATTRIBUTE_LEN)


def test_consent_chain_and_key_bounds_are_the_cores() -> None:
    assert (cipherchart.MAX_ENTRY_SUBJECT_LEN, cipherchart.MAX_ENTRY_METADATA_LEN) == (1024, 65536)
    assert cipherchart.MAX_BLOCKS >= 2 and cipherchart.MAX_TOKEN_LEN > 0
    assert cipherchart.MAX_NOTE_LEN > 0 and cipherchart.MAX_NOTE_SIGNATURES > 0
    assert cipherchart.MAX_PROOF_HASHES > 0
    key = cipherchart.BlsSigningKey.from_ikm(b"k" * cipherchart.MIN_IKM_LEN)
    with pytest.raises(cipherchart.InvalidArgument):
        cipherchart.BlsSigningKey.from_ikm(b"k" * (cipherchart.MIN_IKM_LEN - 1))
    grantee = cipherchart.Policy("h:2")

    def issue(subject: str, purposes: list[str]) -> cipherchart.ConsentToken:
        return cipherchart.ConsentToken.issue(
            key, cipherchart.Grant(subject, grantee, (0, 10), purposes=purposes)
        )

    many = [f"p{i:04d}" for i in range(cipherchart.MAX_LIST_LEN + 1)]
    issue("s" * cipherchart.MAX_CONSENT_SUBJECT_LEN, ["t"])
    with pytest.raises(cipherchart.InvalidArgument):
        issue("s" * (cipherchart.MAX_CONSENT_SUBJECT_LEN + 1), ["t"])
    issue("s", many[:-1])
    with pytest.raises(cipherchart.InvalidArgument):
        issue("s", many)
    issue("s", ["x" * cipherchart.MAX_LABEL_LEN])
    with pytest.raises(cipherchart.InvalidArgument):
        issue("s", ["x" * (cipherchart.MAX_LABEL_LEN + 1)])
    draft = cipherchart.EntryDraft(0, "read", b"s" * cipherchart.MAX_ENTRY_SUBJECT_LEN, b"\0" * 32)
    chain = cipherchart.Chain()
    chain.sign_and_append(draft.with_metadata(b"m" * cipherchart.MAX_ENTRY_METADATA_LEN), key)
    with pytest.raises(cipherchart.InvalidArgument):
        chain.sign_and_append(
            cipherchart.EntryDraft(0, "read", b"s" * (cipherchart.MAX_ENTRY_SUBJECT_LEN + 1), b"\0" * 32),
            key,
        )
