"""Project defaults for CLI options: `[tool.icpcheck]` in pyproject.toml or `.icpcheck.yaml` at the repo root.

Searched from the working directory upwards to the repository root (the folder holding .git); the first
folder that has either file wins, `.icpcheck.yaml` before pyproject.toml. Command-line flags override.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from icpcheck.errors import UsageError

KEYS = {"fail_on": str, "skip": list, "only": list, "format": str, "lang": str, "type": str, "province": str}


def find_config(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        dot = candidate / ".icpcheck.yaml"
        if dot.is_file():
            return dot, _check(dot, _yaml(dot))
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            tool = _toml(pyproject).get("tool", {})
            if not isinstance(tool, dict):
                raise UsageError("[tool] must be a table", file=str(pyproject))
            table = tool.get("icpcheck")
            if table is not None:
                return pyproject, _check(pyproject, table)
        if (candidate / ".git").exists():
            break
    return None


def _yaml(path: Path) -> Any:
    from icpcheck.yamlio import load_yaml_file

    return load_yaml_file(path, error=UsageError).data or {}


def _toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    from icpcheck.yamlio import max_bytes, read_regular_file

    raw = read_regular_file(path, max_bytes(), UsageError)
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
        return data
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read configuration: {exc}", file=str(path)) from None
    except RecursionError:  # tomllib recurses once per nesting level
        raise UsageError("cannot read configuration: nested too deeply", file=str(path)) from None


def _check(path: Path, table: Any) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise UsageError("icpcheck configuration must be a mapping", file=str(path))
    out: dict[str, Any] = {}
    for key, value in table.items():
        norm = key.replace("-", "_")
        if norm not in KEYS:
            raise UsageError(f"unknown setting {key!r} (known: {', '.join(KEYS)})", file=str(path))
        if KEYS[norm] is list and isinstance(value, str):
            value = [value]
        if not isinstance(value, KEYS[norm]):
            raise UsageError(f"setting {key!r} must be a {KEYS[norm].__name__}", file=str(path))
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise UsageError(f"setting {key!r} must be a list of rule ID patterns (text)", file=str(path))
        out[norm] = value
    return out
