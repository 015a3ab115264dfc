"""Drafts: a fresh `icpcheck init` template with only the name filled is evaluated, each placeholder an
`unknown` finding; `--strict` refuses it. An individual's template has no company fields."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from icpcheck.choices import EntityType
from icpcheck.errors import MAX_MISTAKES, ProfileError
from icpcheck.profile.draft import is_placeholder, placeholders

CLI = Callable[..., tuple[int, str, str]]
AS_OF = ("--as-of", "2026-11-22")
NAME = re.compile(r"^(  name: )<[^>]*>$", re.M)  # the subject's name: the first `  name:` line


def _draft(cli: CLI, tmp_path: Path, *init: str, name: str = "北京启明网络科技有限公司") -> Path:
    path = tmp_path / "client.yaml"
    assert cli("init", path, *init)[0] == 0
    text = path.read_text(encoding="utf-8")
    path.write_text(NAME.sub(lambda m: m.group(1) + name, text, count=1), encoding="utf-8")
    return path


def _placeholders_at(path: Path) -> list[int]:
    """The line of each placeholder in the file (a flow mapping holds several on one line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(lines, 1) for _ in re.findall(r":\s*<[^>]*>", line.split("#")[0])]


def _findings(out: str) -> list[tuple[str, dict[str, Any]]]:
    return [(r["type"], f) for r in json.loads(out)["results"] for f in r["findings"]]


@pytest.mark.parametrize("entity", ["company", "individual"])
def test_init_with_only_the_name_filled_is_a_draft_with_a_finding_per_placeholder(
    cli: CLI, tmp_path: Path, entity: str
) -> None:
    path = _draft(
        cli, tmp_path, "--entity", entity, name="林晓" if entity == "individual" else "北京启明科技有限公司"
    )
    code, out, err = cli("eligibility", path, *AS_OF, "-f", "json", "--lang", "en")
    assert code == 1, err  # unknowns fail at the default --fail-on unknown
    results = json.loads(out)["results"]
    assert results and all(r["verdict"] != "eligible" for r in results)
    for kind in {r["type"] for r in results}:
        drafted = [f for t, f in _findings(out) if t == kind and f["rule"] == "profile.placeholder"]
        assert all(f["status"] == "unknown" for f in drafted)
        assert sorted(f["line"] for f in drafted) == _placeholders_at(path)  # every placeholder, at its line
    uscc = [
        f for _, f in _findings(out) if f["rule"] == "profile.placeholder" and f["field"] == "company.uscc"
    ]
    assert (entity == "company") == bool(uscc)
    if uscc:
        assert uscc[0]["remediation"] == "Fill in company.uscc"
    assert cli("eligibility", path, *AS_OF, "--fail-on", "never")[0] == 0


@pytest.mark.parametrize("entity", get_args(EntityType))
def test_every_entity_types_template_is_a_draft_once_named(cli: CLI, tmp_path: Path, entity: str) -> None:
    path = _draft(cli, tmp_path, "--entity", entity)
    code, out, err = cli("eligibility", path, *AS_OF, "-f", "json")
    assert code == 1 and err == "", err
    assert any(f["rule"] == "profile.placeholder" for _, f in _findings(out))
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["company"]["entity_type"] == entity


def test_strict_refuses_a_draft_naming_each_placeholder(cli: CLI, tmp_path: Path) -> None:
    path = _draft(cli, tmp_path, "--entity", "individual", name="林晓")
    code, out, err = cli("eligibility", path, *AS_OF, "--strict")
    lines = err.strip().splitlines()
    assert code == 2 and out == ""
    total = len(_placeholders_at(path))
    named, rest = lines[:MAX_MISTAKES], lines[MAX_MISTAKES:]
    assert len(named) == min(total, MAX_MISTAKES), err
    assert all(line.endswith("placeholder from `icpcheck init` not filled in") for line in named)
    # the individual's template holds more placeholders than one run lists: the rest are counted
    assert total > MAX_MISTAKES and rest == [
        f"icpcheck: error: {path}: {total - MAX_MISTAKES} more mistakes "
        f"not listed (the first {MAX_MISTAKES} are above)"
    ], err
    assert f"{path}:18: people.site_owner.name: placeholder" in err


