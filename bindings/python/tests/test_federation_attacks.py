"""Outside review of federation (cross-authority re-encryption) through the Python binding.

Each test is one attack on ``DelegationKey.rekey_to``, ``UserKey.open_federated``,
``ReKey.target_authority``, ``SealedRecord.current_authority`` or the refusal of
``DelegationKey.rekey``, designed from docs/federation.md, the binding's README and
``_native.pyi`` only: the attack, the safe behaviour expected and the doc relied on. An attack
that succeeds is a finding and is skipped with its id (``FINDING FB-n``); the others stay as
regression tests.
"""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, cast

import cipherchart
import pytest
from cipherchart import (
    Authority,
    BlsSigningKey,
    DelegationKey,
    Policy,
    PublicKey,
    ReKey,
    SealedRecord,
    UserKey,
    seal,
)

PATIENT = BlsSigningKey.from_ikm(b"federation-attack-patient-key-32b")
CHART = Policy("patient:42 or (role:physician and dept:oncology)")
AUDIENCE = Policy("role:physician and dept:cardiology")
META = b"category=cardiology;marker=7f3a"
PAYLOAD = b"PAYLOAD-SECRET-fed-91c2"

Net = tuple[Authority, Authority, Authority]


@pytest.fixture(scope="module")
def net() -> Net:
    return Authority.setup(), Authority.setup(), Authority.setup()


def delegation(a: Authority) -> DelegationKey:
    return a.issue_delegation_key(["patient:42"], PATIENT.public_key)


def chart(a: Authority, rid: bytes = b"r1") -> SealedRecord:
    return seal(a.public_key, CHART, rid, META, PAYLOAD)


def referral(a: Authority, b: Authority) -> ReKey:
    return delegation(a).rekey_to(b.public_key, AUDIENCE)


def doctor(b: Authority) -> UserKey:
    return b.issue_key(["role:physician", "dept:cardiology"])


def is_consumed(key: DelegationKey) -> bool:
    return repr(key) == "DelegationKey(<used>)"


def invalid_argument(call: Callable[[], object]) -> cipherchart.InvalidArgument:
    """Runs `call`, which must raise exactly InvalidArgument with code invalid_argument."""
    with pytest.raises(cipherchart.CipherchartError) as info:
        call()
    assert type(info.value) is cipherchart.InvalidArgument, repr(info.value)
    assert info.value.code == "invalid_argument"
    return info.value


def test_a_trusted_list_of_the_wrong_shape_is_invalid_argument(net: Net) -> None:
    # Attack: the trusted list as a single PublicKey, None, str, bytes, bytearray, an int; a
    # list holding None, ints, strings, bytes/bytearray/memoryview of a genuine public key,
    # a SealedRecord, UserKey, Authority, ReKey or DelegationKey, a nested list, range(2).
    # Safe: exactly InvalidArgument (code invalid_argument) before any work, never a raw
    # TypeError, AttributeError or a panic; an empty list is WrongAuthority.
    # Doc: README "a bad argument (wrong type, an object of the wrong class ...) raises
    # cipherchart.InvalidArgument"; _native.pyi open_federated(public_keys: Sequence[PublicKey]).
    a, b, _ = net
    pa, pb = a.public_key, b.public_key
    referred = referral(a, b).reencrypt(chart(a))
    key = doctor(b)
    whole: list[Any] = [pa, None, "ab", b"ab", bytearray(b"ab"), 5, 1.5, True]
    elements: list[Any] = [
        None, 1, "x", bytes(pb), bytearray(bytes(pb)), memoryview(bytes(pb)), referred, key, b,
        referral(a, b), delegation(a), [pa, pb], pb.id,
    ]
    for bad in whole:
        invalid_argument(partial(key.open_federated, bad, referred))
    for bad in elements:
        invalid_argument(partial(key.open_federated, [pa, pb, bad], referred))
    invalid_argument(lambda: key.open_federated(cast(Any, range(2)), referred))
    with pytest.raises(cipherchart.WrongAuthority):
        key.open_federated([], referred)
    assert key.open_federated([pa, pb], referred) == PAYLOAD


