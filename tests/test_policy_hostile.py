"""Rule patterns are bounded: a huge glob in a waiver or an option is refused before any matching."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import ELIGIBLE

CLI = Callable[..., tuple[int, str, str]]
HUGE = "*" + "a*" * 300_000  # 600 KB: matching it against every rule took seconds and hundreds of MB


def test_huge_waiver_glob_is_refused(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    eligible_data["waivers"] = [{"rule": HUGE, "reason": "x"}]
    code, out, err = cli("eligibility", write_profile(eligible_data), "--as-of", "2026-11-22")
    assert code == 2 and out == "" and "waivers[0].rule" in err and "200" in err
    assert len(err.strip().splitlines()) == 1 and len(err) < 400


@pytest.mark.parametrize("option", ["--skip", "--only"])
def test_huge_option_glob_is_refused(cli: CLI, option: str) -> None:
    code, _, err = cli("eligibility", ELIGIBLE, option, HUGE, "--as-of", "2026-11-22")
    assert code == 2 and "200" in err and len(err) < 400


def test_ordinary_globs_still_work(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    eligible_data["waivers"] = [{"rule": "licence.*", "reason": "x"}]
    code, _, err = cli(
        "eligibility", write_profile(eligible_data), "--as-of", "2026-11-22", "--skip", "licence.news_*"
    )
    assert code in (0, 1), err
