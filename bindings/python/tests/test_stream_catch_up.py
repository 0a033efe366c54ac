"""The catch-up of stored streams through the bindings (mirrors tests/revocation/stream_catch_up.rs):
after it, a key from before a bump opens no stored stream; a closed stream's header is re-wrapped
with its trailer (frames byte for byte, checked against the trailer by every opener), a stream
still open at the revocation and a v2 stream are re-encrypted whole; the re-wrap refuses a trailer
that is not the stream's; both log as chain entries. Also the Python side: `Trailer` as a value
class, the file objects the stream functions take, and wrong arguments."""

from __future__ import annotations

import hashlib
import io
import pickle
import struct
from pathlib import Path
from typing import Callable, List, Optional, Tuple

import pytest

import cipherchart
from cipherchart import (
    Authority,
    BlsSigningKey,
    Chain,
    Entry,
    Policy,
    StreamInfo,
    Trailer,
    UserKey,
    VerifiedNotice,
    read_stream_info,
    seal_stream,
    seal_stream_with_notice,
    stream_trailer,
)

from notice_service import T0, NoticeService

ATTRS = ["role:nurse", "dept:icu"]
POLICY = "role:nurse and dept:icu"


def payload(n: int, salt: int) -> bytes:
    return bytes((i * 31 % 251) ^ salt for i in range(n))


def seal3(authority: Authority, notice: VerifiedNotice, stream_id: bytes, chunk: int, data: bytes) -> bytes:
    out = io.BytesIO()
    seal_stream_with_notice(
        authority.public_key, notice, Policy(POLICY), stream_id, b"ward 3", io.BytesIO(data), out, chunk_size=chunk
    )
    return out.getvalue()


def seal2(authority: Authority, stream_id: bytes, chunk: int, data: bytes, policy: str = POLICY) -> bytes:
    out = io.BytesIO()
    seal_stream(authority.public_key, Policy(policy), stream_id, b"ward 3", io.BytesIO(data), out, chunk_size=chunk)
    return out.getvalue()


def open_stream(key: UserKey, authority: Authority, stream: bytes) -> bytes:
    out = io.BytesIO()
    key.open_stream(authority.public_key, io.BytesIO(stream), out)
    return out.getvalue()


def rewrap(authority: Authority, stream: bytes, trailer: Trailer, notice: VerifiedNotice) -> bytes:
    out = io.BytesIO()
    info = authority.rewrap_stream(io.BytesIO(stream), trailer, notice, out)
    assert info == read_stream_info(io.BytesIO(out.getvalue()))
    return out.getvalue()


def reencrypt(authority: Authority, stream: bytes, notice: VerifiedNotice) -> bytes:
    """Re-encrypts ``stream`` against the trailer its header carries (a re-wrapped stream),
    else the one its bytes give (the tests' stand-in for its sealer's close entry), else
    none (v2)."""
    info = read_stream_info(io.BytesIO(stream))
    trailer = info.trailer
    if trailer is None and info.notice_serial is not None:
        trailer = trailer_of(stream)
    out = io.BytesIO()
    info = authority.reencrypt_stream(io.BytesIO(stream), trailer, notice, out)
    assert info == read_stream_info(io.BytesIO(out.getvalue()))
    return out.getvalue()


def trailer_of(stream: bytes) -> Trailer:
    return stream_trailer(io.BytesIO(stream))


def info_of(stream: bytes) -> StreamInfo:
    return read_stream_info(io.BytesIO(stream))


def header_len(stream: bytes) -> int:
    return 8 + int(struct.unpack(">I", stream[4:8])[0])


def frames(stream: bytes) -> List[bytes]:
    """The frames after the header: flag, u32 length, ciphertext."""
    out, at = [], header_len(stream)
    while at < len(stream):
        n = int(struct.unpack(">I", stream[at + 1 : at + 5])[0])
        out.append(stream[at : at + 5 + n])
        at += 5 + n
    return out


def rfc6962_root(leaves: List[bytes]) -> bytes:
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + rfc6962_root(leaves[:k]) + rfc6962_root(leaves[k:])).digest()


