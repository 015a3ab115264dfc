"""`icpcheck sources [KEY]`: the documents and statutes the rules cite, so a reader can look each one up."""

from __future__ import annotations

from typing import Annotated

import typer

from icpcheck.choices import SimpleFormat
from icpcheck.cli.app import LangOption, RulesOption, app, settings_for


@app.command()
def sources(
    key: Annotated[
        str | None,
        typer.Argument(help='A source key, or a seed as cited ("seed 002" or 002).', show_default=False),
    ] = None,
    format_: Annotated[
        SimpleFormat | None, typer.Option("--format", "-f", help="Output format [default: text].")
    ] = None,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """List the sources the rules cite (seed documents, statutes, provider documentation) and their titles."""
    import json

    from icpcheck.sources import find_source, load_sources

    settings = settings_for(SimpleFormat, format=format_, lang=lang, rules=rules)
    language = settings.lang
    items = [find_source(key, settings.rules)] if key is not None else list(load_sources(settings.rules))
    if settings.format == "json":
        data = [i.to_dict(language) for i in items]
        typer.echo(json.dumps(data if key is None else data[0], ensure_ascii=False, indent=2))
        return
    from icpcheck.words import section

    labels = section("src", language)
    lines: list[str] = []
    for item in items:
        lines.append(f"{item.key}  {item.title.get(language)}")
        if key is None:
            continue
        for field, value in item.to_dict(language).items():
            if field in labels and value:
                said = labels.get(f"kind_{value}".replace(" ", "_"), value) if field == "kind" else value
                lines.append(f"  {labels[field]}: {said}")
        if item.cited_as:
            lines.append(f"  {labels['cited']}: " + "; ".join(item.cited_as))
    typer.echo("\n".join(lines))
