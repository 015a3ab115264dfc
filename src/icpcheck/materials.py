"""The materials catalogue (rules/materials/*.yaml) and its tailoring to a type, province, entity and profile.

Each item says when it applies (a condition in the rule DSL, or `each` entry of a list matching `where`),
why (filled from the profile, e.g. the corporate shareholder's name), its form notes and its source.
Without a profile, conditional items are listed as such; with one, only the items that apply are kept and
conditional items whose data is missing are shown as "check: …".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field

from icpcheck.choices import EntityType
from icpcheck.data import rules_dir
from icpcheck.engine.conditions import Ctx, Node, compile_condition
from icpcheck.engine.loader import Bilingual, RuleSet, StrictModel, compile_at, load_spec
from icpcheck.engine.paths import compile_path, resolve
from icpcheck.errors import RuleFileError
from icpcheck.profile.model import Profile
from icpcheck.sources import cite, source_refs

TYPES = ("filing", "licence")
_FIELD = re.compile(r"\{([a-z_.]+)\}")


class ItemSpec(StrictModel):
    id: str = Field(pattern=r"^(filing|licence)\.[a-z0-9_.]+$")
    title: Bilingual
    notes: Bilingual | None = None
    source: str = Field(min_length=1)
    provinces: list[str] | None = None
    not_provinces: list[str] | None = None
    entities: list[EntityType] | None = None
    when: Bilingual | None = None  # what the condition means, shown when it cannot be evaluated
    applies: dict[str, Any] | None = None
    each: str | None = None  # one reason per entry of this list (that matches `where`)
    where: dict[str, Any] | None = None
    why: Bilingual | None = None
    always: bool = False  # required whatever the profile says; each/where only add reasons


class GeneralSpec(StrictModel):
    """A requirement on the form of every document (colour scans, red seals …), shown in every format."""

    id: str = Field(pattern=r"^(filing|licence)\.general\.[a-z0-9_]+$")
    text: Bilingual
    source: str = Field(min_length=1)
    entities: list[EntityType] | None = None


class CatalogueFile(StrictModel):
    general: list[GeneralSpec] = Field(default_factory=list)
    items: list[ItemSpec]


@dataclass(frozen=True, slots=True)
class Material:
    spec: ItemSpec
    type: str
    applies: Node | None
    where: Node | None

    @property
    def conditional(self) -> bool:
        return (self.applies is not None or self.where is not None) and not self.spec.always


@dataclass(slots=True)
class ChecklistItem:
    id: str
    title: str
    title_en: str
    required: bool
    why: str
    notes: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "title_en": self.title_en,
            "required": self.required,
            "why": self.why,
            "notes": self.notes,
            "source": self.source,
            "sources": source_refs(self.source),
        }


@dataclass(slots=True)
class GeneralNote:
    id: str
    text: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "source": self.source, "sources": source_refs(self.source)}


@dataclass(slots=True)
class Checklist:
    type: str
    province: str | None
    entity: str
    items: list[ChecklistItem]
    general: list[GeneralNote] = field(default_factory=list)  # form requirements for every document

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "province": self.province,
            "entity": self.entity,
            "general": [g.to_dict() for g in self.general],
            "items": [i.to_dict() for i in self.items],
        }


@cache
def load_catalogue(directory: Path | None = None) -> tuple[Material, ...]:
    from icpcheck.provinces import province_table

    folder = (directory or rules_dir()) / "materials"
    provinces = province_table().provinces
    out: list[Material] = []
    seen: set[str] = set()
    for kind in TYPES:
        path = folder / f"{kind}.yaml"
        spec, source = load_spec(path, CatalogueFile)
        for i, item in enumerate(spec.items):
            where = ("items", i)
            if item.id in seen or not item.id.startswith(kind + "."):
                raise RuleFileError(
                    "duplicate id, or id not starting with the file's type",
                    file=str(path),
                    line=source.line_of(where),
                    field=item.id,
                )
            seen.add(item.id)
            for prov in (item.provinces or []) + (item.not_provinces or []):
                if prov not in provinces:
                    raise RuleFileError(
                        f"unknown province {prov!r}", file=str(path), line=source.line_of(where)
                    )
            nodes = [
                compile_at(raw, source, where, key) if raw is not None else None
                for key, raw in (("applies", item.applies), ("where", item.where))
            ]
            out.append(Material(item, kind, nodes[0], nodes[1]))
    return tuple(out)


@cache
def load_general(kind: str, directory: Path | None = None) -> tuple[GeneralSpec, ...]:
    spec, _ = load_spec((directory or rules_dir()) / "materials" / f"{kind}.yaml", CatalogueFile)
    return tuple(g for g in spec.general if g.id.startswith(kind + "."))


def tailor(
    kind: str,
    province: str | None,
    entity: str,
    ruleset: RuleSet,
    *,
    profile: Profile | None = None,
    as_of: dt.date | None = None,
    lang: str = "zh",
) -> Checklist:
    """The checklist for a type, province and entity; with a profile, only what applies and why."""
    day = as_of or dt.date.today()
    ctx = Ctx(profile, ruleset.params_for(province, day), day, ruleset.named)
    items = []
    for material in load_catalogue(ruleset.directory):
        spec = material.spec
        if material.type != kind or not _in_scope(spec, province, entity):
            continue
        item = _item(material, ctx, profile, lang)
        if item is not None:
            items.append(item)
    general = [
        GeneralNote(g.id, g.text.get(lang), cite(g.source))
        for g in load_general(kind, ruleset.directory)
        if not g.entities or entity in g.entities
    ]
    return Checklist(kind, province, entity, items, general)


def _in_scope(spec: ItemSpec, province: str | None, entity: str) -> bool:
    if spec.provinces and province not in spec.provinces:
        return False
    if spec.not_provinces and province in spec.not_provinces:
        return False
    return not spec.entities or entity in spec.entities


def _item(material: Material, ctx: Ctx, profile: Profile | None, lang: str) -> ChecklistItem | None:
    spec = material.spec
    check = {"zh": "待确认：", "en": "check: "}[lang]
    when = spec.when.get(lang) if spec.when else ""
    why_text = spec.why.get(lang) if spec.why else ""
    required, why = not material.conditional, when if material.conditional else ""
    if profile is not None:
        state: bool | None = True
        reasons: list[str] = []
        if material.applies is not None:
            state = material.applies.evaluate(ctx, profile, "").value
            reasons = [why_text] if state else []
        if state and spec.each:
            state, reasons = _each(material, ctx, profile, why_text)
        if state is False:
            return None
        required = state is True
        why = "; ".join(r for r in reasons if r) if required else check + (when or spec.title.get(lang))
    elif spec.applies is not None:
        # Without a profile, the parts of `applies` that test only the province's parameters still decide
        # (e.g. a local undertaking): one false part drops the item, all true makes it required.
        parts = spec.applies["all"] if set(spec.applies) == {"all"} else [spec.applies]
        states = [
            compile_condition(part).evaluate(ctx, None, "").value if _params_only(part) else None
            for part in parts
        ]
        if False in states:
            return None
        if all(states) and not spec.each:
            required, why = True, ""
    notes = spec.notes.get(lang) if spec.notes else ""
    return ChecklistItem(spec.id, spec.title.zh, spec.title.en, required, why, notes, cite(spec.source))


def _params_only(raw: Any) -> bool:
    """Whether a condition tests parameters only (no profile field, named condition or list)."""
    if isinstance(raw, dict):
        if raw.keys() & {"field", "value_field", "use", "each", "some", "count", "consecutive_months"}:
            return False
        return all(_params_only(v) for v in raw.values())
    if isinstance(raw, list):
        return all(_params_only(v) for v in raw)
    return True


def _each(material: Material, ctx: Ctx, profile: Profile, why: str) -> tuple[bool | None, list[str]]:
    """Reasons for each matching entry of the `each` list; unknown if the list or a `where` is unknown."""
    spec = material.spec
    assert spec.each is not None
    entries = resolve(profile, compile_path(spec.each))
    if not isinstance(entries, list):
        return (None if material.conditional else True), []
    reasons, unknown = [], False
    for i, entry in enumerate(entries):
        value = material.where.evaluate(ctx, entry, f"{spec.each}[{i}]").value if material.where else True
        if value:
            reasons.append(_fill(why, entry))
        unknown = unknown or value is None
    if reasons or not material.conditional:
        return True, reasons
    return (None if unknown else False), []


def _fill(template: str, entry: Any) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        found = entry if name == "." else resolve(entry, compile_path(name))
        return str(found) if found is not None else "?"

    return _FIELD.sub(value, template)
