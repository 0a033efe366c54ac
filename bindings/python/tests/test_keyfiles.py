"""Passphrase-protected key files (``to_key_file``, ``from_key_file``, ``write_key_file``,
``read_key_file``, ``KeyFileOptions``) on every secret key type, and the key-file
conformance vectors (``tests/vectors/cipherchart-keyfiles.json``, also read by
``tests/encodings_vectors/keyfiles.rs`` and ``bindings/wasm/tests/keyfile.test.mjs``).

Work factor 15 keeps the tests fast; the defaults (18, about a second) are used once.
"""

from __future__ import annotations

import json
import os
import pickle
import stat
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import pytest

import cipherchart
from cipherchart import (
    Authority,
    BlsSigningKey,
    DelegationKey,
    KeyFileError,
    KeyFileOptions,
    Policy,
    ReKey,
    UserKey,
)

VECTORS = Path(__file__).resolve().parents[3] / "tests" / "vectors" / "cipherchart-keyfiles.json"
PASS = "correct horse battery staple"
FAST = KeyFileOptions(work_factor=15)

Key = Union[Authority, UserKey, ReKey, DelegationKey, BlsSigningKey]
KeyType = Any  # one of the five classes (mypy has no common protocol for their statics)

#: The vectors' type names: the class, and the key's canonical bytes.
TYPES: Dict[str, Tuple[KeyType, Callable[[Any], bytes]]] = {
    "master-key": (Authority, lambda k: k.to_secret_bytes()),
    "user-key": (UserKey, bytes),
    "rekey": (ReKey, bytes),
    "delegation-key": (DelegationKey, bytes),
    "bls-signing-key": (BlsSigningKey, lambda k: k.to_secret_bytes()),
}


def vectors() -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def keys() -> Dict[str, Key]:
    authority = Authority.setup()
    patient = BlsSigningKey.from_ikm(b"p" * 32)
    delegation = authority.issue_delegation_key(["patient:42"], patient.public_key)
    rekey = authority.issue_delegation_key(["patient:42"], patient.public_key).rekey(
        authority.public_key, Policy("hospital:h2")
    )
    return {
        "master-key": authority,
        "user-key": authority.issue_key(["role:nurse"]),
        "rekey": rekey,
        "delegation-key": delegation,
        "bls-signing-key": patient,
    }


def canonical(name: str, key: Any) -> bytes:
    return TYPES[name][1](key)


def kind_of(call: Callable[..., object], *args: object) -> Optional[str]:
    """The ``.kind`` of the KeyFileError that ``call(*args)`` raises."""
    with pytest.raises(KeyFileError) as info:
        call(*args)
    assert info.value.code == "key_file_error"
    return info.value.kind


@pytest.mark.parametrize("name", sorted(TYPES))
def test_round_trip_every_type(name: str, keys: Dict[str, Key]) -> None:
    cls, _ = TYPES[name]
    key = keys[name]
    file = key.to_key_file(PASS, FAST)
    assert isinstance(file, bytes) and file.startswith(b"age-encryption.org/v1\n")
    back = cls.from_key_file(file, PASS, FAST)
    assert type(back) is cls
    assert canonical(name, back) == canonical(name, key)
    # Bytes-like input, and options are optional for reading (15 is below the default max).
    assert canonical(name, cls.from_key_file(memoryview(file), PASS)) == canonical(name, key)
    assert kind_of(lambda: cls.from_key_file(file, PASS + "!")) == "wrong_passphrase_or_damaged"


