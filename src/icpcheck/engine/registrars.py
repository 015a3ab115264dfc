"""The `registrar_approved` operator: is a domain's registrar one known to be approved by MIIT?

A listed registrar (rules/domains/registrars.yaml) passes. Any other registrar is undecided — icpcheck holds
no complete copy of MIIT's list — so the operator answers None and the rule reports `unknown` with where to
check.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from pydantic import Field

from icpcheck.data import rules_dir
from icpcheck.engine.loader import StrictModel, load_spec


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


@cache
def approved_names() -> frozenset[str]:
    spec, _ = load_spec(rules_dir() / "domains" / "registrars.yaml", RegistrarFile)
    return frozenset(_key(n) for r in spec.registrars for n in [r.name, *r.aliases])


def _registrar_approved(value: Any, expected: Any) -> bool | None:
    if _key(str(value)) in approved_names():
        return bool(expected)
    return None  # not on the list: MIIT's query decides, not icpcheck


# The operator of this module; conditions.operators() builds the table from it.
OPERATORS = {"registrar_approved": _registrar_approved}
