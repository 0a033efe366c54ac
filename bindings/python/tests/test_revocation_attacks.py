"""Outside review of format v3 revocation through the Python binding (attacks).

Each test is one attack, from the docs and the public API only: the attack, the safe
behaviour expected, and the doc sentence relied on. An attack that succeeds is a finding
and is skipped with its id (``FINDING RB-n``); the others stay as regression tests.
"""

from __future__ import annotations

import copy
import pickle
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, cast

import pytest

import cipherchart
from cipherchart import (
    Authority,
    BlsSigningKey,
    Entry,
    Policy,
    SealedRecord,
    UserKey,
    VerifiedNotice,
    VersionNotice,
    seal,
    seal_with_notice,
)

NOTICE_KEY = BlsSigningKey.from_ikm(b"attack-notice-key" * 2)
T0 = 1_800_000_000
U64_MAX = 2**64 - 1


def fields(authority: Authority, serial: int, bump_count: int, versions: Sequence[Tuple[str, int]]) -> Dict[str, Any]:
    """Valid keyword arguments of VersionNotice.sign (an hour of validity)."""
    return dict(
        authority=authority.public_key.id,
        statement_serial=0,
        serial=serial,
        issued_at=serial,
        not_after=serial + 3600,
        bump_count=bump_count,
        bump_head=b"\x01" * 32 if bump_count else bytes(32),
        versions=list(versions),
    )


def sign(
    authority: Authority,
    serial: int,
    bump_count: int,
    versions: Sequence[Tuple[str, int]],
    /,
    signer: BlsSigningKey = NOTICE_KEY,
    **override: Any,
) -> VersionNotice:
    """A notice with `override` replacing any keyword argument of VersionNotice.sign."""
    kwargs = fields(authority, serial, bump_count, versions)
    kwargs.update(override)
    return VersionNotice.sign(signer, **kwargs)


def verified(notice: VersionNotice, previous: Optional[VerifiedNotice] = None) -> VerifiedNotice:
    return notice.verify(NOTICE_KEY.public_key, notice.issued_at, previous)


@pytest.fixture(scope="module")
def n0(authority: Authority) -> VerifiedNotice:
    return verified(sign(authority, T0, 0, []))


@pytest.fixture(scope="module")
def n1(authority: Authority, n0: VerifiedNotice) -> VerifiedNotice:
    return verified(sign(authority, T0 + 60, 1, [("role:nurse", 1)]), n0)


@pytest.fixture(scope="module")
def n2(authority: Authority, n1: VerifiedNotice) -> VerifiedNotice:
    return verified(sign(authority, T0 + 120, 2, [("role:nurse", 2)]), n1)


def test_u64_fields_above_2_64_negative_or_fractional_are_invalid_argument(authority: Authority) -> None:
    # Attack: every u64 field of VersionNotice.sign at 2**64, -1 and 1.5 (a wrapped or
    # truncated value would sign a notice other than the one asked for).
    # Safe: InvalidArgument (a CipherchartError), never OverflowError/TypeError or a panic.
    # Doc: _native.pyi VersionNotice.sign "Raises InvalidArgument ... for fields that break a
    # notice rule"; formats.md "Version notice (v3)": serial, issued_at, ... are u64.
    for name in ("statement_serial", "serial", "bump_count", "issued_at", "not_after"):
        for bad in (2**64, -1, 2**70):
            with pytest.raises(cipherchart.InvalidArgument):
                sign(authority, T0, 0, [], **cast(Dict[str, Any], {name: bad}))
    for name in ("statement_serial", "serial", "bump_count"):
        with pytest.raises(cipherchart.InvalidArgument):
            sign(authority, T0, 0, [], **cast(Dict[str, Any], {name: 1.5}))
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_key_update(sign(authority, T0, 0, []), 2**64, T0)