def item_digest(i: int, frame: bytes) -> bytes:
    return hashlib.sha256(
        b"CIPHERCHART-V01-TRAILER-ITEM-with-SHA256" + struct.pack(">QI", i, len(frame)) + frame
    ).digest()


def test_after_catch_up_the_revoked_key_opens_no_stored_stream() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    carla = authority.issue_key_under(n0, ATTRS)
    dora = authority.issue_key_under(n0, ATTRS)
    data = payload(5_000, 0)
    # Closed before the revocation: re-wrapped.
    closed = seal3(authority, n0, b"ecg-1", 1024, data)
    trailer = trailer_of(closed)
    old_info = info_of(closed)
    assert (trailer.kind, trailer.id, trailer.count) == ("stream", b"ecg-1", 5)
    assert trailer.header_digest == old_info.header_digest and len(trailer.header_digest) == 32
    assert len(trailer.key_commitment) == 32
    # The root and digest as docs/formats.md "Trailer" computes them.
    assert trailer.root == rfc6962_root([item_digest(i, f) for i, f in enumerate(frames(closed))])
    assert trailer.digest == hashlib.sha256(b"CIPHERCHART-V01-TRAILER-DIGEST-with-SHA256" + bytes(trailer)).digest()
    assert old_info.authority == authority.public_key.id and old_info.trailer is None
    # Still being written at the revocation: re-encrypted whole.
    open_at_bump = seal3(authority, n0, b"ecg-2", 1024, data)
    # Format v2: re-encrypted whole.
    v2 = seal2(authority, b"ecg-3", 1024, data)
    for s in (closed, open_at_bump, v2):
        assert open_stream(carla, authority, s) == data

    # Carla leaves: role:nurse is bumped.
    n1 = service.bump("role:nurse")
    for s in (closed, open_at_bump, v2):
        assert info_of(s).needs_catch_up(n1)
        assert not info_of(s).needs_catch_up(n0)
    rewrapped = rewrap(authority, closed, trailer, n1)
    re1 = reencrypt(authority, open_at_bump, n1)
    re2 = reencrypt(authority, v2, n1)
    dora1 = authority.issue_key_under(n1, ATTRS)
    for s in (rewrapped, re1, re2):
        info = info_of(s)
        assert not info.needs_catch_up(n1)
        assert info.notice_serial == n1.serial
        assert info.attribute_versions() == [("role:nurse", 1), ("dept:icu", 0)]
        for revoked in (carla, dora):
            with pytest.raises(cipherchart.PolicyNotSatisfied):
                open_stream(revoked, authority, s)
        assert open_stream(dora1, authority, s) == data
    # The re-wrap kept every frame byte for byte and carries the trailer.
    assert rewrapped[header_len(rewrapped) :] == closed[header_len(closed) :]
    new_info = info_of(rewrapped)
    assert new_info.trailer == trailer
    assert trailer_of(rewrapped) == trailer
    assert new_info.header_digest != old_info.header_digest
    assert (new_info.stream_id, new_info.metadata, new_info.chunk_size) == (b"ecg-1", b"ward 3", 1024)
    # A re-encryption has a fresh stream key: no frame is the old one's.
    assert re1[header_len(re1) :][:100] != open_at_bump[header_len(open_at_bump) :][:100]
    assert info_of(re2).trailer is None and info_of(re1).trailer is None

    # The catch-ups are chain entries; the closes anchor them.
    signer = BlsSigningKey.generate()
    chain = Chain()
    close = Entry.for_stream_close(trailer, service.now)
    update = Entry.for_stream_catch_up(old_info, new_info, service.now)
    assert (close.action, close.subject, close.time) == ("create", b"ecg-1", service.now)
    assert close.digest == trailer.digest and close.metadata == bytes(trailer)
    assert (update.action, update.subject) == ("update", b"ecg-1")
    assert update.digest == new_info.header_digest
    assert update.metadata == old_info.header_digest + new_info.header_digest + trailer.digest
    chain.sign_and_append(close, signer)
    chain.sign_and_append(update, signer)
    chain.verify_all()
    assert chain.entry(0).digest == trailer.digest and chain.entry(1).metadata == update.metadata
    # The close entry's metadata decodes to the trailer.
    assert Trailer.from_bytes(chain.entry(0).metadata) == trailer
    re2_info = info_of(re2)
    v2_info = info_of(v2)
    assert Entry.for_stream_catch_up(v2_info, re2_info, 0).subject == b"ecg-3"
    # Not a catch-up: the same header, the other way round, another stream.
    for old, new in [(new_info, new_info), (new_info, old_info), (old_info, re2_info)]:
        with pytest.raises(cipherchart.InvalidArgument):
            Entry.for_stream_catch_up(old, new, 0)


