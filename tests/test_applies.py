"""Only what applies (issue 16): an individual is told that only a company can hold the licence, in one
finding and without a list of company fields; licence materials for an individual are refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import AS_OF, EXAMPLES

CLI = Callable[..., tuple[int, str, str]]
BLOG = EXAMPLES / "individual-blog.yaml"


def _results(out: str) -> dict[str, dict[str, Any]]:
    return {r["type"]: r for r in json.loads(out)["results"]}


@pytest.mark.parametrize("entity", ["individual", "individual_business"])
def test_an_individual_asked_about_the_licence_gets_one_finding(
    cli: CLI, write_profile: Callable[[Any], Path], entity: str
) -> None:
    import yaml

    data = yaml.safe_load(BLOG.read_text(encoding="utf-8"))
    data["company"]["entity_type"] = entity
    args = ("--type", "licence", "--as-of", AS_OF.isoformat(), "--format", "json", "--lang", "en")
    code, out, _ = cli("eligibility", write_profile(data), *args, "--materials")
    licence = _results(out)["licence"]
    assert code == 1 and licence["verdict"] == "not_eligible"
    [finding] = licence["findings"]  # not capital, staff, insurance, shareholders, scope …
    assert finding["rule"] == "licence.entity_type" and finding["status"] == "fail"
    assert "individuals" in finding["remediation"] and "company" in finding["message"]
    assert "电信业务经营许可管理办法 第六条第（一）项" in finding["source"]
    assert "materials" not in licence  # no checklist for what the subject cannot apply for


def test_a_company_still_gets_every_licence_gap(cli: CLI) -> None:
    args = ("--type", "licence", "--as-of", AS_OF.isoformat(), "--format", "json")
    code, out, _ = cli("eligibility", EXAMPLES / "beijing-licence-gaps.yaml", *args)
    findings = _results(out)["licence"]["findings"]
    assert code == 1 and len(findings) > 10
    assert next(f for f in findings if f["rule"] == "licence.entity_type")["status"] == "pass"


def test_an_unknown_entity_type_does_not_settle_the_licence(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    del eligible_data["company"]["entity_type"]
    args = ("--type", "licence", "--as-of", AS_OF.isoformat(), "--format", "json")
    _, out, _ = cli("eligibility", write_profile(eligible_data), *args)
    findings = _results(out)["licence"]["findings"]
    entity = next(f for f in findings if f["rule"] == "licence.entity_type")
    assert entity["status"] == "unknown" and len(findings) > 10


def test_skipping_the_entity_rule_evaluates_the_rest(cli: CLI) -> None:
    args = ("--type", "licence", "--as-of", AS_OF.isoformat(), "--format", "json")
    _, out, _ = cli("eligibility", BLOG, *args, "--skip", "licence.entity_type")
    assert len(_results(out)["licence"]["findings"]) > 10


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--entity", "individual"), "--entity individual"),
        (("--entity", "individual_business"), "--entity individual_business"),
        (("--profile", str(BLOG)), "company.entity_type individual"),
    ],
)
def test_licence_materials_for_an_individual_are_refused(cli: CLI, args: tuple[str, ...], named: str) -> None:
    code, out, err = cli("materials", "--type", "licence", *args, "--lang", "en")
    assert code == 2 and out == ""
    [line] = err.splitlines()
    assert named in line and "granted only to a lawfully established company" in line
    assert "individuals and individual businesses cannot hold an ICP licence" in line
    assert "电信业务经营许可管理办法 第六条第（一）项" in line


def test_licence_materials_for_a_company_and_filing_materials_for_an_individual(cli: CLI) -> None:
    code, out, _ = cli("materials", "--type", "licence", "--entity", "company", "--lang", "en")
    assert code == 0 and "licence.application_letter" in out
    code, out, _ = cli("materials", "--type", "filing", "--entity", "individual", "--lang", "en")
    assert code == 0 and "filing.individual.id_card" in out


# --- `provinces` text: local requirements and what no source confirms, in one language ------------------


def _block(out: str, key: str) -> str:
    return next(b for b in out.split("\n\n") if b.startswith(key + "  "))


def test_provinces_text_marks_what_no_source_confirms(cli: CLI) -> None:
    code, out, _ = cli("provinces", "--as-of", "2026-11-24", "--lang", "en")
    assert code == 0 and "[unverified]: no source states it" in out
    assert "[unverified]" not in _block(out, "beijing")  # seed 000 names Beijing's authority
    tianjin = _block(out, "tianjin")
    assert "天津市通信管理局 [unverified]" in tianjin
    assert "主体负责人必须为法人" in tianjin and "[consulted 2026-11-23]" in tianjin  # local requirements
    tibet = _block(out, "tibet")
    assert "no local requirements found [unverified: no local requirements found in the 2017" in tibet
    code, out, _ = cli("provinces", "tianjin", "--as-of", "2026-11-24", "--lang", "en")
    assert "authority: 天津市通信管理局 [unverified: the official pattern <省级全称>通信管理局" in out


def test_provinces_text_in_chinese_has_no_english_labels(cli: CLI) -> None:
    for args in ((), ("beijing",), ("tibet",)):
        code, out, _ = cli("provinces", *args, "--as-of", "2026-11-24", "--lang", "zh")
        assert code == 0
        english = ("unverified", "[since ", "[consulted ", "working days", "source:", "as of", "[national]")
        assert not [word for word in english if word in out], args
    code, out, _ = cli("provinces", "--as-of", "2026-11-24", "--lang", "zh")
    assert "31 个省级地区" in out and "天津市通信管理局 [未核实]" in out
    assert "备案审核 ≤ 20 个工作日（通常 4 - 11 天）" in _block(out, "tianjin")
    assert "[自 2019-01-01] tencentyun/qcloud-documents" in _block(out, "beijing")
    assert "☎ 备案: 010-63310094, 许可证: 010-51938038" in _block(out, "beijing")
    assert "未找到本地要求 [未核实: 2017 年腾讯云" in _block(out, "tibet")


def test_provinces_json_gives_the_reason_in_the_language_asked(cli: CLI) -> None:
    rows = {
        lang: json.loads(cli("provinces", "tianjin", "-f", "json", "--lang", lang)[1])
        for lang in ("zh", "en")
    }
    assert rows["en"]["authority_verified"] is False
    assert rows["en"]["authority_reason"].startswith("the official")
    assert rows["zh"]["authority_reason"].startswith("按官方命名方式")