def test_u64_top_edges_do_not_wrap(authority: Authority) -> None:
    # Attack: issued_at near 2**64 - 1, so that issued_at + 86400 (the validity bound) and
    # now + 300 (the clock skew) overflow: a wrapping check would accept a notice valid
    # "forever" or refuse a current one.
    # Safe: not_after = 2**64 - 1 is within 24 hours and accepted; not_after beyond is refused;
    # verify at a now near the top accepts the notice; a now before issued_at - 300 is stale.
    # Doc: formats.md "issued_at < not_after ≤ issued_at + 86400"; "issued_at ≤ now + 300 and
    # now < not_after (stale_notice)".
    top = U64_MAX - 100
    notice = sign(authority, top, 0, [], not_after=U64_MAX)
    assert notice.not_after == U64_MAX and VersionNotice.from_bytes(bytes(notice)) == notice
    key = NOTICE_KEY.public_key
    assert notice.verify(key, U64_MAX - 1).serial == top
    assert notice.verify(key, U64_MAX - 200).serial == top  # now + 300 > 2**64 - 1
    assert notice.verify(key, top - 300).serial == top
    with pytest.raises(cipherchart.StaleNotice):
        notice.verify(key, top - 301)
    with pytest.raises(cipherchart.StaleNotice):
        notice.verify(key, U64_MAX)  # now == not_after
    with pytest.raises(cipherchart.InvalidArgument):
        sign(authority, U64_MAX, 0, [], issued_at=U64_MAX, not_after=U64_MAX)
    with pytest.raises(cipherchart.InvalidArgument):
        notice.verify(key, 2**64)


def test_times_nan_inf_negative_naive_are_refused_floats_floor(authority: Authority) -> None:
    # Attack: NaN, ±inf, 1e30, negative and naive datetimes as issued_at/not_after/now.
    # Safe: InvalidArgument; a float rounds down to the second (T0 + 0.9 is T0).
    # Doc: _native.pyi `_Time`: "rounded down to the second. A naive datetime or a negative,
    # NaN or infinite time raises InvalidArgument".
    from datetime import datetime, timezone

    for bad in (float("nan"), float("inf"), float("-inf"), 1e30, -1, -0.5):
        with pytest.raises(cipherchart.InvalidArgument):
            sign(authority, T0, 0, [], issued_at=bad)
    notice = sign(authority, T0, 0, [], issued_at=T0 + 0.9)
    assert notice.issued_at == T0
    for now in (float("nan"), -1, datetime(2027, 1, 15)):
        with pytest.raises(cipherchart.InvalidArgument):
            notice.verify(NOTICE_KEY.public_key, cast(Any, now))
    aware = datetime.fromtimestamp(T0, timezone.utc)
    assert notice.verify(NOTICE_KEY.public_key, aware).serial == T0


def test_authority_and_bump_head_must_be_exactly_32_bytes(authority: Authority) -> None:
    # Attack: a 31/33-byte or str authority id or bump head (a binding that pads or truncates
    # signs a notice for another authority or another bump chain).
    # Safe: InvalidArgument; a bump head of zeros with bump_count > 0 (or the reverse) too.
    # Doc: _native.pyi "authority and bump_head: 32 bytes"; formats.md "32 zero bytes iff
    # bump_count = 0".
    good = authority.public_key.id
    for bad in (good[:31], good + b"\x00", b"", cast(Any, good.hex()[:32])):
        with pytest.raises(cipherchart.InvalidArgument):
            sign(authority, T0, 0, [], authority=bad)
        with pytest.raises(cipherchart.InvalidArgument):
            sign(authority, T0, 1, [], bump_head=bad)
    with pytest.raises(cipherchart.InvalidArgument):
        sign(authority, T0, 1, [], bump_head=bytes(32))
    with pytest.raises(cipherchart.InvalidArgument):
        sign(authority, T0, 0, [], bump_head=b"\x01" * 32)
    # bytearray and memoryview are the same bytes.
    a = sign(authority, T0, 0, [], authority=bytearray(good), bump_head=memoryview(bytes(32)))
    assert a == sign(authority, T0, 0, [])


