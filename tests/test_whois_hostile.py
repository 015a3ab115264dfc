"""Hostile whois replies and cache files: placeholders, wrong shapes, planted links, personal data, escapes.

A loopback whois server (tests/whois_server.py) answers with replies crafted here; no network.
"""

from __future__ import annotations

import json
import socket
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import whois_server
from icpcheck.facts import whois
from icpcheck.pii import mask_text

CLI = Callable[..., tuple[int, str, str]]
DATES = "Sponsoring Registrar: 厦门易名科技股份有限公司\r\nRegistration Time: 2003-03-17 12:20:05\r\n"
DATES += "Expiration Time: 2099-03-17 12:48:36\r\n"
REPLIES = {
    "na.cn": "Domain Name: na.cn\r\nRegistrant: <n/a>\r\n" + DATES,
    "dash.cn": "Domain Name: dash.cn\r\nRegistrant: -\r\n" + DATES,
    "person.cn": "Domain Name: person.cn\r\nRegistrant: 欧阳明月 110101199003071233 139-1111-2222\r\n"
    + DATES,
    "company.cn": "Domain Name: company.cn\r\nRegistrant: 北京谷翔信息技术有限公司\r\n" + DATES,
    "escape.cn": "Domain Name: escape.cn\r\nRegistrant: \x1b]0;pwned\x07\x1b[2J北京某某有限公司\r\n" + DATES,
}


@pytest.fixture(autouse=True)
def cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ICPCHECK_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, reply in REPLIES.items():
        monkeypatch.setitem(whois_server.FAULTS, name, reply.encode())
    with whois_server.whois_server(silence=1.0) as srv:
        monkeypatch.setenv("ICPCHECK_WHOIS_SERVER", f"127.0.0.1:{srv.server_address[1]}")
        yield srv


def _domain(cli: CLI, *args: str) -> tuple[int, str, str]:
    # generous: every reply here comes at once; a short timeout only made the tests fail on a busy machine
    return cli("domain", *args, "--as-of", "2026-11-22", "--timeout", "30")


def _json(cli: CLI, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = _domain(cli, *args, "-f", "json")
    assert code in (0, 1), err
    [entry] = json.loads(out)["domains"]
    return code, entry


def _cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "whois").glob("*.json"))


@pytest.mark.parametrize("name", ["na.cn", "dash.cn"])
def test_placeholder_registrant_is_unpublished_and_cached_clean(
    cli: CLI, server: Any, tmp_path: Path, name: str
) -> None:
    for _ in range(2):  # the second run reads the cache
        _, entry = _json(cli, name)
        assert entry["domain"]["holder"] is None and entry["domain"]["error"] is None
        assert entry["domain"]["registrar"] == "厦门易名科技股份有限公司"
    assert entry["domain"]["cached"] is True and server.queries == [name]
    [path] = _cache_files(tmp_path)
    assert json.loads(path.read_text(encoding="utf-8"))["facts"]["holder"] is None


@pytest.mark.parametrize("name", ["", " ", "a b.cn", "x\x1b[2J.cn", "a" * 300 + ".cn"])
def test_bad_domain_names_are_input_errors(cli: CLI, name: str) -> None:
    code, out, err = _domain(cli, name)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "\x1b" not in err


def test_placeholder_holder_option_is_an_input_error(cli: CLI) -> None:
    code, _, err = _domain(cli, "company.cn", "--holder", "<公司名称>", "--offline")
    assert code == 2 and "--holder" in err


def _plant(name: str, content: bytes) -> Path:
    """Write `content` where the cache keeps `name`'s entry."""
    path = whois._cache_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _entry(domain: str, **facts: Any) -> dict[str, Any]:
    base = {
        "name": domain,
        "registered": "2003-03-17",
        "expires": "2099-03-17",
        "registrar": "r",
        "holder": None,
        "holder_redacted": False,
        "error": None,
        "cached": False,
    }
    return {"fetched_at": time.time(), "facts": base | facts}


