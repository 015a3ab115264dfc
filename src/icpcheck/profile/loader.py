"""Load a profile file: safe YAML with line numbers, then pydantic validation with readable errors."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from icpcheck.errors import IcpcheckError, ProfileError, gather
from icpcheck.profile.model import Profile
from icpcheck.yamlio import INVALID, LoadedYaml, dotted, load_yaml_file, load_yaml_text, parse_dotted

PLACEHOLDER_NOT_FILLED = "placeholder from `icpcheck init` not filled in"


@dataclass(slots=True)
class LoadedProfile:
    profile: Profile
    source: LoadedYaml
    # a draft's fields still holding `icpcheck init` placeholders, each with its line in the file
    placeholders: dict[str, int | None] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.source.name

    def line_of(self, field: str) -> int | None:
        """Line of a dotted field path such as ``domains[0].registered`` in the profile file."""
        return self.source.line_of(parse_dotted(field))


def check_dates(loaded: LoadedProfile, as_of: dt.date) -> None:
    """Dates that cannot lie after the evaluation date (a company founded or a domain registered later)."""
    profile = loaded.profile
    dated: list[tuple[str, dt.date | None]] = [("company.established", profile.company.established)]
    dated += [(f"domains[{i}].registered", d.registered) for i, d in enumerate(profile.domains or [])]
    mistakes = [
        ProfileError(
            f"{day.isoformat()} is after the evaluation date {as_of.isoformat()} (typo, or pass --as-of)",
            file=loaded.name,
            line=loaded.line_of(field),
            field=field,
        )
        for field, day in dated
        if day is not None and day > as_of
    ]
    if mistakes:
        raise gather(mistakes)


def load_profile(path: Path | str, *, draft: bool = False) -> LoadedProfile:
    return parse_profile(load_yaml_file(path, error=ProfileError, partial=True), draft=draft)


def load_profile_text(text: str, name: str = "<string>", *, draft: bool = False) -> LoadedProfile:
    return parse_profile(load_yaml_text(text, name, error=ProfileError, partial=True), draft=draft)


def parse_profile(source: LoadedYaml, *, draft: bool = False) -> LoadedProfile:
    """The profile, or a ProfileError naming every mistake in it (the first, with the others in `more`).

    `draft`: placeholders of `icpcheck init` are left out and listed in `placeholders` (see
    icpcheck.profile.draft); otherwise each is an input error."""
    data = source.data
    if not isinstance(data, dict):
        if source.problems:
            raise gather(source.problems)
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise ProfileError(
            f"a profile is a YAML mapping (version: 1, company: …), but this file is {kind}", file=source.name
        )
    found: dict[str, int | None] = {}
    if draft:
        from icpcheck.profile.draft import without_placeholders

        source, found = without_placeholders(source, Profile)
        data = source.data
    mistakes = list(source.problems)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        mistakes += _mistakes(exc, source)
    if mistakes:
        raise gather(mistakes)
    return LoadedProfile(profile, source, found)


def _mistakes(exc: ValidationError, source: LoadedYaml) -> list[IcpcheckError]:
    """One error per field pydantic refused (the first reason for each), except values the YAML walk
    already refused."""
    out: dict[str, IcpcheckError] = {}
    for err in exc.errors():
        if err.get("input") is INVALID:
            continue
        loc = _data_path(err["loc"], source.data)
        field = dotted(loc)
        if field not in out:
            out[field] = ProfileError(
                _describe(err, loc, source.data),
                file=source.name,
                line=source.line_of(loc),
                field=field or None,
            )
    return list(out.values())


def _data_path(loc: tuple[str | int, ...], data: Any) -> tuple[str | int, ...]:
    """Pydantic's error location without its union tags (``function-after[…]``), keeping keys of the data
    that look like tags (a user's key may contain ``[``)."""
    path: list[str | int] = []
    for part in loc:
        present = isinstance(data, dict) and part in data
        present = present or (isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data))
        if present:
            data = data[part]
        elif isinstance(part, str) and "[" in part:
            continue  # a union member's tag
        else:
            data = None
        path.append(part)
    return tuple(path)


def _describe(err: Any, loc: tuple[str | int, ...], data: Any) -> str:
    kind: str = err["type"]
    value = err.get("input")
    shown = _show(value)
    if isinstance(value, str) and value.startswith("<"):
        from icpcheck.profile.draft import is_placeholder

        if is_placeholder(value):
            return PLACEHOLDER_NOT_FILLED
    if kind == "extra_forbidden" and loc:
        known = _known_fields(loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        return "unknown field" + (f"; did you mean {hint[0]!r}?" if hint else f" (known: {', '.join(known)})")
    if kind == "missing":
        return "required field is missing"
    if kind in {"int_parsing", "int_type", "float_parsing", "float_type", "int_from_float"}:
        return f"not a number ({shown})" if kind != "int_from_float" else f"not a whole number ({shown})"
    if kind in {"bool_parsing", "bool_type"}:
        return f"not true/false ({shown})"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"not a date YYYY-MM-DD ({shown})"
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "month":
        return f"not a month YYYY-MM ({shown})"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{shown} is not one of {expected}"
    if kind in {"greater_than_equal", "less_than_equal"}:
        return f"{shown} is out of range: {err['msg'].lower()}"
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        want = "a list" if kind == "list_type" else "a mapping"
        return f"expected {want}, got {shown}"
    if kind == "value_error":
        return f"{err['msg'].removeprefix('Value error, ')} (got {shown})"
    return f"{err['msg']} ({shown})"


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = str(value)
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


def _known_fields(loc: tuple[str | int, ...]) -> list[str]:
    """Field names of the model at `loc`, for 'did you mean' hints."""
    model: type[BaseModel] | None = Profile
    for part in loc:
        if model is None or isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        model = model_in(info.annotation) if info else None
    return list(model.model_fields) if model else []


def model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = model_in(arg)
        if found:
            return found
    return None
