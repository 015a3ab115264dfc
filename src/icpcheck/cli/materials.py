"""`icpcheck materials`: the documents to prepare."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from icpcheck.choices import EntityType, Kind, MaterialsFormat
from icpcheck.cli.app import AsOfOption, LangOption, OutputOption, RulesOption, app, parse_date, settings_for


@app.command()
def materials(
    type_: Annotated[Kind, typer.Option("--type", "-t", help="Filing or licence materials.")],
    province: Annotated[
        str | None, typer.Option(help="Province (beijing / 北京 / 京); default: the profile's.")
    ] = None,
    entity: Annotated[
        EntityType | None, typer.Option(help="Filing subject [default: the profile's, else company].")
    ] = None,
    profile: Annotated[
        Path | None, typer.Option(help="Tailor to this profile: only what applies, each with why.")
    ] = None,
    format_: Annotated[
        MaterialsFormat | None, typer.Option("--format", "-f", help="Output format [default: text].")
    ] = None,
    output: OutputOption = None,
    rules: RulesOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    show_pii: Annotated[
        bool, typer.Option("--show-pii", help="Show names of natural persons unmasked.")
    ] = False,
) -> None:
    """List exactly which documents to prepare, with form notes and sources."""
    from icpcheck.engine import load_ruleset
    from icpcheck.engine.evaluate import cannot_apply
    from icpcheck.errors import UsageError
    from icpcheck.materials import tailor
    from icpcheck.outfile import open_output
    from icpcheck.report import checklist as render
    from icpcheck.sources import cite

    settings = settings_for(
        MaterialsFormat,
        format=format_,
        province=province,
        rules=rules,
        as_of=parse_date(as_of),
        lang=lang,
        show_pii=show_pii,
    )
    loaded = None
    if profile is not None:
        from icpcheck.profile import load_profile

        loaded = load_profile(profile)
    company = loaded.profile.company if loaded else None
    key = settings.province or (company.province if company else None)
    kind = entity or (company.entity_type if company and company.entity_type else "company")
    language, when = settings.lang, settings.as_of
    ruleset = load_ruleset(settings.rules)
    refused = cannot_apply(type_, kind, ruleset, when, language)
    if refused is not None:
        given = f"--entity {kind}" if entity else f"{profile}: company.entity_type {kind}"
        raise UsageError(
            f"--type {type_} with {given}: {refused.message} — {refused.remediation} "
            f"(source: {cite(refused.source)})"
        )
    checklist = tailor(
        type_,
        key,
        kind,
        ruleset,
        profile=loaded.profile if loaded else None,
        as_of=when,
        lang=language,
    )
    name = company.name if company else ""
    if loaded is not None and not settings.show_pii:
        from icpcheck.pii import Redactor

        redactor = Redactor.for_profile(loaded.profile)
        for item in checklist.items:
            item.why = redactor.text(item.why)
        name = redactor.text(name)
    if settings.format == "xlsx":
        if output is None:
            raise UsageError("--format xlsx needs --output FILE.xlsx")
        with open_output(output, [profile] if profile else [], binary=True) as fh:
            render.write_xlsx(checklist, language, fh, company=name, as_of=when)
        return
    text = {
        "text": lambda: render.render_text(checklist, language, color=output is None and _tty()),
        "markdown": lambda: render.render_markdown(checklist, language),
        "csv": lambda: render.render_csv(checklist, language),
        "json": lambda: render.render_json(checklist, language),
    }[settings.format or "text"]()
    with open_output(output, [profile] if profile else []) as out:
        out.write(text)


def _tty() -> bool:
    import sys

    return sys.stdout.isatty()
