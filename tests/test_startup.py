"""What one `eligibility` run loads: the heavy libraries only some inputs need stay out of a plain run.

Start-up time is measured by bench/run.py, not here; this checks the imports that made it slow."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT
from icpcheck.cli import run
from icpcheck.cli.eligibility import eligibility

cli_app = sys.modules["icpcheck.cli.app"]  # the module; icpcheck.cli.app is the Typer app's name too

EXAMPLE = ROOT / "examples" / "beijing-licence-eligible.yaml"


def test_a_plain_eligibility_run_leaves_the_heavy_libraries_out() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from icpcheck.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = run(['eligibility', {str(EXAMPLE)!r}, '--as-of', '2026-11-22'])\n"
        "heavy = ('phonenumbers', 'stdnum', 'rich', 'multiprocessing')\n"
        "print(code, *sorted(m for m in heavy if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.split() == ["0"]


@pytest.mark.parametrize(
    "argv",
    [
        ["eligibility", "--help"],
        ["--debug", "materials", "-h"],
        ["rules", "list", "--help"],
        ["rules", "show"],
        ["plan", "--bogus"],
        ["eligibility", "--format", "xml", "x.yaml"],
        ["eligibilty"],
        ["--help"],
        [],
    ],
)
def test_the_command_alone_parses_as_the_whole_app(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run` builds only the command it runs (cli.app._app_for): same help, errors and exit code."""
    if argv and argv[0] == "eligibility":
        assert [c.callback for c in cli_app._app_for(argv).registered_commands] == [eligibility]
    alone = run(argv), *capsys.readouterr()
    monkeypatch.setattr(cli_app, "_app_for", lambda _argv: cli_app.app)
    assert alone == (run(argv), *capsys.readouterr())
