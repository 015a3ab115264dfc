"""Live domain checks against a loopback whois server fed with the real samples; never the internet."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ELIGIBLE
from whois_server import SAMPLES, whois_server

CLI = Callable[..., tuple[int, str, str]]
pytestmark = pytest.mark.skipif(not SAMPLES.exists(), reason="../shared/whois-samples is not beside the repo")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    monkeypatch.setenv("ICPCHECK_CACHE_DIR", str(tmp_path / "cache"))
    with whois_server(silence=60.0) as srv:  # silent names never answer within any timeout
        monkeypatch.setenv("ICPCHECK_WHOIS_SERVER", f"127.0.0.1:{srv.server_address[1]}")
        yield srv


def _domain(cli: CLI, *args: str, timeout: str = "30") -> tuple[int, list[dict[str, Any]]]:
    """A lookup with a timeout only a hang reaches (a busy machine is slow, not broken)."""
    code, out, err = cli("domain", *args, "--as-of", "2026-11-22", "-f", "json", "--timeout", timeout)
    assert "Traceback" not in err
    return code, json.loads(out)["domains"]


def _status(entry: dict[str, Any], rule: str) -> str:
    return next(f["status"] for f in entry["findings"] if f["rule"] == rule)


def test_cnnic_sample_dates_registrar_and_registrant(cli: CLI, server: Any) -> None:
    code, [entry] = _domain(cli, "google.cn", "--holder", "北京谷翔信息技术有限公司")
    facts = entry["domain"]
    assert (facts["registered"], facts["expires"]) == ("2003-03-17", "2023-03-17")
    assert facts["registrar"] == "厦门易名科技股份有限公司" and facts["holder"] == "北京谷翔信息技术有限公司"
    assert _status(entry, "filing.domain_tld_approved") == "pass"
    assert _status(entry, "filing.domain_age") == "pass"
    assert _status(entry, "filing.domain_not_expired") == "fail"  # the sample expired in 2023
    assert _status(entry, "filing.domain_holder_match") == "pass"
    assert _status(entry, "filing.domain_real_name") == "unknown"  # whois cannot prove it
    assert code == 1


def test_text_output_names_the_facts(cli: CLI, server: Any) -> None:
    code, out, _ = cli("domain", "google.cn", "--as-of", "2026-11-22", "--lang", "en")
    assert "registered 2003-03-17" in out and "厦门易名科技股份有限公司" in out and code == 1


@pytest.mark.parametrize("name", ["sbc.org.hk", "example.com.hk"])
def test_hong_kong_domains_fail_the_tld_rule(cli: CLI, server: Any, name: str) -> None:
    _, [entry] = _domain(cli, name)
    assert _status(entry, "filing.domain_tld_approved") == "fail"


def test_subdomain_resolves_to_registrable_domain(cli: CLI, server: Any) -> None:
    _, [entry] = _domain(cli, "www.maps.google.cn")
    assert entry["domain"]["name"] == "google.cn" and server.queries == ["google.cn"]


def test_redacted_holder_is_unknown_with_where_to_check(cli: CLI, server: Any) -> None:
    _, [entry] = _domain(cli, "business.top", "--holder", "某公司", "--lang", "en")
    assert entry["domain"]["holder_redacted"] is True and entry["domain"]["holder"] is None
    finding = next(f for f in entry["findings"] if f["rule"] == "filing.domain_holder_match")
    assert finding["status"] == "unknown" and "registrar" in finding["remediation"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_domain_without_profile_gives_no_profile_advice(cli: CLI, server: Any, lang: str) -> None:
    # A holder other than --holder: whether seed 004's exceptions (股东、主要负责人) apply needs the profile,
    # but the command must neither ask for company.entity_type nor say "fill in the profile".
    code, [entry] = _domain(cli, "google.cn", "--holder", "北京某公司", "--lang", lang)
    for finding in entry["findings"]:
        if finding["status"] == "unknown":
            assert "in the profile" not in finding["remediation"], finding  # engine: Provide … in the profile
            assert "在档案中填写" not in finding["remediation"], finding
            assert "entity_type" not in json.dumps(finding), finding
    holder = next(f for f in entry["findings"] if f["rule"] == "filing.domain_holder_match")
    assert holder["status"] == "unknown" and holder["field"] == "domains[0].holder"
    assert "icpcheck eligibility" in holder["remediation"] and code == 1
    # Without --holder the holder rules are not run at all (nothing to compare with).
    _, [entry] = _domain(cli, "google.cn", "--lang", lang)
    assert not any(f["rule"].startswith("filing.domain_holder") for f in entry["findings"])
    assert "entity_type" not in json.dumps(entry)


def test_offline_cache_miss_does_not_downgrade_a_complete_profile(cli: CLI, server: Any) -> None:
    code, out, _ = cli("eligibility", ELIGIBLE, "--whois", "--offline", "--as-of", "2026-11-22", "-f", "json")
    results = json.loads(out)["results"]
    assert {r["verdict"] for r in results} == {"eligible"} and code == 0
    note = next(f for r in results for f in r["findings"] if f["rule"] == "domain.whois")
    assert note["status"] == "skip" and "--offline" in note["message"]
    assert server.queries == []
    _, text, _ = cli("eligibility", ELIGIBLE, "--whois", "--offline", "--as-of", "2026-11-22", "--lang", "en")
    assert "No whois facts for yunfan.cn" in text  # the note stays visible in the terminal report


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("garbage.cn", "garbage"),
        ("empty.cn", "empty reply"),
        ("truncated.cn", "truncated"),
        ("nomatch.cn", "not registered"),
        ("ratelimited.cn", "rate limit"),
        ("silent.cn", "timed out"),
    ],
)
def test_faulty_replies_become_unknown_with_a_reason(cli: CLI, server: Any, name: str, reason: str) -> None:
    code, [entry] = _domain(cli, name, timeout="0.5" if name.startswith("silent") else "30")
    assert reason in entry["domain"]["error"]
    assert _status(entry, "filing.domain_age") == "unknown"
    assert code == 1


def test_connection_refused(cli: CLI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ICPCHECK_CACHE_DIR", str(tmp_path))
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("ICPCHECK_WHOIS_SERVER", f"127.0.0.1:{port}")
    code, [entry] = _domain(cli, "google.cn")
    assert "refused" in entry["domain"]["error"] and code == 1


def test_cache_second_run_and_offline(cli: CLI, server: Any) -> None:
    _domain(cli, "google.cn")
    _, [entry] = _domain(cli, "google.cn")
    assert entry["domain"]["cached"] is True and server.queries == ["google.cn"]
    _, [entry] = _domain(cli, "google.cn", "--offline")
    assert entry["domain"]["cached"] is True
    _domain(cli, "google.cn", "--no-cache")
    assert server.queries == ["google.cn", "google.cn"]
    _, [entry] = _domain(cli, "google.xyz", "--offline")
    assert "--offline" in entry["domain"]["error"]


def test_cache_keeps_no_contact_data(cli: CLI, server: Any, tmp_path: Path) -> None:
    _domain(cli, "google.cn")
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "cache").rglob("*.json"))
    assert "google.cn" in text and "email@google.com" not in text


def test_eligibility_whois_fills_facts_and_reports_conflicts(
    cli: CLI, server: Any, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    eligible_data["domains"] = [
        {"name": "google.cn", "registered": "2020-03-01", "holder": "北京谷翔信息技术有限公司"},
        {"name": "google.xyz"},
    ]
    code, out, _ = cli(
        "eligibility",
        write_profile(eligible_data),
        "--whois",
        "--as-of",
        "2026-11-22",
        "-f",
        "json",
        "-t",
        "filing",
    )
    findings = json.loads(out)["results"][0]["findings"]
    conflict = next(f for f in findings if f["rule"] == "domain.whois_conflict")
    assert conflict["field"] == "domains[0].registered"
    assert (conflict["actual"], conflict["expected"]) == ("2020-03-01", "2003-03-17")
    expires = next(f for f in findings if f["rule"] == "filing.domain_not_expired")
    assert expires["status"] == "fail"  # whois filled the expiry dates: both expired in the samples
    assert code == 1