def test_versions_list_edges(authority: Authority) -> None:
    # Attack: duplicates (also two spellings of one name, NFC and NFD), non-strings, version
    # 0, above u32, negative, above bump_count, wrong tuple shapes, a str for the list, the
    # guard namespace, a 256-byte name, 65,537 entries.
    # Safe: every one refused with a CipherchartError (InvalidArgument, InvalidAttribute or
    # LimitExceeded), never a TypeError, OverflowError or panic; 65,536 entries are accepted.
    # Doc: formats.md "vattr ... not strictly above the previous name (unsorted or repeated):
    # NonCanonical"; "each version ≥ 1 and ≤ bump_count"; "list<vattr>(≤ 65536)".
    bad_lists: List[Any] = [
        [("role:nurse", 1), ("role:nurse", 1)],
        [("caf\u00e9:x", 1), ("cafe\u0301:x", 1)],
        [(b"role:nurse", 1)],
        [(5, 1)],
        [("role:nurse", 0)],
        [("role:nurse", -1)],
        [("role:nurse", 2**32)],
        [("role:nurse", 2)],
        [("role:nurse", 1.0)],
        [("role:nurse", 1, 1)],
        [("role:nurse",)],
        ["role:nurse"],
        "role:nurse",
        {"role:nurse": 1},
        [("cipherchart:key-holder", 1)],
        [("", 1)],
        [("a\x00b", 1)],
        [("a" * 256, 1)],
        [("a\ud800", 1)],
    ]
    for versions in bad_lists:
        with pytest.raises(cipherchart.CipherchartError):
            sign(authority, T0, 1, [], versions=versions)
    big = [("n:%06d" % i, 1) for i in range(65_536)]
    notice = sign(authority, T0, 1, big)
    assert len(notice.versions) == 65_536
    with pytest.raises(cipherchart.InvalidArgument):
        sign(authority, T0, 1, big + [("z:1", 1)])
    # A u32 version at the top is kept exactly (bump_count may be above 2**32).
    top = sign(authority, T0, U64_MAX, [("role:nurse", 2**32 - 1)])
    assert VersionNotice.from_bytes(bytes(top)).versions == [("role:nurse", 2**32 - 1)]


def test_a_non_nfc_name_is_canonicalised_so_the_signed_notice_decodes(authority: Authority) -> None:
    # Attack: sign a notice for the NFD spelling of a name; the decoder refuses non-NFC names,
    # so a binding that writes the name as given signs a notice no verifier can read, and a
    # key/record lookup by the other spelling would see version 0 (R1 bypass).
    # Safe: the name is stored in NFC, the bytes decode, version_of answers for both spellings
    # and issue_key_under gives the key the bumped version.
    # Doc: formats.md vattr "a name not in canonical (NFC) form ... NonCanonical";
    # VerifiedNotice.version_of "(canonicalised first)" (Rust doc).
    nfd, nfc = "cafe\u0301:x", "caf\u00e9:x"
    notice = sign(authority, T0, 1, [(nfd, 1)])
    assert notice.versions == [(nfc, 1)]
    assert VersionNotice.from_bytes(bytes(notice)) == notice
    v = verified(notice)
    assert v.version_of(nfd) == 1 and v.version_of(nfc) == 1
    assert authority.issue_key_under(v, [nfd]).versioned_attributes() == [(nfc, 1)]
    record = seal_with_notice(authority.public_key, v, Policy('"%s"' % nfc), b"r", b"", b"p")
    assert record.attribute_versions() == [(nfc, 1)]
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        authority.issue_key([nfd]).open(authority.public_key, record)


def test_an_unverified_notice_or_other_object_is_never_taken_as_verified(
    authority: Authority, n2: VerifiedNotice
) -> None:
    # Attack: pass the VersionNotice itself (never verified: forged or stale), None or bytes
    # where a VerifiedNotice is required; pass a VersionNotice as `previous`.
    # Safe: InvalidArgument everywhere (no duck typing).
    # Doc: revocation.md §0.1 "sealers, storage and the authority verify (VersionNotice::verify)";
    # _native.pyi VerifiedNotice "A notice checked by VersionNotice.verify: what
    # seal_with_notice, Authority.issue_key_under and Authority.rewrap take".
    pk = authority.public_key
    record = seal_with_notice(pk, n2, Policy("role:nurse"), b"r", b"", b"p")
    forged = sign(authority, T0 + 600, 9, [("role:nurse", 9)], signer=BlsSigningKey.from_ikm(b"x" * 32))
    for bad in (forged, n2.notice, None, bytes(n2.notice)):
        b = cast(Any, bad)
        with pytest.raises(cipherchart.InvalidArgument):
            authority.rewrap(record, b)
        with pytest.raises(cipherchart.InvalidArgument):
            authority.issue_key_under(b, ["role:nurse"])
        with pytest.raises(cipherchart.InvalidArgument):
            seal_with_notice(pk, b, Policy("role:nurse"), b"r", b"", b"p")
        with pytest.raises(cipherchart.InvalidArgument):
            record.needs_catch_up(b)
        if bad is not None:  # None is "no previous notice"
            with pytest.raises(cipherchart.InvalidArgument):
                n2.notice.verify(NOTICE_KEY.public_key, T0 + 120, b)
    with pytest.raises(cipherchart.InvalidArgument):
        authority.rewrap(cast(Any, bytes(record)), n2)
    with pytest.raises(cipherchart.InvalidArgument):
        n2.notice.verify(cast(Any, NOTICE_KEY), T0 + 120)