def test_the_record_argument_must_be_a_sealed_record(net: Net) -> None:
    # Attack: the record as its bytes (a binding that decodes would skip nothing, but one that
    # duck-types could read anything), as a bytearray, None, a PublicKey, a ReKey.
    # Safe: InvalidArgument.
    # Doc: _native.pyi open_federated(..., record: SealedRecord).
    a, b, _ = net
    rekey = referral(a, b)
    referred = rekey.reencrypt(chart(a))
    key = doctor(b)
    bads: list[Any] = [bytes(referred), bytearray(bytes(referred)), None, a.public_key, rekey]
    for bad in bads:
        invalid_argument(partial(key.open_federated, [a.public_key, b.public_key], bad))


def test_any_iterable_of_public_keys_opens_the_same_and_mutation_does_not_matter(net: Net) -> None:
    # Attack: tuples, list subclasses whose __iter__/__getitem__ lie, generators, dict keys,
    # sets, duplicates; a list subclass whose __iter__ yields None (a binding that iterates
    # through the Python protocol would see None).
    # Safe: every genuine iterable of the two public keys opens the record; whatever the lying
    # subclass makes the binding see, it is the payload or InvalidArgument, never another error.
    # Doc: docs/federation.md §3.3 "`trusted` is the caller's own list of authority public keys".
    a, b, _ = net
    pa, pb = a.public_key, b.public_key
    referred = referral(a, b).reencrypt(chart(a))
    key = doctor(b)

    def gen() -> Iterator[PublicKey]:
        yield pb
        yield pa

    iterables: list[Any] = [(pa, pb), [pb, pa, pb, pa], gen(), {pa: 1, pb: 2}.keys(), {pa, pb}, frozenset([pa, pb])]
    for trusted in iterables:
        assert key.open_federated(trusted, referred) == PAYLOAD

    class Liar(list[Any]):
        def __iter__(self) -> Iterator[Any]:
            return iter([None])

    try:
        assert key.open_federated(Liar([pa, pb]), referred) == PAYLOAD
    except cipherchart.InvalidArgument:
        pass


def test_a_lying_or_raising_sequence_never_crashes_the_interpreter(net: Net) -> None:
    # Attack: a collections.abc.Sequence whose __len__ says 2**31, 2**60 or sys.maxsize (a
    # binding that preallocates `len` slots overflows the capacity and panics, or aborts the
    # process on a failed allocation); __len__ or __iter__ that raise; a generator that raises
    # the caller's own exception half-way.
    # Safe: the interpreter survives (run in a child process for the lengths); the payload, an
    # InvalidArgument, or the caller's own exception, never a PanicException/MemoryError.
    # Doc: README "a bad argument ... raises cipherchart.InvalidArgument".
    code = """
import collections.abc, sys, cipherchart
a, b = cipherchart.Authority.setup(), cipherchart.Authority.setup()
pa, pb = a.public_key, b.public_key
rec = cipherchart.seal(pa, cipherchart.Policy("patient:42"), b"r", b"", b"p")
key = a.issue_key(["patient:42"])
class Liar(collections.abc.Sequence):
    def __init__(self, n): self.n = n
    def __len__(self): return self.n
    def __getitem__(self, i):
        if i < 2: return [pa, pb][i]
        raise IndexError(i)
for n in (2**31, 2**60, sys.maxsize):
    try:
        assert key.open_federated(Liar(n), rec) == b"p"
    except cipherchart.InvalidArgument:
        pass
print("survived")
"""
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "survived", out.stderr[-2000:]

    a, b, _ = net
    pa, pb = a.public_key, b.public_key
    referred = referral(a, b).reencrypt(chart(a))
    key = doctor(b)

    class Boom(Exception):
        pass

    def half() -> Iterator[PublicKey]:
        yield pa
        raise Boom("the caller's own error")

    with pytest.raises(Boom):
        key.open_federated(cast(Any, half()), referred)

    class RaisingIter:
        def __iter__(self) -> Iterator[PublicKey]:
            raise Boom("iter")

    with pytest.raises((Boom, cipherchart.InvalidArgument)):
        key.open_federated(cast(Any, RaisingIter()), referred)

    class RaisingLen(list[PublicKey]):
        def __len__(self) -> int:
            raise Boom("len")

    try:
        assert key.open_federated(RaisingLen([pa, pb]), referred) == PAYLOAD
    except (Boom, cipherchart.InvalidArgument):
        pass


