"""The terminal gap report (rich): grouped by profile and type, status icons, remedies and sources."""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING

from icpcheck.findings import Finding, Report, Result, Severity, Status, Verdict
from icpcheck.provinces import province_name
from icpcheck.report.writers import record_verdicts, rendered
from icpcheck.sources import cite
from icpcheck.textsafe import printable, rich_text
from icpcheck.words import LABELS as WORDS
from icpcheck.words import detail, severity

if TYPE_CHECKING:
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

LABELS = WORDS  # the report labels live in icpcheck.words, with every other fixed word


def render_text(
    report: Report, lang: str = "zh", *, color: bool | None = None, width: int | None = None
) -> str:
    """The report, lines never wrapped (`width` is kept for callers; nothing is cut to it)."""
    out = _Styled(sys.stdout.isatty() if color is None or color else False)
    for result in report.results:
        _render_result(out, result, lang, report)
    return out.text()


class _Styled:
    """Lines of text segments, each with a style: SGR colour codes on a terminal, plain text otherwise.

    Rich printed these lines before (≈ 0.3 ms a line, most of a batch's time); nothing here needs its layout,
    only its styles. Values are shown as written (`printable`), tabs expanded to 8-cell stops as rich did.
    """

    def __init__(self, color: bool) -> None:
        self.color = color
        self.lines: list[str] = []

    def line(self, *parts: str | tuple[str, str]) -> None:
        if not self.color:  # a file or a pipe (a batch): the texts as they are, unless a tab needs a stop
            text = "".join([part if isinstance(part, str) else part[0] for part in parts])
            if "\t" not in text:
                self.lines.append(text + "\n")
                return
        out: list[str] = []
        plain = ""  # the line so far without colour codes: where a tab starts
        for part in parts:
            text, style = (part, "") if isinstance(part, str) else part
            pieces = _expand_tabs(text, plain) if "\t" in text else [text]
            plain += "".join(pieces)
            if self.color and style:
                sgr = _sgr(style)
                pieces = [f"\x1b[{sgr}m{piece}\x1b[0m" for piece in pieces if piece]
            out += pieces
        self.lines.append("".join(out) + "\n")

    def text(self) -> str:
        return "".join(self.lines)


_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def _sgr(style: str) -> str:
    return ";".join(_SGR[name] for name in style.split())


def _expand_tabs(text: str, before: str) -> list[str]:
    """Each tab-ended piece padded to the next stop after `before` (styled one by one, as rich did)."""
    from rich.cells import cell_len  # wide characters take two cells

    parts = text.split("\t")
    column = cell_len(before)
    out = []
    for part in parts[:-1]:
        column += cell_len(part)
        pad = 8 - column % 8
        out.append(part + " " * pad)
        column += pad
    out.append(parts[-1])
    return out


def _render_result(out: _Styled, result: Result, lang: str, report: Report) -> None:
    labels = LABELS[lang]
    verdict = result.verdict
    out.line(
        (printable(result.profile), "bold"),
        f" · {labels[result.type]} · {labels['province']} "
        f"{province_name(result.province, lang) if result.province else '-'} · "
        f"{labels['as_of']} {report.as_of.isoformat()}  ",
        (labels[verdict.value], VERDICT_STYLE[verdict]),
        eligible_from(result, labels, " · "),
    )
    counts = {s.value: 0 for s in Status}
    for finding in result.findings:
        counts[finding.status.value] += 1
        if finding.status is not Status.SKIP or finding.severity is Severity.INFO:  # notes stay visible
            _render_finding(out, finding, lang)
    out.line("  ", (labels["summary"].format(**counts), "dim"))
    out.line()


