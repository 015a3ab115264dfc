"""Command-line interface: a thin Typer layer over the library.

Every command module registers itself on `app`; heavy modules (rich, whois, renderers) are imported inside
the commands so that `icpcheck --help` stays fast.
"""

from __future__ import annotations

import sys

from icpcheck.cli.app import app, run

# Command modules attach their commands to `app` when imported.
from icpcheck.cli import domain, eligibility, materials, plan, project, provinces, rules, site  # noqa: F401  isort: skip
from icpcheck.cli import sources  # noqa: F401  isort: skip
from icpcheck.cli import obligations  # noqa: F401  isort: skip

__all__ = ["app", "main"]


def main() -> None:
    sys.exit(run(sys.argv[1:]))