def test_an_impostor_is_never_taken_for_a_public_key(net: Net) -> None:
    # Attack: an object whose __class__ property says PublicKey (isinstance() believes it),
    # PublicKey.__new__ (an uninitialised shell), a subclass of PublicKey, as a trusted key and
    # as the target of rekey_to.
    # Safe: InvalidArgument (the binding checks the real type); the shell and the subclass
    # cannot even be made (TypeError); the delegation key is not consumed by the refusals.
    # Doc: _native.pyi `@final class PublicKey`; README "an object of the wrong class ... raises
    # InvalidArgument".
    a, b, _ = net
    referred = referral(a, b).reencrypt(chart(a))
    key = doctor(b)

    class Impostor:
        @property  # type: ignore[misc]
        def __class__(self) -> type:
            return PublicKey

        id = b.public_key.id

    fake = Impostor()
    assert isinstance(fake, PublicKey)
    invalid_argument(lambda: key.open_federated(cast(Any, [a.public_key, fake]), referred))
    grant = delegation(a)
    invalid_argument(lambda: grant.rekey_to(cast(Any, fake), AUDIENCE))
    assert not is_consumed(grant)
    with pytest.raises(TypeError):
        PublicKey.__new__(PublicKey)
    with pytest.raises(TypeError):
        type("Sub", (cast(Any, PublicKey),), {})
    assert grant.rekey_to(b.public_key, AUDIENCE).target_authority == b.public_key.id


def test_rekey_to_refuses_wrong_types_without_consuming_the_grant(net: Net) -> None:
    # Attack: rekey_to with a target that is bytes of B's key, None, a str, B's Authority, a
    # UserKey or a SealedRecord, and a policy that is a str, None or bytes of a Policy; a
    # binding that takes the key out before checking its arguments loses the one-grant key.
    # Safe: InvalidArgument each time and the key is still usable: the next good call makes
    # the re-key, which refers records to B.
    # Doc: docs/federation.md §1; README "a bad argument ... raises InvalidArgument";
    # _native.pyi rekey "Raises WrongAuthority, without consuming the key" (refusals keep it).
    a, b, _ = net
    grant = delegation(a)
    targets: list[Any] = [bytes(b.public_key), None, "pk", b, doctor(b), chart(b)]
    policies: list[Any] = ["role:physician", None, bytes(AUDIENCE)]
    for t in targets:
        invalid_argument(partial(grant.rekey_to, t, AUDIENCE))
    for p in policies:
        invalid_argument(partial(grant.rekey_to, b.public_key, p))
    assert not is_consumed(grant)
    assert DelegationKey.from_bytes(bytes(grant)).authority == a.public_key.id
    rekey = grant.rekey_to(b.public_key, AUDIENCE)
    assert doctor(b).open_federated([a.public_key, b.public_key], rekey.reencrypt(chart(a))) == PAYLOAD


def test_rekey_refuses_another_authoritys_key_and_the_grant_survives_for_rekey_to(net: Net) -> None:
    # Attack: DelegationKey.rekey with B's key (the within-one-authority call used for a
    # referral), with C's key, then the explicit rekey_to.
    # Safe: WrongAuthority (code wrong_authority) twice, the key is not consumed, rekey_to then
    # makes the referral.
    # Doc: _native.pyi rekey "Raises WrongAuthority, without consuming the key, if public_key
    # is not the issuing authority's"; docs/federation.md §1 "rekey ... still refuses another
    # authority's public key; rekey_to is the explicit cross-authority call".
    a, b, c = net
    grant = delegation(a)
    for other in (b, c):
        with pytest.raises(cipherchart.WrongAuthority) as info:
            grant.rekey(other.public_key, AUDIENCE)
        assert info.value.code == "wrong_authority"
        assert not is_consumed(grant)
    rekey = grant.rekey_to(b.public_key, AUDIENCE)
    assert (rekey.authority, rekey.target_authority) == (a.public_key.id, b.public_key.id)


