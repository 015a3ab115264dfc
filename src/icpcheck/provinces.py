"""The 31 mainland provincial-level regions and alias resolution (beijing / 北京 / 京 / 北京市)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from icpcheck.data import rules_dir
from icpcheck.errors import RuleFileError, UsageError


@dataclass(frozen=True, slots=True)
class Province:
    key: str
    zh: str
    abbr: str
    full_name: str
    aliases: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class ProvinceTable:
    provinces: dict[str, Province]
    lookup: dict[str, str]  # normalised alias -> key
    not_mainland: dict[str, str]  # normalised alias -> display name

    def resolve(self, name: str) -> Province:
        """The province an alias names; raises UsageError with the valid names otherwise."""
        norm = _normalise(name)
        key = self.lookup.get(norm)
        if key is not None:
            return self.provinces[key]
        if norm in self.not_mainland:
            raise UsageError(
                f"{name!r} ({self.not_mainland[norm]}) is not in mainland China: ICP filing and licences are "
                "issued by mainland communications administrations only"
            )
        hint = difflib.get_close_matches(norm, list(self.lookup), n=1)
        suggestion = f"did you mean {self.provinces[self.lookup[hint[0]]].key!r}? " if hint else ""
        raise UsageError(f"unknown province {name!r}; {suggestion}valid: {', '.join(self.provinces)}")


def _normalise(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


@cache
def province_table() -> ProvinceTable:
    from icpcheck.yamlio import load_yaml_file

    path = rules_dir() / "provinces.yaml"
    doc = load_yaml_file(path, error=RuleFileError).data
    if not isinstance(doc, dict) or not isinstance(doc.get("provinces"), dict):
        raise RuleFileError("expected a mapping with a 'provinces' key", file=str(path))
    provinces: dict[str, Province] = {}
    lookup: dict[str, str] = {}
    for key, entry in doc["provinces"].items():
        if not isinstance(entry, dict) or not {"zh", "abbr", "full_name"} <= entry.keys():
            raise RuleFileError("each province needs zh, abbr and full_name", file=str(path), field=key)
        aliases = tuple(str(a) for a in entry.get("aliases", []))
        extra = {k: v for k, v in entry.items() if k not in {"zh", "abbr", "full_name", "aliases"}}
        prov = Province(key, str(entry["zh"]), str(entry["abbr"]), str(entry["full_name"]), aliases, extra)
        provinces[key] = prov
        for alias in (key, prov.zh, prov.abbr, prov.full_name, *aliases):
            lookup[_normalise(alias)] = key
    not_mainland: dict[str, str] = {}
    for key, entry in (doc.get("not_mainland") or {}).items():
        for alias in (key, entry.get("zh", ""), entry.get("abbr", ""), *entry.get("aliases", [])):
            if alias:
                not_mainland[_normalise(str(alias))] = str(entry.get("zh", key))
    return ProvinceTable(provinces, lookup, not_mainland)


def resolve_province(name: str) -> Province:
    return province_table().resolve(name)
