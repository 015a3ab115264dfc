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


def test_a_waived_entity_rule_settles_nothing(cli: CLI, write_profile: Callable[[Any], Path]) -> None:
    data = _blog()
    data["waivers"] = [{"rule": "licence.entity_type", "reason": "a company is being set up"}]
    args = ("--type", "licence", "--as-of", AS_OF.isoformat(), "--format", "json")
    code, out, _ = cli("eligibility", write_profile(data), *args)
    licence = _results(out)["licence"]
    assert code == 1 and licence["verdict"] != "eligible" and len(licence["findings"]) > 10


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


# --- --type auto: the types classify says the service needs, per profile, said in every format -------------

AUTO = ("--as-of", AS_OF.isoformat(), "--lang", "en")


def _blog(**service: Any) -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load(BLOG.read_text(encoding="utf-8"))
    data["service"].update(service)
    return data


def _choices(out: str) -> dict[str, dict[str, str]]:
    """{profile: {type: reason}} of the evaluated types, and the left-out ones under "-"."""
    doc = json.loads(out)
    seen: dict[str, dict[str, str]] = {}
    for r in doc["results"]:
        seen.setdefault(r["profile"], {})[r["type"]] = r["evaluated_because"]
    for r in doc["not_evaluated"]:
        seen.setdefault(r["profile"], {})["-" + r["type"]] = r["reason"]
    return seen


def test_auto_checks_an_individuals_blog_for_the_filing_only(cli: CLI) -> None:
    code, out, _ = cli("eligibility", BLOG, "--type", "auto", "-f", "json", *AUTO)
    [choices] = _choices(out).values()
    assert code == 0 and set(choices) == {"filing", "-licence"}
    assert choices["filing"] == "needed: The site or app is served from mainland China"
    assert choices["-licence"].startswith("not needed (Whether users pay")
    assert "licence.entity_type" not in out and "registered_capital" not in out


def test_auto_checks_a_commercial_individual_for_the_licence_in_one_finding(
    cli: CLI, write_profile: Callable[[Any], Path]
) -> None:
    path = write_profile(_blog(commercial=True, activities=["advertising"]))
    code, out, _ = cli("eligibility", path, "--type", "auto", "-f", "json", *AUTO)
    licence = _results(out)["licence"]
    assert code == 1 and licence["evaluated_because"].startswith("needed: Commercial internet information")
    assert [f["rule"] for f in licence["findings"]] == ["licence.entity_type"]


def test_auto_does_not_check_the_licence_of_an_individual_whose_service_is_undecided(
    cli: CLI, write_profile: Callable[[Any], Path]
) -> None:
    data = _blog()
    del data["service"]["commercial"], data["service"]["activities"]
    code, out, _ = cli("eligibility", write_profile(data), "--type", "auto", "-f", "json", *AUTO)
    [choices] = _choices(out).values()
    assert code == 0 and set(choices) == {"filing", "-licence"}
    assert choices["-licence"].startswith("undecided (Whether users pay")
    assert choices["-licence"].endswith(
        "not checked: The ICP licence is granted only to a lawfully established company (licence.entity_type)"
    )


def test_auto_checks_both_when_classify_cannot_decide(cli: CLI) -> None:
    code, out, _ = cli("eligibility", EXAMPLES / "missing-data.yaml", "--type", "auto", "-f", "json", *AUTO)
    [choices] = _choices(out).values()
    assert code == 1 and set(choices) == {"filing", "licence"}
    assert choices["filing"].startswith(
        "undecided (Whether the servers are in mainland China (hosting.location))"
    )
    assert "its gaps say what to find out" in choices["licence"]


def test_auto_checks_nothing_for_a_site_abroad_and_says_why(
    cli: CLI, write_profile: Callable[[Any], Path]
) -> None:
    data = _blog()
    data["hosting"] = {"location": "overseas"}
    code, out, _ = cli("eligibility", write_profile(data), "--type", "auto", "-f", "json", *AUTO)
    [choices] = _choices(out).values()
    assert code == 0 and json.loads(out)["results"] == []
    assert choices["-filing"].startswith("not needed (Whether the servers are in mainland China")
    code, out, _ = cli("eligibility", write_profile(data), "--type", "auto", *AUTO)
    assert code == 0 and "not checked ICP filing — not needed" in out and "not checked ICP licence" in out