def test_a_verified_notice_cannot_be_constructed_subclassed_copied_or_pickled(n1: VerifiedNotice) -> None:
    # Attack: make a VerifiedNotice without verification: construct it, __new__, subclass it
    # (or VersionNotice), copy/deepcopy/pickle it (an unpickled one would skip verification
    # and the previous-notice ordering of the receiving process).
    # Safe: TypeError for each.
    # Doc: Rust VerifiedNotice "Made only by verification"; _native.pyi @final.
    with pytest.raises(TypeError):
        cast(Any, VerifiedNotice)()
    with pytest.raises(TypeError):
        VerifiedNotice.__new__(VerifiedNotice)
    for base in (VerifiedNotice, VersionNotice):
        with pytest.raises(TypeError):
            type("Sub", (base,), {})
    for f in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError):
            cast(Callable[[Any], Any], f)(n1)
    with pytest.raises(TypeError):
        hash(n1)


def test_a_verified_notice_smuggled_across_authorities_is_refused(
    authority: Authority, n1: VerifiedNotice
) -> None:
    # Attack: use authority A's verified notice with authority B (issue, seal, rewrap of B's
    # record by B, rewrap of A's record by B, rewrap of B's record by A), and B's notice as
    # `previous` of A's.
    # Safe: WrongAuthority every time, needs_catch_up False for an unrelated record.
    # Doc: revocation.md §0.2 "another_authoritys_notice_is_refused"; formats.md verification
    # "(wrong_authority for another's)"; _native.pyi rewrap "Raises WrongAuthority".
    other = Authority.setup()
    pk_a, pk_b = authority.public_key, other.public_key
    nb = verified(sign(other, T0 + 60, 1, [("role:nurse", 1)]))
    rec_a = seal(pk_a, Policy("role:nurse"), b"a", b"", b"p")
    rec_b = seal(pk_b, Policy("role:nurse"), b"b", b"", b"p")
    with pytest.raises(cipherchart.WrongAuthority):
        other.issue_key_under(n1, ["role:nurse"])
    with pytest.raises(cipherchart.WrongAuthority):
        seal_with_notice(pk_b, n1, Policy("role:nurse"), b"r", b"", b"p")
    for who, rec, notice in [(other, rec_b, n1), (other, rec_a, n1), (authority, rec_b, n1), (authority, rec_a, nb)]:
        with pytest.raises(cipherchart.WrongAuthority):
            who.rewrap(rec, notice)
    assert not rec_b.needs_catch_up(n1) and not rec_a.needs_catch_up(nb)
    with pytest.raises(cipherchart.WrongAuthority):
        sign(authority, T0 + 120, 1, [("role:nurse", 1)]).verify(NOTICE_KEY.public_key, T0 + 120, nb)