def test_a_refused_reserved_audience_does_not_consume_the_delegation_key(net: Net) -> None:
    # Attack: rekey_to with an audience naming the reserved guard attribute (alone, or inside an
    # OR with a genuine audience: an easy mistake for a policy built from user input), then the
    # corrected call.
    # Safe: InvalidAttribute, decided from the public policy before any secret work, and the
    # key is not consumed (as for WrongAuthority): the corrected call makes the re-key.
    # Doc: _native.pyi rekey "Raises WrongAuthority, without consuming the key"; the Rust doc
    # of rekey_to names InvalidAttribute as a refusal of the policy, not a use of the grant.
    a, b, _ = net
    for bad in (Policy("cipherchart:key-holder"), Policy("cipherchart:key-holder or role:physician")):
        grant = delegation(a)
        with pytest.raises(cipherchart.InvalidAttribute):
            grant.rekey_to(b.public_key, bad)
        assert not is_consumed(grant)
        assert grant.rekey_to(b.public_key, AUDIENCE).target_authority == b.public_key.id


def test_a_consumed_delegation_key_refuses_everything_and_cannot_be_resurrected(net: Net) -> None:
    # Attack: after rekey_to, call rekey_to again, rekey with A's and with B's key, export it
    # (bytes, pickle, copy, deepcopy, key file) to resurrect the grant, read its properties.
    # Safe: InvalidArgument for each (no second re-key from one grant; nothing to export), the
    # repr shows no secret.
    # Doc: _native.pyi DelegationKey "rekey consumes it"; rekey_to "consumes this key".
    a, b, _ = net
    grant = delegation(a)
    grant.rekey_to(b.public_key, AUDIENCE)
    calls: list[Callable[[], object]] = [
        lambda: grant.rekey_to(b.public_key, AUDIENCE),
        lambda: grant.rekey(a.public_key, AUDIENCE),
        lambda: grant.rekey(b.public_key, AUDIENCE),
        lambda: bytes(grant),
        lambda: pickle.dumps(grant),
        lambda: copy.copy(grant),
        lambda: copy.deepcopy(grant),
        lambda: grant.to_key_file("passphrase"),
        lambda: grant.attributes,
        lambda: grant.authority,
        lambda: grant.delegator,
    ]
    for call in calls:
        invalid_argument(call)
    assert is_consumed(grant)


def test_rekey_to_the_own_authority_is_a_same_authority_rekey(net: Net) -> None:
    # Attack: rekey_to with the source's own public key (a "referral" to itself): a re-key that
    # claims another target than its capsule, or a record whose current authority is wrong.
    # Safe: target_authority == authority; the record stays at A; A's keys open it with open().
    # Doc: Rust DelegationKey::rekey_to "With `target` = A's own key it is rekey".
    a, _, _ = net
    rekey = delegation(a).rekey_to(a.public_key, Policy("hospital:h2"))
    assert rekey.target_authority == rekey.authority == a.public_key.id
    shared = rekey.reencrypt(chart(a))
    assert shared.current_authority == shared.authority == a.public_key.id
    assert a.issue_key(["hospital:h2"]).open(a.public_key, shared) == PAYLOAD


def test_the_grant_is_spent_once_when_threads_race_for_it(net: Net) -> None:
    # Attack: eight threads call rekey_to (to B) and rekey (at A) on one delegation key at the
    # same instant (a check-then-take race would give two re-keys from one grant).
    # Safe: exactly one ReKey; every other call raises InvalidArgument (consumed). Repeated.
    # Doc: README "Threads: every object can be shared between threads"; _native.pyi
    # DelegationKey "rekey consumes it".
    a, b, _ = net

    def go(grant: DelegationKey, barrier: threading.Barrier, i: int) -> ReKey | cipherchart.CipherchartError:
        barrier.wait()
        try:
            if i % 2:
                return grant.rekey_to(b.public_key, AUDIENCE)
            return grant.rekey(a.public_key, AUDIENCE)
        except cipherchart.CipherchartError as e:
            return e

    for _ in range(4):
        with ThreadPoolExecutor(8) as pool:
            out = list(pool.map(partial(go, delegation(a), threading.Barrier(8)), range(8)))
        assert sum(isinstance(o, ReKey) for o in out) == 1, out
        assert all(isinstance(o, (ReKey, cipherchart.InvalidArgument)) for o in out), out


