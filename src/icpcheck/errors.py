"""Errors that reach the user as one line and exit code 2."""

from __future__ import annotations


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
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field

    def __reduce__(self) -> tuple[object, ...]:
        # Keep file/line/field across processes (the parallel batch pickles outcomes).
        return (_rebuild, (type(self), self.message, self.file, self.line, self.column, self.field))

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
) -> IcpcheckError:
    return cls(message, file=file, line=line, column=column, field=field)
