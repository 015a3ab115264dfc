"""What one `eligibility` run loads: the heavy libraries only some inputs need stay out of a plain run.

Start-up time is measured by bench/run.py, not here; this checks the imports that made it slow."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "beijing-licence-eligible.yaml"


def test_a_plain_eligibility_run_leaves_the_heavy_libraries_out() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from icpcheck.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = run(['eligibility', {str(EXAMPLE)!r}, '--as-of', '2026-11-22'])\n"
        "print(code, *sorted(m for m in ('phonenumbers', 'stdnum', 'rich') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.split() == ["0"]