def test_open_federated_from_threads_while_grants_are_consumed_and_the_gil_is_released(net: Net) -> None:
    # Attack: 16 open_federated calls on one key and one trusted list from 4 threads, while
    # another thread issues and consumes delegation keys and a pure-Python thread spins.
    # Safe: every open gives the payload, every grant gives one re-key, the spinner runs during
    # the opens (the GIL is released around the pairings).
    # Doc: README "Pairing-heavy calls release the GIL (threads run them in parallel)".
    a, b, _ = net
    trusted = [a.public_key, b.public_key]
    referred = referral(a, b).reencrypt(chart(a))
    key = doctor(b)
    ticks = [0]
    stop = threading.Event()
    made: list[ReKey] = []

    def spin() -> None:
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0)

    def consume() -> None:
        for _ in range(4):
            made.append(delegation(a).rekey_to(b.public_key, AUDIENCE))

    spinner, consumer = threading.Thread(target=spin), threading.Thread(target=consume)
    spinner.start()
    consumer.start()
    try:
        with ThreadPoolExecutor(4) as pool:
            out = list(pool.map(lambda _: key.open_federated(trusted, referred), range(16)))
    finally:
        consumer.join()
        stop.set()
        spinner.join()
    assert out == [PAYLOAD] * 16 and len(made) == 4 and ticks[0] > 0


def test_a_reentrant_open_from_inside_the_trusted_iterable(net: Net) -> None:
    # Attack: a generator that, while the binding collects the trusted keys, calls
    # open_federated on the same key and record (a binding holding a lock or a half-built
    # state across the collection would deadlock or mix the two calls).
    # Safe: both calls return the payload (checked with a timeout).
    # Doc: README "every object can be shared between threads"; all classes but four frozen.
    a, b, _ = net
    referred = referral(a, b).reencrypt(chart(a))
    key = doctor(b)
    inner: list[bytes] = []

    def trusted() -> Iterator[PublicKey]:
        yield a.public_key
        inner.append(key.open_federated([a.public_key, b.public_key], referred))
        yield b.public_key

    result: list[bytes] = []
    worker = threading.Thread(target=lambda: result.append(key.open_federated(cast(Any, trusted()), referred)))
    worker.start()
    worker.join(60)
    assert not worker.is_alive()
    assert result == [PAYLOAD] and inner == [PAYLOAD]


def test_pickled_rekeys_and_records_keep_their_authorities_and_refuse_cross_use(net: Net) -> None:
    # Attack: pickle/unpickle a cross-authority re-key and a referred record (dask ships them
    # this way), then use the unpickled re-key on a record already at B, use a B→C re-key on a
    # record still at A, and re-encrypt an unpickled record twice.
    # Safe: target_authority, current_authority and bytes survive; the unpickled re-key
    # re-encrypts deterministically (same bytes); the cross uses raise WrongAuthority.
    # Doc: README "Records, re-keys and results travel by pickle, which for every cipherchart
    # type is its canonical bytes; re-encryption is deterministic"; federation.md §3.2.
    a, b, c = net
    rekey = referral(a, b)
    record = chart(a, b"p1")
    referred = rekey.reencrypt(record)
    rekey2 = cast(ReKey, pickle.loads(pickle.dumps(rekey)))
    referred2 = cast(SealedRecord, pickle.loads(pickle.dumps(referred)))
    assert bytes(rekey2) == bytes(rekey) and rekey2.target_authority == b.public_key.id
    assert referred2 == referred and hash(referred2) == hash(referred)
    assert referred2.current_authority == b.public_key.id and referred2.authority == a.public_key.id
    assert bytes(rekey2.reencrypt(pickle.loads(pickle.dumps(record)))) == bytes(referred)
    with pytest.raises(cipherchart.WrongAuthority):
        rekey2.reencrypt(referred2)
    b_to_c = b.issue_delegation_key(["role:physician", "dept:cardiology"], PATIENT.public_key).rekey_to(
        c.public_key, Policy("role:surgeon")
    )
    with pytest.raises(cipherchart.WrongAuthority):
        cast(ReKey, pickle.loads(pickle.dumps(b_to_c))).reencrypt(record)
    trusted = cast(list[PublicKey], pickle.loads(pickle.dumps([a.public_key, b.public_key])))
    assert doctor(b).open_federated(trusted, referred2) == PAYLOAD


