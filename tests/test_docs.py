"""The README stays true: its test command is .ci/run's, and its generated sections are current."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", setup)


def test_readme_has_two_setup_commands_and_ci_runs_the_test_one() -> None:
    run_cmd, test_cmd = _readme_commands()
    assert "icpcheck eligibility examples/" in run_cmd
    ci_lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci_lines == [test_cmd]


def test_generated_readme_sections_are_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "update_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_readme_lists_every_rule() -> None:
    from icpcheck.engine import load_ruleset

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in load_ruleset().rules:
        assert f"`{rule.id}`" in text


def _usage_commands() -> list[str]:
    """The runnable examples of the README's usage section (```sh blocks starting with icpcheck)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    usage = text.split("## Usage", 1)[1].split("\n## ", 1)[0]
    return [c for c in re.findall(r"```sh\n(.+?)\n```", usage, re.S) if c.startswith("icpcheck ")]


def test_readme_usage_commands_run_on_a_fresh_checkout(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    commands = _usage_commands()
    assert any("--format html" in c for c in commands)  # the client report is shown
    (tmp_path / "examples").symlink_to(ROOT / "examples")  # the paths are the repository's
    monkeypatch.chdir(tmp_path)
    for command in commands:
        code, _, err = cli(*shlex.split(command)[1:])
        assert code in (0, 1), f"{command}: {err}"  # 1: the example has gaps, as the README says
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "licence.capital" in report
