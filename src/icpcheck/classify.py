"""What a service needs (filing, licence, news licence, pre-approvals, public-security and app filing).

The conclusions are data (rules/guidance/classify.yaml) evaluated with the rule DSL: true → needed (with why),
false → not needed, unknown → undecided, naming the fact that would decide it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as _field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from icpcheck.engine.conditions import Ctx, Node
from icpcheck.engine.evaluate import cannot_apply, once
from icpcheck.engine.loader import Bilingual, RuleSet, StrictModel, compile_at, format_text, load_spec
from icpcheck.findings import TypeChoice
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
    checks: Literal["filing", "licence"] | None = None  # the type `eligibility --type auto` evaluates


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
    checks: str | None = None  # the type `eligibility --type auto` evaluates by this conclusion
    decides: str = ""  # what would decide it

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


def _load(path: Path) -> tuple[ClassifyFile, LoadedYaml, list[Node]]:
    """The conclusions, read and compiled once per version of the file (--type auto classifies every
    profile of a batch)."""
    try:
        stat = path.stat()
    except OSError:  # load_spec names the file and the reason
        return _load_version(path, 0, -1)
    return _load_version(path, stat.st_mtime_ns, stat.st_size)


@cache
def _load_version(path: Path, mtime: int, size: int) -> tuple[ClassifyFile, LoadedYaml, list[Node]]:
    spec, source = load_spec(path, ClassifyFile)
    nodes = [
        compile_at(c.applies, source, ("conclusions", i), "applies") for i, c in enumerate(spec.conclusions)
    ]
    return spec, source, nodes


def _path(ruleset: RuleSet) -> Path:
    return once(ruleset, ("classify",), lambda: ruleset.directory / "guidance" / "classify.yaml")


def classify(profile: Profile, ruleset: RuleSet, as_of: dt.date, lang: str = "zh") -> list[Conclusion]:
    spec, source, nodes = _load(_path(ruleset))
    province = profile.company.province
    params = ruleset.params_for(province, as_of)
    ctx = Ctx(profile, params, as_of, ruleset.named)
    # the texts under these parameters, formatted once a batch (the file's version is part of the key)
    said: dict[str, str] = ruleset.memo.setdefault(("classify", id(spec), province, as_of, lang), {})

    def fill(text: str) -> str:
        if text not in said:
            said[text] = format_text(text, params, lang)
        return said[text]

    out = []
    for item, node in zip(spec.conclusions, nodes, strict=True):
        result = node.evaluate(ctx, profile, "")
        title = fill(item.title.get(lang))
        verdict: Literal["needed", "not_needed", "undecided"]
        if result.value is True:
            verdict, text = "needed", item.because.get(lang)
        elif result.value is False:
            verdict, text = "not_needed", _NOT[lang] + item.decides.get(lang)
        else:
            verdict, text = "undecided", _OPEN[lang] + item.decides.get(lang)
        explanation = fill(text)
        conclusion = Conclusion(item.id, verdict, title, explanation, result.field, cite(item.source))
        conclusion.checks, conclusion.decides = item.checks, fill(item.decides.get(lang))
        conclusion.unverified = None if item.verified else (item.reason or "unverified")
        if verdict == "needed":
            conclusion.notes = _notes(spec, source, item.id, ctx, profile, lang)
        out.append(conclusion)
    return out


_CHOICE = {
    "zh": {
        "needed": "需要：{why}",
        "undecided": "待确认（{why}）：一并检查，差距即需补充的信息",
        "not_needed": "不需要（{why}）",
        "cannot": "待确认（{why}），不检查：{message}（{rule}）",
        "policy": "--only/--skip 未留下该类型的规则",
        "nothing": "规则中没有决定此类型的 classify 结论（guidance/classify.yaml 的 checks），故检查",
    },
    "en": {
        "needed": "needed: {why}",
        "undecided": "undecided ({why}): checked, so that its gaps say what to find out",
        "not_needed": "not needed ({why})",
        "cannot": "undecided ({why}), not checked: {message} ({rule})",
        "policy": "--only/--skip leave no rule of this type",
        "nothing": (
            "no classify conclusion decides this type (`checks` in guidance/classify.yaml), so it is checked"
        ),
    },
}


def choose_types(
    profile: Profile, ruleset: RuleSet, as_of: dt.date, lang: str, allowed: tuple[str, ...]
) -> list[TypeChoice]:
    """`eligibility --type auto`: the types the service needs, by the conclusions that `check` a type.
    Needed or undecided (the profile cannot tell) → evaluated; not needed → not evaluated, with why.
    `allowed`: the types --only/--skip leave."""
    text = _CHOICE[lang]
    exists = _path(ruleset).is_file()
    deciding = {c.checks: c for c in classify(profile, ruleset, as_of, lang) if c.checks} if exists else {}
    out = []
    for kind in ("filing", "licence"):
        conclusion = deciding.get(kind)
        if conclusion is None:
            evaluated, reason = True, text["nothing"]
        else:
            evaluated = conclusion.verdict != "not_needed"
            why = conclusion.explanation if conclusion.verdict == "needed" else conclusion.decides
            reason = text[conclusion.verdict].format(why=why)
            entity = profile.company.entity_type
            # undecided, for a subject who cannot hold it anyway (an individual and the licence): not checked;
            # needed, it is checked and its one finding says so
            undecided = conclusion.verdict == "undecided" and entity is not None
            cannot = cannot_apply(kind, entity, ruleset, as_of, lang) if undecided and entity else None
            if cannot is not None:
                evaluated = False
                reason = text["cannot"].format(why=why, message=cannot.message, rule=cannot.rule)
        if evaluated and kind not in allowed:
            evaluated, reason = False, text["policy"]
        out.append(TypeChoice(kind, evaluated, reason))
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
