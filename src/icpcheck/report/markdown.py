"""Markdown for a pull-request comment: verdicts per profile and the gaps to fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from icpcheck.findings import Finding, Severity, Status, Verdict
from icpcheck.report.text import eligible_from
from icpcheck.report.writers import record_verdicts, rendered, type_lines
from icpcheck.textsafe import table_cell
from icpcheck.words import LABELS, severity, status

if TYPE_CHECKING:
    from icpcheck.findings import ProfileOutcome
    from icpcheck.report.writers import WriterContext

_ICON = {Verdict.ELIGIBLE: "✅", Verdict.NOT_ELIGIBLE: "❌", Verdict.INCOMPLETE: "⚠️"}
_STATUS = {Status.FAIL: "❌", Status.UNKNOWN: "❔", Status.WAIVED: "🔕"}
_SEVERITY = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}  # a failed warning is no error


def _mark(f: Finding, lang: str) -> str:
    """The first cell: icon and word, by severity for a failure (error, warning, info), else by status."""
    if f.status is Status.FAIL:
        return f"{_SEVERITY[f.severity]} {severity(f.severity.value, lang)}"
    return f"{_STATUS[f.status]} {status(f.status.value, lang)}"


class MarkdownWriter:
    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx
        self.labels = LABELS[ctx.lang]

    def begin(self) -> str:
        return f"## icpcheck ({self.labels['as_of']} {self.ctx.as_of.isoformat()})\n\n"

    def add(self, outcome: ProfileOutcome) -> str:
        record_verdicts(self.ctx, outcome)
        return rendered(self, outcome)

    def render(self, outcome: ProfileOutcome) -> str:
        if outcome.error is not None:
            return f"### `{outcome.path}`\n\n" + "".join(
                f"❗ {table_cell(e)}\n\n" for e in outcome.error.each()
            )
        out = [f"### `{outcome.path}`\n"]
        lines = type_lines(outcome, self.ctx.lang)
        if lines:
            out.append("\n" + "".join(f"- {line}\n" for line in lines))
        for result in outcome.results:
            verdict = result.verdict
            out.append(f"\n**{self.labels[result.type]}**: {_ICON[verdict]} {self.labels[verdict.value]}")
            out.append(eligible_from(result, self.labels, " · ⏱ ") + "\n")
            gaps = [f for f in result.findings if f.status in _STATUS]
            if gaps:
                w = self.labels
                out.append(f"\n| | {w['rule']} | {w['field']} | {w['requirement']} | {w['fix']} |\n")
                out.append("|---|---|---|---|---|\n")
                out.extend(
                    f"| {_mark(f, self.ctx.lang)} | `{f.rule}` | {table_cell(f.field or '')} "
                    f"| {table_cell(f.message)} | {table_cell(f.remediation)} |\n"
                    for f in gaps
                )
            dated = [f for f in result.findings if f.when]  # dates to act on, for passing rules too
            out.extend(f"\n- ⏱ `{f.rule}`: {table_cell(f.when)}" for f in dated)
            out.append("\n" if dated else "")
        if outcome.checklists:
            from icpcheck.report.checklist import render_markdown

            out.extend("\n" + render_markdown(c, self.ctx.lang) for c in outcome.checklists.values())
        return "".join(out) + "\n"

    def end(self) -> str:
        if len(self.ctx.verdicts) < 2:
            return ""
        rows = [
            f"| {self.labels['profile']} | {self.labels['filing']} | {self.labels['licence']} |",
            "|---|---|---|",
        ]
        for path, verdicts in self.ctx.verdicts:
            cells = [
                self.labels[verdicts[t]] if t in verdicts else ("❗" if "error" in verdicts else "-")
                for t in ("filing", "licence")
            ]
            rows.append(f"| `{path}` | {cells[0]} | {cells[1]} |")
        return f"### {self.labels['summary_title']}\n\n" + "\n".join(rows) + "\n"
