"""Exceptions: one hierarchy defined in Python, raised by the native module by stable code."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

import cipherchart
from cipherchart import errors
from cipherchart.errors import CipherchartError

CODES = {
    "InvalidEncoding": "invalid_encoding",
    "PolicySyntaxError": "policy_syntax",
    "PolicyInvalid": "policy_invalid",
    "LimitExceeded": "limit_exceeded",
    "InvalidAttribute": "invalid_attribute",
    "PolicyNotSatisfied": "policy_not_satisfied",
    "DecryptionFailed": "decryption_failed",
    "VerificationFailed": "verification_failed",
    "WrongAuthority": "wrong_authority",
    "InvalidArgument": "invalid_argument",
    "IoError": "io",
    "ChainError": "chain_error",
    "ConsentError": "consent_error",
    "KeyFileError": "key_file_error",
    "StaleNotice": "stale_notice",
    "NoticeRollback": "notice_rollback",
    "FutureVersion": "future_version",
    "StaleReKey": "stale_rekey",
}
VALUE_ERRORS = {
    "InvalidEncoding",
    "PolicySyntaxError",
    "PolicyInvalid",
    "LimitExceeded",
    "InvalidAttribute",
    "WrongAuthority",
    "InvalidArgument",
}


@pytest.mark.parametrize(("name", "code"), sorted(CODES.items()))
def test_classes(name: str, code: str) -> None:
    cls = getattr(cipherchart, name)
    assert cls is getattr(errors, name)
    assert issubclass(cls, CipherchartError)
    assert issubclass(cls, ValueError) is (name in VALUE_ERRORS)
    assert cls.code == code
    assert errors.ERROR_CLASSES[code] is cls
    e = cls("message")
    assert e.code == code and str(e) == "message"
    assert pickle.loads(pickle.dumps(e)).code == code


def test_table_is_complete() -> None:
    assert sorted(errors.ERROR_CLASSES) == sorted(CODES.values())
    assert issubclass(cipherchart.IoError, OSError)


def test_unknown_code_still_a_cipherchart_error() -> None:
    e = errors._from_native("some_future_code", "message", None)
    assert type(e) is CipherchartError and e.code == "some_future_code"


def test_syntax_error_has_code_and_position() -> None:
    with pytest.raises(cipherchart.PolicySyntaxError) as info:
        cipherchart.Policy("role:physician and (")
    e = info.value
    assert isinstance(e, ValueError) and isinstance(e, CipherchartError)
    assert e.code == "policy_syntax"
    assert e.position == 20
    assert "at byte 20" in str(e)
    assert pickle.loads(pickle.dumps(e)).position == 20


def test_repeated_attribute_is_policy_invalid() -> None:
    with pytest.raises(cipherchart.PolicyInvalid) as info:
        cipherchart.Policy("a:b and a:b")
    assert info.value.code == "policy_invalid"


def test_non_canonical_bytes_are_invalid_encoding() -> None:
    with pytest.raises(cipherchart.InvalidEncoding):
        cipherchart.Policy.from_bytes(b"a:b  and c:d")
    with pytest.raises(cipherchart.InvalidEncoding):
        cipherchart.Policy.from_bytes(b"\xff\xfe")


def test_too_many_leaves_is_limit_exceeded() -> None:
    with pytest.raises(cipherchart.LimitExceeded) as info:
        cipherchart.Policy(" or ".join(f"a:{i}" for i in range(300)))
    assert info.value.code == "limit_exceeded"


def test_catch_all_with_the_base_class() -> None:
    for bad in ["(", "a:b and a:b", "", "a:b or"]:
        with pytest.raises(CipherchartError):
            cipherchart.Policy(bad)


def test_every_rust_code_has_a_class() -> None:
    """Reads the core's table of codes, `Error::CODES` in src/error.rs (the tests run from the
    repo; the Rust unit tests check that it lists every code `Error::code` returns)."""
    source = (Path(__file__).resolve().parents[3] / "src" / "error.rs").read_text()
    body = source[source.index("pub const CODES: &'static [&'static str] = &[") :]
    body = body[: body.index("];")]
    codes = set(re.findall(r'"([a-z_]+)",', body))
    assert len(codes) >= 13
    assert codes == set(errors.ERROR_CLASSES)


def test_chain_error_carries_index() -> None:
    e = errors._from_native("chain_error", "proof chain broken at entry 7: x", 7)
    assert isinstance(e, cipherchart.ChainError) and e.index == 7
    assert pickle.loads(pickle.dumps(e)).index == 7
    assert not isinstance(e, ValueError)
