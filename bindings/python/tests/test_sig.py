"""BLS signatures: sign/verify, aggregates, batches, proofs of possession."""

from __future__ import annotations

import pickle

import pytest

import cipherchart
from cipherchart import BlsPublicKey, BlsSignature, BlsSigningKey, UnvalidatedPublicKey, UnvalidatedSignature

KEYS = [BlsSigningKey.from_ikm(bytes([i]) * 32) for i in range(4)]


def test_sign_verify() -> None:
    key = BlsSigningKey.generate()
    sig = key.sign(b"hello")
    key.public_key.verify(b"hello", sig)  # returns None, raises when invalid
    with pytest.raises(cipherchart.VerificationFailed):
        key.public_key.verify(b"hellp", sig)
    with pytest.raises(cipherchart.VerificationFailed):
        KEYS[0].public_key.verify(b"hello", sig)


def test_deterministic_from_ikm() -> None:
    again = BlsSigningKey.from_ikm(bytes([0]) * 32)
    assert again.public_key == KEYS[0].public_key
    assert again.sign(b"m") == KEYS[0].sign(b"m")  # BLS signing is deterministic
    assert BlsSigningKey.from_ikm(bytes([0]) * 32, b"info").public_key != KEYS[0].public_key
    with pytest.raises(cipherchart.InvalidArgument):
        BlsSigningKey.from_ikm(b"short")


def test_encodings_and_pickle() -> None:
    key = KEYS[1]
    pk, sig = key.public_key, key.sign(b"m")
    assert len(bytes(pk)) == 48 and len(bytes(sig)) == 96
    assert BlsPublicKey.from_bytes(bytes(pk)) == pk
    assert BlsSignature.from_bytes(bytes(sig)) == sig
    assert hash(BlsSignature.from_bytes(bytes(sig))) == hash(sig)
    assert pickle.loads(pickle.dumps(pk)) == pk and pickle.loads(pickle.dumps(sig)) == sig
    restored = pickle.loads(pickle.dumps(key))
    assert isinstance(restored, BlsSigningKey) and restored.public_key == pk
    assert BlsSigningKey.from_secret_bytes(key.to_secret_bytes()).public_key == pk
    with pytest.raises(cipherchart.InvalidEncoding):
        BlsPublicKey.from_bytes(bytes(pk)[:-1])
    with pytest.raises(cipherchart.InvalidEncoding):
        BlsSignature.from_bytes(b"\x00" * 96)


def test_repr_hides_the_secret() -> None:
    key = KEYS[2]
    secret = key.to_secret_bytes().hex()
    text = repr(key)
    assert text.startswith("BlsSigningKey(") and bytes(key.public_key)[:8].hex() in text
    assert not any(secret[i : i + 8] in text for i in range(0, 56, 8))
    assert type(key).__eq__ is object.__eq__


def test_proof_of_possession() -> None:
    pop = KEYS[0].prove_possession()
    KEYS[0].public_key.verify_possession(pop)
    with pytest.raises(cipherchart.VerificationFailed):
        KEYS[1].public_key.verify_possession(pop)


def test_fast_aggregate_verify() -> None:
    msg = b"consent record 7"
    agg = BlsSignature.aggregate([k.sign(msg) for k in KEYS])
    pks = [k.public_key for k in KEYS]
    cipherchart.fast_aggregate_verify(pks, msg, agg)
    BlsPublicKey.aggregate(pks).verify(msg, agg)
    with pytest.raises(cipherchart.VerificationFailed):
        cipherchart.fast_aggregate_verify(pks[:3], msg, agg)
    with pytest.raises(cipherchart.InvalidArgument):
        cipherchart.fast_aggregate_verify([], msg, agg)


def test_aggregate_verify() -> None:
    msgs = [b"m%d" % i for i in range(4)]
    agg = BlsSignature.aggregate([k.sign(m) for k, m in zip(KEYS, msgs)])
    pairs = [(k.public_key, m) for k, m in zip(KEYS, msgs)]
    cipherchart.aggregate_verify(pairs, agg)
    with pytest.raises(cipherchart.VerificationFailed):
        cipherchart.aggregate_verify(pairs[::-1][:1] + pairs[1:], agg)


def test_batch_verify_and_find_invalid() -> None:
    items = [(k.public_key, b"m%d" % i, k.sign(b"m%d" % i)) for i, k in enumerate(KEYS)]
    cipherchart.batch_verify(items)
    assert cipherchart.batch_find_invalid(items) == []
    bad = list(items)
    bad[1] = (items[1][0], b"other", items[1][2])
    bad[3] = (items[3][0], items[3][1], items[0][2])
    with pytest.raises(cipherchart.VerificationFailed):
        cipherchart.batch_verify(bad)
    assert cipherchart.batch_find_invalid(bad) == [1, 3]
    with pytest.raises(cipherchart.InvalidArgument):
        cipherchart.batch_verify([])


