"""Cross-cutting engine behaviour. Per-rule cases live in tests/rules/<rule-id>.yaml (test_rule_cases.py)."""

from __future__ import annotations

import pytest

from conftest import AS_OF, ELIGIBLE
from icpcheck.engine import evaluate, load_ruleset

RULESET = load_ruleset()


def test_findings_carry_the_line_of_the_field() -> None:
    from icpcheck.profile import load_profile

    loaded = load_profile(ELIGIBLE)
    loaded.profile.company.paid_in_capital_cny = 10
    results = evaluate(loaded, RULESET, as_of=AS_OF, types=["licence"])
    capital = next(f for f in results[0].findings if f.rule == "licence.capital")
    line = ELIGIBLE.read_text(encoding="utf-8").splitlines()[capital.line - 1]  # type: ignore[operator]
    assert line.strip().startswith("paid_in_capital_cny:")


def test_identity_groups_by_id_number_else_name() -> None:
    from icpcheck.engine.conditions import identity_groups

    groups = identity_groups(
        [
            ("110101199003071233", "张伟"),
            ("110108198506124560", "张伟"),  # a namesake with another ID number: another person
            (None, "李四"),
            ("110105198802143214", "李四"),  # no ID on the other entry: the same person by name
            ("110101199003071233", "张 伟"),  # the same ID number: the same person
            (None, None),  # cannot be told apart
        ]
    )
    assert groups[0] == groups[4] and groups[0] != groups[1]
    assert groups[2] == groups[3] and groups[5] is None
    assert len({g for g in groups if g is not None}) == 3


def test_identity_conditions_reject_bad_keys() -> None:
    from icpcheck.engine.conditions import ConditionError, compile_condition

    with pytest.raises(ConditionError, match="non-empty list"):
        compile_condition({"unique": "people.key_staff", "by": []})
    with pytest.raises(ConditionError, match="unexpected key"):
        compile_condition({"same_as": ["people.legal_representative"], "keys": ["name"]})


def test_identity_work_is_linear_in_a_hostile_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of staff and shareholders (a 1 MB profile): each person is looked at a bounded number of
    times, not once per pair (which took minutes)."""
    import yaml

    from icpcheck.engine import conditions
    from icpcheck.profile.loader import load_profile_text

    data = yaml.safe_load(ELIGIBLE.read_text(encoding="utf-8"))
    n = 3000
    data["people"]["key_staff"] = [
        {"role": "other", "name": f"员工{i}", "id_number": f"1101{i:014d}", "social_insured": True}
        for i in range(n)
    ]
    data["company"]["shareholders"] = [
        {"name": f"股东{i}", "kind": "natural_person", "nationality": "CN"} for i in range(n)
    ]
    calls = 0
    original = conditions._identity

    def counting(obj: object, keys: tuple[str, ...]) -> tuple[str | None, ...]:
        nonlocal calls
        calls += 1
        return original(obj, keys)

    monkeypatch.setattr(conditions, "_identity", counting)
    loaded = load_profile_text(yaml.safe_dump(data, allow_unicode=True), "big.yaml")
    results = evaluate(loaded, RULESET, as_of=AS_OF, types=["licence"], select=lambda r: "key_personnel" in r)
    assert results[0].findings[0].status.value == "fail"  # no contact, no dedicated roles
    assert calls < 20 * n
