from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from icpcheck.cli.app import run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
AS_OF = dt.date(2026, 11, 22)
ELIGIBLE = EXAMPLES / "beijing-licence-eligible.yaml"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the CLI in-process: (exit code, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        code = run([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture
def eligible_data() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(ELIGIBLE.read_text(encoding="utf-8")))


@pytest.fixture
def write_profile(tmp_path: Path) -> Callable[[Any], Path]:
    counter = iter(range(10_000))

    def write(data: Any, text: str | None = None) -> Path:
        path = tmp_path / f"profile{next(counter)}.yaml"
        path.write_text(
            text if text is not None else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
        return path

    return write
