"""`icpcheck obligations PATH...`: what falls due for each profile (annual reports, renewals, filings)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from icpcheck.choices import ObligationFormat
from icpcheck.cli.app import (
    EXIT_GAPS,
    EXIT_INPUT,
    EXIT_OK,
    AsOfOption,
    LangOption,
    OutputOption,
    PathsArgument,
    RulesOption,
    app,
    parse_date,
    settings_for,
)


@app.command()
def obligations(
    paths: PathsArgument,
    within: Annotated[
        int | None,
        typer.Option(
            "--within",
            min=0,
            metavar="DAYS",
            help="Exit 1 if anything is overdue or due within DAYS [default: 30].",
        ),
    ] = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    format_: Annotated[
        ObligationFormat | None,
        typer.Option("--format", "-f", help="Output format (ics: an iCalendar file) [default: text]."),
    ] = None,
    output: OutputOption = None,
    show_pii: Annotated[
        bool, typer.Option("--show-pii", help="Show the names of individual filers unmasked.")
    ] = False,
    rules: RulesOption = None,
) -> None:
    """List what falls due for each profile: domain renewal, annual reports, licence renewal, change and
    public-security filings, permit expiry — dated from the profile and --as-of, sorted by due date.

    Exit code 0: nothing is overdue, due within --within days or undated; 1: something is; 2: bad input
    (reported per file; the other profiles are still listed).
    """
    from icpcheck.batch import expand_paths
    from icpcheck.engine import load_ruleset
    from icpcheck.errors import IcpcheckError
    from icpcheck.obligations import (
        Obligation,
        check_params,
        clean,
        load_catalogue,
        obligations_for,
    )
    from icpcheck.outfile import check_not_input, open_output
    from icpcheck.pii import Redactor
    from icpcheck.pipeline import load_path
    from icpcheck.report.writers import WriterContext, make_command_writer

    settings = settings_for(
        ObligationFormat,
        within=within,
        as_of=parse_date(as_of),
        lang=lang,
        format=format_,
        show_pii=show_pii,
        rules=rules,
    )
    day, language, show_pii = settings.as_of, settings.lang, settings.show_pii
    ahead = 30 if settings.within is None else settings.within
    files = expand_paths(paths)
    if output is not None:
        check_not_input(output, files)
    ruleset = load_ruleset(settings.rules)
    catalogue = load_catalogue(ruleset.directory / "guidance" / "obligations.yaml")
    check_params(catalogue, ruleset)
    items: list[Obligation] = []
    errors: list[tuple[str, str]] = []
    for path in files:
        loaded = load_path(path, day, show_pii)
        if isinstance(loaded, IcpcheckError):
            for mistake in loaded.each():
                print(f"icpcheck: error: {mistake}", file=sys.stderr)
                errors.append((clean(str(path)), str(mistake)))
            continue
        profile = loaded.profile
        redactor = None if show_pii else Redactor.for_profile(profile)
        found = obligations_for(
            profile,
            ruleset,
            as_of=day,
            within=ahead,
            lang=language,
            name=str(path),
            company=redactor.text(profile.company.name) if redactor else None,
            catalogue=catalogue,
        )
        if redactor is not None:
            for item in found:
                item.subject = redactor.text(item.subject) if item.subject else None
                item.note = redactor.text(item.note) if item.note else None
        items.extend(found)
    fmt = settings.format or "text"
    color = output is None and fmt == "text" and sys.stdout.isatty()
    context = WriterContext(day, language, ruleset, color=color, within=ahead)
    writer = make_command_writer("obligations", fmt, context)
    with open_output(output, files) as out:
        out.write(writer.begin() + "".join(writer.add(item) for item in [*items, *errors]) + writer.end())
    if errors:
        raise typer.Exit(EXIT_INPUT)
    pressing = any(item.status != "upcoming" for item in items)
    raise typer.Exit(EXIT_GAPS if pressing else EXIT_OK)
