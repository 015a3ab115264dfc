"""Field paths (``company.paid_in_capital_cny``, ``people.key_staff[*].role``) resolved against a profile."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from icpcheck.yamlio import parse_dotted

Segment = str | int  # a name, an index, or "*" for every item of a list

ABSENT = object()  # the field is not in the profile at all (as opposed to an explicit null)


@lru_cache(maxsize=1024)  # a field named by a parameter ($capital.field) is compiled as it is evaluated
def compile_path(text: str) -> tuple[Segment, ...]:
    """``a.b[0].c`` → ('a', 'b', 0, 'c'); ``.`` → () (the current item)."""
    return () if text in {".", ""} else parse_dotted(text)


def resolve(obj: Any, path: tuple[Segment, ...]) -> Any:
    """The value at `path`, ABSENT if the profile does not have it; a list for ``[*]`` segments."""
    for i, seg in enumerate(path):
        if isinstance(obj, BaseModel):  # the usual case first: a profile's model
            # (model_fields_set without the property call; an index or "*" is never a field's name)
            if seg not in obj.__pydantic_fields_set__:
                return ABSENT
            obj = getattr(obj, seg)
        elif obj is None or obj is ABSENT:
            return ABSENT
        elif seg == "*":
            if not isinstance(obj, list):
                return ABSENT
            rest = path[i + 1 :]
            values = [resolve(item, rest) for item in obj]
            return [v for v in values if v is not ABSENT and v is not None]
        elif isinstance(seg, int):
            obj = obj[seg] if isinstance(obj, list) and -len(obj) <= seg < len(obj) else ABSENT
        elif isinstance(obj, dict):
            obj = obj.get(seg, ABSENT)
        else:
            return ABSENT
    return obj


def join(prefix: str, path: str) -> str:
    if path in {".", ""}:
        return prefix
    if not prefix:
        return path
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"