def test_altered_frames_and_relabelled_trailers_open_nothing() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    data = payload(3_000, 1)
    stream = seal3(authority, n0, b"abc", 1000, data)
    # Another sealing of the same id and payload: its frames are under another stream key.
    other = seal3(authority, n0, b"abc", 1000, data)
    trailer = trailer_of(stream)
    n1 = service.bump("role:nurse")
    rewrapped = rewrap(authority, stream, trailer, n1)
    reader = authority.issue_key_under(n1, ATTRS)
    h, h_other = header_len(rewrapped), header_len(other)
    frame = 5 + 1000 + 16

    # Frames altered, dropped, repeated, of the other stream, truncated or followed by more.
    flipped = bytearray(rewrapped)
    flipped[h + frame + 40] ^= 1
    dropped = rewrapped[: h + frame] + rewrapped[h + 2 * frame :]
    repeated = rewrapped[: h + frame] + rewrapped[h:]
    spliced = rewrapped[:h] + other[h_other:]
    mixed = rewrapped[: h + frame] + other[h_other + frame : h_other + 2 * frame] + rewrapped[h + 2 * frame :]
    truncated = rewrapped[:-1]
    extra = rewrapped + b"\x00"
    for altered, error in [
        (bytes(flipped), cipherchart.DecryptionFailed),
        (dropped, cipherchart.DecryptionFailed),
        (repeated, cipherchart.DecryptionFailed),
        (spliced, cipherchart.DecryptionFailed),
        (mixed, cipherchart.DecryptionFailed),
        (truncated, cipherchart.DecryptionFailed),
        (extra, cipherchart.InvalidEncoding),
    ]:
        out = io.BytesIO()
        with pytest.raises(error):
            reader.open_stream(authority.public_key, io.BytesIO(altered), out)
        # The last chunk is never written, except after a whole stream followed by more.
        assert len(out.getvalue()) < len(data) or altered == extra
        with pytest.raises(error):
            trailer_of(altered)
        with pytest.raises(error):
            reencrypt(authority, altered, n1)
    # The authority refuses to re-wrap another stream's frames under this header and trailer.
    n2 = service.bump("dept:icu")
    with pytest.raises(cipherchart.DecryptionFailed):
        rewrap(authority, spliced, trailer, n2)
    with pytest.raises(cipherchart.DecryptionFailed):
        rewrap(authority, stream[: header_len(stream)] + other[h_other:], trailer, n1)

    # The carried trailer: kind, id or key commitment other than the header's is refused by
    # the decoder; a relabelled header digest, count or root makes the stream open for nobody.
    t_bytes = bytes(trailer)
    at = rewrapped.index(t_bytes)
    assert rewrapped[at - 5] == 1, "the trailer flag"

    def flip(offset: int) -> bytes:
        b = bytearray(rewrapped)
        b[offset] ^= 1
        return bytes(b)

    for offset in (at + 4, at + 9, at + 44):
        with pytest.raises(cipherchart.InvalidEncoding):
            info_of(flip(offset))
    for offset in (at + 12, at + 83, at + 90):
        b = flip(offset)
        assert info_of(b).trailer != trailer
        with pytest.raises(cipherchart.DecryptionFailed):
            open_stream(reader, authority, b)
    assert open_stream(reader, authority, rewrapped) == data


