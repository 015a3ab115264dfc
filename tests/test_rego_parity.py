"""The licence rules written in Rego (bench/rego/licence.rego) give the same verdicts and statuses."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

pytest.importorskip("regopy", reason="regopy (the Rego engine) is in the test extra")
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "bench" / "rego")]

from generate import generate  # noqa: E402
from runner import icpcheck_verdicts, rego_inputs, rego_statuses, rego_verdicts  # noqa: E402

AS_OF = dt.date(2026, 11, 22)


def test_generator_is_reproducible(tmp_path: Path) -> None:
    first = [p.read_text(encoding="utf-8") for p in generate(tmp_path / "a", 20, seed=3)]
    again = [p.read_text(encoding="utf-8") for p in generate(tmp_path / "b", 20, seed=3)]
    other = [p.read_text(encoding="utf-8") for p in generate(tmp_path / "c", 20, seed=4)]
    assert first == again and first != other


def test_verdict_parity_on_examples_and_generated_profiles(tmp_path: Path) -> None:
    paths = sorted(EXAMPLES.glob("*.yaml")) + generate(tmp_path / "gen", 150, seed=11)
    verdicts = icpcheck_verdicts(paths, AS_OF)
    assert rego_verdicts(rego_inputs(paths, AS_OF)) == verdicts
    assert {"eligible", "not_eligible", "incomplete"} <= set(verdicts)  # the set exercises every verdict


def test_rule_status_parity(tmp_path: Path) -> None:
    from icpcheck.engine import evaluate, load_ruleset
    from icpcheck.profile import load_profile

    ruleset = load_ruleset()
    paths = generate(tmp_path / "gen", 40, seed=5)
    for path, text in zip(paths, rego_inputs(paths, AS_OF), strict=True):
        mine = {
            f.rule: f.status.value
            for f in evaluate(load_profile(path), ruleset, as_of=AS_OF, types=["licence"])[0].findings
        }
        assert rego_statuses(text) == mine, path.name
