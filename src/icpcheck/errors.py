"""Errors that reach the user as one line and exit code 2."""

from __future__ import annotations

from collections.abc import Sequence


class IcpcheckError(Exception):
    """A problem with the user's input or the rule data; shown as one line, never a traceback."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        more: Sequence[IcpcheckError] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.more = tuple(more)  # further mistakes found in the same run (a profile's other fields)

    def each(self) -> tuple[IcpcheckError, ...]:
        """This mistake and the others found with it, one line each."""
        return (self, *self.more)

    def __reduce__(self) -> tuple[object, ...]:
        # Keep file/line/field across processes (the parallel batch pickles outcomes).
        return (
            _rebuild,
            (type(self), self.message, self.file, self.line, self.column, self.field, self.more),
        )

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        from icpcheck.textsafe import printable

        field = f"{self.field}: " if self.field else ""
        return printable(f"{where}{field}{self.message}", one_line=True)


class ProfileError(IcpcheckError):
    """The profile file cannot be read or does not follow the profile format."""


class RuleFileError(IcpcheckError):
    """A file under rules/ is broken; the rule set cannot be used."""


class UsageError(IcpcheckError):
    """A command-line option has a value that cannot be used (e.g. an unknown province)."""


def _rebuild(
    cls: type[IcpcheckError],
    message: str,
    file: str | None,
    line: int | None,
    column: int | None,
    field: str | None,
    more: tuple[IcpcheckError, ...] = (),
) -> IcpcheckError:
    return cls(message, file=file, line=line, column=column, field=field, more=more)


MAX_MISTAKES = 20  # per file: enough for a first draft, short enough to read; the rest come after a fix


def gather(mistakes: Sequence[IcpcheckError]) -> IcpcheckError:
    """One error for all the mistakes found in a file, in line order, at most MAX_MISTAKES of them (the last
    line then says how many more there are)."""
    ordered = sorted(mistakes, key=lambda e: (e.line is None, e.line or 0))
    first = ordered[0]
    shown = ordered[:MAX_MISTAKES]
    if len(ordered) > MAX_MISTAKES:
        rest = len(ordered) - MAX_MISTAKES
        note = f"{rest} more mistake{'s' if rest > 1 else ''} not listed (the first {MAX_MISTAKES} are above)"
        shown.append(type(first)(note, file=first.file))
    return type(first)(
        first.message,
        file=first.file,
        line=first.line,
        column=first.column,
        field=first.field,
        more=shown[1:],
    )
