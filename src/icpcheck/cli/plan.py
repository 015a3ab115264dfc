"""`icpcheck classify` (what a service needs) and `icpcheck timeline` (a dated plan)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from icpcheck.cli.app import AsOfOption, Kind, Lang, RulesOption, app, default_lang, parse_date


class SimpleFormat(str, Enum):
    text = "text"
    json = "json"


LangOpt = Annotated[Lang | None, typer.Option("--lang", help="Language (default: locale, else zh).")]
FormatOpt = Annotated[SimpleFormat, typer.Option("--format", "-f", help="Output format.")]
_MARK = {"needed": "✔", "not_needed": "–", "undecided": "?"}


@app.command()
def classify(
    profile: Annotated[Path, typer.Argument(help="Profile YAML file.")],
    format_: FormatOpt = SimpleFormat.text,
    as_of: AsOfOption = None,
    lang: LangOpt = None,
    rules: RulesOption = None,
) -> None:
    """Explain what the service needs: filing only or licence, news licence, pre-approvals, other filings."""
    import json

    from icpcheck.classify import classify as run_classify
    from icpcheck.engine import load_ruleset
    from icpcheck.profile import load_profile
    from icpcheck.textsafe import printable

    loaded = load_profile(profile)
    language = (lang or default_lang()).value
    conclusions = run_classify(loaded.profile, load_ruleset(rules), parse_date(as_of), language)
    if format_ is SimpleFormat.json:
        typer.echo(
            json.dumps(
                {"profile": str(profile), "conclusions": [c.to_dict() for c in conclusions]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    service = loaded.profile.service
    subtypes = ", ".join(service.b25_subtypes or []) if service else ""
    typer.echo(printable(f"{profile}" + (f" · B25: {subtypes}" if subtypes else "")))
    unverified = {"zh": "未经核实", "en": "unverified"}[language]
    for c in conclusions:
        typer.echo(
            printable(
                f"  {_MARK[c.verdict]} {c.title} [{c.verdict}]\n      {c.explanation}"
                + f"\n      source: {c.source}"
                + (f"\n      ({unverified}: {c.unverified})" if c.unverified else "")
            )
        )
        for note in c.notes:
            typer.echo(
                printable(
                    f"      • {note.text}\n        source: {note.source}"
                    + (f"\n        ({unverified}: {note.unverified})" if note.unverified else "")
                )
            )


@app.command()
def timeline(
    type_: Annotated[Kind, typer.Option("--type", "-t", help="Filing or licence.")],
    province: Annotated[str, typer.Option(help="Province (beijing / 北京 / 京).")],
    start: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="Start date (default: today).")
    ] = None,
    format_: FormatOpt = SimpleFormat.text,
    lang: LangOpt = None,
) -> None:
    """A dated plan in Chinese working days (holidays and make-up working days included)."""
    import json

    from icpcheck.provinces import resolve_province
    from icpcheck.timeline import plan

    language = (lang or default_lang()).value
    result = plan(type_.value, resolve_province(province), parse_date(start, "--start"), language)
    if format_ is SimpleFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"{type_.value} · {result.province} · start {result.start.isoformat()}")
    for step in result.steps:
        low, high = step.days
        span = f"{low}" if low == high else f"{low}–{high}"
        unit = {"working": "working days", "calendar": "days"}[step.unit]
        dates = (
            step.end_latest.isoformat()
            if step.end_earliest == step.end_latest
            else f"{step.end_earliest.isoformat()} … {step.end_latest.isoformat()}"
        )
        typer.echo(
            f"  {step.start.isoformat()} → {dates}  {step.title} ({span} {unit})\n      source: {step.source}"
            + (f"\n      note: {step.note}" if step.note else "")
        )
    typer.echo(f"  done by {result.end_latest.isoformat()} at the latest")
    if result.fallback_years:
        years = ", ".join(str(y) for y in result.fallback_years)
        typer.echo(f"  note: no official holiday schedule known for {years}: counted weekends only")
