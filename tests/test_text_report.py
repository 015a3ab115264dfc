"""The text report writes its lines itself (rich cost ≈ 0.3 ms a line): the same bytes rich printed, plain and
coloured, for values with markup-like brackets, backslashes, tabs after wide characters, control codes.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from icpcheck.findings import Finding, Report, Result, Severity, Status
from icpcheck.provinces import province_name
from icpcheck.report.text import ICONS, LABELS, VERDICT_STYLE, render_text
from icpcheck.sources import cite
from icpcheck.textsafe import rich_text
from icpcheck.words import detail, severity

AS_OF = dt.date(2026, 11, 22)
TRICKY = "[bold]x[/] \\[y] \\ a\t中文\tb [red] \x1b[2J end  "


def _rich(report: Report, lang: str, color: bool) -> str:
    """The report as rich printed it (the renderer before)."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=100, highlight=False, soft_wrap=True
    )
    labels = LABELS[lang]
    for result in report.results:
        console.print(
            f"[bold]{rich_text(result.profile)}[/] · {labels[result.type]} · "
            f"{labels['province']} {province_name(result.province, lang) if result.province else '-'} · "
            f"{labels['as_of']} {report.as_of.isoformat()}  "
            f"[{VERDICT_STYLE[result.verdict]}]{labels[result.verdict.value]}[/]"
        )
        counts = {s.value: 0 for s in Status}
        for f in result.findings:
            counts[f.status.value] += 1
            if f.status is Status.SKIP and f.severity is not Severity.INFO:
                continue
            icon, style = ICONS[f.status]
            sev = "" if f.status is Status.PASS else f" [dim]({severity(f.severity.value, lang)})[/]"
            console.print(f"  [{style}]{icon}[/] [bold]{f.rule}[/] {rich_text(f.title)}{sev}")
            if f.status in (Status.FAIL, Status.UNKNOWN, Status.WAIVED) or f.severity is Severity.INFO:
                console.print(f"      {rich_text(f.message)}")
                said = detail(f.field, f.expected, f.actual, lang)
                if said:
                    console.print(f"      [dim]{rich_text(said)}[/]")
                if f.remediation:
                    console.print(f"      → {labels['fix']}: {rich_text(f.remediation)}")
            if f.when:
                console.print(f"      ⏱ {rich_text(f.when)}")
            if f.status in (Status.FAIL, Status.UNKNOWN, Status.WAIVED) or f.severity is Severity.INFO:
                console.print(f"      [dim]{labels['source']}: {rich_text(cite(f.source))}[/]")
        console.print(f"  [dim]{labels['summary'].format(**counts)}[/]\n")
    return buffer.getvalue()


def _report() -> Report:
    findings = [
        Finding(
            f"规则.{s.value}",  # wide characters before a tab in the next part
            s,
            sev,
            TRICKY,
            TRICKY if s is not Status.PASS else "",
            "seed 000 §1",
            title=TRICKY,
            when=TRICKY if sev is Severity.WARNING else "",
        )
        for s in Status
        for sev in Severity
    ]
    findings.append(
        Finding(
            "r.detail",
            Status.FAIL,
            Severity.ERROR,
            "m",
            "",
            "law",
            field="a.b",
            expected=[1, "x\ty"],
            actual={},
        )
    )
    return Report(
        AS_OF, [Result(f"dir/{TRICKY}.yaml", t, "beijing", findings) for t in ("filing", "licence")]
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("color", [False, True])
def test_the_same_bytes_as_rich(lang: str, color: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)  # colour is asked for and shown on terminals only
    report = _report()
    assert render_text(report, lang, color=color) == _rich(report, lang, color)


def test_no_raw_escape_and_values_as_written() -> None:
    text = render_text(
        Report(
            AS_OF,
            [
                Result(
                    "p.yaml",
                    "filing",
                    None,
                    [Finding("r", Status.FAIL, Severity.ERROR, "a :smile: b\x1b[2J", "", "s")],
                )
            ],
        ),
        "en",
        color=False,
    )
    assert "\x1b" not in text and "a :smile: b\\x1b[2J" in text  # rich turned :smile: into an emoji


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "paths",
    [
        ["a/中文.yaml", "b.yaml", "c [x] \\[y].yaml"],
        ["x" * 90 + ".yaml", "b.yaml"],  # just fits
        ["x" * 110 + ".yaml", "b.yaml"],  # rich wraps it
        ["a\tb.yaml", " lead.yaml", "new\nline.yaml"],  # rich lays these out itself
    ],
)
def test_the_summary_table_as_rich_draws_it(lang: str, paths: list[str]) -> None:
    from icpcheck.report.text import TextWriter
    from icpcheck.report.writers import WriterContext

    verdicts = [
        {"filing": "eligible", "licence": "not_eligible"},
        {"error": "error"},
        {"licence": "incomplete"},
    ]
    rows = [(p, verdicts[i % 3]) for i, p in enumerate(paths)]
    writer = TextWriter(WriterContext(AS_OF, lang, None))  # type: ignore[arg-type]
    writer.ctx.verdicts = rows
    fast = writer.end()
    from rich.console import Console
    from rich.table import Table

    labels = LABELS[lang]
    table = Table(title=labels["summary_title"], title_justify="left")
    for name in ("profile", "filing", "licence"):
        table.add_column(labels[name])
    for path, found in rows:
        cells = [
            labels["error"] if "error" in found else labels[found[t]] if t in found else "-"
            for t in ("filing", "licence")
        ]
        table.add_row(rich_text(path), *cells)
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=False, no_color=True, width=120).print(table)
    assert fast == buffer.getvalue()
