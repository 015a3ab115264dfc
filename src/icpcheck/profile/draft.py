"""Drafts: profiles that still hold placeholders written by `icpcheck init`.

A placeholder is recognised by its exact text, as the bundled templates write it (read from the templates
themselves, so the two cannot drift apart); any other value is the user's own. In a draft, each placeholder is
left out, so the rules that need the field report `unknown`, and becomes an `unknown` finding of its own
(profile.placeholder), so a draft is never eligible. A list item whose required field is a placeholder (a
domain without its name) is left out whole; a list left empty that way is unknown, not empty.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel

from icpcheck.yamlio import Path_

TEMPLATES = {"individual": "individual.yaml"}  # entity type -> its template; the others use profile.yaml
DEFAULT_TEMPLATE = "profile.yaml"

_DROP = object()


def template_text(entity: str, province: str) -> str:
    """The template `icpcheck init` writes for this entity type and province."""
    from importlib.resources import files

    name = TEMPLATES.get(entity, DEFAULT_TEMPLATE)
    template = files("icpcheck").joinpath(f"templates/{name}").read_text(encoding="utf-8")
    return template.replace("{entity_type}", entity).replace("{province}", province)


@functools.cache
def placeholders() -> frozenset[str]:
    """Every placeholder value the templates contain (the `<…>` scalars, exactly as YAML reads them)."""
    import yaml

    found: set[str] = set()
    for entity in ("company", *TEMPLATES):  # one entity type per template
        _strings(yaml.safe_load(template_text(entity, "beijing")), found)
    return frozenset(s for s in found if s.startswith("<") and s.endswith(">"))


def _strings(value: Any, out: set[str]) -> None:
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("<") and value in placeholders()


def without_placeholders(data: dict[str, Any], model: type[BaseModel]) -> tuple[dict[str, Any], list[Path_]]:
    """`data` with its placeholders left out, and their paths. A required field's placeholder stays where
    nothing can stand for it (company.name): validation then reports it as not filled in."""
    found: list[Path_] = []
    kept = _strip(data, model, (), found, in_list=False)
    assert isinstance(kept, dict)  # the top level is never left out
    return kept, found


def _strip(
    value: Any, model: type[BaseModel] | None, path: Path_, found: list[Path_], *, in_list: bool
) -> Any:
    if is_placeholder(value):
        found.append(path)
        return _DROP
    if isinstance(value, list):
        items = [_strip(v, model, (*path, i), found, in_list=True) for i, v in enumerate(value)]
        kept = [v for v in items if v is not _DROP]
        return kept if kept or not value else _DROP
    if not isinstance(value, dict):
        return value
    from icpcheck.profile.loader import _model_in

    out: dict[str, Any] = {}
    incomplete = False  # a required field is a placeholder
    for key, item in value.items():
        info = model.model_fields.get(key) if model is not None else None
        result = _strip(
            item, _model_in(info.annotation) if info else None, (*path, key), found, in_list=False
        )
        if result is not _DROP:
            out[key] = result
        elif info is not None and info.is_required():
            incomplete = True
            if not in_list:  # nothing can stand for it: reported as an input error, not as a finding
                if (*path, key) in found:
                    found.remove((*path, key))
                out[key] = item
    return _DROP if incomplete and in_list else out
