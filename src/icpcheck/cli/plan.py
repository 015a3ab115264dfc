"""`icpcheck classify` (what a service needs) and `icpcheck timeline` (a dated plan)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from icpcheck.choices import Kind, Lang, SimpleFormat
from icpcheck.cli.app import AsOfOption, RulesOption, app, parse_date, settings_for

LangOpt = Annotated[Lang | None, typer.Option("--lang", help="Language (default: locale, else zh).")]
FormatOpt = Annotated[
    SimpleFormat | None, typer.Option("--format", "-f", help="Output format [default: text].")
]
_MARK = {"needed": "✔", "not_needed": "–", "undecided": "?"}


@app.command()
def classify(
    profile: Annotated[Path, typer.Argument(help="Profile YAML file.")],
    format_: FormatOpt = None,
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

    settings = settings_for(SimpleFormat, format=format_, as_of=parse_date(as_of), lang=lang, rules=rules)
    loaded = load_profile(profile)
    language = settings.lang
    conclusions = run_classify(loaded.profile, load_ruleset(settings.rules), settings.as_of, language)
    if settings.format == "json":
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
    province: Annotated[
        str | None, typer.Option(help="Province (beijing / 北京 / 京) (required unless configured).")
    ] = None,
    start: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="Start date (default: today).")
    ] = None,
    format_: FormatOpt = None,
    lang: LangOpt = None,
    rules: RulesOption = None,
) -> None:
    """A dated plan in Chinese working days (holidays and make-up working days included)."""
    import json

    from icpcheck.engine import load_ruleset
    from icpcheck.errors import UsageError
    from icpcheck.provinces import resolve_province
    from icpcheck.timeline import plan

    settings = settings_for(SimpleFormat, format=format_, province=province, lang=lang, rules=rules)
    if settings.province is None:
        raise UsageError("--province is required (or province: in the configuration)")
    language = settings.lang
    ruleset = load_ruleset(settings.rules)
    result = plan(type_, resolve_province(settings.province), parse_date(start, "--start"), language, ruleset)
    if settings.format == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"{type_} · {result.province} · start {result.start.isoformat()}")
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