def test_the_rewrap_refuses_a_trailer_that_is_not_the_streams() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    data = payload(2_500, 0)
    stream = seal3(authority, n0, b"s-1", 1000, data)
    other = seal3(authority, n0, b"s-1", 1000, data)
    trailer = trailer_of(stream)
    n1 = service.bump("role:nurse")

    def edited(offset: int, value: Optional[int] = None) -> Trailer:
        b = bytearray(bytes(trailer))
        b[offset] = b[offset] ^ 1 if value is None else value
        return Trailer.from_bytes(bytes(b))

    # Field offsets: 4 header, 1 kind, 4 + 3 id, then the digest, commitment, count, root.
    session = edited(4, 1)
    assert session.kind == "session"
    wrong = [trailer_of(other), edited(9), edited(12), edited(44), session]
    for t in wrong:
        out = io.BytesIO()
        with pytest.raises(cipherchart.InvalidArgument):
            authority.rewrap_stream(io.BytesIO(stream), t, n1, out)
        assert out.getvalue() == b""
    # Another count or root: the frames are not the trailer's.
    count = edited(83, bytes(trailer)[83] + 1)
    assert count.count == trailer.count + 1
    for t in (count, edited(90)):
        with pytest.raises(cipherchart.DecryptionFailed):
            rewrap(authority, stream, t, n1)
    # Damaged frames after the trailer was taken.
    damaged = bytearray(stream)
    damaged[-1] ^= 1
    with pytest.raises(cipherchart.DecryptionFailed):
        rewrap(authority, bytes(damaged), trailer, n1)
    # A format v2 stream has no trailer to re-wrap with.
    v2 = seal2(authority, b"s-1", 1000, data, "role:nurse")
    with pytest.raises(cipherchart.InvalidArgument):
        rewrap(authority, v2, trailer, n1)
    with pytest.raises(cipherchart.InvalidArgument):
        trailer_of(v2)
    # Another authority, an older notice, a version that would go down.
    elsewhere = Authority.setup()
    theirs = NoticeService(elsewhere).current()
    with pytest.raises(cipherchart.WrongAuthority):
        rewrap(elsewhere, stream, trailer, theirs)
    with pytest.raises(cipherchart.WrongAuthority):
        rewrap(authority, stream, trailer, theirs)
    with pytest.raises(cipherchart.WrongAuthority):
        reencrypt(elsewhere, stream, theirs)
    caught_up = rewrap(authority, stream, trailer, n1)
    with pytest.raises(cipherchart.FutureVersion):
        rewrap(authority, caught_up, trailer, n0)
    n2 = service.current()
    at_n2 = rewrap(authority, caught_up, trailer, n2)
    with pytest.raises(cipherchart.StaleNotice):
        rewrap(authority, at_n2, trailer, n1)
    with pytest.raises(cipherchart.StaleNotice):
        reencrypt(authority, at_n2, n1)
    # Entry.for_stream_close logs streams only.
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_stream_close(session, T0)


def test_a_rewrapped_stream_is_caught_up_again_at_the_next_bump() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    data = payload(4_100, 3)
    stream = seal3(authority, n0, b"ecg-4", 1024, data)
    trailer = trailer_of(stream)
    n1 = service.bump("role:nurse")
    once = rewrap(authority, stream, trailer, n1)
    k1 = authority.issue_key_under(n1, ATTRS)
    n2 = service.bump("dept:icu")
    carried = info_of(once).trailer
    assert carried is not None and carried == trailer
    twice = rewrap(authority, once, carried, n2)
    k2 = authority.issue_key_under(n2, ATTRS)
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        open_stream(k1, authority, twice)
    assert open_stream(k2, authority, twice) == data
    assert twice[header_len(twice) :] == stream[header_len(stream) :]
    # A re-wrapped stream is re-encrypted too (checked against its trailer), into a stream
    # with a trailer of its own.
    n3 = service.bump("role:nurse")
    fresh = reencrypt(authority, twice, n3)
    k3 = authority.issue_key_under(n3, ATTRS)
    assert open_stream(k3, authority, fresh) == data
    fresh_trailer = trailer_of(fresh)
    assert fresh_trailer.count == 5
    assert fresh_trailer.key_commitment != trailer.key_commitment


