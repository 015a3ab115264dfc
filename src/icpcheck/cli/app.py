"""The Typer app, shared options and the error boundary (one-line messages, exit codes)."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core
import typer.main

from icpcheck import __version__
from icpcheck.choices import Lang
from icpcheck.errors import IcpcheckError, UsageError

if TYPE_CHECKING:
    from icpcheck.config import Settings

_APP_SETTINGS: dict[str, Any] = {
    "name": "icpcheck",
    "help": "ICP filing (备案) and ICP licence (经营许可证) eligibility: gap reports and materials "
    "checklists.",
    "no_args_is_help": True,
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}
app = typer.Typer(**_APP_SETTINGS)

EXIT_OK, EXIT_GAPS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

# typer labels values by Python type (<list[str]>, <int range>, <float>); --help says what to write instead.
_READABLE = {"str": "TEXT", "int": "N", "int range": "N", "float": "SECONDS", "path": "PATH", "file": "FILE"}


def _readable_type(display_type: Callable[[Any, Any], str]) -> Callable[[Any, Any], str]:
    def readable(self: Any, ctx: Any) -> str:
        label = display_type(self, ctx).removeprefix("<").removesuffix(">")
        label = label.removeprefix("list[").removesuffix("]")  # repeatable: the help says so
        return _READABLE.get(label) or (f"[{label}]" if "|" in label else label.upper())

    return readable


typer.core._TyperParameter.display_type = _readable_type(  # type: ignore[method-assign,assignment]
    typer.core._TyperParameter.display_type
)
_state = {"debug": False}


def settings_for(formats: Any = None, **flags: Any) -> Settings:
    """The command's settings, one model for flags and configuration: each of `flags` as given on the
    command line (None: not given), else the project configuration's value, else the default. `formats`:
    the command's formats (a Literal), when it has a --format."""
    from icpcheck.config import resolve
    from icpcheck.provinces import use_places_of

    # Place names (深圳, 浦东) resolve with the divisions.tsv of --rules DIR: in --province, then in the
    # profiles the command reads (and the configured rules directory's, once the configuration is read).
    use_places_of(flags.get("rules"))
    settings = resolve(flags, formats)
    use_places_of(settings.rules)
    return settings


def parse_date(value: str | None, option: str = "--as-of") -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: not a date YYYY-MM-DD ({value[:40]!r})") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:  # date arithmetic (months, working days) needs room around it
        raise UsageError(f"{option}: {value} is outside the years {MIN_YEAR}–{MAX_YEAR} icpcheck evaluates")
    return day


MIN_YEAR, MAX_YEAR = 1900, 2999


MAX_TIMEOUT = 3600.0


def check_timeout(value: float, option: str = "--timeout") -> float:
    """Seconds for network waits: more than 0, finite, at most an hour (nan and inf are refused too)."""
    if not 0 < value <= MAX_TIMEOUT:
        raise UsageError(f"{option}: must be more than 0 and at most {MAX_TIMEOUT:g} seconds, not {value:g}")
    return value


LangOption = Annotated[
    Lang | None,
    typer.Option("--lang", help="Language (default: the configured one, else from the locale, else zh)."),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Evaluate as of this date (default: today)."),
]
PathsArgument = Annotated[
    list[str],
    typer.Argument(
        help="Profile files, folders (searched for *.yaml/*.yml) or glob patterns.", show_default=False
    ),
]
RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        metavar="DIR",
        help="Rules directory: a custom or amended copy of the bundled rules (default: the configured one, "
        "else the bundled rules).",
    ),
]
OutputOption = Annotated[
    str | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE instead of stdout."),
]


def _version(value: bool) -> None:
    if value:
        print(f"icpcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    _state["debug"] = debug


def run(argv: list[str]) -> int:
    """Run the CLI; every failure becomes one line on stderr and an exit code."""
    for stream in (sys.stdout, sys.stderr):
        # A file name that is not UTF-8 reaches JSON as a lone surrogate: write it as an escape, not a crash.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        result = _app_for(argv)(args=argv, prog_name="icpcheck", standalone_mode=False)
        sys.stdout.flush()  # a full disk behind stdout shows here, inside the error boundary
        return int(result) if isinstance(result, int) else EXIT_OK
    except IcpcheckError as exc:
        from icpcheck.pii import mask_text

        for mistake in exc.each():
            message = str(mistake) if "--show-pii" in argv else mask_text(str(mistake))
            print(f"icpcheck: error: {message}", file=sys.stderr)
        return exc.exit_code
    except typer.Exit as exc:
        try:
            sys.stdout.flush()
        except OSError as flush_error:
            return _write_failed(flush_error)
        return int(exc.exit_code)
    except typer.Abort:
        print("icpcheck: aborted", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("icpcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        if exc.errno in _WRITE_ERRNOS:
            return _write_failed(exc)
        return _internal(exc, argv)
    except Exception as exc:  # the error boundary: no traceback unless --debug
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # a usage error from the parser
            return _usage_error(exc)
        return _internal(exc, argv)
    finally:
        provinces = sys.modules.get("icpcheck.provinces")  # not imported for --help
        if provinces is not None:  # the next run in this process (tests, a library) has the tables' own
            provinces.use_places_of(None)


def _app_for(argv: list[str]) -> typer.Typer:
    """`app` with only the command (or group) that `argv` names, else all of it. Typer builds every
    command's parameters from its signature before it parses (≈ 12 ms for the 15 commands); the one that
    runs is built the same way, so its help, options and errors are the same."""
    name = next((arg for arg in argv if not arg.startswith("-")), None)
    one = typer.Typer(**_APP_SETTINGS)
    one.registered_callback = app.registered_callback
    one.registered_commands = [
        c for c in app.registered_commands if name == (c.name or _command_name(c.callback))
    ]
    one.registered_groups = [g for g in app.registered_groups if name == g.name]
    return one if one.registered_commands or one.registered_groups else app


def _command_name(callback: Callable[..., Any] | None) -> str | None:
    return typer.main.get_command_name(callback.__name__) if callback else None


def _internal(exc: Exception, argv: list[str]) -> int:
    if _state["debug"] or "--debug" in argv:
        raise exc
    from icpcheck.textsafe import printable

    print(
        f"icpcheck: internal error: {type(exc).__name__}: {printable(str(exc), one_line=True)} "
        "(please report it with the command and input; rerun with --debug for the traceback)",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


# Writing the report failed for a reason outside icpcheck: the disk behind --output or stdout.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}


def _write_failed(exc: OSError) -> int:
    print(f"icpcheck: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
    with contextlib.suppress(OSError, ValueError):  # drop what stdout still buffers: exit must not retry
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_INPUT


def _usage_error(exc: Exception) -> int:
    from icpcheck.textsafe import printable

    ctx = getattr(exc, "ctx", None)
    message = printable(exc.format_message())  # type: ignore[attr-defined]
    if type(exc).__name__ == "NoArgsIsHelpError":  # `icpcheck` or `icpcheck rules` alone: show the help
        print(message, file=sys.stderr)
        return EXIT_INPUT
    print(f"icpcheck: error: {message}", file=sys.stderr)
    if ctx is not None:
        print(f"Try '{ctx.command_path} --help'.", file=sys.stderr)
    return EXIT_INPUT
