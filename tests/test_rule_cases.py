"""Rule tests as data: one case file per catalogue rule, tests/rules/<rule-id>.yaml (format: docs/rules.md).

One parametrised test runs every case; another fails when a rule of the catalogue has no case file, or its
file lacks a pass, a fail and an unknown case (unless it declares, with a reason, that one cannot happen).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from functools import cache
from typing import Any, Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

from conftest import AS_OF, EXAMPLES, ROOT
from icpcheck.engine import evaluate, load_ruleset
from icpcheck.findings import Finding, Status
from icpcheck.profile.loader import load_profile_text

CASES_DIR = ROOT / "tests" / "rules"
RULESET = load_ruleset()
REQUIRED = ("pass", "fail", "unknown")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Case(_Strict):
    name: str = Field(min_length=1)
    set: dict[str, Any] = {}  # dotted path -> value (parents created as needed)
    drop: list[str] = []  # dotted paths removed (before `set`)
    append: dict[str, list[Any]] = {}  # dotted path of a list -> items appended (after `set`)
    province: str | None = None
    as_of: dt.date | None = None
    lang: Literal["zh", "en"] = "en"
    status: Literal["pass", "fail", "unknown", "skip"]
    field: str | None = None
    expected: Any = None
    actual: Any = None
    message_contains: list[str] = []  # substrings of message + remediation
    # the dates to act on: a date, or "none" where there must be none (absent: not checked)
    earliest: dt.date | Literal["none"] | None = None
    deadline: dt.date | Literal["none"] | None = None
    when_contains: list[str] = []  # substrings of the dated sentence


class CaseFile(_Strict):
    base: str | dict[str, Any] = "beijing-licence-eligible.yaml"  # a file in examples/, or a profile
    province: str | None = None
    as_of: dt.date | None = None
    cannot_fail: str | None = None  # the reason this rule never fails
    cannot_be_unknown: str | None = None  # the reason this rule is never unknown
    cases: list[Case] = Field(min_length=1)


@cache
def load_case_file(rule_id: str) -> CaseFile:
    path = CASES_DIR / f"{rule_id}.yaml"
    return CaseFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def _base(base: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / base).read_text(encoding="utf-8"))
    return data


def _steps(path: str) -> list[str | int]:
    keys = re.sub(r"\[(\d+)\]", r".\1", path).split(".")
    return [int(k) if k.isdigit() else k for k in keys]


def _parent(data: Any, path: str, create: bool) -> tuple[Any, str | int]:
    *parents, last = _steps(path)
    node = data
    for key, following in zip(parents, [*parents, last][1:], strict=True):
        if create and isinstance(key, str) and node.get(key) is None:
            node[key] = [] if isinstance(following, int) else {}
        node = node[key]
    return node, last


def apply_changes(data: dict[str, Any], case: Case) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for path in case.drop:
        node, last = _parent(data, path, create=False)
        del node[last]
    for path, value in case.set.items():
        node, last = _parent(data, path, create=True)
        if isinstance(node, list) and last == len(node):
            node.append(value)
        else:
            node[last] = value
    for path, items in case.append.items():
        node, last = _parent(data, path, create=True)
        node.setdefault(last, []).extend(items)
    return data


def run_case(rule_id: str, case: Case) -> Finding:
    spec = load_case_file(rule_id)
    base = spec.base if isinstance(spec.base, dict) else _base(spec.base)
    data = apply_changes(base, case)
    loaded = load_profile_text(yaml.safe_dump(data, allow_unicode=True), f"{rule_id}.yaml")
    results = evaluate(
        loaded,
        RULESET,
        as_of=case.as_of or spec.as_of or AS_OF,
        province=case.province or spec.province,
        lang=case.lang,
        select=lambda rid: rid == rule_id,
    )
    found = [f for r in results for f in r.findings if f.rule == rule_id]
    assert found, f"rule {rule_id} was not evaluated"
    return found[0]


def _catalogue() -> list[str]:
    """The rules the engine evaluates; rules another pipeline stage produces are in PRODUCED_ELSEWHERE."""
    return sorted(r.id for r in RULESET.rules if r.check is not None)


# Exemption from case files: a rule with `produced_by` has no condition to run a case against; the stage
# that makes it is tested end to end in the module named here, which must name each of its rule IDs.
PRODUCED_ELSEWHERE = {
    "waivers": "tests/test_catalogue.py",
    "whois": "tests/test_whois.py",
    "site": "tests/test_site.py",
    "draft": "tests/test_drafts.py",
}


def test_produced_rules_are_tested_where_they_are_produced() -> None:
    for rule in RULESET.rules:
        if rule.check is None:
            stage = rule.spec.produced_by
            assert stage in PRODUCED_ELSEWHERE, f"{rule.id}: no case file and no test module for {stage}"
            text = (ROOT / PRODUCED_ELSEWHERE[stage]).read_text(encoding="utf-8")
            assert rule.id in text, f"{PRODUCED_ELSEWHERE[stage]} never names {rule.id}"


def _all_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in load_case_file(path.stem).cases:
            params.append(pytest.param(path.stem, case, id=f"{path.stem}::{case.name}"))
    return params


@pytest.mark.parametrize(("rule_id", "case"), _all_cases())
def test_rule_case(rule_id: str, case: Case) -> None:
    finding = run_case(rule_id, case)
    assert finding.status is Status(case.status), (case.name, finding)
    if case.field is not None:
        assert finding.field == case.field, (case.name, finding)
    if case.expected is not None:
        assert finding.expected == case.expected, (case.name, finding)
    if case.actual is not None:
        assert finding.actual == case.actual, (case.name, finding)
    text = f"{finding.message}\n{finding.remediation}"
    for part in case.message_contains:
        assert part in text, (case.name, part, text)
    for name in ("earliest", "deadline"):
        want = getattr(case, name)
        if want is not None:
            assert getattr(finding, name) == (None if want == "none" else want), (case.name, name, finding)
    for part in case.when_contains:
        assert part in finding.when, (case.name, part, finding.when)
    assert "{" not in finding.when, finding.when  # every placeholder filled
    if finding.status is Status.FAIL:
        assert finding.remediation and finding.source and finding.field, finding
    if finding.status is Status.UNKNOWN:
        # An unknown names the field to provide, in the remediation too.
        assert finding.field and finding.field in finding.remediation, finding


@pytest.mark.parametrize("rule_id", _catalogue())
def test_every_rule_has_pass_fail_and_unknown_cases(rule_id: str) -> None:
    path = CASES_DIR / f"{rule_id}.yaml"
    assert path.is_file(), f"no case file {path.relative_to(ROOT)} for catalogue rule {rule_id}"
    spec = load_case_file(rule_id)
    statuses = {c.status for c in spec.cases}
    exempt = {"fail": spec.cannot_fail, "unknown": spec.cannot_be_unknown}
    for status in REQUIRED:
        if exempt.get(status):
            assert status not in statuses, f"{rule_id} declares it cannot be {status} but has such a case"
            continue
        assert status in statuses, f"{path.name} has no '{status}' case"


def test_no_case_file_without_a_rule() -> None:
    stray = {p.stem for p in CASES_DIR.glob("*.yaml")} - set(_catalogue())
    assert not stray, f"case files for rules not in the catalogue: {sorted(stray)}"


def test_case_files_do_not_leak_changes() -> None:
    base = copy.deepcopy(_base("beijing-licence-eligible.yaml"))
    case = Case(name="x", set={"company.paid_in_capital_cny": 1}, drop=["domains"], status="fail")
    assert apply_changes(base, case)["company"]["paid_in_capital_cny"] == 1
    assert base == _base("beijing-licence-eligible.yaml")


def test_paths_reach_list_items_and_create_parents() -> None:
    case = Case(
        name="x",
        set={"people.key_staff[0].name": "甲", "service.homepage.shows_phone": False, "waivers": None},
        append={"social_insurance": [{"month": "2026-07", "insured": 0}]},
        status="pass",
    )
    data = apply_changes({"people": {"key_staff": [{"name": "乙"}]}, "service": None}, case)
    assert data["people"]["key_staff"][0]["name"] == "甲"
    assert data["service"] == {"homepage": {"shows_phone": False}}
    assert data["social_insurance"] == [{"month": "2026-07", "insured": 0}]
