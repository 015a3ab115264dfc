"""Rule data is validated when loaded: broken files name file, line and what is wrong (exit 2)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT

CLI = Callable[..., tuple[int, str, str]]


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def test_bundled_rules_validate(cli: CLI) -> None:
    code, out, _ = cli("rules", "validate")
    assert code == 0 and "rules" in out


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "licence.yaml",
            "op: ge, value: $capital.min_cny",
            "op: gte, value: $capital.min_cny",
            "unknown operator 'gte'",
        ),
        (
            "licence.yaml",
            "value: $capital.min_cny}",
            "value: $capital.minimum}",
            "unknown parameter $capital.minimum",
        ),
        ("licence.yaml", "    severity: error\n", "    severity: fatal\n", "severity"),
        ("licence.yaml", "id: licence.clean_record", "id: licence.capital", "duplicate rule id"),
        (
            "filing.yaml",
            "check: {use: content_pre_approved}",
            "check: {use: nothing_here}",
            "unknown condition",
        ),
        (
            "params/beijing.yaml",
            "  licence.financial_sites_refused:",
            "  licence.financial_sites_refuse:",
            "national.yaml does not define",
        ),
        (  # the one form of province limit names a parameter the loader knows …
            "licence.yaml",
            "province_switch: licence.financial_sites_refused",
            "province_switch: licence.financial_site_refused",
            "licence.no_financial: province_switch names unknown parameter 'licence.financial_site_refused'",
        ),
        (  # … which is true or false everywhere
            "local.yaml",
            "province_switch: filing.local_mobile_required",
            "province_switch: filing.max_domains_per_application",
            "is 0 in national: a switch is true or false",
        ),
        (
            "licence.yaml",
            "province_switch: licence.false_publicity_refused",
            "provinces: [beijing]",
            "provinces",
        ),
        (  # a dated value carries its own source
            "params/beijing.yaml",
            '        source: "tencentyun/qcloud-documents product/域名与网站/网站备案/0',
            '        # source: "tencentyun/qcloud-documents product/域名与网站/网站备案/0',
            "values[0].source: Field required",
        ),
        (
            "filing.yaml",
            "    check: {field: hosting.location, op: eq, value: mainland}",
            "    check: {field: hosting.location, op: eq, value: mainland, extra: 1}",
            "unexpected key",
        ),
    ],
)
def test_broken_rule_files(cli: CLI, rules_copy: Path, file: str, old: str, new: str, expected: str) -> None:
    _break(rules_copy / file, old, new)
    code, _, err = cli("rules", "validate", rules_copy)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert expected in err
    assert f"{file.split('/')[-1]}:" in err  # names the file and a line


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ("  loop_a: {use: loop_b}\n  loop_b: {use: loop_a}\n", "cycle: loop_a → loop_b → loop_a"),
        ("  loop_a: {not: {use: loop_a}}\n", "cycle: loop_a → loop_a"),
        ("  loop_a: {all: [{use: nowhere}]}\n", "condition 'loop_a' uses unknown condition 'nowhere'"),
    ],
)
def test_named_conditions_that_cannot_be_evaluated_are_refused(
    cli: CLI, rules_copy: Path, conditions: str, expected: str
) -> None:
    """A cycle of `use` recursed without end (an internal error) when a rule using it was evaluated."""
    _break(rules_copy / "filing.yaml", "conditions:\n", f"conditions:\n{conditions}")
    _break(rules_copy / "filing.yaml", "check: {use: content_pre_approved}", "check: {use: loop_a}")
    for args in (
        ("rules", "validate", rules_copy),
        ("eligibility", ROOT / "examples" / "beijing-licence-eligible.yaml", "--rules", rules_copy),
    ):
        code, out, err = cli(*args)
        assert code == 2 and not out and "Traceback" not in err and "internal error" not in err
        assert expected in err and "filing.yaml:" in err and len(err.strip().splitlines()) == 1


def test_condition_error_points_at_its_line(cli: CLI, rules_copy: Path) -> None:
    _break(rules_copy / "licence.yaml", "op: ge, value: $capital.min_cny", "op: gte, value: $capital.min_cny")
    _, _, err = cli("rules", "validate", rules_copy)
    lines = (rules_copy / "licence.yaml").read_text(encoding="utf-8").splitlines()
    line_no = int(err.split("licence.yaml:")[1].split(":")[0])
    assert "gte" in lines[line_no - 1]


def test_rules_list_and_show(cli: CLI) -> None:
    code, out, _ = cli("rules", "list", "--type", "licence", "--lang", "en")
    assert code == 0 and "licence.social_insurance" in out and "filing.domain_age" not in out
    code, out, _ = cli("rules", "show", "licence.social_insurance", "--province", "京")
    assert code == 0
    assert "social_insurance.min_staff = 8" in out and "seed 000" in out
    code, out, _ = cli("rules", "show", "licence.social_insurance")
    assert "social_insurance.min_staff = 3" in out


def test_rules_show_gives_the_doc_and_the_source_of_the_value_in_force(cli: CLI) -> None:
    code, out, _ = cli("rules", "show", "licence.no_false_publicity", "--lang", "en")
    assert code == 0 and "about: Whether a claim is false cannot be read from a profile" in out
    _, out, _ = cli("rules", "list", "-f", "json")
    doc = next(r["doc"] for r in json.loads(out) if r["id"] == "licence.no_false_publicity")
    assert doc["zh"].startswith("是否“虚假”无法从档案判断")
    # Beijing's switch has been true since 2017-06-05 by its own reference, not by the national default's
    _, out, _ = cli("rules", "show", "filing.local_mobile", "--province", "beijing", "--lang", "en")
    line = next(x for x in out.splitlines() if x.startswith("  filing.local_mobile_required = yes"))
    assert "各省管局要求20170605" in line and "national default" not in line


def test_rules_show_says_a_rule_settles_its_type(cli: CLI) -> None:
    """`settles: true` changes what a run reports (the failing finding alone answers for its type): `rules
    show` says so in either language, `rules list -f json` carries it, and a rule without it says nothing."""
    said = {
        "en": "settles: when this rule fails, its finding alone answers for the licence",
        "zh": "决定结论: 本规则未通过时，许可证的结论只看这一项",
    }
    for lang, words in said.items():
        code, out, _ = cli("rules", "show", "licence.entity_type", "--lang", lang)
        assert code == 0 and words in out
        _, out, _ = cli("rules", "show", "licence.capital", "--lang", lang)
        assert words.split(":")[0] not in out
    _, out, _ = cli("rules", "list", "-f", "json")
    settling = {r["id"] for r in json.loads(out) if r["settles"]}
    assert settling == {"licence.entity_type"}


def test_rules_show_unknown_id_suggests(cli: CLI) -> None:
    code, _, err = cli("rules", "show", "licence.capitol")
    assert code == 2 and "did you mean 'licence.capital'" in err


def test_every_rule_has_bilingual_texts_and_a_source() -> None:
    from icpcheck.engine import load_ruleset

    for rule in load_ruleset().rules:
        spec = rule.spec
        assert spec.source.strip() and spec.message.zh and spec.message.en
        assert spec.remediation.zh and spec.remediation.en
        assert rule.id.split(".")[0] == spec.type


def test_the_operator_table_needs_no_import_order() -> None:
    """One place builds the operator table: a condition using an identifier or registrar operator compiles in
    a fresh interpreter that imported nothing but the condition module (no registration by side effect)."""
    import subprocess
    import sys

    code = (
        "from icpcheck.engine.conditions import compile_condition, operators\n"
        "for op in ('uscc_valid', 'mobile_province', 'registrar_approved'):\n"
        "    compile_condition({'field': 'x', 'op': op, 'value': True})\n"
        "assert {'eq', 'uscc_valid', 'registrar_approved'} <= set(operators())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_consecutive_months_reads_the_field_names_the_rule_gives() -> None:
    """The engine knows no profile field: `month_field` and `number_field` come from the rule."""
    import datetime as dt

    from icpcheck.engine.conditions import ConditionError, Ctx, compile_condition

    rule = {
        "consecutive_months": "payroll",
        "month_field": "period",
        "number_field": "paid",
        "min": 2,
        "months": 2,
    }
    node = compile_condition(rule)
    ctx = Ctx({}, {}, dt.date(2026, 3, 15), {})
    months = [{"period": "2026-01", "paid": 2}, {"period": "2026-02", "paid": 3}]
    out = node.evaluate(ctx, {"payroll": months}, "")
    assert out.value is True and out.expected == {"min_paid": 2, "months": 2}
    months[0]["paid"] = 1
    assert node.evaluate(ctx, {"payroll": months}, "").value is False
    assert node.evaluate(ctx, {"payroll": months[1:]}, "").value is None  # January has no entry
    with pytest.raises(ConditionError, match="month_field"):
        compile_condition({k: v for k, v in rule.items() if k != "month_field"})


def test_a_province_switch_skips_naming_where_it_holds_at_the_date() -> None:
    """Elsewhere the rule is skipped, naming the provinces whose switch is true at the evaluation date:
    Beijing's local-mobile requirement dates from 2017-06-05 (params/beijing.yaml)."""
    import datetime as dt

    from icpcheck.engine import evaluate, load_ruleset
    from icpcheck.profile import load_profile

    ruleset = load_ruleset()
    profile = load_profile(ROOT / "examples" / "beijing-licence-eligible.yaml")

    def finding(rule: str, province: str, day: dt.date) -> tuple[str, str]:
        results = evaluate(profile, ruleset, as_of=day, province=province, lang="en")
        found = next(f for r in results for f in r.findings if f.rule == rule)
        return found.status.value, found.remediation

    today, before = dt.date(2026, 11, 22), dt.date(2017, 1, 1)
    assert finding("licence.no_false_publicity", "zhejiang", today) == ("skip", "Applies only in: beijing")
    assert finding("licence.no_financial", "beijing", today)[0] == "pass"
    status, text = finding("filing.local_mobile", "zhejiang", today)
    assert status == "skip" and "beijing" in text.split(": ")[1].split(", ")
    assert "beijing" not in finding("filing.local_mobile", "zhejiang", before)[1]
    assert finding("filing.local_mobile", "beijing", before)[0] == "skip"