def test_catch_up_never_moves_a_serial_or_a_version_back(
    authority: Authority, n0: VerifiedNotice, n1: VerifiedNotice, n2: VerifiedNotice
) -> None:
    # Attack: rewrap a record to an older notice; to a notice with a higher serial but a
    # lower version (or the name dropped), verified by a fresh verifier with no `previous`
    # (so the notice-level rollback check never ran).
    # Safe: StaleNotice for a lower serial, FutureVersion for a lower version, whatever the
    # serial; the record's serial and versions never go down.
    # Doc: revocation.md §0.2 R2 "a record is never rolled back to older versions"; formats.md
    # "never moves the notice serial back (stale_notice) or a version down (future_version)".
    pk = authority.public_key
    at2 = seal_with_notice(pk, n2, Policy("role:nurse and dept:icu"), b"r", b"", b"p")
    lower = verified(sign(authority, T0 + 180, 2, [("role:nurse", 1)]))
    dropped = verified(sign(authority, T0 + 180, 2, []))
    for notice in (n1, n0, lower, dropped):
        with pytest.raises((cipherchart.StaleNotice, cipherchart.FutureVersion)):
            authority.rewrap(at2, notice)
    with pytest.raises(cipherchart.FutureVersion):
        authority.rewrap(at2, lower)
    # Same versions, lower serial: stale.
    at1 = authority.rewrap(seal_with_notice(pk, n0, Policy("role:nurse"), b"s", b"", b"p"), n2)
    same_versions_older = verified(sign(authority, T0 + 90, 2, [("role:nurse", 2)]))
    with pytest.raises(cipherchart.StaleNotice):
        authority.rewrap(at1, same_versions_older)
    assert at1.notice_serial == n2.serial and at1.attribute_versions() == [("role:nurse", 2)]


def test_r1_a_threshold_row_counts_only_keys_at_its_version(
    authority: Authority, n0: VerifiedNotice, n1: VerifiedNotice
) -> None:
    # Attack: a key from before the bump holding the bumped name plus one other name tries a
    # 2-of-3 policy sealed under the newer notice (the bumped row would be the second share).
    # Safe: PolicyNotSatisfied; a key with two unbumped names still opens (not a lock-out).
    # Doc: revocation.md §0.2 R1 "a threshold row counts only keys at the row's version".
    pk = authority.public_key
    record = seal_with_notice(pk, n1, Policy("2 of (role:nurse, dept:icu, ward:3)"), b"t", b"", b"tp")
    assert record.attribute_versions() == [("role:nurse", 1), ("dept:icu", 0), ("ward:3", 0)]
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        authority.issue_key_under(n0, ["role:nurse", "dept:icu"]).open(pk, record)
    assert authority.issue_key_under(n0, ["dept:icu", "ward:3"]).open(pk, record) == b"tp"
    assert authority.issue_key_under(n1, ["role:nurse", "dept:icu"]).open(pk, record) == b"tp"


def test_r2_the_old_key_opens_nothing_after_rewrap_even_through_pickle(
    authority: Authority, n0: VerifiedNotice, n1: VerifiedNotice
) -> None:
    # Attack: after the catch-up, try the pre-bump key (v2 issue_key and v3 issue_key_under,
    # also after a pickle round trip of key and record) on v3 and v2 records caught up.
    # Safe: PolicyNotSatisfied every time; the new key opens; needs_catch_up is then False.
    # Doc: revocation.md §0.2 R2 "After the catch-up, no stored record opens with such a key".
    pk = authority.public_key
    policy = Policy("role:nurse or (dept:icu and ward:3)")
    old_keys: List[UserKey] = [
        authority.issue_key(["role:nurse", "dept:icu"]),
        authority.issue_key_under(n0, ["role:nurse", "dept:icu"]),
    ]
    old_keys += [pickle.loads(pickle.dumps(k)) for k in old_keys]
    stored = [
        seal_with_notice(pk, n0, policy, b"v3", b"m", b"three"),
        seal(pk, policy, b"v2", b"m", b"two"),
    ]
    new_key = authority.issue_key_under(n1, ["role:nurse", "dept:icu"])
    for record in stored:
        assert record.needs_catch_up(n1)
        caught = authority.rewrap(record, n1)
        assert not caught.needs_catch_up(n1)
        for candidate in (caught, pickle.loads(pickle.dumps(caught)), SealedRecord.from_bytes(bytes(caught))):
            for key in old_keys:
                with pytest.raises(cipherchart.PolicyNotSatisfied):
                    key.open(pk, candidate)
            assert new_key.open(pk, candidate) in (b"three", b"two")