def test_a_rekey_retargeted_in_its_bytes_does_not_decode(net: Net) -> None:
    # Attack: take the bytes of an A→B re-key (or its pickle) and put C's public key where B's
    # is, so that the same blinded key and capsule claim C as the target.
    # Safe: InvalidEncoding (the capsule must name the encoded public key's authority).
    # Doc: docs/federation.md §3.4 "Re-key decoding: the capsule must name the encoded public
    # key's authority (the target)".
    a, b, c = net
    raw = bytes(referral(a, b))
    pb, pc = bytes(b.public_key), bytes(c.public_key)
    assert raw.count(pb) == 1 and len(pb) == len(pc)
    forged = raw.replace(pb, pc)
    with pytest.raises(cipherchart.InvalidEncoding):
        ReKey.from_bytes(forged)
    data = pickle.dumps(referral(a, b))
    with pytest.raises(cipherchart.InvalidEncoding):
        pickle.loads(data.replace(bytes(b.public_key), pc))


def test_error_classes_and_codes_of_the_federation_calls(net: Net) -> None:
    # Attack: provoke every documented refusal of open_federated and rekey_to and match on the
    # class and `.code` (an integrator's `except` and `if e.code == ...` must see the Rust code).
    # Safe: WrongAuthority/wrong_authority (missing trusted key, stranger's key),
    # PolicyNotSatisfied/policy_not_satisfied (B's own "patient:42" on A's layer),
    # DecryptionFailed/decryption_failed (metadata flipped), InvalidEncoding/invalid_encoding
    # (truncated record), InvalidAttribute/invalid_attribute; ERROR_CLASSES maps each code.
    # Doc: docs/federation.md §3.3; README "carries the stable .code of the Rust error".
    a, b, c = net
    pa, pb = a.public_key, b.public_key
    referred = referral(a, b).reencrypt(chart(a))
    raw = bytes(referred)
    flipped = bytearray(raw)
    flipped[raw.index(META)] ^= 1
    cases: list[tuple[Callable[[], object], type, str]] = [
        (lambda: doctor(b).open_federated([pb], referred), cipherchart.WrongAuthority, "wrong_authority"),
        (lambda: doctor(b).open(pb, referred), cipherchart.WrongAuthority, "wrong_authority"),
        (lambda: doctor(c).open_federated([pa, pb, c.public_key], referred), cipherchart.WrongAuthority, "wrong_authority"),
        (lambda: b.issue_key(["patient:42"]).open_federated([pa, pb], referred), cipherchart.PolicyNotSatisfied, "policy_not_satisfied"),
        (lambda: doctor(b).open_federated([pa, pb], SealedRecord.from_bytes(bytes(flipped))), cipherchart.DecryptionFailed, "decryption_failed"),
        (lambda: SealedRecord.from_bytes(raw[:-7]), cipherchart.InvalidEncoding, "invalid_encoding"),
        (lambda: delegation(a).rekey_to(pb, Policy("cipherchart:key-holder")), cipherchart.InvalidAttribute, "invalid_attribute"),
        (lambda: doctor(b).open_federated(cast(Any, pb), referred), cipherchart.InvalidArgument, "invalid_argument"),
    ]
    for call, cls, code in cases:
        with pytest.raises(cipherchart.CipherchartError) as info:
            call()
        assert type(info.value) is cls and info.value.code == code, repr(info.value)
        assert cipherchart.ERROR_CLASSES[code] is cls


