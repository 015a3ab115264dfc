"""`icpcheck site URL|FILE.html`: what the live homepage discloses (filing number, links, identity)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from icpcheck.choices import ReportFormat
from icpcheck.cli.app import (
    EXIT_GAPS,
    EXIT_OK,
    AsOfOption,
    LangOption,
    RulesOption,
    app,
    check_timeout,
    parse_date,
    settings_for,
)

if TYPE_CHECKING:
    from icpcheck.facts.site import Page

AllowPrivate = Annotated[bool, typer.Option("--allow-private", help="Allow private and loopback addresses.")]


def load_page(target: str, *, timeout: float, allow_private: bool) -> Page:
    """A saved .html file, or a page fetched over http(s)."""
    from icpcheck.facts import site

    if target.lower().startswith(("http://", "https://")):  # URL schemes are case-insensitive
        return site.fetch(target, timeout=timeout, allow_private=allow_private)
    return site.read_file(Path(target))


@app.command("site")
def site_command(
    target: Annotated[str, typer.Argument(metavar="URL|FILE", help="Homepage URL or a saved HTML file.")],
    profile: Annotated[
        Path | None, typer.Option(help="Compare with this profile's numbers and identity.")
    ] = None,
    format_: Annotated[
        ReportFormat | None, typer.Option("--format", "-f", help="Output format [default: text].")
    ] = None,
    as_of: AsOfOption = None,
    timeout: Annotated[float | None, typer.Option(help="Seconds to wait for the page [default: 10].")] = None,
    allow_private: AllowPrivate = False,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Check the homepage footer: filing number and link, licence and public-security numbers, identity."""
    from icpcheck.engine import load_ruleset
    from icpcheck.findings import Verdict
    from icpcheck.pipeline import SITE, Options, evaluate_page
    from icpcheck.profile import load_profile
    from icpcheck.report.writers import WriterContext, make_writer

    settings = settings_for(
        ReportFormat,
        format=format_,
        as_of=parse_date(as_of),
        timeout=check_timeout(timeout) if timeout is not None else None,
        lang=lang,
        rules=rules,
    )
    ruleset = load_ruleset(settings.rules)
    loaded = load_profile(profile) if profile is not None else None
    page = load_page(target, timeout=settings.timeout or 10.0, allow_private=allow_private)
    # a findings report like eligibility's: the same writers, in every format
    fmt = settings.format or "text"
    color = fmt == "text" and sys.stdout.isatty()
    writer = make_writer(fmt, WriterContext(settings.as_of, settings.lang, ruleset, color=color))
    options = Options(
        as_of=settings.as_of,
        types=(SITE,),
        lang=settings.lang,
        site=page,
        render=writer.render,
    )
    outcome = evaluate_page(page, loaded, ruleset, options)
    typer.echo(writer.begin() + writer.add(outcome) + writer.end(), nl=False)
    raise typer.Exit(EXIT_OK if outcome.results[0].verdict is Verdict.ELIGIBLE else EXIT_GAPS)
