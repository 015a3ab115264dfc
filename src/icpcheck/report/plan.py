"""Output formats of `icpcheck classify` (what a service needs) and `icpcheck timeline` (a dated plan).

classify's items are (profile path, its B25 sub-types, conclusions); timeline's (plan, the profile the plan's
type and province came from, or "").
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from icpcheck.classify import Conclusion
    from icpcheck.report.writers import WriterContext
    from icpcheck.timeline import Plan

_MARK = {"needed": "✔", "not_needed": "–", "undecided": "?"}


class _Writer:
    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx

    def begin(self) -> str:
        return ""

    def end(self) -> str:
        return ""


class ClassifyTextWriter(_Writer):
    def add(self, item: tuple[str, list[str], list[Conclusion]]) -> str:
        from icpcheck.words import LABELS

        path, subtypes, conclusions = item
        w = LABELS[self.ctx.lang]
        lines = [path + (f" · B25: {', '.join(subtypes)}" if subtypes else "")]
        for c in conclusions:
            lines += [f"  {_MARK[c.verdict]} {c.title} [{w[c.verdict]}]", f"      {c.explanation}"]
            lines.append(f"      {w['source']}: {c.source}")
            if c.unverified:
                lines.append(f"      ({w['unverified']}: {c.unverified})")
            for note in c.notes:
                lines += [f"      • {note.text}", f"        {w['source']}: {note.source}"]
                if note.unverified:
                    lines.append(f"        ({w['unverified']}: {note.unverified})")
        return "".join(line + "\n" for line in lines)


class ClassifyJsonWriter(_Writer):
    def add(self, item: tuple[str, list[str], list[Conclusion]]) -> str:
        path, _, conclusions = item
        doc: dict[str, Any] = {"profile": path, "conclusions": [c.to_dict() for c in conclusions]}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


class TimelineTextWriter(_Writer):
    def add(self, item: tuple[Plan, str]) -> str:
        from icpcheck.timeline import render_text

        plan, origin = item
        return render_text(plan, self.ctx.lang, origin=origin)


class TimelineJsonWriter(_Writer):
    def add(self, item: tuple[Plan, str]) -> str:
        return json.dumps(item[0].to_dict(), ensure_ascii=False, indent=2) + "\n"
