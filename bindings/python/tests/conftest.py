"""Shared fixtures: one authority and a few keys per test module (key issue is not free)."""

from __future__ import annotations

import pytest

import cipherchart


@pytest.fixture(scope="module")
def authority() -> cipherchart.Authority:
    return cipherchart.Authority.setup()


@pytest.fixture(scope="module")
def pk(authority: cipherchart.Authority) -> cipherchart.PublicKey:
    return authority.public_key


@pytest.fixture(scope="module")
def policy() -> cipherchart.Policy:
    return cipherchart.Policy("patient:42 or (role:physician and dept:cardiology)")


@pytest.fixture(scope="module")
def doctor(authority: cipherchart.Authority) -> cipherchart.UserKey:
    return authority.issue_key(["role:physician", "dept:cardiology"])


@pytest.fixture(scope="module")
def nurse(authority: cipherchart.Authority) -> cipherchart.UserKey:
    return authority.issue_key(["role:nurse", "dept:cardiology"])