@pytest.mark.parametrize("length,chunk", [(0, 7), (1, 1), (999, 1000), (1000, 1000), (2_999, 64)])
def test_both_catch_ups_keep_every_payload(length: int, chunk: int) -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    old = authority.issue_key_under(n0, ATTRS)
    data = payload(length, length % 256)
    stream = seal3(authority, n0, b"p", chunk, data)
    trailer = trailer_of(stream)
    assert trailer.count == max(1, -(-length // chunk))
    n1 = service.bump("dept:icu")
    current = authority.issue_key_under(n1, ATTRS)
    rewrapped = rewrap(authority, stream, trailer, n1)
    reencrypted = reencrypt(authority, stream, n1)
    assert rewrapped[header_len(rewrapped) :] == stream[header_len(stream) :]
    for s in (rewrapped, reencrypted):
        assert open_stream(current, authority, s) == data
        with pytest.raises(cipherchart.PolicyNotSatisfied):
            open_stream(old, authority, s)


def test_trailer_is_a_value_class() -> None:
    authority = Authority.setup()
    n0 = NoticeService(authority).current()
    stream = seal3(authority, n0, b"mri-9", 1024, payload(3_000, 0))
    trailer = trailer_of(stream)
    again = Trailer.from_bytes(bytes(trailer))
    assert again == trailer and hash(again) == hash(trailer)
    assert Trailer.from_bytes(bytearray(bytes(trailer))) == trailer
    assert Trailer.from_bytes(memoryview(bytes(trailer))) == trailer
    assert pickle.loads(pickle.dumps(trailer)) == trailer
    assert bytes(trailer)[:4] == b"\x43\x43\x43\x03"
    assert repr(trailer).startswith("Trailer(kind=stream, id=6d72692d39")
    other = trailer_of(seal3(authority, n0, b"mri-9", 1024, payload(3_000, 0)))
    assert other != trailer and len({trailer, again, other}) == 2
    assert trailer != bytes(trailer)
    # The decoder's refusals, each with its kind.
    b = bytes(trailer)
    cases: List[Tuple[bytes, str]] = [
        (b[:3] + b"\x02" + b[4:], "unsupported_version"),
        (b"\x43\x43\x06" + b[3:], "wrong_type"),
        (b[:4] + b"\x03" + b[5:], "non_canonical"),
        (b[:-1], "truncated"),
        (b + b"\x00", "trailing_bytes"),
    ]
    for data, kind in cases:
        with pytest.raises(cipherchart.InvalidEncoding) as refused:
            Trailer.from_bytes(data)
        assert refused.value.kind == kind, kind
    with pytest.raises(cipherchart.InvalidArgument):
        Trailer.from_bytes("43434303")  # type: ignore[arg-type]


def test_the_stream_functions_take_the_same_files_as_sealing() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    data = payload(2_000, 5)
    stream = seal3(authority, n0, b"f", 512, data)
    n1 = service.bump("role:nurse")

    class Failing(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def writable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            raise OSError("disk gone")

        def write(self, b: object) -> int:
            raise ValueError("sink closed")

    # A reader's or writer's own exception is raised as it is.
    with pytest.raises(OSError, match="disk gone"):
        stream_trailer(Failing())
    trailer = trailer_of(stream)
    with pytest.raises(OSError, match="disk gone"):
        authority.rewrap_stream(Failing(), trailer, n1, io.BytesIO())
    with pytest.raises(ValueError, match="sink closed"):
        authority.rewrap_stream(io.BytesIO(stream), trailer, n1, Failing())
    with pytest.raises(ValueError, match="sink closed"):
        authority.reencrypt_stream(io.BytesIO(stream), trailer, n1, Failing())
    # A reader that returns something other than bytes: IoError.
    class Lying:
        def read(self, size: int) -> str:
            return "x"

    with pytest.raises(cipherchart.IoError):
        stream_trailer(Lying())  # type: ignore[arg-type]


def test_files_on_disk(tmp_path: Path) -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    data = payload(4_000, 9)
    src = tmp_path / "stream.cc"
    src.write_bytes(seal3(authority, n0, b"disk", 1000, data))
    n1 = service.bump("role:nurse")
    with open(src, "rb") as f:
        trailer = stream_trailer(f)
    dst = tmp_path / "caught-up.cc"
    with open(src, "rb") as f, open(dst, "wb") as g:
        info = authority.rewrap_stream(f, trailer, n1, g)
    assert info.trailer == trailer
    re = tmp_path / "reencrypted.cc"
    with open(src, "rb") as f, open(re, "wb") as g:
        info2 = authority.reencrypt_stream(f, trailer, n1, g)
    assert info2.trailer is None
    key = authority.issue_key_under(n1, ATTRS)
    for p in (dst, re):
        with open(p, "rb") as f:
            out = io.BytesIO()
            key.open_stream(authority.public_key, f, out)
            assert out.getvalue() == data


def test_wrong_arguments_are_invalid_argument() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    stream = seal3(authority, n0, b"w", 1000, b"abc")
    trailer = trailer_of(stream)
    info = info_of(stream)
    n1 = service.bump("role:nurse")
    with pytest.raises(cipherchart.InvalidArgument):
        authority.rewrap_stream(io.BytesIO(stream), bytes(trailer), n1, io.BytesIO())  # type: ignore[arg-type]
    with pytest.raises(cipherchart.InvalidArgument):
        authority.rewrap_stream(io.BytesIO(stream), trailer, n1.notice, io.BytesIO())  # type: ignore[arg-type]
    with pytest.raises(cipherchart.InvalidArgument):
        authority.reencrypt_stream(io.BytesIO(stream), trailer, None, io.BytesIO())  # type: ignore[arg-type]
    # A v3 stream without its trailer, a v2 stream with one, a trailer that is not one.
    with pytest.raises(cipherchart.InvalidArgument):
        authority.reencrypt_stream(io.BytesIO(stream), None, n1, io.BytesIO())
    with pytest.raises(cipherchart.InvalidArgument):
        authority.reencrypt_stream(io.BytesIO(stream), bytes(trailer), n1, io.BytesIO())  # type: ignore[arg-type]
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_stream_close(info, T0)  # type: ignore[arg-type]
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_stream_catch_up(trailer, info, T0)  # type: ignore[arg-type]
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_stream_close(trailer, -1)
    with pytest.raises(cipherchart.InvalidArgument):
        info.needs_catch_up(n1.notice)  # type: ignore[arg-type]


def test_raw_bytes_where_a_file_is_expected_are_invalid_argument() -> None:
    """Every stream function refuses, before reading anything, an input without read(n) and an
    output without write(b), naming io.BytesIO (it was the AttributeError of the first read)."""
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    sealed = io.BytesIO()
    seal_stream_with_notice(authority.public_key, n0, Policy(POLICY), b"s", b"", io.BytesIO(b"abc"), sealed)
    data = sealed.getvalue()
    trailer = stream_trailer(io.BytesIO(data))
    key = authority.issue_key_under(n0, ATTRS)
    pk = authority.public_key
    calls: List[Callable[[], object]] = [
        lambda: read_stream_info(data),  # type: ignore[arg-type]
        lambda: stream_trailer(bytearray(data)),  # type: ignore[arg-type]
        lambda: key.open_stream(pk, data, io.BytesIO()),  # type: ignore[arg-type]
        lambda: key.open_stream(pk, io.BytesIO(data), bytearray()),  # type: ignore[arg-type]
        lambda: seal_stream(pk, Policy(POLICY), b"s", b"", b"abc", io.BytesIO()),  # type: ignore[arg-type]
        lambda: seal_stream_with_notice(pk, n0, Policy(POLICY), b"s", b"", io.BytesIO(b"abc"), None),  # type: ignore[arg-type]
        lambda: authority.rewrap_stream(data, trailer, n0, io.BytesIO()),  # type: ignore[arg-type]
        lambda: authority.reencrypt_stream(io.BytesIO(data), trailer, n0, b""),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(cipherchart.InvalidArgument, match="io.BytesIO"):
            call()