def test_pickle_and_bytes_round_trips_keep_equality_and_hash(
    authority: Authority, n1: VerifiedNotice
) -> None:
    # Attack: pickle/unpickle a VersionNotice, a v3 UserKey and a v3 SealedRecord (also a
    # caught-up one), and a pickle whose bytes were edited.
    # Safe: equal objects with equal hashes and identical bytes; an edited notice pickle is
    # refused by from_bytes (InvalidEncoding) or is another notice that fails verification.
    # Doc: _native.pyi VersionNotice "public, comparable, hashable, picklable".
    notice = n1.notice
    back = pickle.loads(pickle.dumps(notice))
    assert back == notice and hash(back) == hash(notice) and bytes(back) == bytes(notice)
    assert {notice: 1}[back] == 1
    key = authority.issue_key_under(n1, ["role:nurse"])
    key_back = pickle.loads(pickle.dumps(key))
    assert bytes(key_back) == bytes(key) and key_back.versioned_attributes() == [("role:nurse", 1)]
    record = seal_with_notice(authority.public_key, n1, Policy("role:nurse"), b"r", b"", b"p")
    for r in (record, authority.rewrap(record, n1)):
        rb = pickle.loads(pickle.dumps(r))
        assert rb == r and hash(rb) == hash(r) and rb.notice_serial == r.notice_serial
        assert rb.body_commitment == r.body_commitment and rb.attribute_versions() == r.attribute_versions()
    data = pickle.dumps(notice)
    raw = bytes(notice)
    i = data.index(raw)
    tampered = bytearray(data)
    tampered[i + len(raw) - 100] ^= 0x01  # inside the versions or the signature's neighbour
    try:
        forged = pickle.loads(bytes(tampered))
    except cipherchart.InvalidEncoding:
        return
    assert forged != notice
    with pytest.raises(cipherchart.CipherchartError):
        forged.verify(NOTICE_KEY.public_key, T0 + 60)


def test_no_secret_in_repr_str_or_error_messages(authority: Authority, n1: VerifiedNotice) -> None:
    # Attack: look for payload bytes, key bytes or the master key in repr/str of every v3
    # object and in the messages of the errors the revocation calls raise.
    # Safe: none appear (reprs show ids, serials, digests, attribute names only).
    # Doc: _native.pyi UserKey "Secret"; revocation.md §0.3 "the authority never sees the payload"
    # (so nothing should print it).
    pk = authority.public_key
    payload = b"PAYLOAD-SECRET-7f3a9c"
    key = authority.issue_key_under(n1, ["role:nurse"])
    record = seal_with_notice(pk, n1, Policy("role:nurse"), b"r", b"", payload)
    caught = authority.rewrap(record, n1)
    key_hex = bytes(key).hex()
    secrets = [payload.decode(), payload.hex(), key_hex[8:72], key_hex[-64:]]
    texts = [repr(x) + str(x) for x in (key, record, caught, n1, n1.notice)]
    tampered = bytearray(bytes(record))
    tampered[-3] ^= 1
    bad = SealedRecord.from_bytes(bytes(tampered))
    calls: List[Callable[[], object]] = [
        lambda: authority.rewrap(bad, n1),
        lambda: key.open(pk, bad),
        lambda: authority.issue_key(["dept:x"]).open(pk, caught),
        lambda: SealedRecord.from_bytes(bytes(record)[:-5]),
    ]
    for call in calls:
        with pytest.raises(cipherchart.CipherchartError) as info:
            call()
        texts.append(str(info.value) + repr(info.value))
    for text in texts:
        for s in secrets:
            assert s not in text, text


