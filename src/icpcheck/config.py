"""One options model for command-line flags and the project configuration.

`Settings` describes every setting a command can take. Each command builds its settings with `resolve`:
a flag given on the command line wins, else the project configuration's value, else the default. The
configuration is `.icpcheck.yaml` or `[tool.icpcheck]` in pyproject.toml, searched from the working
directory upwards to the repository root (the folder holding .git); the first folder that has either file
wins, `.icpcheck.yaml` before pyproject.toml. Its keys are the settings' names (`fail-on` may be written for
`fail_on`); an unknown key or a bad value is an error naming the file and the key. The keys are documented
in the README (Configuration).
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from icpcheck.choices import MAX_PATTERN, CheckType, Format, Lang, default_lang
from icpcheck.errors import UsageError
from icpcheck.findings import FailOn

Pattern = Annotated[str, Field(max_length=MAX_PATTERN)]


class Settings(BaseModel):
    """The settings of one run. A command reads those it has; the others keep their defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: CheckType | None = None  # eligibility: what to check
    format: Format | None = None  # a command uses it if it has this format (text if none is set)
    lang: Lang = Field(default_factory=default_lang)
    province: str | None = None  # a province key (beijing / 北京 / 京 are all read as beijing)
    rules: Path | None = None  # a rules directory (relative to the configuration file's folder)
    fail_on: FailOn = FailOn.unknown
    skip: list[Pattern] = Field(default_factory=list)  # rule ID patterns (globs, tag:NAME)
    only: list[Pattern] = Field(default_factory=list)
    jobs: int | None = Field(default=None, ge=1, strict=True)  # worker processes for many profiles
    within: int | None = Field(
        default=None, ge=0, strict=True
    )  # obligations: days ahead that count as pressing
    timeout: float | None = Field(default=None, gt=0, le=3600)  # seconds for network waits
    as_of: dt.date = Field(default_factory=dt.date.today)  # flag only, see FLAG_ONLY
    show_pii: bool = False  # flag only

    # The file the configured values come from, and which settings it gave (for error messages).
    _file: Path | None = PrivateAttr(default=None)
    _configured: frozenset[str] = PrivateAttr(default=frozenset())

    @field_validator("skip", "only", mode="before")
    @classmethod
    def _one_pattern(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("province")
    @classmethod
    def _province_key(cls, value: str | None) -> str | None:
        from icpcheck.provinces import resolve_province

        return resolve_province(value).key if value is not None else None

    @property
    def file(self) -> Path | None:
        return self._file

    def origin(self, name: str, flag: str) -> tuple[str, str | None]:
        """Where the setting `name` came from, for an error message: (its flag or key, the file if any)."""
        if name in self._configured:
            return f"{name}:", str(self._file)
        return flag, None


# Settings a project file may not fix: each is decided per run.
FLAG_ONLY = {
    "as_of": "a date fixed in a file would silently freeze every report; give --as-of",
    "show_pii": "showing personal data unmasked is decided per run; give --show-pii",
}
KEYS = [name for name in Settings.model_fields if name not in FLAG_ONLY]


def resolve(flags: dict[str, Any], formats: Any = None) -> Settings:
    """The settings of a command that has the settings named in `flags`, given as on its command line
    (None or an empty list: not given). A configured value fills a setting not given; a configured format
    only if it is one of `formats` (a Literal of the command's formats)."""
    found = find_config()
    conf = found[1] if found else Settings()
    merged: dict[str, Any] = {}
    configured = set()
    for name, value in flags.items():
        if value is None or value == []:
            if name not in conf.model_fields_set or (
                name == "format" and conf.format not in get_args(formats)
            ):
                continue
            value = getattr(conf, name)
            configured.add(name)
        merged[name] = value
    if "format" in flags and "format" not in merged:
        merged["format"] = "text"
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as exc:  # a flag's value the typer choices do not cover (e.g. a long pattern)
        raise UsageError(_message(exc.errors()[0], flag=True)) from None
    settings._file = found[0] if found else None
    settings._configured = frozenset(configured)
    return settings


def find_config(start: Path | None = None) -> tuple[Path, Settings] | None:
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


def _check(path: Path, table: Any) -> Settings:
    """The configuration's settings, each checked so that an error names the file and the key."""
    if not isinstance(table, dict):
        raise UsageError("icpcheck configuration must be a mapping", file=str(path))
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = str(key).replace("-", "_")
        if name in FLAG_ONLY:
            raise UsageError(f"setting {key!r} cannot be configured: {FLAG_ONLY[name]}", file=str(path))
        if name not in KEYS:
            raise UsageError(f"unknown setting {key!r} (known: {', '.join(KEYS)})", file=str(path))
        values[name] = value
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        raise UsageError(_message(exc.errors()[0]), file=str(path)) from None
    except UsageError as exc:  # a province no table knows
        exc.file = exc.file or str(path)
        raise
    if settings.rules is not None:
        rules = path.parent / settings.rules
        if not rules.is_dir():
            raise UsageError(f"setting 'rules': {str(settings.rules)!r} is not a directory", file=str(path))
        settings = settings.model_copy(update={"rules": rules})
    return settings


def _message(error: Any, flag: bool = False) -> str:
    """One line for the first problem pydantic found, naming the key (or the flag)."""
    name = str(error["loc"][0])
    label = "--" + name.replace("_", "-") if flag else f"setting {name!r}"
    if name in ("skip", "only"):
        return f"{label} must be a list of rule ID patterns (text, at most {MAX_PATTERN} characters each)"
    allowed = _choices(Settings.model_fields[name].annotation)
    if allowed and error["type"] in ("literal_error", "enum"):
        return f"{label if flag else name}: {error.get('input')!r} is not one of {', '.join(allowed)}"
    return f"{label}: {error['msg'][:200]}"


def _choices(annotation: Any) -> list[str]:
    """The values a Literal or an Enum (or an optional one) allows."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    if isinstance(annotation, str):
        return [annotation]
    return [value for arg in get_args(annotation) for value in _choices(arg)]
