"""The terminal gap report (rich): grouped by profile and type, status icons, remedies and sources."""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING

from icpcheck.findings import Finding, Report, Result, Severity, Status, Verdict
from icpcheck.report.writers import record_verdicts
from icpcheck.sources import cite
from icpcheck.textsafe import rich_text

if TYPE_CHECKING:  # rich is imported when a report is rendered, not at start-up
    from rich.console import Console

    from icpcheck.findings import ProfileOutcome
    from icpcheck.report.writers import WriterContext

ICONS = {
    Status.PASS: ("✔", "green"),
    Status.FAIL: ("✘", "red"),
    Status.UNKNOWN: ("?", "yellow"),
    Status.SKIP: ("–", "dim"),
    Status.WAIVED: ("≈", "cyan"),
}
VERDICT_STYLE = {
    Verdict.ELIGIBLE: "bold green",
    Verdict.NOT_ELIGIBLE: "bold red",
    Verdict.INCOMPLETE: "bold yellow",
}

LABELS = {
    "zh": {
        "filing": "ICP 备案",
        "licence": "ICP 经营许可证",
        "site": "网站首页",
        "eligible": "符合条件",
        "not_eligible": "不符合条件",
        "incomplete": "信息不完整",
        "fix": "整改",
        "source": "依据",
        "as_of": "评估日期",
        "summary": "通过 {pass} · 未通过 {fail} · 未知 {unknown} · 不适用 {skip}",
        "province": "省份",
        "summary_title": "汇总",
        "profile": "档案",
        "error": "读取失败",
    },
    "en": {
        "filing": "ICP filing",
        "licence": "ICP licence",
        "site": "homepage",
        "eligible": "eligible",
        "not_eligible": "not eligible",
        "incomplete": "incomplete",
        "fix": "fix",
        "source": "source",
        "as_of": "as of",
        "summary": "pass {pass} · fail {fail} · unknown {unknown} · n/a {skip}",
        "province": "province",
        "summary_title": "Summary",
        "profile": "profile",
        "error": "input error",
    },
}


def render_text(
    report: Report, lang: str = "zh", *, color: bool | None = None, width: int | None = None
) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    use_color = sys.stdout.isatty() if color is None or color else False
    console = Console(
        file=buffer,
        force_terminal=use_color,
        no_color=not use_color,
        width=width or 100,
        highlight=False,
        soft_wrap=True,
    )
    labels = LABELS[lang]
    for result in report.results:
        _render_result(console, result, labels, report)
    return buffer.getvalue()


def _render_result(console: Console, result: Result, labels: dict[str, str], report: Report) -> None:
    verdict = result.verdict
    head = (
        f"[bold]{rich_text(result.profile)}[/] · {labels[result.type]} · "
        f"{labels['province']} {result.province or '-'} · {labels['as_of']} {report.as_of.isoformat()}  "
        f"[{VERDICT_STYLE[verdict]}]{labels[verdict.value]}[/]"
    )
    console.print(head)
    counts = {s.value: 0 for s in Status}
    for finding in result.findings:
        counts[finding.status.value] += 1
        if finding.status is not Status.SKIP or finding.severity is Severity.INFO:  # notes stay visible
            _render_finding(console, finding, labels)
    console.print(f"  [dim]{labels['summary'].format(**counts)}[/]\n")


def _render_finding(console: Console, f: Finding, labels: dict[str, str]) -> None:
    icon, style = ICONS[f.status]
    sev = "" if f.status is Status.PASS else f" [dim]({f.severity.value})[/]"
    console.print(f"  [{style}]{icon}[/] [bold]{f.rule}[/] {rich_text(f.title)}{sev}")
    if f.status in (Status.FAIL, Status.UNKNOWN, Status.WAIVED) or f.severity is Severity.INFO:
        console.print(f"      {rich_text(f.message)}")
        detail = _detail(f)
        if detail:
            console.print(f"      [dim]{rich_text(detail)}[/]")
        if f.remediation:
            console.print(f"      → {labels['fix']}: {rich_text(f.remediation)}")
    if f.when:  # a date to act on, for a passing rule too (renew before …)
        console.print(f"      ⏱ {rich_text(f.when)}")
    if f.status in (Status.FAIL, Status.UNKNOWN, Status.WAIVED) or f.severity is Severity.INFO:
        console.print(f"      [dim]{labels['source']}: {rich_text(cite(f.source))}[/]")


def _detail(f: Finding) -> str:
    if f.field is None or (f.expected is None and f.actual is None):
        return f"{f.field}" if f.field else ""
    return f"{f.field}: expected {_fmt(f.expected)}, actual {_fmt(f.actual)}"


def _fmt(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_fmt(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


class TextWriter:
    """The terminal report, profile by profile, with a summary table when more than one profile was read."""

    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx

    def begin(self) -> str:
        return ""

    def add(self, outcome: ProfileOutcome) -> str:
        record_verdicts(self.ctx, outcome)
        return outcome.rendered if outcome.rendered is not None else self.render(outcome)

    def render(self, outcome: ProfileOutcome) -> str:
        """One profile's report; the batch runs it in the worker process that evaluated the profile."""
        if outcome.error is not None:
            return ""  # reported on stderr by the CLI
        text = render_text(Report(self.ctx.as_of, outcome.results), self.ctx.lang, color=self.ctx.color)
        if outcome.checklists:
            from icpcheck.report.checklist import render_text as render_checklist

            text += "".join(
                render_checklist(c, self.ctx.lang, color=self.ctx.color) + "\n"
                for c in outcome.checklists.values()
            )
        return text

    def end(self) -> str:
        if len(self.ctx.verdicts) < 2:
            return ""
        from rich.console import Console
        from rich.table import Table

        labels = LABELS[self.ctx.lang]
        table = Table(title=labels["summary_title"], title_justify="left")
        types = [t for t in ("filing", "licence") if any(t in v for _, v in self.ctx.verdicts)]
        table.add_column(labels["profile"])
        for t in types:
            table.add_column(labels[t])
        for path, verdicts in self.ctx.verdicts:
            if "error" in verdicts:
                table.add_row(rich_text(path), *([f"[red]{labels['error']}[/]"] * len(types)))
                continue
            cells = [
                f"[{VERDICT_STYLE[Verdict(verdicts[t])]}]{labels[verdicts[t]]}[/]" if t in verdicts else "-"
                for t in types
            ]
            table.add_row(rich_text(path), *cells)
        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=self.ctx.color, no_color=not self.ctx.color, width=120)
        console.print(table)
        return buffer.getvalue()
