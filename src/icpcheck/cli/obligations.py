"""`icpcheck obligations PATH...`: what falls due for each profile (annual reports, renewals, filings)."""

from __future__ import annotations

import os
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from icpcheck.cli.app import (
    EXIT_GAPS,
    EXIT_INPUT,
    EXIT_OK,
    AsOfOption,
    LangOption,
    OutputOption,
    PathsArgument,
    app,
    default_lang,
    parse_date,
)


class ObligationFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    ics = "ics"


@app.command()
def obligations(
    paths: PathsArgument,
    within: Annotated[
        int,
        typer.Option(
            "--within", min=0, metavar="DAYS", help="Exit 1 if anything is overdue or due within DAYS."
        ),
    ] = 30,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    format_: Annotated[
        ObligationFormat, typer.Option("--format", "-f", help="Output format (ics: an iCalendar file).")
    ] = ObligationFormat.text,
    output: OutputOption = None,
    show_pii: Annotated[
        bool, typer.Option("--show-pii", help="Show the names of individual filers unmasked.")
    ] = False,
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
        sort_key,
    )
    from icpcheck.pii import Redactor
    from icpcheck.pipeline import load_path
    from icpcheck.report.obligations import View, render

    day = parse_date(as_of)
    language = (lang or default_lang()).value
    files = expand_paths(paths)
    if output is not None:
        _refuse_input_as_output(output, files)
    ruleset = load_ruleset()
    catalogue = load_catalogue()
    check_params(catalogue, ruleset)
    items: list[Obligation] = []
    errors: list[tuple[str, str]] = []
    for path in files:
        loaded = load_path(path, day, show_pii)
        if isinstance(loaded, IcpcheckError):
            print(f"icpcheck: error: {loaded}", file=sys.stderr)
            errors.append((clean(str(path)), str(loaded)))
            continue
        profile = loaded.profile
        redactor = None if show_pii else Redactor.for_profile(profile)
        found = obligations_for(
            profile,
            ruleset,
            as_of=day,
            within=within,
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
    items.sort(key=sort_key)
    fmt = format_.value
    color = output is None and fmt == "text" and sys.stdout.isatty()
    text = render(fmt, items, errors, View(day, within, language, color))
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(Path(output), text)
    if errors:
        raise typer.Exit(EXIT_INPUT)
    pressing = any(item.status != "upcoming" for item in items)
    raise typer.Exit(EXIT_GAPS if pressing else EXIT_OK)


def _refuse_input_as_output(output: str, inputs: list[Path]) -> None:
    from icpcheck.errors import UsageError

    target = Path(output)
    for path in inputs:
        same = (
            os.path.samefile(path, target)
            if path.exists() and target.exists()
            else path.resolve() == target.resolve()
        )
        if same:
            raise UsageError(
                f"--output {output}: this is one of the input profiles; refusing to overwrite it"
            )


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`: a reader never sees
    a half-written file, and a failure leaves the old file in place."""
    from icpcheck.errors import UsageError

    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