def _render_finding(out: _Styled, f: Finding, lang: str) -> None:
    labels = LABELS[lang]
    icon, style = ICONS[f.status]
    sev = () if f.status is Status.PASS else (" ", (f"({severity(f.severity.value, lang)})", "dim"))
    out.line("  ", (icon, style), " ", (f.rule, "bold"), f" {printable(f.title)}", *sev)
    if f.status in (Status.FAIL, Status.UNKNOWN, Status.WAIVED) or f.severity is Severity.INFO:
        out.line(f"      {printable(f.message)}")
        said = detail(f.field, f.expected, f.actual, lang, f.relation)
        if said:
            out.line("      ", (printable(said), "dim"))
        if f.remediation:
            out.line(f"      → {labels['fix']}: {printable(f.remediation)}")
    if f.when:  # a date to act on, for a passing rule too (renew before …)
        out.line(f"      ⏱ {printable(f.when)}")
    if f.status in (Status.FAIL, Status.UNKNOWN, Status.WAIVED) or f.severity is Severity.INFO:
        out.line("      ", (f"{labels['source']}: {printable(cite(f.source))}", "dim"))


def eligible_from(result: Result, labels: dict[str, str], before: str) -> str:
    """`before` and the day only time stands in the way of the verdict, or nothing."""
    day = result.eligible_from
    return f"{before}{labels['eligible_from'].format(date=day.isoformat())}" if day else ""


def _types_text(outcome: ProfileOutcome, lang: str, color: bool) -> str:
    """The profile, then which types are checked and why (a type not checked is dimmed)."""
    from icpcheck.report.writers import type_lines

    if not outcome.types:
        return ""
    out = _Styled(color)
    out.line((printable(outcome.path, one_line=True), "bold"))
    for choice, line in zip(outcome.types, type_lines(outcome, lang), strict=True):
        out.line("  ", (printable(line, one_line=True), "" if choice.evaluated else "dim"))
    return out.text() + "\n"


class TextWriter:
    """The terminal report, profile by profile, with a summary table when more than one profile was read."""

    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx

    def begin(self) -> str:
        return ""

    def add(self, outcome: ProfileOutcome) -> str:
        record_verdicts(self.ctx, outcome)
        return rendered(self, outcome)

    def render(self, outcome: ProfileOutcome) -> str:
        """One profile's report; the batch runs it in the worker process that evaluated the profile."""
        if outcome.error is not None:
            return ""  # reported on stderr by the CLI
        text = _types_text(outcome, self.ctx.lang, self.ctx.color)
        text += render_text(Report(self.ctx.as_of, outcome.results), self.ctx.lang, color=self.ctx.color)
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
        types = [t for t in ("filing", "licence") if any(t in v for _, v in self.ctx.verdicts)]
        if not self.ctx.color:
            plain = _plain_table(labels, types, self.ctx.verdicts)
            if plain is not None:
                return plain
        table = Table(title=labels["summary_title"], title_justify="left")
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


def _plain_table(
    labels: dict[str, str], types: list[str], verdicts: list[tuple[str, dict[str, str]]]
) -> str | None:
    """The summary table without colour, as rich draws it when it fits in 120 cells (rich takes ≈ 0.25 ms a
    row: seconds for a large batch); None (rich draws it) for cells it would lay out otherwise."""
    from rich.cells import cell_len

    header = [labels["profile"], *(labels[t] for t in types)]
    rows = []
    for path, found in verdicts:
        shown = printable(path)
        if shown != shown.strip() or "\n" in shown or "\t" in shown:
            return None
        if "error" in found:
            rows.append([shown, *[labels["error"]] * len(types)])
        else:
            rows.append([shown, *(labels[found[t]] if t in found else "-" for t in types)])
    widths = [max(map(cell_len, column)) for column in zip(header, *rows, strict=True)]
    total = sum(widths) + 3 * len(widths) + 1
    if total > 120:
        return None

    def line(cells: list[str], edge: str) -> str:
        return (
            edge
            + edge.join(f" {c}{' ' * (w - cell_len(c))} " for c, w in zip(cells, widths, strict=True))
            + edge
            + "\n"
        )

    def rule(left: str, middle: str, right: str, fill: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right + "\n"

    title = labels["summary_title"]
    return "".join(
        [
            title + " " * (total - cell_len(title)) + "\n",
            rule("┏", "┳", "┓", "━"),
            line(header, "┃"),
            rule("┡", "╇", "┩", "━"),
            *(line(row, "│") for row in rows),
            rule("└", "┴", "┘", "─"),
        ]
    )
