"""The 31 mainland provincial-level regions, alias resolution (beijing / 北京 / 京 / 北京市; cities and
districts as people write them: 深圳 / 浦东 / 苏州市, from the GB/T 2260 table rules/divisions.tsv),
their local requirements as dated entries, one per reference (the newest references are today's answer;
older snapshots marked `history` remain for earlier evaluation dates)."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from icpcheck.data import rules_dir
from icpcheck.errors import RuleFileError, UsageError

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True, slots=True)
class Province:
    key: str
    zh: str
    abbr: str
    full_name: str
    aliases: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Requirements:
    """What one reference states about a province's local requirements, from `since`."""

    since: dt.date
    source: str
    items: tuple[str, ...]
    consulted: bool = False  # the reference states no date: `since` is the day it was read
    history: bool = False  # an older snapshot, today's answer only until a newer reference applies

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "dated": "consulted" if self.consulted else "stated",
            "history": self.history,
            "source": self.source,
            "items": list(self.items),
        }


def requirements_at(province: Province, as_of: dt.date) -> tuple[list[Requirements], list[Requirements]]:
    """(in force at `as_of`, superseded history): newer references replace `history` snapshots."""
    known = [r for r in province.extra.get("requirements", ()) if r.since <= as_of]
    current = [r for r in known if not r.history]
    if not current:  # no newer reference yet: the latest snapshot is the answer
        current = known[-1:]
    return current, [r for r in known if r not in current]


@dataclass(frozen=True, slots=True)
class ProvinceTable:
    provinces: dict[str, Province]
    lookup: dict[str, str]  # normalised alias -> key
    not_mainland: dict[str, str]  # normalised alias -> display name
    divisions: Path  # the cities and districts its names may be (divisions.tsv)

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
        codes = places(_run_places or self.divisions).get(norm, set())
        by_code = {str(p.extra.get("division_code")): p for p in self.provinces.values()}
        found = sorted(by_code[c].key for c in codes if c in by_code)
        if len(found) == 1:
            return self.provinces[found[0]]
        if found:
            raise UsageError(
                f"{name!r} is a place in more than one province ({', '.join(found)}): name the province"
            )
        hint = difflib.get_close_matches(norm, list(self.lookup), n=1)
        suggestion = f"did you mean {self.provinces[self.lookup[hint[0]]].key!r}? " if hint else ""
        raise UsageError(f"unknown province {name!r}; {suggestion}valid: {', '.join(self.provinces)}")


# Short forms people write: the name without its administrative suffix (苏州市 → 苏州, 浦东新区 → 浦东),
# longest suffix first; a short form keeps at least two characters.
_SUFFIXES = (
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "新区",
    "林区",
    "特区",
    "矿区",
    "市",
    "区",
    "县",
    "旗",
    "盟",
)


# The divisions file that place names resolve with in this run, whatever table resolves them: that of the
# rules directory the command was given (set by the CLI, icpcheck.cli.app.settings_for), so a profile's
# company.province and --province know its places; None: each table's own.
_run_places: Path | None = None


def use_places_of(directory: Path | None) -> None:
    """Resolve place names with the divisions.tsv of the rules `directory` (None: each table's own)."""
    global _run_places
    _run_places = divisions_file(directory) if directory is not None else None


def divisions_file(directory: Path | None = None) -> Path:
    """The rules directory's divisions.tsv; the bundled one where that directory has none (the GB/T 2260
    table is reference data, not a rule a custom directory needs to copy)."""
    path = (directory or rules_dir()) / "divisions.tsv"
    return path if path.is_file() else rules_dir() / "divisions.tsv"


@cache
def places(path: Path | None = None) -> dict[str, set[str]]:
    """Normalised city or district name (full and short form) -> the division codes of its provinces, from
    the divisions file at `path` (default: the bundled one)."""
    out: dict[str, set[str]] = {}
    path = path or divisions_file()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        code, _, name = line.partition("\t")
        if not (len(code) == 6 and code.isascii() and code.isdigit() and name.strip()):
            raise RuleFileError(
                "expected a 6-digit division code, a tab and a name", file=str(path), line=number
            )
        names = {name}
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                names.add(name.removesuffix(suffix))
                break
        for each in names:
            out.setdefault(_normalise(each), set()).add(code[:2])
    return out


def _normalise(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


@cache
def province_table(directory: Path | None = None) -> ProvinceTable:
    """The regions of the rules `directory` (default: the bundled rules), and the cities and districts
    (its divisions.tsv, else the bundled one) that name them. The engine resolves province keys with the
    bundled table, and place names with the run's divisions (use_places_of); a custom directory's table
    gives what `icpcheck provinces` shows of each region (authority, local requirements). A directory
    without its own provinces.yaml or divisions.tsv has the bundled one."""
    from icpcheck.yamlio import load_yaml_file

    path = (directory or rules_dir()) / "provinces.yaml"
    path = path if path.is_file() else rules_dir() / "provinces.yaml"  # reference data, like divisions.tsv
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
        extra["requirements"] = _requirements(entry.get("local_requirements"), str(path), key)
        prov = Province(key, str(entry["zh"]), str(entry["abbr"]), str(entry["full_name"]), aliases, extra)
        provinces[key] = prov
        for alias in (key, prov.zh, prov.abbr, prov.full_name, *aliases):
            lookup[_normalise(alias)] = key
    not_mainland: dict[str, str] = {}
    for key, entry in (doc.get("not_mainland") or {}).items():
        for alias in (key, entry.get("zh", ""), entry.get("abbr", ""), *entry.get("aliases", [])):
            if alias:
                not_mainland[_normalise(str(alias))] = str(entry.get("zh", key))
    return ProvinceTable(provinces, lookup, not_mainland, divisions_file(directory))


def _requirements(raw: Any, path: str, key: str) -> tuple[Requirements, ...]:
    if not isinstance(raw, list):
        raise RuleFileError("local_requirements must be a list of dated entries", file=path, field=key)
    out = []
    for i, item in enumerate(raw):
        where = f"{key}.local_requirements[{i}]"
        ok = (
            isinstance(item, dict)
            and isinstance(item.get("since"), dt.date)
            and isinstance(item.get("source"), str)
            and item["source"].strip()
            and isinstance(item.get("items"), list)
            and item.get("dated", "stated") in ("stated", "consulted")
        )
        if not ok:
            raise RuleFileError(
                "each entry needs since (a date), source, items, dated", file=path, field=where
            )
        out.append(
            Requirements(
                item["since"],
                item["source"],
                tuple(str(x) for x in item["items"]),
                item.get("dated") == "consulted",
                bool(item.get("history", False)),
            )
        )
    return tuple(sorted(out, key=lambda r: r.since))


def resolve_province(name: str) -> Province:
    return province_table().resolve(name)


def province_name(key: str, lang: str) -> str:
    """How a report names a province: 北京 in Chinese, the key (beijing) in English; an unknown key as is."""
    province = province_table().provinces.get(key)
    return province.zh if province is not None and lang == "zh" else key
