"""What a service needs (filing, licence, news licence, pre-approvals, public-security and app filing).

The conclusions are data (rules/guidance/classify.yaml) evaluated with the rule DSL: true → needed (with why),
false → not needed, unknown → undecided, naming the fact that would decide it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from icpcheck.data import rules_dir
from icpcheck.engine.conditions import Ctx
from icpcheck.engine.loader import Bilingual, RuleSet, StrictModel, compile_at, format_text, load_spec
from icpcheck.profile.model import Profile
from icpcheck.sources import cite, source_refs


class ConclusionSpec(StrictModel):
    id: str = Field(pattern=r"^classify\.[a-z0-9_]+$")
    title: Bilingual
    because: Bilingual
    decides: Bilingual
    applies: dict[str, Any]
    source: str = Field(min_length=1)


class ClassifyFile(StrictModel):
    conclusions: list[ConclusionSpec]


@dataclass(slots=True)
class Conclusion:
    id: str
    verdict: Literal["needed", "not_needed", "undecided"]
    title: str
    explanation: str
    field: str | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "verdict": self.verdict,
            "title": self.title,
            "explanation": self.explanation,
            "field": self.field,
            "source": self.source,
            "sources": source_refs(self.source),
        }


_NOT = {"zh": "不需要：", "en": "Not needed: "}
_OPEN = {"zh": "待确认：", "en": "Undecided: "}


def classify(profile: Profile, ruleset: RuleSet, as_of: dt.date, lang: str = "zh") -> list[Conclusion]:
    path = rules_dir() / "guidance" / "classify.yaml"
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
        out.append(Conclusion(item.id, verdict, title, explanation, result.field, cite(item.source)))
    return out
