"""`icpcheck eligibility` end to end: verdicts, exit codes, the JSON contract, languages."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import ELIGIBLE, EXAMPLES

CLI = Callable[..., tuple[int, str, str]]


def test_eligible_beijing_example_exits_0(cli: CLI) -> None:
    code, out, err = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22")
    assert code == 0, err
    assert "符合条件" in out and "licence.capital" in out


def test_profile_with_gaps_exits_1_and_names_them(cli: CLI) -> None:
    code, out, _ = cli(
        "eligibility", EXAMPLES / "beijing-licence-gaps.yaml", "--as-of", "2026-11-22", "--lang", "en"
    )
    assert code == 1
    for rule in (
        "licence.capital",
        "licence.social_insurance",
        "licence.domestic_ownership",
        "licence.news_licence",
    ):
        assert rule in out
    assert "not eligible" in out and "fix:" in out


def test_json_follows_the_contract(cli: CLI) -> None:
    code, out, _ = cli(
        "eligibility", EXAMPLES / "beijing-licence-gaps.yaml", "--as-of", "2026-11-22", "-f", "json"
    )
    assert code == 1
    doc = json.loads(out)
    assert doc["as_of"] == "2026-11-22"
    assert [r["type"] for r in doc["results"]] == ["filing", "licence"]
    licence = doc["results"][1]
    assert set(licence) >= {"profile", "type", "province", "verdict", "findings"}
    assert licence["province"] == "beijing" and licence["verdict"] == "not_eligible"
    capital = next(f for f in licence["findings"] if f["rule"] == "licence.capital")
    assert set(capital) >= {
        "rule",
        "status",
        "severity",
        "message",
        "remediation",
        "source",
        "field",
        "expected",
        "actual",
    }
    assert capital["status"] == "fail" and capital["severity"] == "error"
    assert capital["field"] == "company.paid_in_capital_cny"
    assert (capital["expected"], capital["actual"]) == (1_000_000, 300_000)
    statuses = {f["status"] for r in doc["results"] for f in r["findings"]}
    assert statuses <= {"pass", "fail", "unknown", "skip", "waived"}


@pytest.mark.parametrize(
    ("example", "filing", "licence"),
    [
        ("beijing-licence-eligible.yaml", "eligible", "eligible"),
        ("shenzhen-filing-only.yaml", "eligible", "not_eligible"),
        ("beijing-licence-gaps.yaml", "not_eligible", "not_eligible"),
        ("individual-blog.yaml", "eligible", "not_eligible"),
        ("missing-data.yaml", "incomplete", "incomplete"),
    ],
)
def test_examples_verdicts(cli: CLI, example: str, filing: str, licence: str) -> None:
    args = ("--type", "all", "--as-of", "2026-11-22", "--format", "json")
    _, out, _ = cli("eligibility", EXAMPLES / example, *args)
    verdicts = {r["type"]: r["verdict"] for r in json.loads(out)["results"]}
    assert verdicts == {"filing": filing, "licence": licence}


def test_type_filing_only_and_exit_0_for_the_blog(cli: CLI) -> None:
    code, out, _ = cli(
        "eligibility",
        EXAMPLES / "individual-blog.yaml",
        "--type",
        "filing",
        "--as-of",
        "2026-11-22",
        "-f",
        "json",
    )
    assert code == 0
    assert [r["type"] for r in json.loads(out)["results"]] == ["filing"]


def test_unknown_findings_say_which_field_to_provide(cli: CLI) -> None:
    _, out, _ = cli(
        "eligibility", EXAMPLES / "missing-data.yaml", "--as-of", "2026-11-22", "-f", "json", "--lang", "en"
    )
    findings = {f["rule"]: f for r in json.loads(out)["results"] for f in r["findings"]}
    capital = findings["licence.capital"]
    assert capital["status"] == "unknown"
    assert capital["remediation"] == "Provide company.registered_capital_cny in the profile"


def test_lang_defaults_from_locale(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    _, out, _ = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22")
    assert "eligible" in out and "符合条件" not in out
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    _, out, _ = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22")
    assert "符合条件" in out


def test_province_override_changes_parameters(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    eligible_data["social_insurance"] = [{"month": "2026-10", "insured": 3}]
    path = write_profile(eligible_data)
    assert cli("eligibility", path, "--as-of", "2026-11-22", "-t", "licence", "-f", "json")[0] == 1
    code, out, _ = cli(
        "eligibility", path, "--as-of", "2026-11-22", "-t", "licence", "--province", "粤", "-f", "json"
    )
    result = json.loads(out)["results"][0]
    assert code == 0 and result["province"] == "guangdong"
    assert next(f for f in result["findings"] if f["rule"] == "licence.social_insurance")["status"] == "pass"


def test_output_file(cli: CLI, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22", "-f", "json", "-o", target)
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["results"][0]["verdict"] == "eligible"


def test_as_of_defaults_to_today(cli: CLI) -> None:
    import datetime as dt

    _, out, _ = cli("eligibility", ELIGIBLE, "-f", "json")
    assert json.loads(out)["as_of"] == dt.date.today().isoformat()


def test_installed_entry_point_runs_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncompany: [unclosed\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "icpcheck", "eligibility", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert str(bad) in proc.stderr
