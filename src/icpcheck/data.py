"""Where the bundled rule data lives: inside the wheel, or at the repo root in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def rules_dir() -> Path:
    packaged = Path(__file__).with_name("_rules")
    if packaged.is_dir():
        return packaged
    # Editable installs and source checkouts: src/icpcheck/data.py -> <repo>/rules
    return Path(__file__).resolve().parents[2] / "rules"