def test_error_classes_codes_and_kinds_match_the_rust_codes(authority: Authority, n1: VerifiedNotice) -> None:
    # Attack: check the three new error classes and the decoding kinds a notice raises against
    # the stable codes (an integrator matching on `.code` must see the Rust code).
    # Safe: ERROR_CLASSES maps each code to its class, `.code` is the code, decoding errors
    # carry the Rust sub-kind in `.kind`.
    # Doc: surface.txt "error stale_notice StaleNotice"; formats.md decoding refusals
    # ("above 4 MiB: BadLength", "a version other than 3: UnsupportedVersion").
    for code, cls in [
        ("stale_notice", cipherchart.StaleNotice),
        ("notice_rollback", cipherchart.NoticeRollback),
        ("future_version", cipherchart.FutureVersion),
    ]:
        assert cipherchart.ERROR_CLASSES[code] is cls and issubclass(cls, cipherchart.CipherchartError)
    with pytest.raises(cipherchart.StaleNotice) as stale:
        n1.notice.verify(NOTICE_KEY.public_key, T0 + 60 + 3600)
    assert stale.value.code == "stale_notice"
    with pytest.raises(cipherchart.NoticeRollback) as rollback:
        sign(authority, T0 + 120, 0, []).verify(NOTICE_KEY.public_key, T0 + 120, n1)
    assert rollback.value.code == "notice_rollback"
    data = bytes(n1.notice)
    cases = [
        (b"\x43\x43\x41\x03" + bytes(4 * 1024 * 1024), "bad_length"),
        (data[:3] + b"\x02" + data[4:], "unsupported_version"),
        (data[:108] + (65_537).to_bytes(4, "big") + data[112:], "bad_length"),
        (data[:-1], None),
        (data + b"\x00", "trailing_bytes"),
    ]
    for blob, kind in cases:
        with pytest.raises(cipherchart.InvalidEncoding) as info:
            VersionNotice.from_bytes(blob)
        assert info.value.code == "invalid_encoding"
        if kind is not None:
            assert info.value.kind == kind


def test_rewrap_from_threads_is_correct_and_releases_the_gil(
    authority: Authority, n0: VerifiedNotice, n1: VerifiedNotice
) -> None:
    # Attack: call Authority.rewrap on one authority and one VerifiedNotice from 4 threads at
    # once (shared-state races), while a pure-Python thread spins.
    # Safe: every result opens with the new key and not the old one, and the spinning thread
    # keeps running during the rewraps (the GIL is released around the pairing work).
    # Doc: revocation.md §0.1 step 4 (rewrap per record); README of the binding (PARALLEL).
    pk = authority.public_key
    policy = Policy("role:nurse and dept:icu")
    records = [seal_with_notice(pk, n0, policy, b"r%d" % i, b"", b"p%d" % i) for i in range(16)]
    ticks = [0]
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0)

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        with ThreadPoolExecutor(4) as pool:
            out = list(pool.map(lambda r: authority.rewrap(r, n1), records))
    finally:
        stop.set()
        spinner.join()
    assert ticks[0] > 0
    new_key = authority.issue_key_under(n1, ["role:nurse", "dept:icu"])
    old_key = authority.issue_key_under(n0, ["role:nurse", "dept:icu"])
    for i, r in enumerate(out):
        assert r.record_id == b"r%d" % i and r.notice_serial == n1.serial
        assert new_key.open(pk, r) == b"p%d" % i
        with pytest.raises(cipherchart.PolicyNotSatisfied):
            old_key.open(pk, r)


def test_for_catch_up_refuses_an_unrelated_v3_record_as_a_v2_records_catch_up(
    authority: Authority, n1: VerifiedNotice
) -> None:
    # Attack: storage (or anyone with the public key) seals a new v3 record with the id and
    # metadata of a stored v2 record but its own payload and policy, and logs the swap as the
    # v2 record's catch-up.
    # Safe: InvalidArgument (not a catch-up: another policy, another payload).
    # Doc: _native.pyi Entry.for_catch_up "Raises InvalidArgument if new is not a catch-up of
    # old"; Rust doc "a draft must not log unrelated records as one".
    pk = authority.public_key
    v2 = seal(pk, Policy("role:nurse"), b"id", b"m", b"genuine")
    forged = seal_with_notice(pk, n1, Policy("dept:icu"), b"id", b"m", b"forged")
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_catch_up(v2, forged, T0)


def test_for_catch_up_refuses_a_record_as_its_own_catch_up(authority: Authority, n1: VerifiedNotice) -> None:
    # Attack: log a catch-up that replaced nothing, so the audit shows a record as caught up
    # to n1 while its stored header is unchanged (e.g. still the pre-bump one for a record
    # whose serial equals the notice's).
    # Safe: InvalidArgument (no new header).
    # Doc: Rust Entry::for_catch_up "logs one record's catch-up from old to new ... metadata =
    # the old header digest ‖ the new header digest".
    record = seal_with_notice(authority.public_key, n1, Policy("role:nurse"), b"r", b"", b"p")
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_catch_up(record, record, T0)
