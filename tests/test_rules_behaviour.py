"""Cross-cutting engine behaviour. Per-rule cases live in tests/rules/<rule-id>.yaml (test_rule_cases.py)."""

from __future__ import annotations

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
