"""The source registry: every seed a rule cites is registered, and no output prints a bare "seed NNN"."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import ELIGIBLE, EXAMPLES, ROOT, SHARED
from icpcheck.sources import cite, find_source, load_sources, source_refs

CLI = Callable[..., tuple[int, str, str]]
BARE = re.compile(r"seed \d{3}(?!《)", re.IGNORECASE)
SEED_FILES = SHARED / "seeds"


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _strings(k) + _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_every_seed_cited_in_rules_is_registered() -> None:
    cited = set()
    for path in (ROOT / "rules").rglob("*.yaml"):
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            cited |= set(re.findall(r"seed (\d{3})", text))
    assert cited, "the rules cite seeds"
    registered = {s.seed for s in load_sources() if s.seed}
    assert cited <= registered, f"unregistered seeds: {sorted(cited - registered)}"


def test_registered_seed_files_exist_and_stated_titles_are_quoted_from_them() -> None:
    if not SEED_FILES.is_dir():
        pytest.skip("seed files not available")
    for source in load_sources():
        if source.file and not source.seed:  # the project's own documentation, relative to the repository
            assert (ROOT / source.file).is_file(), source.key
        elif source.file:
            text = (SEED_FILES / source.file).read_text(encoding="utf-8")
            assert source.file.startswith(source.seed or "?")
            if source.stated_title:
                assert source.stated_title in text, source.key
            if source.publisher:
                assert source.publisher in text, source.key


def test_cite_names_each_seed_once_and_keeps_the_passage() -> None:
    text = "seed 002 (服务器要求); seed 004 (规则 2)"
    once = cite(text)
    assert once == (
        "seed 002《企业 ICP 备案申请流程及注意事项》 (服务器要求); "
        "seed 004《互联互通 ICP 备案流程和要求（接入商帮助文档）》 (规则 2)"
    )
    assert cite(once) == once  # idempotent: outputs may cite text that was already cited
    assert [r["key"] for r in source_refs(text + "; 电信业务经营许可管理办法 第六条")] == [
        "enterprise-filing-guide",
        "linktom-filing-help",
        "telecom-licensing-measures",
    ]


def test_find_source_by_key_or_seed() -> None:
    assert find_source("seed 000").key == find_source("000").key == "bj-icp-licence-agency"
    assert find_source("icp-measures").kind == "statute"


def _outputs(cli: CLI, tmp_path: Path) -> dict[str, str]:
    gaps = EXAMPLES / "beijing-licence-gaps.yaml"
    out: dict[str, str] = {}
    for fmt in ("text", "json", "markdown", "sarif", "junit", "github"):
        code, text, err = cli(
            "eligibility", ELIGIBLE, gaps, "--as-of", "2026-11-22", "-f", fmt, "--materials"
        )
        assert code in (0, 1), err
        out[f"eligibility {fmt}"] = text
    for fmt in ("text", "markdown", "csv", "json"):
        code, text, err = cli(
            "materials", "--profile", ELIGIBLE, "--as-of", "2026-11-22", "-f", fmt, "-t", "licence"
        )
        assert code == 0, err
        out[f"materials {fmt}"] = text
    xlsx = tmp_path / "m.xlsx"
    assert cli("materials", "--profile", ELIGIBLE, "-t", "filing", "-f", "xlsx", "-o", xlsx)[0] == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert sheet is not None
    out["materials xlsx"] = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    for fmt in ("text", "json", "markdown"):
        out[f"rules list {fmt}"] = cli("rules", "list", "-f", fmt)[1]
    from icpcheck.engine import load_ruleset

    out["rules show"] = "".join(
        cli("rules", "show", r.id, "--province", "beijing")[1] for r in load_ruleset().rules
    )
    for fmt in ("text", "json"):
        out[f"classify {fmt}"] = cli("classify", ELIGIBLE, "--as-of", "2026-11-22", "-f", fmt)[1]
        timeline = ("timeline", "-t", "licence", "--province", "beijing", "--start", "2026-11-23", "-f", fmt)
        out[f"timeline {fmt}"] = cli(*timeline)[1]
    out["sources"] = cli("sources")[1] + cli("sources", "seed 002")[1]
    for fmt in ("text", "json", "markdown"):
        out[f"rules coverage {fmt}"] = cli("rules", "coverage", "-f", fmt, "--lang", "en")[1]
    for fmt in ("text", "json"):
        out[f"provinces {fmt}"] = cli("provinces", "-f", fmt)[1] + cli("provinces", "beijing", "-f", fmt)[1]
    for fmt in ("text", "json", "markdown", "ics"):
        text = cli("obligations", EXAMPLES, "--as-of", "2026-11-22", "-f", fmt)[1]
        out[f"obligations {fmt}"] = text.replace("\r\n ", "").replace("\n ", "")  # unfold iCalendar lines
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    out["readme catalogues"] = "".join(
        re.findall(r"<!-- generated:(?:rules|materials) -->.*?<!-- /generated", readme, re.S)
    )
    return out


def test_no_output_prints_a_bare_seed_number(cli: CLI, tmp_path: Path) -> None:
    outputs = _outputs(cli, tmp_path)
    for name, text in outputs.items():
        if name == "sources":
            continue  # the registry lists keys and seed numbers beside their titles
        assert "seed 0" in text or name.startswith(
            ("rules list text", "eligibility github", "provinces text")
        ), name
        bare = BARE.findall(text)
        assert not bare, f"{name}: bare {bare[:3]}"


def test_json_keeps_the_keys_of_the_sources(cli: CLI) -> None:
    _, out, _ = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22", "-f", "json", "--materials")
    data = json.loads(out)
    finding = next(f for r in data["results"] for f in r["findings"] if f["rule"] == "licence.capital")
    assert {"key": "bj-icp-licence-agency", "title": "北京 ICP 证办理指南（代理机构）"} in finding["sources"]
    item = data["results"][1]["materials"]["items"][0]
    assert item["sources"] and all(set(s) == {"key", "title"} for s in item["sources"])
    rules = json.loads(cli("rules", "list", "-f", "json")[1])
    assert all(r["sources"] for r in rules), "every rule cites at least one registered source"


def test_sources_command_text_and_json(cli: CLI) -> None:
    code, out, _ = cli("sources", "--format", "json", "--lang", "en")
    assert code == 0
    data = json.loads(out)
    assert {d["key"] for d in data} >= {"bj-icp-licence-agency", "icp-measures"}
    seed = next(d for d in data if d.get("seed") == "004")
    assert seed["publisher"] == "北京互联互通科技有限公司" and seed["title"].startswith("Linktom")
    code, out, _ = cli("sources", "seed 001", "--lang", "en")
    assert code == 0 and "河南世耀诚实业集团有限公司" in out and "kind: agency guide" in out


def test_one_source_is_described_in_the_language_asked_for(cli: CLI) -> None:
    """Its labels, its kind and how the rules cite it, in zh or en (the kind stays a key in JSON)."""
    said = {
        "zh": ("  类型: 法规", "  引用为: 电信条例", "发布者"),
        "en": ("  kind: statute", "  cited as: 电信条例", "publisher"),
    }
    for lang, lines in said.items():
        code, out, _ = cli("sources", "telecom-regulations", "--lang", lang)
        assert code == 0 and all(line in out for line in lines), out
    code, out, _ = cli("sources", "telecom-regulations", "--lang", "zh", "-f", "json")
    assert json.loads(out)["kind"] == "statute"
    code, _, err = cli("sources", "seed 999")
    assert code == 2 and "no source" in err