# The IETF / Ethereum deserialize-then-validate split (issue 17): UnvalidatedPublicKey and
# UnvalidatedSignature decode the identity; only validate() gives a usable key or signature.
PK_INFINITY = b"\xc0" + bytes(47)
SIG_INFINITY = b"\xc0" + bytes(95)


def test_unvalidated_public_key_identity() -> None:
    key = UnvalidatedPublicKey.from_bytes(PK_INFINITY)
    assert key.is_identity and bytes(key) == PK_INFINITY
    with pytest.raises(cipherchart.InvalidEncoding) as info:
        key.validate()
    assert info.value.kind == "identity_point"
    with pytest.raises(cipherchart.InvalidEncoding) as info:
        BlsPublicKey.from_bytes(PK_INFINITY)
    assert info.value.kind == "identity_point"
    # Every other check still applies: a bad length, a point outside the subgroup.
    with pytest.raises(cipherchart.InvalidEncoding):
        UnvalidatedPublicKey.from_bytes(PK_INFINITY + b"\x00")
    with pytest.raises(cipherchart.InvalidEncoding):
        UnvalidatedPublicKey.from_bytes(bytes(48))


def test_unvalidated_public_key_round_trip() -> None:
    pk = KEYS[0].public_key
    key = UnvalidatedPublicKey.from_bytes(bytes(pk))
    assert not key.is_identity and bytes(key) == bytes(pk)
    assert key.validate() == pk
    assert UnvalidatedPublicKey.from_public_key(pk) == key
    assert hash(UnvalidatedPublicKey.from_public_key(pk)) == hash(key)
    assert key != UnvalidatedPublicKey.from_bytes(PK_INFINITY)
    assert pickle.loads(pickle.dumps(key)) == key
    assert repr(key) == f"UnvalidatedPublicKey({bytes(pk)[:8].hex()})"


def test_unvalidated_signature_identity_and_aggregate() -> None:
    infinity = UnvalidatedSignature.from_bytes(SIG_INFINITY)
    assert infinity.is_identity and bytes(infinity) == SIG_INFINITY
    with pytest.raises(cipherchart.InvalidEncoding) as info:
        infinity.validate()
    assert info.value.kind == "identity_point"
    with pytest.raises(cipherchart.InvalidEncoding) as info:
        BlsSignature.from_bytes(SIG_INFINITY)
    assert info.value.kind == "identity_point"
    # Ethereum's Aggregate: aggregate([infinity]) = infinity.
    assert UnvalidatedSignature.aggregate([infinity]).is_identity
    assert bytes(UnvalidatedSignature.aggregate([infinity])) == SIG_INFINITY
    sig = KEYS[0].sign(b"m")
    summed = UnvalidatedSignature.aggregate([UnvalidatedSignature.from_signature(sig), infinity])
    assert not summed.is_identity and summed.validate() == sig
    KEYS[0].public_key.verify(b"m", summed.validate())
    with pytest.raises(cipherchart.InvalidArgument):
        UnvalidatedSignature.aggregate([])


def test_unvalidated_signature_round_trip() -> None:
    sig = KEYS[1].sign(b"m")
    decoded = UnvalidatedSignature.from_bytes(bytes(sig))
    assert decoded.validate() == sig and decoded == UnvalidatedSignature.from_signature(sig)
    assert hash(decoded) == hash(UnvalidatedSignature.from_signature(sig))
    assert pickle.loads(pickle.dumps(decoded)) == decoded
    assert repr(decoded) == f"UnvalidatedSignature({bytes(sig)[:8].hex()})"
    with pytest.raises(cipherchart.InvalidEncoding):
        UnvalidatedSignature.from_bytes(bytes(96))


def test_eip2537_bytes() -> None:
    # The G1 generator (secret key 1) as EIP-2537 writes it.
    g = BlsSigningKey.from_secret_bytes(bytes(31) + b"\x01").public_key.to_eip2537_bytes()
    assert g.hex() == (
        "00" * 16
        + "17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"
        + "00" * 16
        + "08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1"
    )
    pk = KEYS[1].public_key
    x = bytearray(bytes(pk))
    x[0] &= 0x1F  # the three flag bits
    u = pk.to_eip2537_bytes()
    assert len(u) == 128 and u[:16] == bytes(16) and u[16:64] == x and u[64:80] == bytes(16)
    sig = KEYS[1].sign(b"m")
    s = bytearray(bytes(sig))
    s[0] &= 0x1F
    v = sig.to_eip2537_bytes()
    # x.c0 then x.c1 (the compressed form is x.c1 then x.c0), then y; each padded to 64 bytes
    assert len(v) == 256 and v[16:64] == s[48:] and v[80:128] == s[:48]
    assert all(v[i : i + 16] == bytes(16) for i in range(0, 256, 64))