def test_default_work_factor_and_gil_released(keys: Dict[str, Key]) -> None:
    """The defaults (work factor 18) round trip, and a pure-Python thread keeps counting
    while scrypt runs (the GIL is released, as in test_threads.py)."""
    key = keys["bls-signing-key"]
    assert isinstance(key, BlsSigningKey)
    file = key.to_key_file(PASS)
    counter = [0]
    stop = threading.Event()

    def count() -> None:
        while not stop.is_set():
            counter[0] += 1

    thread = threading.Thread(target=count)
    thread.start()
    try:
        before = counter[0]
        back = BlsSigningKey.from_key_file(file, PASS)
        progress = counter[0] - before
    finally:
        stop.set()
        thread.join()
    assert back.to_secret_bytes() == key.to_secret_bytes()
    # With the GIL held, the counter could advance by at most a handful of steps.
    assert progress > 1000
    # A file of work factor 18 is refused by a reader whose maximum is lower.
    low = KeyFileOptions(max_work_factor=17)
    assert kind_of(lambda: BlsSigningKey.from_key_file(file, PASS, low)) == "work_factor_too_high"


def test_conformance_valid_files() -> None:
    valid: List[Dict[str, Any]] = vectors()["valid"]
    assert sorted(v["type"] for v in valid) == sorted(TYPES)
    for v in valid:
        cls, to_bytes = TYPES[v["type"]]
        key = cls.from_key_file(bytes.fromhex(v["file"]), v["passphrase"])
        assert to_bytes(key) == bytes.fromhex(v["key"]), v["type"]


def test_conformance_wrong_key_types() -> None:
    for v in vectors()["valid"]:
        file = bytes.fromhex(v["file"])
        for name, (cls, _) in TYPES.items():
            if name != v["type"]:
                kind = kind_of(cls.from_key_file, file, v["passphrase"])
                assert kind == "wrong_key_type", (v["type"], name)


def test_conformance_errors() -> None:
    errors: List[Dict[str, Any]] = vectors()["errors"]
    assert errors
    for e in errors:
        cls, _ = TYPES[e["read_as"]]
        file = bytes.fromhex(e["file"])
        assert kind_of(cls.from_key_file, file, e["passphrase"]) == e["kind"], e["name"]


def test_write_and_read_a_file(tmp_path: Path, keys: Dict[str, Key]) -> None:
    key = keys["user-key"]
    assert isinstance(key, UserKey)
    path = tmp_path / "nurse.age"
    key.write_key_file(path, PASS, FAST)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert bytes(UserKey.read_key_file(path, PASS)) == bytes(key)
    assert bytes(UserKey.read_key_file(str(path), PASS, FAST)) == bytes(key)
    assert kind_of(lambda: ReKey.read_key_file(path, PASS)) == "wrong_key_type"
    with pytest.raises(cipherchart.IoError):
        UserKey.read_key_file(tmp_path / "missing.age", PASS)


def test_no_clobber_unless_replace_existing(tmp_path: Path, keys: Dict[str, Key]) -> None:
    first, second = keys["bls-signing-key"], BlsSigningKey.from_ikm(b"s" * 32)
    assert isinstance(first, BlsSigningKey)
    path = tmp_path / "signing.age"
    first.write_key_file(path, PASS, FAST)
    with pytest.raises(cipherchart.IoError):
        second.write_key_file(path, PASS, FAST)
    assert BlsSigningKey.read_key_file(path, PASS).public_key == first.public_key
    second.write_key_file(path, PASS, KeyFileOptions(work_factor=15, replace_existing=True))
    assert BlsSigningKey.read_key_file(path, PASS).public_key == second.public_key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signing.age"]


def test_delegation_key_file_and_consumed_key(keys: Dict[str, Key], tmp_path: Path) -> None:
    authority = keys["master-key"]
    assert isinstance(authority, Authority)
    patient = BlsSigningKey.from_ikm(b"q" * 32)
    key = authority.issue_delegation_key(["patient:7"], patient.public_key)
    path = tmp_path / "delegation.age"
    key.write_key_file(path, PASS, FAST)
    back = DelegationKey.read_key_file(path, PASS)
    assert bytes(back) == bytes(key)
    key.rekey(authority.public_key, Policy("hospital:h3"))
    with pytest.raises(cipherchart.InvalidArgument):
        key.to_key_file(PASS, FAST)
    with pytest.raises(cipherchart.InvalidArgument):
        key.write_key_file(tmp_path / "again.age", PASS, FAST)