def test_an_unfilled_name_is_refused_even_in_a_draft(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "fresh.yaml"
    cli("init", path)
    code, _, err = cli("eligibility", path, *AS_OF)
    assert code == 2
    assert err.strip().splitlines() == [
        f"icpcheck: error: {path}:10: company.name: placeholder from `icpcheck init` not filled in"
    ]


def _delete_placeholders(text: str) -> str:
    """The draft as a user would write it without the placeholders: each such line deleted, and the list
    items and lists that are left without their required fields."""
    data = yaml.safe_load(text)

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not is_placeholder(v)}
        if isinstance(value, list):
            return [strip(v) for v in value if not is_placeholder(v)]
        return value

    data = strip(data)
    for section, key in (("domains", "name"), ("social_insurance", "month")):
        if section in data:
            data[section] = [item for item in data[section] if key in item] or None
    for holder in data["company"].get("shareholders") or []:
        if "name" not in holder:
            data["company"]["shareholders"] = None
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize("entity", ["company", "individual"])
def test_a_placeholder_never_passes_any_rule(cli: CLI, tmp_path: Path, entity: str) -> None:
    path = _draft(cli, tmp_path, "--entity", entity)
    _, out, _ = cli("eligibility", path, *AS_OF, "-f", "json", "--fail-on", "never")
    drafted = {f["field"] for _, f in _findings(out) if f["rule"] == "profile.placeholder"}
    ruled = {(t, f["rule"]): f["status"] for t, f in _findings(out) if f["rule"] != "profile.placeholder"}
    for (_, rule), status in ruled.items():
        if status == "pass":
            fields = {f["field"] for _, f in _findings(out) if f["rule"] == rule}
            assert not any(d.startswith(str(field)) for field in fields for d in drafted), rule
    # The same profile with the placeholder lines deleted: every rule decides exactly as on the draft.
    bare = tmp_path / "bare.yaml"
    bare.write_text(_delete_placeholders(path.read_text(encoding="utf-8")), encoding="utf-8")
    _, out, _ = cli("eligibility", bare, *AS_OF, "-f", "json", "--fail-on", "never", "--strict")
    assert {(t, f["rule"]): f["status"] for t, f in _findings(out)} == ruled


def test_only_the_templates_exact_placeholders_count(cli: CLI, tmp_path: Path, eligible_data: Any) -> None:
    from icpcheck.profile.loader import load_profile_text

    written = tmp_path / "t.yaml"
    for entity in ("company", "individual"):
        cli("init", written, "--entity", entity, "--force")
        values = re.findall(r":\s*(<[^>]*>)", written.read_text(encoding="utf-8"))
        assert values and all(is_placeholder(v) for v in values)
    assert not is_placeholder("北京启明网络科技有限公司") and not is_placeholder("<北京>")
    assert all(p.startswith("<") and p.endswith(">") for p in placeholders())
    # A value in angle brackets that init never writes is refused, never taken as data nor as a draft.
    text = "version: 1\ncompany: {name: x, address: <北京市海淀区>}\n"
    with pytest.raises(ProfileError, match=r"company\.address: placeholder"):
        load_profile_text(text, draft=True)


def test_a_list_item_without_its_required_field_is_left_out(tmp_path: Path) -> None:
    from icpcheck.profile.loader import load_profile_text

    text = (
        "version: 1\ncompany: {name: x}\n"
        "domains:\n  - {name: <域名，如 example.cn / domain name>, registered: 2020-01-01}\n"
        "  - {name: b.cn, registrar: <注册商 / registrar>}\n"
    )
    loaded = load_profile_text(text, draft=True)
    assert [d.name for d in loaded.profile.domains or []] == ["b.cn"]
    assert loaded.placeholders == {"domains[0].name": 4, "domains[1].registrar": 5}
    only = "version: 1\ncompany: {name: x}\ndomains:\n  - {name: <域名，如 example.cn / domain name>}\n"
    assert load_profile_text(only, draft=True).profile.domains is None  # unknown, not "no domains"


