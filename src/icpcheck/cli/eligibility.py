"""`icpcheck eligibility PROFILE...`: the gap report for the ICP filing and/or the ICP licence."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from icpcheck.cli.app import (
    EXIT_GAPS,
    EXIT_OK,
    AsOfOption,
    LangOption,
    OutputOption,
    app,
    default_lang,
    emit,
    parse_date,
)


class CheckType(str, Enum):
    filing = "filing"
    licence = "licence"
    all = "all"


class Format(str, Enum):
    text = "text"
    json = "json"


@app.command()
def eligibility(
    profiles: Annotated[list[Path], typer.Argument(help="Profile YAML file(s).", show_default=False)],
    type_: Annotated[CheckType, typer.Option("--type", "-t", help="What to check.")] = CheckType.all,
    as_of: AsOfOption = None,
    province: Annotated[
        str | None,
        typer.Option(
            help="Evaluate under this province's rules instead of company.province (beijing/北京/京)."
        ),
    ] = None,
    lang: LangOption = None,
    format_: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    output: OutputOption = None,
) -> None:
    """Check profiles against the filing and licence rules and report every gap with its remedy.

    Exit code 0: every checked type is eligible; 1: some type is not_eligible or incomplete; 2: bad input.
    """
    from icpcheck.engine import evaluate, load_ruleset
    from icpcheck.profile import load_profile
    from icpcheck.provinces import resolve_province
    from icpcheck.report.model import Report, Verdict

    day = parse_date(as_of)
    language = (lang or default_lang()).value
    province_key = resolve_province(province).key if province else None
    types = ("filing", "licence") if type_ is CheckType.all else (type_.value,)
    ruleset = load_ruleset()
    report = Report(day)
    for path in profiles:
        loaded = load_profile(path)
        report.results.extend(
            evaluate(loaded, ruleset, as_of=day, types=types, province=province_key, lang=language)
        )
    if format_ is Format.json:
        from icpcheck.report.json import render_json

        emit(render_json(report), output)
    else:
        from icpcheck.report.text import render_text

        emit(render_text(report, language, color=output is None), output)
    ok = all(r.verdict is Verdict.ELIGIBLE for r in report.results)
    raise typer.Exit(EXIT_OK if ok else EXIT_GAPS)
