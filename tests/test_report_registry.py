"""One writer registry (icpcheck.report.writers) for every command whose output is a report: the same
formats behave the same whichever command produced the findings."""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT
from icpcheck.report.writers import COMMAND_FORMATS, FORMATS

CLI = Callable[..., tuple[int, str, str]]
PAGE = ROOT / "tests" / "site_pages" / "no-psb-link.html"


def _formats(command: Callable[..., None]) -> set[str]:
    """The --format choices of a command (its Literal type, without the None of 'not given')."""
    hint = typing.get_type_hints(command, include_extras=True)["format_"]
    choices = next(a for a in typing.get_args(typing.get_args(hint)[0]) if a is not type(None))
    return set(typing.get_args(choices))


def test_each_command_offers_the_formats_of_the_registry() -> None:
    from icpcheck.cli.domain import domain
    from icpcheck.cli.eligibility import eligibility
    from icpcheck.cli.obligations import obligations
    from icpcheck.cli.plan import classify, timeline
    from icpcheck.cli.site import site_command

    assert _formats(eligibility) == _formats(site_command) == set(FORMATS)  # findings reports
    assert _formats(domain) == set(COMMAND_FORMATS["domain"])
    assert _formats(obligations) == set(COMMAND_FORMATS["obligations"])
    assert _formats(classify) == set(COMMAND_FORMATS["classify"])
    assert _formats(timeline) == set(COMMAND_FORMATS["timeline"])


def test_a_file_name_reaches_no_terminal_raw(cli: CLI, tmp_path: Path) -> None:
    """classify and timeline name the profile: through the registry their text is made printable."""
    profile = tmp_path / "client\x1b[31m.yaml"
    profile.write_text(
        (EXAMPLES / "beijing-licence-eligible.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for run in (("classify", profile), ("timeline", "--profile", profile, "--start", "2026-11-22")):
        code, out, _ = cli(*run, "--lang", "en")
        assert code == 0 and "\x1b" not in out and "client\\x1b[31m.yaml" in out


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_site_renders_in_every_findings_format(cli: CLI, fmt: str) -> None:
    profile = EXAMPLES / "beijing-licence-gaps.yaml"
    code, out, err = cli(
        "site", PAGE, "--profile", profile, "-f", fmt, "--as-of", "2026-11-22", "--lang", "en"
    )
    assert code == 1 and out and not err, err  # the page lacks the company's name: the site report fails
    if fmt == "json":
        [result] = json.loads(out)["results"]
        assert result["type"] == "site" and result["verdict"] == "not_eligible"
    if fmt == "sarif":
        rules = {r["id"] for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
        assert {"site.company_name", "site.filing_number"} <= rules
    if fmt in ("text", "markdown", "github", "junit", "html"):
        assert "site.company_name" in out
