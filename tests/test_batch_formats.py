"""Batch runs over folders, machine formats (JSON, SARIF, JUnit, Markdown, GitHub), policy and config."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ELIGIBLE, EXAMPLES, ROOT

CLI = Callable[..., tuple[int, str, str]]
GAPS = EXAMPLES / "beijing-licence-gaps.yaml"


def _folder(tmp_path: Path, eligible_data: dict[str, Any], count: int, broken: bool) -> Path:
    folder = tmp_path / "clients"
    (folder / "nested").mkdir(parents=True)
    for i in range(count):
        data = json.loads(json.dumps(eligible_data, default=str))
        data["company"]["name"] = f"北京客户{i}科技有限公司"
        data["domains"][0]["holder"] = data["company"]["name"]
        if i % 3 == 0:
            data["company"]["paid_in_capital_cny"] = 500_000
        target = folder / ("nested" if i % 2 else ".") / f"client{i:03}.yaml"
        target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    if broken:
        (folder / "broken.yml").write_text("version: 1\ncompany: {name: [x\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a profile", encoding="utf-8")
    return folder


def test_folder_with_one_malformed_file_reports_all_others_and_exits_2(
    cli: CLI, tmp_path: Path, eligible_data: dict[str, Any]
) -> None:
    folder = _folder(tmp_path, eligible_data, 200, broken=True)
    code, out, err = cli("eligibility", folder, "--as-of", "2026-11-22", "-f", "json")
    assert code == 2
    doc = json.loads(out)
    assert len(doc["results"]) == 400  # 200 profiles × filing + licence
    assert len({r["profile"] for r in doc["results"]}) == 200
    assert [e["profile"] for e in doc["errors"]] == [str(folder / "broken.yml")]
    assert err.count("icpcheck: error:") == 1 and "broken.yml:3" in err


def test_fail_on_never_exits_0_and_default_exits_1(
    cli: CLI, tmp_path: Path, eligible_data: dict[str, Any]
) -> None:
    folder = _folder(tmp_path, eligible_data, 12, broken=False)
    assert cli("eligibility", folder, "--as-of", "2026-11-22", "-f", "json")[0] == 1
    assert cli("eligibility", folder, "--as-of", "2026-11-22", "-f", "json", "--fail-on", "never")[0] == 0


def test_text_batch_has_a_summary_table(cli: CLI, tmp_path: Path, eligible_data: dict[str, Any]) -> None:
    folder = _folder(tmp_path, eligible_data, 3, broken=True)
    _, out, _ = cli("eligibility", folder, "--as-of", "2026-11-22", "--lang", "en")
    summary = out.split("Summary", 1)[1]
    assert summary.count("client00") == 3 and "input error" in summary and "not eligible" in summary


def test_globs_and_files(cli: CLI) -> None:
    code, out, _ = cli("eligibility", str(EXAMPLES / "beijing-*.yaml"), "--as-of", "2026-11-22", "-f", "json")
    profiles = {r["profile"] for r in json.loads(out)["results"]}
    assert profiles == {str(ELIGIBLE), str(GAPS)} and code == 1


def test_pattern_without_match_is_an_input_error(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli("eligibility", str(tmp_path / "*.yaml"))
    assert code == 2 and "no file matches" in err


@pytest.mark.parametrize(("level", "expected"), [("never", 0), ("error", 0), ("unknown", 1), ("warning", 1)])
def test_fail_on_levels(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any], level: str, expected: int
) -> None:
    eligible_data["hosting"]["province"] = "tianjin"  # warning-level failure only
    del eligible_data["company"]["violations_last_3_years"]  # an unknown
    path = write_profile(eligible_data)
    assert cli("eligibility", path, "--as-of", "2026-11-22", "--fail-on", level)[0] == expected


def test_fail_on_error_ignores_unknowns_but_not_failures(cli: CLI) -> None:
    assert (
        cli("eligibility", EXAMPLES / "missing-data.yaml", "--as-of", "2026-11-22", "--fail-on", "error")[0]
        == 0
    )
    assert cli("eligibility", GAPS, "--as-of", "2026-11-22", "--fail-on", "error")[0] == 1


def test_skip_and_only_globs(cli: CLI) -> None:
    _, out, _ = cli(
        "eligibility",
        GAPS,
        "--as-of",
        "2026-11-22",
        "-f",
        "json",
        "--only",
        "licence.*",
        "--skip",
        "licence.news_licence",
        "--skip",
        "licence.capital",
    )
    rules = {f["rule"] for r in json.loads(out)["results"] for f in r["findings"]}
    assert rules and all(r.startswith("licence.") for r in rules)
    assert "licence.news_licence" not in rules and "licence.capital" not in rules


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["--only", "licence.capitol"], "did you mean 'licence.capital'?"),
        (["--skip", "filing.domian_age"], "did you mean 'filing.domain_age'?"),
        (["--only", "license.*"], "did you mean 'licence.*'?"),
        (["--only", "licence.*", "--skip", "nothing.like.this"], "icpcheck rules list"),
    ],
)
def test_pattern_matching_no_rule_is_a_usage_error(cli: CLI, args: list[str], hint: str) -> None:
    code, out, err = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22", *args)
    assert code == 2 and out == "", out
    assert "matches no rule" in err and hint in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--only", "site.*"],  # emitted by the homepage check, not in the catalogue
        ["--skip", "domain.whois*"],
        ["--skip", "waiver.*"],
    ],
)
def test_patterns_for_python_emitted_findings_are_known(cli: CLI, args: list[str]) -> None:
    _, _, err = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22", *args)
    assert "matches no rule" not in err


def test_a_type_left_without_rules_is_never_eligible(cli: CLI) -> None:
    # Seed 000's filing checks are not run: the filing must not be reported as 符合条件.
    code, out, _ = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22", "-f", "json", "--only", "licence.*")
    assert code == 0
    assert [r["type"] for r in json.loads(out)["results"]] == ["licence"]
    code, out, _ = cli(
        "eligibility",
        ELIGIBLE,
        "--type",
        "all",
        "--as-of",
        "2026-11-22",
        "--lang",
        "zh",
        "--skip",
        "licence.*",
    )
    assert code == 0 and "ICP 备案" in out and "ICP 经营许可证" not in out


@pytest.mark.parametrize(
    "args",
    [
        ["--type", "filing", "--only", "licence.*"],
        ["--skip", "*"],
        ["--only", "site.*"],  # homepage checks without --site: nothing would be checked
    ],
)
def test_nothing_left_to_check_is_a_usage_error(cli: CLI, args: list[str]) -> None:
    code, out, err = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22", *args)
    assert code == 2 and out == "" and "符合条件" not in out
    assert "no rule left" in err


def test_config_pattern_matching_no_rule_names_the_config(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".icpcheck.yaml").write_text("only: [licence.capitol]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22")
    assert code == 2 and ".icpcheck.yaml" in err and "did you mean 'licence.capital'?" in err


def _licence_findings(out: str) -> dict[str, dict[str, Any]]:
    result = next(r for r in json.loads(out)["results"] if r["type"] == "licence")
    return {f["rule"]: f for f in result["findings"]}


def test_waivers(cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]) -> None:
    eligible_data["company"]["paid_in_capital_cny"] = 400_000
    eligible_data["company"]["business_scope"] = "技术开发"
    eligible_data["waivers"] = [
        {"rule": "licence.capital", "reason": "增资已登记，等待新执照", "expires": "2027-01-31"},
        {"rule": "licence.business_scope", "reason": "范围变更中", "expires": "2026-10-31"},
        {"rule": "licence.no_such_rule", "reason": "typo"},
    ]
    path = write_profile(eligible_data)
    code, out, _ = cli("eligibility", path, "--as-of", "2026-11-22", "-f", "json", "-t", "licence")
    findings = _licence_findings(out)
    assert findings["licence.capital"]["status"] == "waived"
    assert "增资已登记" in findings["licence.capital"]["remediation"]
    assert findings["licence.business_scope"]["status"] == "fail"  # expired: the finding stands …
    expired = findings["waiver.expired"]  # … and the expired waiver is reported
    assert expired["severity"] == "warning" and "2026-10-31" in expired["message"]
    assert findings["waiver.unknown_rule"]["actual"] == "licence.no_such_rule"
    assert code == 1
    # Waive the scope too (still active): only warnings remain, so the default level passes.
    eligible_data["waivers"][1]["expires"] = "2027-06-30"
    eligible_data["waivers"].pop()
    code, out, _ = cli("eligibility", write_profile(eligible_data), "--as-of", "2026-11-22", "-t", "licence")
    assert code == 0, out


def test_sarif_validates_and_points_at_the_field_line(cli: CLI) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    code, out, _ = cli("eligibility", GAPS, ELIGIBLE, "--as-of", "2026-11-22", "-f", "sarif")
    assert code == 1
    log = json.loads(out)
    schema = json.loads((ROOT / "tests" / "sarif_subset_schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(log, schema, format_checker=jsonschema.FormatChecker())
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids)) and "licence.social_insurance" in rule_ids
    capital = next(r for r in run["results"] if r["ruleId"] == "licence.capital")
    loc = capital["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == GAPS.as_posix()
    line = GAPS.read_text(encoding="utf-8").splitlines()[loc["region"]["startLine"] - 1]
    assert line.strip().startswith("paid_in_capital_cny:")
    assert rule_ids[capital["ruleIndex"]] == "licence.capital"
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_validates_with_an_independent_sarif_model(cli: CLI) -> None:
    """Second opinion from sarif-pydantic (the full SARIF 2.1.0 object model from PyPI)."""
    sarif_pydantic = pytest.importorskip("sarif_pydantic")
    _, out, _ = cli("eligibility", GAPS, ELIGIBLE, "--as-of", "2026-11-22", "-f", "sarif")
    log = sarif_pydantic.Sarif.model_validate(json.loads(out))
    assert log.version == "2.1.0" and len(log.runs[0].results) > 10


def test_sarif_reports_broken_profiles_as_notifications(cli: CLI, write_profile: Callable[..., Path]) -> None:
    bad = write_profile(None, "version: 1\ncompany: 5\n")
    code, out, _ = cli("eligibility", bad, ELIGIBLE, "--as-of", "2026-11-22", "-f", "sarif")
    invocation = json.loads(out)["runs"][0]["invocations"][0]
    assert code == 2 and invocation["executionSuccessful"] is False
    assert (
        invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
        == 2
    )


def test_junit_counts(cli: CLI, write_profile: Callable[..., Path]) -> None:
    bad = write_profile(None, "version: 1\n")
    code, out, _ = cli("eligibility", GAPS, bad, "--as-of", "2026-11-22", "-f", "junit", "--lang", "en")
    assert code == 2
    root = ET.fromstring(out)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    licence = suites[f"{GAPS} (licence)"]
    cases = licence.findall("testcase")
    from icpcheck.engine import load_ruleset

    licence_rules = [r for r in load_ruleset().rules if r.spec.type == "licence"]
    assert int(licence.get("tests") or 0) == len(cases) == len(licence_rules)
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert int(licence.get("failures") or 0) == len(failed) == 12 and "licence.capital" in failed
    assert suites[str(bad)].find("testcase/error") is not None


def test_markdown_and_github(cli: CLI) -> None:
    _, md, _ = cli("eligibility", GAPS, ELIGIBLE, "--as-of", "2026-11-22", "-f", "markdown", "--lang", "en")
    assert md.startswith("## icpcheck") and "| ❌ error | `licence.capital` |" in md and "### Summary" in md
    _, gh, _ = cli("eligibility", GAPS, "--as-of", "2026-11-22", "-f", "github", "--lang", "en")
    capital = next(line for line in gh.splitlines() if "licence.capital" in line)
    line = 1 + next(
        i
        for i, text in enumerate(GAPS.read_text(encoding="utf-8").splitlines())
        if "paid_in_capital_cny" in text
    )
    assert capital.startswith(f"::error file={GAPS},line={line},title=licence.capital (licence)::")


def test_output_file_for_every_format(cli: CLI, tmp_path: Path) -> None:
    for fmt in ("text", "json", "sarif", "junit", "markdown", "github"):
        target = tmp_path / f"report.{fmt}"
        code, out, _ = cli("eligibility", GAPS, "--as-of", "2026-11-22", "-f", fmt, "-o", target)
        assert code == 1 and out == "" and target.stat().st_size > 0


def test_config_defaults_and_flag_override(cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.icpcheck]\nfail-on = "never"\nformat = "json"\nskip = ["filing.*"]\n', encoding="utf-8"
    )
    sub = tmp_path / "clients"
    sub.mkdir()
    monkeypatch.chdir(sub)
    code, out, _ = cli("eligibility", GAPS, "--as-of", "2026-11-22")
    assert code == 0
    assert {r["type"] for r in json.loads(out)["results"]} == {"licence"}  # filing: no rule left
    assert all(f["rule"].startswith("licence.") for r in json.loads(out)["results"] for f in r["findings"])
    assert cli("eligibility", GAPS, "--as-of", "2026-11-22", "--fail-on", "error")[0] == 1
    (tmp_path / ".icpcheck.yaml").write_text("format: markdown\n", encoding="utf-8")
    assert cli("eligibility", GAPS, "--as-of", "2026-11-22")[1].startswith("## icpcheck")


def test_bad_config_is_an_input_error(cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".icpcheck.yaml").write_text("fail_on: sometimes\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("eligibility", GAPS)
    assert code == 2 and "fail_on" in err and "sometimes" in err
    (tmp_path / ".icpcheck.yaml").write_text("colour: red\n", encoding="utf-8")
    assert "unknown setting 'colour'" in cli("eligibility", GAPS)[2]


def test_schema_command_matches_docs_and_validates_examples(cli: CLI) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    code, out, _ = cli("schema")
    assert code == 0
    assert out == (ROOT / "docs" / "profile.schema.json").read_text(encoding="utf-8")
    schema = json.loads(out)
    documents = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.yaml"))]
    contract = ROOT.parent / "shared" / "profile-format.md"
    if contract.exists():
        block = contract.read_text(encoding="utf-8").split("```yaml\n", 1)[1].split("```", 1)[0]
        example = yaml.safe_load(block.replace(": ...", ": x").replace("...", "x: x"))
        example["people"].pop("key_staff")  # its entries are elided with "..." in the contract
        documents.append(example)
    for doc in documents:
        jsonschema.validate(json.loads(json.dumps(doc, default=str)), schema)


def test_init_template_fails_until_filled_then_evaluates(cli: CLI, tmp_path: Path) -> None:
    import re

    path = tmp_path / "new.yaml"
    code, out, _ = cli("init", path, "--province", "沪")
    assert code == 0 and "placeholder" in out
    code, _, err = cli("eligibility", path, "--strict")
    assert code == 2 and "placeholder" in err
    code, _, err = cli("eligibility", path)  # a draft, but its subject has no name
    assert code == 2 and "placeholder" in err
    assert cli("init", path)[0] == 2  # no overwrite without --force
    # Fill every placeholder as the README says: the real value for each field.
    values = {
        "name": "上海启明网络科技有限公司",
        "uscc": "91310115MA1H7ABC3G",
        "address": "上海市浦东新区1号",
        "established": "2020-01-01",
        "licence_valid_until": "null",
        "registered_capital_cny": "1000000",
        "paid_in_capital_cny": "1000000",
        "business_scope": "第二类增值电信业务",
        "share_percent": "100",
        "id_number": '"310115198803052317"',
        "mobile": '"13800138000"',
        "email": "a@example.cn",
        "office_phone": '"+86-21-12345678"',
        "month": "2026-10",
        "insured": "3",
        "registered": "2020-02-01",
        "expires": "2028-02-01",
        "registrar": "阿里云计算有限公司",
        "real_name_verified": "true",
        "holder": "上海启明网络科技有限公司",
        "provider": "阿里云计算有限公司",
        "contract_signed": "true",
        "provider_filed_locally": "true",
        "commercial": "true",
        "violations_last_3_years": "false",
        "social_insured": "true",
        "location": "mainland",
        "province": "shanghai",
        "provider_licences": "[IDC, ISP]",
        "activities": "[paid_membership]",
        "content": "[]",
    }
    text = path.read_text(encoding="utf-8")
    filled = re.sub(r"(\w+): <[^>]*>", lambda m: f"{m.group(1)}: {values.get(m.group(1), '启明文档')}", text)
    path.write_text(filled, encoding="utf-8")
    code, out, err = cli(
        "eligibility", path, "--as-of", "2026-11-22", "-f", "json", "--fail-on", "never", "--strict"
    )
    assert code == 0, err
    assert {r["province"] for r in json.loads(out)["results"]} == {"shanghai"}


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "icpcheck" and hooks[0]["entry"].startswith("icpcheck eligibility")


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "junit", "markdown", "github", "html"])
def test_parallel_jobs_give_identical_ordered_output(
    cli: CLI, tmp_path: Path, eligible_data: dict[str, Any], fmt: str
) -> None:
    """Workers render every format; the parent writes their text in input order, as one process would."""
    folder = _folder(tmp_path, eligible_data, 80, broken=True)
    one = cli("eligibility", folder, "--as-of", "2026-11-22", "-f", fmt, "-j", "1", "--lang", "en")
    two = cli("eligibility", folder, "--as-of", "2026-11-22", "-f", fmt, "-j", "2", "--lang", "en")
    assert one == two and one[0] == 2
    from icpcheck.batch import expand_paths

    shown = list(dict.fromkeys(re.findall(r"client\d{3}", two[1])))  # in order of first mention
    assert shown == [p.stem for p in expand_paths([folder]) if p.suffix == ".yaml"]
    if fmt == "json":
        assert json.loads(two[1])["errors"][0]["line"] == 3  # errors keep file/line across processes


@pytest.mark.parametrize(
    "text",
    ["", "plain", "a & b < c > d", "&amp;", 'say "hi"', "it's", "both \" and '", "tab\tcr\rlf\n", "<&\"'\n>"],
)
def test_junit_escapes_as_xml_sax_saxutils(text: str) -> None:
    """JUnit's own escape and quoteattr (faster) give exactly what xml.sax.saxutils' would."""
    from xml.sax import saxutils

    from icpcheck.report import junit

    assert junit.escape(text) == saxutils.escape(text)
    assert junit.quoteattr(text) == saxutils.quoteattr(text)
