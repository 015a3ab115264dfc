"""What a service needs (filing, licence, news licence, pre-approvals, public-security and app filing).

The conclusions are data (rules/guidance/classify.yaml) evaluated with the rule DSL: true → needed (with why),
false → not needed, unknown → undecided, naming the fact that would decide it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any, Literal

from pydantic import Field

from icpcheck.engine.conditions import Ctx
from icpcheck.engine.loader import Bilingual, RuleSet, StrictModel, compile_at, format_text, load_spec
from icpcheck.profile.model import Profile
from icpcheck.sources import cite, source_refs
from icpcheck.yamlio import LoadedYaml


class ConclusionSpec(StrictModel):
    id: str = Field(pattern=r"^classify\.[a-z0-9_]+$")
    title: Bilingual
    because: Bilingual
    decides: Bilingual
    applies: dict[str, Any]
    source: str = Field(min_length=1)
    verified: bool = True  # false: the source does not state it outright; `reason` says why
    reason: str | None = None


class NoteSpec(StrictModel):
    """A fact shown under a needed conclusion (penalties, nationwide validity, the foreign-invested route)."""

    id: str = Field(pattern=r"^classify\.[a-z0-9_]+$")
    for_: str = Field(alias="for", pattern=r"^classify\.[a-z0-9_]+$")
    text: Bilingual
    applies: dict[str, Any] | None = None  # shown only when this also holds (unknown: shown)
    source: str = Field(min_length=1)
    verified: bool = True
    reason: str | None = None


class ClassifyFile(StrictModel):
    conclusions: list[ConclusionSpec]
    notes: list[NoteSpec] = Field(default_factory=list)


@dataclass(slots=True)
class Note:
    id: str
    text: str
    source: str
    unverified: str | None = None  # why the fact is not confirmed by its source

    def to_dict(self) -> dict[str, Any]:
        data = {"id": self.id, "text": self.text, "source": self.source, "sources": source_refs(self.source)}
        return data | ({"verified": False, "reason": self.unverified} if self.unverified else {})


@dataclass(slots=True)
class Conclusion:
    id: str
    verdict: Literal["needed", "not_needed", "undecided"]
    title: str
    explanation: str
    field: str | None
    source: str
    notes: list[Note] = _field(default_factory=list)
    unverified: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "verdict": self.verdict,
            "title": self.title,
            "explanation": self.explanation,
            "field": self.field,
            "source": self.source,
            "sources": source_refs(self.source),
            "notes": [n.to_dict() for n in self.notes],
        }
        return data | ({"verified": False, "reason": self.unverified} if self.unverified else {})


_NOT = {"zh": "不需要：", "en": "Not needed: "}
_OPEN = {"zh": "待确认：", "en": "Undecided: "}


def classify(profile: Profile, ruleset: RuleSet, as_of: dt.date, lang: str = "zh") -> list[Conclusion]:
    path = ruleset.directory / "guidance" / "classify.yaml"  # the bundled rules, or --rules DIR
    spec, source = load_spec(path, ClassifyFile)
    params = ruleset.params_for(profile.company.province, as_of)
    ctx = Ctx(profile, params, as_of, ruleset.named)
    out = []
    for i, item in enumerate(spec.conclusions):
        node = compile_at(item.applies, source, ("conclusions", i), "applies")
        result = node.evaluate(ctx, profile, "")
        title = format_text(item.title.get(lang), params, lang)
        verdict: Literal["needed", "not_needed", "undecided"]
        if result.value is True:
            verdict, text = "needed", item.because.get(lang)
        elif result.value is False:
            verdict, text = "not_needed", _NOT[lang] + item.decides.get(lang)
        else:
            verdict, text = "undecided", _OPEN[lang] + item.decides.get(lang)
        explanation = format_text(text, params, lang)
        conclusion = Conclusion(item.id, verdict, title, explanation, result.field, cite(item.source))
        conclusion.unverified = None if item.verified else (item.reason or "unverified")
        if verdict == "needed":
            conclusion.notes = _notes(spec, source, item.id, ctx, profile, lang)
        out.append(conclusion)
    return out


def _notes(
    spec: ClassifyFile, source: LoadedYaml, conclusion: str, ctx: Ctx, profile: Profile, lang: str
) -> list[Note]:
    notes = []
    for i, note in enumerate(spec.notes):
        if note.for_ != conclusion:
            continue
        if note.applies is not None:
            gate = compile_at(note.applies, source, ("notes", i), "applies").evaluate(ctx, profile, "")
            if gate.value is False:
                continue
        unverified = None if note.verified else (note.reason or "unverified")
        notes.append(Note(note.id, note.text.get(lang), cite(note.source), unverified))
    return notes
