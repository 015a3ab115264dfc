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

from icpcheck.profile.loader import model_in
from icpcheck.yamlio import LoadedYaml, Path_, dotted

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


def without_placeholders(
    source: LoadedYaml, model: type[BaseModel]
) -> tuple[LoadedYaml, dict[str, int | None]]:
    """The file's data with its placeholders left out (its lines follow the list items that moved up), and
    each placeholder's field with its line. A required field's placeholder stays where nothing can stand
    for it (company.name): validation then reports it as not filled in."""
    if not _holds_placeholder(source.data):  # the common case: a filled-in profile, nothing to strip or move
        return source, {}
    strip = _Stripper()
    data = strip(source.data, model, (), in_list=False)
    assert isinstance(data, dict)  # the top level is never left out
    lines = source.lines
    if strip.moved:
        lines = {}
        for path, line in source.lines.items():
            new = strip.renumber(path)
            if new is not None:
                lines.setdefault(new, line)
    found = {dotted(path): source.line_of(path) for path in strip.found}
    return LoadedYaml(data, source.name, lines, source.problems), found


def _holds_placeholder(data: Any) -> bool:
    """Whether any scalar in `data` is a placeholder: a walk without the model, a fraction of _Stripper's."""
    todo = [data]
    while todo:
        value = todo.pop()
        if isinstance(value, str):
            if value.startswith("<") and value in placeholders():
                return True
        elif isinstance(value, dict):
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
    return False


class _Stripper:
    def __init__(self) -> None:
        self.found: list[Path_] = []
        # (a list's path, an item's index in the file) -> its index once the items before it are left out
        self.moved: dict[Path_, int | None] = {}

    def renumber(self, path: Path_) -> Path_ | None:
        """`path` in the file -> the same value's path in the data (None: its list item was left out)."""
        out: list[str | int] = []
        for i, part in enumerate(path):
            if isinstance(part, int) and path[: i + 1] in self.moved:
                index = self.moved[path[: i + 1]]
                if index is None:
                    return None
                part = index
            out.append(part)
        return tuple(out)

    def __call__(self, value: Any, model: type[BaseModel] | None, path: Path_, *, in_list: bool) -> Any:
        if is_placeholder(value):
            self.found.append(path)
            return _DROP
        if isinstance(value, list):
            kept: list[Any] = []
            for i, item in enumerate(value):
                where: Path_ = (*path, i)
                result = self(item, model, where, in_list=True)
                if result is _DROP:
                    self.moved[where] = None
                else:
                    if len(kept) != i:
                        self.moved[where] = len(kept)
                    kept.append(result)
            return kept if kept or not value else _DROP
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        incomplete = False  # a required field is a placeholder
        for key, item in value.items():
            info = model.model_fields.get(key) if model is not None else None
            result = self(item, model_in(info.annotation) if info else None, (*path, key), in_list=False)
            if result is not _DROP:
                out[key] = result
            elif info is not None and info.is_required():
                incomplete = True
                if not in_list:  # nothing can stand for it: reported as an input error, not as a finding
                    if (*path, key) in self.found:
                        self.found.remove((*path, key))
                    out[key] = item
        return _DROP if incomplete and in_list else out
