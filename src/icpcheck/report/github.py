"""GitHub Actions workflow commands: `::error file=…,line=…,title=…::message` annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from icpcheck.findings import Severity, Status
from icpcheck.report.writers import rendered, type_lines
from icpcheck.words import LABELS

if TYPE_CHECKING:
    from icpcheck.findings import ProfileOutcome
    from icpcheck.report.writers import WriterContext

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(command: str, path: str, line: int | None, title: str, message: str) -> str:
    props = f"file={_prop(path)}" + (f",line={line}" if line else "") + f",title={_prop(title)}"
    return f"::{command} {props}::{_data(message)}\n"


class GithubWriter:
    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx

    def begin(self) -> str:
        return ""

    def add(self, outcome: ProfileOutcome) -> str:
        return rendered(self, outcome)

    def render(self, outcome: ProfileOutcome) -> str:
        if outcome.error is not None:
            return "".join(
                annotation("error", outcome.path, err.line, "icpcheck input error", str(err))
                for err in outcome.error.each()
            )
        out = []
        for result in outcome.results:
            for f in result.findings:
                if f.status not in (Status.FAIL, Status.UNKNOWN):
                    continue
                command = "warning" if f.status is Status.UNKNOWN else _COMMAND[f.severity]
                message = f"{f.message}" + (f" — {f.remediation}" if f.remediation else "")
                out.append(annotation(command, outcome.path, f.line, f"{f.rule} ({result.type})", message))
        if outcome.types:  # which types were checked and why, after the profile's findings (one notice)
            title, lines = (
                LABELS[self.ctx.lang]["types_checked"],
                "\n".join(type_lines(outcome, self.ctx.lang)),
            )
            out.append(annotation("notice", outcome.path, None, title, lines))
        return "".join(out)

    def end(self) -> str:
        return ""
