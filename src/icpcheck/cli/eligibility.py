"""`icpcheck eligibility PATH...`: gap reports for the ICP filing and/or licence, one profile or a folder."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from icpcheck.choices import CheckType, ReportFormat
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
from icpcheck.findings import FailOn  # light: the finding model imports nothing


@app.command()
def eligibility(
    paths: PathsArgument,
    type_: Annotated[
        CheckType | None,
        typer.Option(
            "--type",
            "-t",
            help="What to check; auto: per profile, what `icpcheck classify` says the service needs "
            "(both when it cannot tell) [default: auto].",
        ),
    ] = None,
    as_of: AsOfOption = None,
    province: Annotated[
        str | None,
        typer.Option(
            help="Evaluate under this province's rules instead of company.province (beijing/北京/京)."
        ),
    ] = None,
    lang: LangOption = None,
    format_: Annotated[
        ReportFormat | None, typer.Option("--format", "-f", help="Output format [default: text].")
    ] = None,
    output: OutputOption = None,
    rules: RulesOption = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(help="What makes exit code 1: never < error < unknown < warning [default: unknown]."),
    ] = None,
    skip: Annotated[
        list[str] | None, typer.Option(help="Skip rules matching this glob (repeatable).")
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option(help="Only rules matching this glob (repeatable).")
    ] = None,
    show_pii: Annotated[
        bool, typer.Option("--show-pii", help="Show ID numbers, mobiles, e-mails and names unmasked.")
    ] = False,
    materials: Annotated[
        bool, typer.Option("--materials", help="Append the materials checklist tailored to each profile.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Refuse drafts: a placeholder left by icpcheck init is an input error (exit 2)."
        ),
    ] = False,
    whois: Annotated[
        bool, typer.Option("--whois", help="Fill missing domain facts from whois; report conflicts.")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="With --whois: do not use the whois cache.")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="With --whois: use only the whois cache.")
    ] = False,
    site: Annotated[
        str | None,
        typer.Option(metavar="URL|FILE", help="Check this live homepage instead of the self-reported flags."),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="With --site: allow private and loopback addresses.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Worker processes for many profiles [default: cores]."),
    ] = None,
) -> None:
    """Check profiles against the filing and licence rules and report every gap with its remedy.

    Exit code 0: nothing reaches --fail-on (by default: every checked type is eligible); 1: something does;
    2: bad input (reported per file; the other profiles are still checked). A draft (placeholders left by
    icpcheck init) is evaluated with each placeholder an unknown finding, unless --strict.
    """
    from icpcheck.batch import default_jobs, evaluate_many, expand_paths
    from icpcheck.engine import load_ruleset
    from icpcheck.outfile import open_output, write_sliced
    from icpcheck.pipeline import options_for
    from icpcheck.report.writers import WriterContext, make_writer

    settings = settings_for(
        ReportFormat,
        type=type_,
        format=format_,
        lang=lang,
        province=province,
        rules=rules,
        fail_on=fail_on,
        skip=skip,
        only=only,
        jobs=jobs,
        timeout=None,  # a setting of the configuration only, here: for --site
        as_of=parse_date(as_of),
        show_pii=show_pii,
    )
    ruleset = load_ruleset(settings.rules)
    options = options_for(
        settings,
        ruleset,
        materials=materials,
        strict=strict,
        whois={"use_cache": not no_cache, "offline": offline} if whois else None,
        site=_page(site, allow_private, settings.timeout) if site else None,
    )
    files = expand_paths(paths)
    fmt = settings.format or "text"
    color = output is None and fmt == "text" and sys.stdout.isatty()
    writer = make_writer(fmt, WriterContext(settings.as_of, settings.lang, ruleset, color=color))
    # Each profile is rendered where it is evaluated (a worker process): this process only writes.
    options = dataclasses.replace(options, render=writer.render)
    failed = broken = False
    config = [settings.file] if settings.file else []
    inputs: list[str | Path] = [*files, *([site] if site else []), *config]
    with open_output(output, inputs) as out, _progress(len(files)) as advance:
        out.write(writer.begin())
        for outcome in evaluate_many(files, ruleset, options, settings.jobs or default_jobs()):
            if outcome.error is not None:
                broken = True
                for mistake in outcome.error.each():
                    print(f"icpcheck: error: {mistake}", file=sys.stderr)
            elif outcome.fails if outcome.fails is not None else options.policy.fails(outcome.results):
                failed = True
            out.write(writer.add(outcome))
            advance()
        write_sliced(out, writer.end())  # the summaries and per-profile lists: large for a large batch
    raise typer.Exit(EXIT_INPUT if broken else EXIT_GAPS if failed else EXIT_OK)


def _page(target: str, allow_private: bool, timeout: float | None) -> object:
    from icpcheck.cli.site import load_page

    return load_page(target, timeout=timeout or 10.0, allow_private=allow_private)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr for long runs on a terminal; silent otherwise (CI logs, pipes)."""
    if total < 20 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("icpcheck", total=total)
        yield lambda: bar.advance(task)