def test_the_library_refuses_placeholders_unless_asked_for_a_draft(cli: CLI, tmp_path: Path) -> None:
    from icpcheck.engine import evaluate, load_ruleset
    from icpcheck.profile import load_profile

    path = _draft(cli, tmp_path)
    with pytest.raises(ProfileError):
        load_profile(path)
    loaded = load_profile(path, draft=True)
    results = evaluate(loaded, load_ruleset(), as_of=dt.date(2026, 11, 22))
    assert all(any(f.rule == "profile.placeholder" for f in r.findings) for r in results)
    assert all(r.verdict.value != "eligible" for r in results)


def test_placeholder_findings_can_be_selected_like_any_rule(cli: CLI, tmp_path: Path) -> None:
    path = _draft(cli, tmp_path)
    _, out, err = cli("eligibility", path, *AS_OF, "-f", "json", "--skip", "profile.*")
    assert "matches no rule" not in err
    assert not [f for _, f in _findings(out) if f["rule"] == "profile.placeholder"]
    _, out, _ = cli("rules", "list", "-f", "json")
    assert "profile.placeholder" in out


# --- an individual's template ----------------------------------------------------------------------------

# What a person filing a personal blog in Zhejiang writes, in the order of the template's placeholders.
PERSON = [
    "林晓",
    "浙江省杭州市西湖区文三路100号",
    "林晓",
    '"330106199001015126"',
    '"13812345678"',
    "linxiao@example.com",
    "linxiao.net",
    "2024-02-11",
    "2027-02-11",
    "阿里云计算有限公司",
    "true",
    "林晓",
    '"330106199001015126"',
    "阿里云计算有限公司",
    "mainland",
    "zhejiang",
    "[IDC, ISP]",
    "true",
    "true",
    "林晓的技术笔记",
    "false",    "[]",
    "[]",
]


def test_the_individual_template_has_no_company_fields(cli: CLI, tmp_path: Path) -> None:
    from icpcheck.profile import load_profile

    path = _draft(cli, tmp_path, "--entity", "individual", "--province", "浙", name="林晓")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["company"]["entity_type"] == "individual" and data["company"]["province"] == "zhejiang"
    assert not {"uscc", "registered_capital_cny", "paid_in_capital_cny", "shareholders"} & set(
        data["company"]
    )
    assert "social_insurance" not in data and set(data["people"]) == {"site_owner"}
    assert not {k for k in data["filings"] if "licence" in k}
    loaded = load_profile(path, draft=True)
    assert loaded.profile.company.entity_type == "individual" and loaded.profile.company.name == "林晓"
    assert "people.site_owner.id_number" in loaded.placeholders


def test_the_individual_template_filled_in_gets_a_filing_verdict(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "person.yaml"
    cli("init", path, "--entity", "individual", "--province", "zhejiang")
    values = iter(PERSON)
    filled = re.sub(r"(?<=: )<[^>]*>", lambda _: next(values), path.read_text(encoding="utf-8"))
    assert next(values, None) is None, "the template has fewer placeholders than PERSON"
    path.write_text(filled, encoding="utf-8")
    code, out, err = cli("eligibility", path, *AS_OF, "--type", "filing", "--strict", "-f", "json")
    assert code == 0, (err, out)
    [result] = json.loads(out)["results"]
    assert result["type"] == "filing" and result["verdict"] == "eligible"


def test_findings_after_a_left_out_list_item_point_at_their_own_lines(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "version: 1\ncompany: {name: 北京启明网络科技有限公司, entity_type: company, province: beijing}\n"
        "domains:\n"
        "  - name: <域名，如 example.cn / domain name>\n"  # line 4: left out whole
        "    registered: 2020-01-01\n"
        "  - name: qiming.hk\n"  # line 6: now the first domain of the data
        "    registered: 2020-01-01\n",
        encoding="utf-8",
    )
    _, out, _ = cli("eligibility", path, *AS_OF, "-f", "json", "--type", "filing")
    found = {f["rule"]: f for _, f in _findings(out)}
    assert found["filing.domain_tld_approved"]["status"] == "fail"
    assert found["filing.domain_tld_approved"]["line"] == 6
    assert found["profile.placeholder"]["line"] == 4
