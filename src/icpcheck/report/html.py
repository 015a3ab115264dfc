"""A self-contained HTML report for a client: verdicts, gaps with remedies, materials, timeline, sources.

One file with its styles inline and nothing loaded from elsewhere (no scripts, fonts, images or links), so it
opens offline and prints to A4 PDF from a browser, one profile per page. Jinja2 renders it with autoescaping
on: every profile value is text, never markup; control characters are escaped by the writer registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icpcheck.findings import Status
from icpcheck.report.writers import record_verdicts, rendered, type_lines
from icpcheck.words import LABELS

if TYPE_CHECKING:
    from jinja2 import Template

    from icpcheck.findings import ProfileOutcome, Result
    from icpcheck.report.writers import WriterContext
    from icpcheck.timeline import Plan

_GAPS = (Status.FAIL, Status.UNKNOWN, Status.WAIVED)


@cache
def _template() -> Template:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from icpcheck.sources import cite

    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,  # every value is text: a profile's `<script>` shows as written
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cite"] = cite  # a finding keeps its rule's source as written; name each seed by its title
    return env.get_template("report.html.j2")


@dataclass(slots=True)
class _Bar:
    label: str
    y: int
    x: float
    early: float  # width to the earliest end
    late: float  # width to the latest end
    dates: str


_CHART_WIDTH, _ROW = 660, 32  # each row: the step and its dates, then its bar below


def _gantt(plan: Plan) -> dict[str, Any]:
    """Coordinates of an SVG Gantt chart: one row per step, earliest and latest end as two shades."""
    span = max((plan.end_latest - plan.start).days + 1, 1)
    scale = _CHART_WIDTH / span
    bars = []
    for n, step in enumerate(plan.steps):
        x = (step.start - plan.start).days * scale
        bars.append(
            _Bar(
                step.title,
                n * _ROW,
                x,
                max((step.end_earliest - step.start).days + 1, 1) * scale,
                max((step.end_latest - step.start).days + 1, 1) * scale,
                f"{step.start.isoformat()} → {step.end_earliest.isoformat()} … {step.end_latest.isoformat()}",
            )
        )
    return {"bars": bars, "height": len(bars) * _ROW + 4, "width": _CHART_WIDTH}


def _timeline(kind: str, province: str, ctx: WriterContext) -> dict[str, Any] | None:
    from icpcheck.errors import IcpcheckError
    from icpcheck.provinces import resolve_province
    from icpcheck.timeline import plan

    try:
        made = plan(kind, resolve_province(province), ctx.as_of, ctx.lang, ctx.ruleset)
    except IcpcheckError:
        return None
    return _gantt(made) if made.steps else None


def _sources(texts: list[str], lang: str) -> list[str]:
    """Registered sources by their titles, in order of first mention; unregistered citations as written."""
    from icpcheck.sources import cited_sources

    out: list[str] = []
    for text in texts:
        found = cited_sources(text)
        for name in [s.title.get(lang) for s in found] if found else [text]:
            if name not in out:
                out.append(name)
    return out


class HtmlWriter:
    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx
        self.module: Any = _template().module  # the template's macros: begin, profile, broken, end
        self.words = LABELS[ctx.lang]
        self.timelines: dict[tuple[str, str], dict[str, Any] | None] = {}  # the same for every client

    def province(self, key: str | None) -> str:
        if key is None:
            return str(self.words["m_national"])
        from icpcheck.provinces import resolve_province

        return resolve_province(key).zh if self.ctx.lang == "zh" else key

    def timeline(self, result: Result) -> dict[str, Any] | None:
        if result.province is None or result.type not in ("filing", "licence"):  # a `site` report has none
            return None
        key = (result.type, result.province)
        if key not in self.timelines:
            self.timelines[key] = _timeline(*key, self.ctx)
        return self.timelines[key]

    def begin(self) -> str:
        return str(self.module.begin(lang=self.ctx.lang, words=self.words, as_of=self.ctx.as_of.isoformat()))

    def add(self, outcome: ProfileOutcome) -> str:
        record_verdicts(self.ctx, outcome)
        return rendered(self, outcome)

    def render(self, outcome: ProfileOutcome) -> str:
        if outcome.error is not None:
            errors = [str(e) for e in outcome.error.each()]
            return str(self.module.broken(path=outcome.path, errors=errors, words=self.words))
        results = []
        cited: list[str] = []
        for result in outcome.results:
            gaps = [f for f in result.findings if f.status in _GAPS]
            checklist = outcome.checklists.get(result.type)
            cited += [f.source for f in gaps]
            if checklist is not None:
                cited += [i.source for i in checklist.items] + [g.source for g in checklist.general]
            results.append(
                {
                    "result": result,
                    "gaps": gaps,
                    "deadlines": [f for f in result.findings if f.deadline and f.when],
                    "checklist": checklist,
                    "timeline": self.timeline(result),
                    "province": self.province(result.province),
                }
            )
        return str(
            self.module.profile(
                path=outcome.path,
                company=outcome.company,
                as_of=self.ctx.as_of.isoformat(),
                results=results,
                sources=_sources(cited, self.ctx.lang),
                types=type_lines(outcome, self.ctx.lang),
                words=self.words,
                lang=self.ctx.lang,
            )
        )

    def end(self) -> str:
        rows = self.ctx.verdicts if len(self.ctx.verdicts) > 1 else []
        return str(self.module.end(rows=rows, words=self.words))
