"""The text report of a parallel batch is rendered in the worker processes, profile by profile.

Rendering in the parent made it fall behind the workers with every outcome held until rendered (memory grew
with the batch); now the parent receives finished text and writes it at once. Speed is measured in bench/.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from icpcheck.batch import Options, ProfileOutcome, evaluate_many
from icpcheck.engine import load_ruleset

CLI = Callable[..., tuple[int, str, str]]


def _profiles(write_profile: Callable[[Any], Path], data: dict[str, Any], count: int) -> list[Path]:
    paths = []
    for i in range(count):
        data["company"]["name"] = f"北京客户{i}科技有限公司"
        paths.append(write_profile(data))
    return paths


def test_text_is_rendered_in_the_workers(
    write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    paths = _profiles(write_profile, eligible_data, 80)

    def render(outcome: ProfileOutcome) -> str:
        return f"{os.getpid()} {Path(outcome.path).name}\n"

    options = Options(as_of=dt.date(2026, 11, 22), render=render)
    outcomes = list(evaluate_many(paths, load_ruleset(), options, jobs=2))
    assert [o.path for o in outcomes] == [str(p) for p in paths]
    pids = {o.rendered.split()[0] for o in outcomes if o.rendered}
    assert len(outcomes) == 80 and all(o.rendered for o in outcomes)
    assert str(os.getpid()) not in pids  # nothing was left for the parent to render
    # Only the text, the verdicts and the policy's answer cross back; the findings stay in the worker.
    assert all(o.results == [] and o.summary and o.fails is not None for o in outcomes)


def test_parallel_text_report_is_identical_and_ordered(
    cli: CLI, write_profile: Callable[..., Path], eligible_data: dict[str, Any]
) -> None:
    paths = _profiles(write_profile, eligible_data, 70)
    paths.append(write_profile(None, "version: 1\ncompany: {name: [x\n"))
    for extra in ((), ("--materials",)):
        one = cli("eligibility", *paths, "--as-of", "2026-11-22", "-j", "1", "--lang", "en", *extra)
        two = cli("eligibility", *paths, "--as-of", "2026-11-22", "-j", "2", "--lang", "en", *extra)
        assert one == two and one[0] == 2
        names = [line.split(" · ")[0] for line in one[1].splitlines() if " · ICP licence · " in line]
        assert names == [str(p) for p in paths[:-1]]


def test_the_types_lists_give_json_dumps_bytes_and_share_what_profiles_repeat() -> None:
    """JSON's not_evaluated and SARIF's invocation types are kept encoded over a batch (flat memory) and must
    still read exactly as json.dumps of the list of dicts did."""
    from icpcheck.findings import TypeChoice
    from icpcheck.report.json import TypeLists

    paths = ['a "quoted"\\path.yaml', "客户/档案.yaml", "line\nbreak\u2028.yaml", "plain.yaml"]
    reasons = ["需要：收费服务", 'asked for: --type "licence"', "", "\x1b[31m tab\t"]
    kept = TypeLists()
    expected = []
    for i, path in enumerate(paths):
        choices = [
            TypeChoice(t, i % 2 == 0, reasons[(i + j) % 4]) for j, t in enumerate(("filing", "licence"))
        ]
        kept.add(path, choices[: i % 3])
        expected += [{"profile": path} | c.to_dict() for c in choices[: i % 3]]
    kept.add("none.yaml", [])
    assert kept.dump() == json.dumps(expected, ensure_ascii=False)
    assert TypeLists().dump() == json.dumps([])
    repeated = TypeLists()  # equal parts of different profiles are one string
    for path in ("x.yaml", "y.yaml"):
        repeated.add(path, [TypeChoice("filing", True, "need" + "ed")])
    assert repeated.rows[0][1][0] is repeated.rows[1][1][0]
