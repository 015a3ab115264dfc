"""`icpcheck eligibility PATH...`: gap reports for the ICP filing and/or licence, one profile or a folder."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from icpcheck.cli.app import (
    EXIT_GAPS,
    EXIT_INPUT,
    EXIT_OK,
    AsOfOption,
    Lang,
    OutputOption,
    PathsArgument,
    RulesOption,
    app,
    default_lang,
    parse_date,
)
from icpcheck.findings import FailOn  # light: the finding model imports nothing


class CheckType(str, Enum):
    filing = "filing"
    licence = "licence"
    all = "all"


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    markdown = "markdown"
    github = "github"
    html = "html"


_CONFIG_CHOICES: dict[str, type[Enum]] = {
    "type": CheckType,
    "format": Format,
    "lang": Lang,
    "fail_on": FailOn,
}


@app.command()
def eligibility(
    paths: PathsArgument,
    type_: Annotated[
        CheckType | None, typer.Option("--type", "-t", help="What to check [default: all].")
    ] = None,
    as_of: AsOfOption = None,
    province: Annotated[
        str | None,
        typer.Option(
            help="Evaluate under this province's rules instead of company.province (beijing/北京/京)."
        ),
    ] = None,
    lang: Annotated[
        Lang | None, typer.Option("--lang", help="Report language (default: locale, else zh).")
    ] = None,
    format_: Annotated[
        Format | None, typer.Option("--format", "-f", help="Output format [default: text].")
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
    2: bad input (reported per file; the other profiles are still checked).
    """
    from icpcheck.batch import default_jobs, evaluate_many, expand_paths
    from icpcheck.config import find_config
    from icpcheck.engine import load_ruleset
    from icpcheck.outfile import open_output
    from icpcheck.pipeline import Options
    from icpcheck.policy import (
        Policy,
        check_patterns,
        emitted_rules,
        expand_patterns,
        known_rules,
        selected_types,
    )
    from icpcheck.provinces import resolve_province
    from icpcheck.report.text import TextWriter
    from icpcheck.report.writers import WriterContext, make_writer

    found = find_config()
    conf = _config(found)
    kind = type_.value if type_ else conf.get("type", "all")
    fmt = format_.value if format_ else conf.get("format", "text")
    language = lang.value if lang else conf.get("lang", default_lang().value)
    level = fail_on.value if fail_on else conf.get("fail_on", "unknown")
    where = province or conf.get("province")
    ruleset = load_ruleset(rules)
    policy = Policy(
        expand_patterns("--skip", skip or conf.get("skip", []), ruleset),
        expand_patterns("--only", only or conf.get("only", []), ruleset),
        FailOn(level),
    )
    types: tuple[str, ...] = ("filing", "licence") if kind == "all" else (kind,)
    if policy.skip or policy.only:
        known = known_rules(ruleset)
        for name, given in (("only", only), ("skip", skip)):
            origin = (f"--{name}", None) if given else (f"{name}:", str(found[0]) if found else None)
            check_patterns(origin[0], getattr(policy, name), known, origin[1])
        emitted = emitted_rules(ruleset)
        producing = [*(emitted["site"] if site else ()), *(emitted["whois"] if whois else ())]
        types = selected_types(policy, ruleset, types, producing)
    options = Options(
        as_of=parse_date(as_of),
        types=types,
        province=resolve_province(where).key if where else None,
        lang=language,
        policy=policy,
        show_pii=show_pii,
        materials=materials,
        whois={"use_cache": not no_cache, "offline": offline} if whois else None,
        site=_page(site, allow_private) if site else None,
    )
    files = expand_paths(paths)
    color = output is None and fmt == "text" and sys.stdout.isatty()
    writer = make_writer(fmt, WriterContext(options.as_of, language, ruleset, color=color))
    if isinstance(writer, TextWriter):  # the slow renderer: run it in the workers, next to evaluation
        options = dataclasses.replace(options, render=writer.render)
    failed = broken = False
    inputs: list[str | Path] = [*files, *([site] if site else []), *([found[0]] if found else [])]
    with open_output(output, inputs) as out, _progress(len(files)) as advance:
        out.write(writer.begin())
        for outcome in evaluate_many(files, ruleset, options, jobs or default_jobs()):
            if outcome.error is not None:
                broken = True
                for mistake in outcome.error.each():
                    print(f"icpcheck: error: {mistake}", file=sys.stderr)
            elif policy.fails(outcome.results):
                failed = True
            out.write(writer.add(outcome))
            advance()
        out.write(writer.end())
    raise typer.Exit(EXIT_INPUT if broken else EXIT_GAPS if failed else EXIT_OK)


def _page(target: str, allow_private: bool) -> object:
    from icpcheck.cli.site import load_page

    return load_page(target, timeout=10.0, allow_private=allow_private)


def _config(found: tuple[Path, dict[str, Any]] | None) -> dict[str, Any]:
    """The project configuration, its values checked here so that an error names the configuration file."""
    if found is None:
        return {}
    from icpcheck.errors import UsageError
    from icpcheck.provinces import resolve_province

    path, conf = found
    try:
        for name, enum in _CONFIG_CHOICES.items():
            allowed = [c.value for c in enum]
            if name in conf and conf[name] not in allowed:
                raise UsageError(f"{name}: {conf[name]!r} is not one of {', '.join(allowed)}")
        if "province" in conf:
            resolve_province(conf["province"])
    except UsageError as exc:
        exc.file = exc.file or str(path)
        raise
    return conf


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
