"""`icpcheck classify` (what a service needs) and `icpcheck timeline` (a dated plan)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from icpcheck.choices import Kind, SimpleFormat
from icpcheck.cli.app import AsOfOption, LangOption, RulesOption, app, parse_date, settings_for

if TYPE_CHECKING:
    from icpcheck.config import Settings
    from icpcheck.engine import RuleSet

FormatOpt = Annotated[
    SimpleFormat | None, typer.Option("--format", "-f", help="Output format [default: text].")
]


@app.command()
def classify(
    profile: Annotated[Path, typer.Argument(help="Profile YAML file.")],
    format_: FormatOpt = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Explain what the service needs: filing only or licence, news licence, pre-approvals, other filings."""
    from icpcheck.classify import classify as run_classify
    from icpcheck.engine import load_ruleset
    from icpcheck.profile import load_profile

    settings = settings_for(SimpleFormat, format=format_, as_of=parse_date(as_of), lang=lang, rules=rules)
    loaded = load_profile(profile)
    language = settings.lang
    ruleset = load_ruleset(settings.rules)
    conclusions = run_classify(loaded.profile, ruleset, settings.as_of, language)
    service = loaded.profile.service
    subtypes = list(service.b25_subtypes or []) if service else []
    _write("classify", settings, ruleset, (str(profile), subtypes, conclusions))


@app.command()
def timeline(
    type_: Annotated[
        Kind | None, typer.Option("--type", "-t", help="Filing or licence (default: from --profile).")
    ] = None,
    province: Annotated[
        str | None,
        typer.Option(help="Province (beijing / 北京 / 京); default: from --profile, else configured."),
    ] = None,
    profile: Annotated[
        Path | None,
        typer.Option(
            help="Take the province from this profile, and the type from what it needs (classify: the "
            "licence if it needs one, else the filing)."
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="Start date (default: today).")
    ] = None,
    format_: FormatOpt = None,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """A dated plan in Chinese working days (holidays and make-up working days included)."""

    from icpcheck.engine import load_ruleset
    from icpcheck.errors import UsageError
    from icpcheck.provinces import resolve_province
    from icpcheck.timeline import plan

    settings = settings_for(SimpleFormat, format=format_, province=province, lang=lang, rules=rules)
    language = settings.lang
    ruleset = load_ruleset(settings.rules)
    day = parse_date(start, "--start")
    kind: str | None = type_
    where = settings.province
    if profile is not None:
        from icpcheck.classify import classify as run_classify
        from icpcheck.profile import load_profile

        model = load_profile(profile).profile
        where = province or model.company.province or settings.province  # a flag, the profile, the config
        if kind is None:
            needs = {c.id: c.verdict for c in run_classify(model, ruleset, day, language)}
            kind = "licence" if needs.get("classify.licence") == "needed" else "filing"
    if kind is None or where is None:
        missing = "--type" if kind is None else "--province"
        raise UsageError(f"timeline: give {missing} or a --profile that has it (company.province)")
    result = plan(kind, resolve_province(where), day, language, ruleset)
    _write("timeline", settings, ruleset, (result, str(profile) if profile else ""))


def _write(command: str, settings: Settings, ruleset: RuleSet, item: object) -> None:
    """One report through the writer registry (report.writers): the command's formats, made printable."""
    from icpcheck.report.writers import WriterContext, make_command_writer

    context = WriterContext(settings.as_of, settings.lang, ruleset)
    writer = make_command_writer(command, settings.format or "text", context)
    typer.echo(writer.begin() + writer.add(item) + writer.end(), nl=False)