def test_auto_chooses_per_profile_in_a_batch(cli: CLI, tmp_path: Path) -> None:
    import shutil

    for name in ("individual-blog.yaml", "beijing-licence-eligible.yaml", "shenzhen-filing-only.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    _, out, _ = cli("eligibility", tmp_path, "--type", "auto", "-f", "json", "-j", "2", *AUTO)
    chosen = {Path(p).name: sorted(c) for p, c in _choices(out).items()}
    assert chosen == {
        "individual-blog.yaml": ["-licence", "filing"],
        "beijing-licence-eligible.yaml": ["filing", "licence"],
        "shenzhen-filing-only.yaml": ["-licence", "filing"],
    }


def test_auto_respects_only_and_skip(cli: CLI) -> None:
    args = ("--type", "auto", "-f", "json", "--only", "filing.*", *AUTO)
    _, out, _ = cli("eligibility", EXAMPLES / "beijing-licence-eligible.yaml", *args)
    [choices] = _choices(out).values()
    assert choices["-licence"] == "--only/--skip leave no rule of this type" and "filing" in choices


def test_auto_without_classify_conclusions_checks_both(cli: CLI, tmp_path: Path) -> None:
    import shutil

    from icpcheck.data import rules_dir

    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    (rules / "guidance" / "classify.yaml").unlink()
    _, out, _ = cli("eligibility", BLOG, "--type", "auto", "-f", "json", "--rules", rules, *AUTO)
    [choices] = _choices(out).values()
    assert set(choices) == {"filing", "licence"} and "no classify conclusion decides" in choices["licence"]


def test_explicit_types_say_they_were_asked_for(cli: CLI) -> None:
    _, out, _ = cli("eligibility", BLOG, "--type", "filing", "-f", "json", *AUTO)
    assert _choices(out) == {str(BLOG): {"filing": "asked for (--type filing)"}}


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "junit", "sarif", "github"])
def test_every_format_says_which_types_were_checked_and_why(cli: CLI, fmt: str) -> None:
    code, out, _ = cli("eligibility", BLOG, "--type", "auto", "-f", fmt, *AUTO)
    assert code == 0
    needed = "needed: The site or app is served from mainland China"
    not_needed = "not needed (Whether users pay, ads or memberships are sold"
    if fmt == "sarif":
        [run] = json.loads(out)["runs"]
        types = {t["type"]: t for t in run["invocations"][0]["properties"]["types"]}
        assert types["filing"]["evaluated"] and types["filing"]["reason"] == needed
        assert not types["licence"]["evaluated"] and types["licence"]["reason"].startswith(not_needed)
        return
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        suites = {s.get("name"): s for s in ET.fromstring(out)}
        filing = suites[f"{BLOG} (filing)"].find("properties/property")
        assert filing is not None and filing.get("value") == needed
        skipped = suites[f"{BLOG} (licence)"].find("testcase/skipped")
        assert skipped is not None and skipped.get("message", "").startswith("not evaluated: " + not_needed)
        return
    if fmt == "github":  # one notice on the profile, its lines in one message (%0A: a command's newline)
        [notice] = [line for line in out.splitlines() if line.startswith("::notice ")]
        assert notice.startswith(f"::notice file={BLOG},title=types checked::")
        out = notice.split("::", 2)[2].replace("%0A", "\n")
        assert out.count("\n") == 1
    assert f"checked ICP filing — {needed}" in out
    assert f"not checked ICP licence — {not_needed}" in out


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_types_are_said_in_chinese_too(cli: CLI, fmt: str) -> None:
    args = ("--type", "auto", "--as-of", AS_OF.isoformat(), "--lang", "zh", "-f", fmt)
    _, out, _ = cli("eligibility", BLOG, *args)
    assert "已检查 ICP 备案 — 需要：网站/APP 使用中国大陆境内的服务器" in out
    assert "未检查 ICP 经营许可证 — 不需要（是否收费" in out
    if fmt == "github":
        assert f"::notice file={BLOG},title=检查的类型::已检查 ICP 备案" in out


def test_the_github_types_notice_is_escaped_like_every_annotation(cli: CLI, tmp_path: Path) -> None:
    """A file name is a workflow-command property: `,` and `:` would end it, `%` and a newline forge the
    next command. The notice escapes them as the finding annotations do, and says an explicit --type."""
    import shutil

    path = tmp_path / "a,b:50%\n::error::x.yaml"
    shutil.copy(BLOG, path)
    _, out, _ = cli("eligibility", path, "--type", "filing", "-f", "github", *AUTO)
    [notice] = out.splitlines()  # the blog has no filing gap: the notice alone, on one line
    name = str(path).replace("%", "%25").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")
    assert notice == (
        f"::notice file={name},title=types checked::checked ICP filing — asked for (--type filing)"
    )


def test_auto_is_the_default_and_a_configured_type_says_where_it_comes_from(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the configuration is searched up to the repository root
    _, out, _ = cli("eligibility", BLOG, "-f", "json", *AUTO)
    assert sorted(_choices(out)[str(BLOG)]) == ["-licence", "filing"]
    (tmp_path / ".icpcheck.yaml").write_text("type: all\n", encoding="utf-8")
    _, out, _ = cli("eligibility", BLOG, "-f", "json", *AUTO)
    assert _choices(out)[str(BLOG)] == {
        t: "asked for (type: all, .icpcheck.yaml)" for t in ("filing", "licence")
    }
    _, out, _ = cli("eligibility", BLOG, "-f", "json", "--type", "auto", *AUTO)
    assert sorted(_choices(out)[str(BLOG)]) == ["-licence", "filing"]  # the flag wins
    (tmp_path / ".icpcheck.yaml").write_text("type: auto\n", encoding="utf-8")
    _, out, _ = cli("eligibility", BLOG, "-f", "json", *AUTO)
    assert sorted(_choices(out)[str(BLOG)]) == ["-licence", "filing"]
