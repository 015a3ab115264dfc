"""The `registrar_approved` operator: is a domain's registrar one known to be approved by MIIT?

A listed registrar (rules/domains/registrars.yaml) passes. Any other registrar is undecided — icpcheck holds
no complete copy of MIIT's list — so the operator answers None and the rule reports `unknown` with where to
check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from icpcheck.data import rules_dir
from icpcheck.engine.loader import StrictModel, load_spec

if TYPE_CHECKING:
    from icpcheck.engine.conditions import Node


class RegistrarSpec(StrictModel):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    source: str = Field(min_length=1)
    verified: bool = True
    reason: str | None = None


class RegistrarFile(StrictModel):
    where_to_check: str = Field(min_length=1)
    registrars: list[RegistrarSpec]


def _key(name: str) -> str:
    # NFKC folds full-width brackets and letters; punctuation and spaces differ between whois and licences.
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name)).casefold()


def registrars_file(directory: Path | None = None) -> Path:
    """The rules directory's domains/registrars.yaml; the bundled one where that directory has none (a
    custom rules directory made for other rules still checks registrars against the known list)."""
    path = (directory or rules_dir()) / "domains" / "registrars.yaml"
    return path if path.is_file() else rules_dir() / "domains" / "registrars.yaml"


@cache
def approved_names(path: Path | None = None) -> frozenset[str]:
    """The names (and aliases) listed in the registrars file at `path` (default: the bundled one)."""
    spec, _ = load_spec(path or registrars_file(), RegistrarFile)
    return frozenset(_key(n) for r in spec.registrars for n in [r.name, *r.aliases])


def _registrar_approved(value: Any, expected: Any, path: Path | None = None) -> bool | None:
    if _key(str(value)) in approved_names(path):
        return bool(expected)
    return None  # not on the list: MIIT's query decides, not icpcheck


def bind(conditions: Iterable[Node], path: Path) -> None:
    """Point each `registrar_approved` leaf of these compiled conditions at a rule set's own list, the
    registrars file at `path` (read when first needed); an operator a library registered under that name is
    left alone."""
    from icpcheck.engine.conditions import Leaf, Node

    stack, seen = list(conditions), set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Leaf) and node.func is _registrar_approved:
            node.func = partial(_registrar_approved, path=path)
        # every node type's parts, whatever its attributes are called (plain or slots)
        names = [*getattr(node, "__dict__", ())]
        names += [n for cls in type(node).__mro__ for n in getattr(cls, "__slots__", ())]
        for value in (getattr(node, name, None) for name in names):
            stack += [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, Node)]


# The operator of this module; conditions.operators() builds the table from it.
OPERATORS = {"registrar_approved": _registrar_approved}
