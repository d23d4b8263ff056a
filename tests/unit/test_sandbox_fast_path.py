"""Trivial conditions are answered in the calling process, the same as the pool would."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from engine.errors import SandboxError
from engine.sandbox import create_script_engine, fast_path
from engine.sandbox import environment as environment_module
from engine.sandbox.pool import get_pool

DATA: dict[str, Any] = {
    "kewenangan": "LKPP", "perlu_data_pengguna": True, "selesai": False, "status": "b",
    "jumlah": 3, "nilai": 2.5, "kosong": None, "daftar": ["a", "b", "c"], "satu": 1,
    "angka": [1, 2, 3], "teks": "halo dunia", "besar": 2**80,
}

ANSWERED = [
    'kewenangan == "LKPP"', 'kewenangan != "LKPP"', "perlu_data_pengguna == True",
    "not selesai", "selesai", 'status in ["a", "b"]', 'status not in ("a", "b")',
    "1 < jumlah < 5", "1 < jumlah < 2", "0 <= nilai <= jumlah", "satu == True",
    "jumlah > nilai", "kosong == None", "kosong != None", '"a" in daftar', '"z" in daftar',
    "2 in angka", "2 not in angka", '"dunia" in teks', 'kewenangan == "LKPP" and not selesai',
    "selesai or perlu_data_pengguna", "selesai and jumlah > 100", "not (selesai or kosong)",
    'kewenangan >= "A"', "daftar == daftar", 'status in daftar and kewenangan in ["LKPP"]',
    "nilai == 2.5", "jumlah == 3.0", "besar > jumlah", "besar == besar",
]

FALLS_BACK = [
    "len(daftar) > 1", "kewenangan.lower() == 'lkpp'", "jumlah + 1 > 2", "daftar[0] == 'a'",
    "[x for x in daftar] == daftar", "(lambda: 1)() == 1", 'f"{jumlah}" == "3"',
    "tidak_ada == 1", "kewenangan", "jumlah", "selesai or jumlah", 'teks < 1',
    'status in ["a", "b", jumlah]', "-jumlah < 0", "jumlah != -1", "jumlah is None",
    '"' + "x" * 2000 + '" == kewenangan', f"jumlah == {2**60}", "jumlah in 5",
    " and ".join(["selesai"] * 60), 'status in [' + ", ".join(['"a"'] * 101) + "]",
    'hash(((0,)*100000,)*30000) != 0 and kewenangan == "LKPP"',
    'int.from_bytes(("\\U0010ffff"*60000).encode("unicode_escape"), "big") % 7 == 0',
    "len(str(KeyError([[0]*100000]*1000))) > 0",
]


class SpyPool:
    """The real pool, counting the requests that reach it."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def evaluate(self, request: dict[str, Any], time_limit: float) -> Any:
        self.requests.append(request)
        if "100000" in request["source"] or "60000" in request["source"]:
            return "hostile: not run here"
        return get_pool().evaluate(request, time_limit)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> SpyPool:
    pool = SpyPool()
    monkeypatch.setattr(environment_module, "get_pool", lambda: pool)
    return pool


def by_pool(expression: str, data: dict[str, Any]) -> Any:
    return get_pool().evaluate({"mode": "eval", "source": expression, "context": data,
                                "external": {}}, 1.0)


@pytest.mark.parametrize("expression", ANSWERED)
def test_a_trivial_condition_is_answered_without_the_pool_and_agrees_with_it(
        spy: SpyPool, expression: str) -> None:
    value = create_script_engine().environment.evaluate(expression, dict(DATA))
    assert spy.requests == []
    assert type(value) is bool
    assert value == by_pool(expression, dict(DATA))


@pytest.mark.parametrize("expression", FALLS_BACK)
def test_anything_else_goes_to_the_pool(spy: SpyPool, expression: str) -> None:
    assert fast_path.answer(expression, dict(DATA)) is fast_path.NOT_ANSWERED
    with contextlib.suppress(SandboxError):
        create_script_engine().environment.evaluate(expression, dict(DATA))
    assert [request["source"] for request in spy.requests] == [expression]


@pytest.mark.parametrize("data", [
    {"status": ("a",)}, {"status": {"a": 1}}, {"status": float("nan")}, {"status": 10**5000},
    {"status": [["a"]]}, {"status": "a", "lain": float("inf")}, {"status": "a", "lain": {1, 2}},
])
def test_values_outside_plain_data_or_data_the_pool_refuses_go_to_the_pool(
        spy: SpyPool, data: dict[str, Any]) -> None:
    assert fast_path.answer('status == "a"', data) is fast_path.NOT_ANSWERED


def test_data_the_pool_refuses_is_refused_the_same_way_not_answered_quietly(
        spy: SpyPool) -> None:
    with pytest.raises(SandboxError, match="cannot be handed to the sandbox"):
        create_script_engine().environment.evaluate('status == "a"',
                                                    {"status": "a", "lain": float("nan")})
    assert len(spy.requests) == 1


def test_a_name_of_the_sandbox_or_with_an_underscore_is_never_read_from_the_data() -> None:
    assert fast_path.answer("_getattr_ == 1", {"_getattr_": 1}) is fast_path.NOT_ANSWERED
    assert fast_path.answer("x == 1", {"x": 1}) is True