WRONG_SHAPES = [
    b"[]",
    b"1",
    b"null",
    b'"text"',
    b'{"facts": []}',
    b'{"fetched_at": "yesterday", "facts": {}}',
    b'{"fetched_at": 1e999, "facts": {}}',
    json.dumps(_entry("company.cn", registered=5)).encode(),
    json.dumps(_entry("company.cn", registered="not a date")).encode(),
    json.dumps(_entry("company.cn", holder=["a"])).encode(),
    json.dumps(_entry("company.cn", surprise=1)).encode(),
    json.dumps(_entry("other.cn")).encode(),  # another domain's entry copied here
    json.dumps(_entry("company.cn") | {"fetched_at": True}).encode(),
    b"[" * 100_000,
    b"\xff\xfe\x00garbage",
    b" " * 200_000 + json.dumps(_entry("company.cn")).encode(),
]


@pytest.mark.parametrize("content", WRONG_SHAPES, ids=range(len(WRONG_SHAPES)))
def test_malformed_cache_files_are_misses(cli: CLI, server: Any, tmp_path: Path, content: bytes) -> None:
    _plant("company.cn", content)
    code, out, err = _domain(cli, "company.cn", "--offline", "-f", "json")
    assert code == 1 and "not in the whois cache" in json.loads(out)["domains"][0]["domain"]["error"], err
    _, entry = _json(cli, "company.cn")  # online: queried again and the entry rewritten
    assert server.queries == ["company.cn"] and entry["domain"]["holder"] == "北京谷翔信息技术有限公司"
    assert whois._from_cache("company.cn", None) is not None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
        max_leaves=20,
    ),
    fields=st.dictionaries(
        st.sampled_from(["name", "registered", "expires", "registrar", "holder", "holder_redacted", "error"]),
        st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    ),
)
def test_fuzzed_cache_files_never_crash(tmp_path: Path, data: Any, fields: dict[str, Any]) -> None:
    for content in (data, _entry("fuzz.cn", **fields)):
        _plant("fuzz.cn", json.dumps(content).encode())
        for ttl in (None, 3600.0):
            facts = whois._from_cache("fuzz.cn", ttl)
            assert facts is None or (facts.name == "fuzz.cn" and facts.cached)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_fuzzed_cache_bytes_never_crash(tmp_path: Path, raw: bytes) -> None:
    _plant("fuzz.cn", raw)
    assert whois._from_cache("fuzz.cn", None) is None or raw.strip().startswith(b"{")


