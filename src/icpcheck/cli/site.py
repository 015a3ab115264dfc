"""`icpcheck site URL|FILE.html`: what the live homepage discloses (filing number, links, identity)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

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

AllowPrivate = Annotated[bool, typer.Option("--allow-private", help="Allow private and loopback addresses.")]


def load_page(target: str, *, timeout: float, allow_private: bool) -> object:
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
    from icpcheck.facts.site import Page
    from icpcheck.findings import ProfileOutcome, Result, Verdict
    from icpcheck.report.writers import WriterContext, make_writer
    from icpcheck.sitecheck import check_page, identity_required

    settings = settings_for(
        ReportFormat,
        format=format_,
        as_of=parse_date(as_of),
        timeout=check_timeout(timeout) if timeout is not None else None,
        lang=lang,
        rules=rules,
    )
    language, day = settings.lang, settings.as_of
    loaded = None
    identity = False
    ruleset = load_ruleset(settings.rules)
    if profile is not None:
        from icpcheck.profile import load_profile

        loaded = load_profile(profile)
        # Name, address and phone are a licence condition (Beijing): asked of a commercial service only.
        service = loaded.profile.service
        identity = bool(service and service.commercial) and identity_required(
            ruleset, loaded.profile.company.province, day
        )
    page = load_page(target, timeout=settings.timeout or 10.0, allow_private=allow_private)
    assert isinstance(page, Page)
    findings = check_page(page, loaded.profile if loaded else None, ruleset, language, identity=identity)
    province = loaded.profile.company.province if loaded else None
    result = Result(page.source, "site", province, findings)
    # a findings report like eligibility's: the same writers, in every format
    fmt = settings.format or "text"
    color = fmt == "text" and sys.stdout.isatty()
    writer = make_writer(fmt, WriterContext(day, language, ruleset, color=color))
    outcome = ProfileOutcome(page.source, [result])
    typer.echo(writer.begin() + writer.add(outcome) + writer.end(), nl=False)
    raise typer.Exit(EXIT_OK if result.verdict is Verdict.ELIGIBLE else EXIT_GAPS)
