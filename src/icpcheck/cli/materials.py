"""`icpcheck materials`: the documents to prepare."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from icpcheck.cli.app import (
    AsOfOption,
    Entity,
    Kind,
    Lang,
    OutputOption,
    RulesOption,
    app,
    default_lang,
    parse_date,
)


class MaterialsFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


@app.command()
def materials(
    type_: Annotated[Kind, typer.Option("--type", "-t", help="Filing or licence materials.")],
    province: Annotated[
        str | None, typer.Option(help="Province (beijing / 北京 / 京); default: the profile's.")
    ] = None,
    entity: Annotated[
        Entity | None, typer.Option(help="Filing subject [default: the profile's, else company].")
    ] = None,
    profile: Annotated[
        Path | None, typer.Option(help="Tailor to this profile: only what applies, each with why.")
    ] = None,
    format_: Annotated[
        MaterialsFormat, typer.Option("--format", "-f", help="Output format.")
    ] = MaterialsFormat.text,
    output: OutputOption = None,
    rules: RulesOption = None,
    as_of: AsOfOption = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="Language (default: locale, else zh).")] = None,
    show_pii: Annotated[
        bool, typer.Option("--show-pii", help="Show names of natural persons unmasked.")
    ] = False,
) -> None:
    """List exactly which documents to prepare, with form notes and sources."""
    from icpcheck.engine import load_ruleset
    from icpcheck.errors import UsageError
    from icpcheck.materials import tailor
    from icpcheck.outfile import open_output
    from icpcheck.provinces import resolve_province
    from icpcheck.report import checklist as render

    loaded = None
    if profile is not None:
        from icpcheck.profile import load_profile

        loaded = load_profile(profile)
    company = loaded.profile.company if loaded else None
    key = resolve_province(province).key if province else (company.province if company else None)
    kind = entity.value if entity else (company.entity_type if company and company.entity_type else "company")
    language = (lang or default_lang()).value
    when = parse_date(as_of)
    checklist = tailor(
        type_.value,
        key,
        kind,
        load_ruleset(rules),
        profile=loaded.profile if loaded else None,
        as_of=when,
        lang=language,
    )
    name = company.name if company else ""
    if loaded is not None and not show_pii:
        from icpcheck.pii import Redactor

        redactor = Redactor.for_profile(loaded.profile)
        for item in checklist.items:
            item.why = redactor.text(item.why)
        name = redactor.text(name)
    if format_ is MaterialsFormat.xlsx:
        if output is None:
            raise UsageError("--format xlsx needs --output FILE.xlsx")
        with open_output(output, [profile] if profile else [], binary=True) as fh:
            render.write_xlsx(checklist, language, fh, company=name, as_of=when)
        return
    text = {
        MaterialsFormat.text: lambda: render.render_text(
            checklist, language, color=output is None and _tty()
        ),
        MaterialsFormat.markdown: lambda: render.render_markdown(checklist, language),
        MaterialsFormat.csv: lambda: render.render_csv(checklist, language),
        MaterialsFormat.json: lambda: render.render_json(checklist, language),
    }[format_]()
    with open_output(output, [profile] if profile else []) as out:
        out.write(text)


def _tty() -> bool:
    import sys

    return sys.stdout.isatty()