def test_a_link_at_the_cache_path_is_replaced_never_followed(cli: CLI, server: Any, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    path = _plant("company.cn", b"")
    path.unlink()
    path.symlink_to(victim)
    _json(cli, "company.cn")
    assert victim.read_text(encoding="utf-8") == "precious"
    assert (
        not path.is_symlink()
        and json.loads(path.read_text(encoding="utf-8"))["facts"]["name"] == "company.cn"
    )


def test_a_link_to_a_valid_entry_is_not_read(cli: CLI, server: Any, tmp_path: Path) -> None:
    elsewhere = tmp_path / "planted.json"
    elsewhere.write_text(json.dumps(_entry("company.cn", holder="Mallory Inc")), encoding="utf-8")
    path = _plant("company.cn", b"")
    path.unlink()
    path.symlink_to(elsewhere)
    assert whois._from_cache("company.cn", None) is None


def test_a_linked_cache_folder_is_not_used(cli: CLI, server: Any, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "whois").symlink_to(target)
    _json(cli, "company.cn")
    assert list(target.iterdir()) == []


def test_cache_folder_0700_and_files_0600(cli: CLI, server: Any, tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "whois"
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)  # as earlier versions left it
    _json(cli, "company.cn")
    [path] = _cache_files(tmp_path)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary file left behind


def test_whois_holder_is_masked_in_every_format_and_never_cached(
    cli: CLI, server: Any, tmp_path: Path
) -> None:
    secrets = ("欧阳明月", "110101199003071233", "139-1111-2222", "13911112222")
    _, text, _ = _domain(cli, "person.cn", "--holder", "欧阳明月")
    _, json_out, _ = _domain(cli, "person.cn", "--holder", "欧阳明月", "-f", "json")
    cache = "".join(p.read_text(encoding="utf-8") for p in _cache_files(tmp_path))
    for output in (text, json_out, cache):
        assert not any(s in output for s in secrets), output
    assert "欧***" in text and "欧***" in json_out
    assert server.queries == ["person.cn", "person.cn"]  # a personal holder is not served from the cache
    _, shown, _ = _domain(cli, "person.cn", "--show-pii")
    assert "欧阳明月" in shown


def test_organisation_holder_is_shown_and_cached(cli: CLI, server: Any, tmp_path: Path) -> None:
    _, entry = _json(cli, "company.cn")
    assert entry["domain"]["holder"] == "北京谷翔信息技术有限公司"
    assert "北京谷翔信息技术有限公司" in _cache_files(tmp_path)[0].read_text(encoding="utf-8")


def test_eligibility_whois_masks_the_whois_person(
    cli: CLI, server: Any, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    eligible_data["domains"] = [{"name": "person.cn", "holder": "李四"}]
    path = write_profile(eligible_data)
    for fmt in ("text", "json", "markdown"):
        _, out, _ = cli("eligibility", path, "--whois", "--as-of", "2026-11-22", "-f", fmt)
        assert "欧阳明月" not in out and "110101199003071233" not in out and "whois" in out.lower()
    _, out, _ = cli("eligibility", path, "--whois", "--as-of", "2026-11-22", "-f", "json", "--show-pii")
    assert "欧阳明月" in out


def test_escapes_in_whois_replies_never_reach_the_terminal(cli: CLI, server: Any) -> None:
    for fmt in ("text", "json"):
        _, out, _ = _domain(cli, "escape.cn", "-f", fmt)
        assert "\x1b" not in out and "\x07" not in out and "北京某某有限公司" in out


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call 139-1111-2222 now", "call 139-****-2222 now"),
        ("call 139 1111 2222 now", "call 139 **** 2222 now"),
        ("tel +86 139 1111 2222", "tel +86 139 **** 2222"),
        ("手机１３９１１１１２２２２。", "手机１３９****２２２２。"),
        ("id 110101-19900307-1233.", "id 1101**-********-1233."),
        ("证件１１０１０１１９９００３０７１２３３", "证件１１０１**********１２３３"),
        ("on 2026-11-22 at 12:00, 100 items", "on 2026-11-22 at 12:00, 100 items"),
    ],
)
def test_numbers_are_masked_however_they_are_written(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize("value", ["139-1111-2222", "139 1111 2222", "１３９１１１１２２２２"])
def test_error_messages_mask_written_numbers(
    cli: CLI, write_profile: Callable[..., Path], value: str
) -> None:
    path = write_profile(None, f'version: 1\ncompany:\n  name: x\n  entity_type: "{value}"\n')
    code, _, err = cli("eligibility", path)
    assert code == 2 and "****" in err and "1111" not in err and "１１１１" not in err


@pytest.mark.parametrize(
    ("answer", "second"),
    [
        ("10.0.0.5", None),
        ("100.100.100.200", None),
        ("::ffff:127.0.0.1", None),
        ("93.184.216.34", "93.184.216.34"),
    ],
)
def test_whois_referral_only_to_a_public_address(
    monkeypatch: pytest.MonkeyPatch, answer: str, second: str | None
) -> None:
    """A registry reply names the registrar's whois server: it is followed only to a public address, and
    connected to at the address that was checked."""
    monkeypatch.delenv("ICPCHECK_WHOIS_SERVER", raising=False)
    calls: list[str] = []
    thin = "Domain Name: EXAMPLE.COM\r\nRegistrar WHOIS Server: whois.inner.test\r\nRegistrar: R\r\n"

    def query(host: str, port: int, domain: str, timeout: float) -> str:
        calls.append(host)
        return thin if len(calls) == 1 else "Domain Name: example.com\r\nRegistrant Name: Example Inc\r\n"

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        assert host == "whois.inner.test"
        family = socket.AF_INET6 if ":" in answer else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (answer, port))]

    monkeypatch.setattr(whois, "_query", query)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    facts = whois.lookup("example.com", use_cache=False)
    assert calls == ["whois.verisign-grs.com"] + ([second] if second else [])
    assert (facts.holder == "Example Inc") if second else (facts.registrar == "R" and facts.holder is None)