def test_no_secret_in_reprs_or_error_messages(net: Net) -> None:
    # Attack: look for the payload and for the secret parts of the user key, the delegation key
    # and the re-key in repr/str of every federation object and in the messages of every
    # refusal the federation calls raise (also when a secret key is passed where a public key
    # is expected).
    # Safe: none appear (reprs show ids, attribute names and a grant id prefix only).
    # Doc: README "secret objects ... have ... no secret in their repr".
    a, b, _ = net
    pa, pb = a.public_key, b.public_key
    key = doctor(b)
    grant = delegation(a)
    grant_bytes = bytes(grant)
    rekey = referral(a, b)
    referred = rekey.reencrypt(chart(a))

    def windows(secret: bytes) -> list[str]:
        h = secret.hex()
        return [h[i:i + 32] for i in range(72, len(h) - 32, 97)]

    secrets = [PAYLOAD.decode(), PAYLOAD.hex()] + windows(bytes(key)) + windows(grant_bytes[:-48]) + windows(bytes(rekey))
    texts = [repr(x) + str(x) for x in (key, grant, rekey, referred, pa, pb)]
    calls: list[Callable[[], object]] = [
        lambda: key.open_federated([pb], referred),
        lambda: key.open_federated(cast(Any, [pa, pb, key]), referred),
        lambda: key.open_federated(cast(Any, [pa, bytes(key)]), referred),
        lambda: key.open_federated(cast(Any, [pa, bytes(key).hex()]), referred),
        lambda: b.issue_key(["x:y"]).open_federated([pa, pb], referred),
        lambda: grant.rekey(pb, AUDIENCE),
        lambda: grant.rekey_to(cast(Any, grant_bytes), AUDIENCE),
        lambda: grant.rekey_to(pb, cast(Any, grant_bytes.hex())),
    ]
    grant.rekey_to(pb, AUDIENCE)
    texts.append(repr(grant))
    calls.append(lambda: grant.rekey_to(pb, AUDIENCE))
    for call in calls:
        with pytest.raises(cipherchart.CipherchartError) as info:
            call()
        texts.append(str(info.value) + repr(info.value) + repr(info.value.args))
    for text in texts:
        for s in secrets:
            assert s not in text, text


def test_reencrypt_batch_with_a_cross_authority_rekey_refuses_each_foreign_record(net: Net) -> None:
    # Attack: a proxy runs the A→B re-key over a batch mixing A's records, B's records and
    # records already referred to B (a batch path that checks only the first record, or the
    # header's authority instead of the newest layer's, would transform them).
    # Safe: one entry per record: a referred record for A's, WrongAuthority (unraised, code
    # wrong_authority) for the others; B's doctor opens the good ones.
    # Doc: docs/federation.md §3.2 "a re-key's source authority must be the record's
    # current_authority() ... wrong_authority otherwise"; _native.pyi reencrypt_batch.
    a, b, _ = net
    rekey = referral(a, b)
    at_a = [chart(a, b"a%d" % i) for i in range(2)]
    at_b = chart(b, b"b0")
    referred = rekey.reencrypt(chart(a, b"ab"))
    out = rekey.reencrypt_batch([at_a[0], at_b, referred, at_a[1]])
    assert isinstance(out[0], SealedRecord) and isinstance(out[3], SealedRecord)
    for bad in (out[1], out[2]):
        assert isinstance(bad, cipherchart.WrongAuthority) and bad.code == "wrong_authority"
    key = doctor(b)
    for r in (out[0], out[3]):
        assert key.open_federated([a.public_key, b.public_key], r) == PAYLOAD


def test_a_long_trusted_list_is_linear_and_duplicates_change_nothing(net: Net) -> None:
    # Attack: 200,000 copies of A's public key and B's at the end (a quadratic lookup or a
    # copy per layer per entry would hang the opener); the same list with a bad entry last.
    # Safe: the record opens in seconds; the bad entry is InvalidArgument.
    # Doc: docs/federation.md §6 (the core's attacks: "huge trusted lists").
    a, b, _ = net
    referred = referral(a, b).reencrypt(chart(a))
    key = doctor(b)
    trusted: Sequence[Any] = [a.public_key] * 200_000 + [b.public_key]
    start = time.monotonic()
    assert key.open_federated(trusted, referred) == PAYLOAD
    assert time.monotonic() - start < 30
    invalid_argument(lambda: key.open_federated(cast(Any, list(trusted) + [None]), referred))