def test_passphrases(keys: Dict[str, Key]) -> None:
    key = keys["bls-signing-key"]
    assert isinstance(key, BlsSigningKey)
    # A lone surrogate has no UTF-8 form: KeyFileError, not UnicodeEncodeError.
    assert kind_of(lambda: key.to_key_file("\ud800", FAST)) == "invalid_passphrase"
    file = key.to_key_file(PASS, FAST)
    assert kind_of(lambda: BlsSigningKey.from_key_file(file, "pass\ud800")) == "invalid_passphrase"
    # An empty passphrase is refused when writing.
    assert kind_of(lambda: key.to_key_file("", FAST)) == "invalid_passphrase"
    with pytest.raises(KeyFileError) as info:
        key.to_key_file("", FAST)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is KeyFileError and again.kind == "invalid_passphrase"
    # Anything but a str is a wrong argument, as everywhere in the bindings.
    for wrong in (PASS.encode(), None, 42):
        with pytest.raises(cipherchart.InvalidArgument):
            key.to_key_file(wrong, FAST)  # type: ignore[arg-type]
        with pytest.raises(cipherchart.InvalidArgument):
            BlsSigningKey.from_key_file(file, wrong)  # type: ignore[arg-type]
    # Unicode passphrases are used as they are (UTF-8, not normalised).
    unicode = key.to_key_file("caf\u00e9 \U0001f511", FAST)
    assert BlsSigningKey.from_key_file(unicode, "caf\u00e9 \U0001f511").public_key == key.public_key
    assert kind_of(lambda: BlsSigningKey.from_key_file(unicode, "cafe\u0301 \U0001f511")) == (
        "wrong_passphrase_or_damaged"
    )


def test_options() -> None:
    default = KeyFileOptions()
    assert (default.work_factor, default.max_work_factor, default.replace_existing) == (18, 18, False)
    assert default.work_factor == cipherchart.KEY_FILE_WORK_FACTOR
    assert cipherchart.MIN_KEY_FILE_WORK_FACTOR == 15 and cipherchart.MAX_KEY_FILE_WORK_FACTOR == 20
    assert cipherchart.MAX_KEY_FILE_LEN == 1 << 20
    strong = KeyFileOptions(work_factor=20, max_work_factor=20, replace_existing=True)
    assert (strong.work_factor, strong.max_work_factor, strong.replace_existing) == (20, 20, True)
    assert KeyFileOptions(work_factor=15) == FAST != default
    assert repr(FAST) == "KeyFileOptions(work_factor=15, max_work_factor=18, replace_existing=False)"
    bad_options: List[Dict[str, Any]] = [
        {"work_factor": 14},
        {"work_factor": 21},
        {"max_work_factor": 14},
        {"max_work_factor": 300},
        {"work_factor": -1},
        {"work_factor": 18.0},
    ]
    for bad in bad_options:
        with pytest.raises(cipherchart.InvalidArgument):
            KeyFileOptions(**bad)
    with pytest.raises(cipherchart.InvalidArgument):
        KeyFileOptions(replace_existing=1)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        default.work_factor = 15  # type: ignore[misc]
    with pytest.raises(TypeError):
        KeyFileOptions(15)  # type: ignore[call-arg]
    with pytest.raises(cipherchart.InvalidArgument):
        FAST_KEY.to_key_file(PASS, "fast")  # type: ignore[arg-type]


FAST_KEY = BlsSigningKey.from_ikm(b"f" * 32)


def test_key_file_error_is_a_cipherchart_error() -> None:
    assert cipherchart.ERROR_CLASSES["key_file_error"] is KeyFileError
    assert issubclass(KeyFileError, cipherchart.CipherchartError)
    e = KeyFileError("m")
    assert e.code == "key_file_error" and e.kind is None
