"""Streaming report writers: one per output format, fed one profile outcome at a time.

A writer returns text chunks from begin(), add() and end(), so a batch over thousands of profiles never
holds every report. Formats are imported lazily by name.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from icpcheck.textsafe import printable

if TYPE_CHECKING:
    from icpcheck.engine import RuleSet
    from icpcheck.findings import ProfileOutcome

FORMATS = {
    "text": "icpcheck.report.text:TextWriter",
    "json": "icpcheck.report.json:JsonWriter",
    "sarif": "icpcheck.report.sarif:SarifWriter",
    "junit": "icpcheck.report.junit:JunitWriter",
    "markdown": "icpcheck.report.markdown:MarkdownWriter",
    "github": "icpcheck.report.github:GithubWriter",
    "html": "icpcheck.report.html:HtmlWriter",
}


@dataclass(slots=True)
class WriterContext:
    as_of: dt.date
    lang: str
    ruleset: RuleSet
    color: bool = False
    verdicts: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # for summaries


class Writer(Protocol):
    def begin(self) -> str: ...

    def add(self, outcome: ProfileOutcome) -> str: ...

    def end(self) -> str: ...


# Formats read by people (or parsed as XML) carry no control characters; text escapes its values itself
# (its own colour codes must survive), JSON and SARIF escape them by the JSON rules.
_PRINTABLE = {"markdown", "github", "junit", "html"}


def make_writer(name: str, ctx: WriterContext) -> Writer:
    module, cls = FORMATS[name].split(":")
    writer: Writer = getattr(importlib.import_module(module), cls)(ctx)
    return _Printable(writer) if name in _PRINTABLE else writer


@dataclass(slots=True)
class _Printable:
    writer: Writer

    def begin(self) -> str:
        return printable(self.writer.begin())

    def add(self, outcome: ProfileOutcome) -> str:
        return printable(self.writer.add(outcome))

    def end(self) -> str:
        return printable(self.writer.end())


def record_verdicts(ctx: WriterContext, outcome: ProfileOutcome) -> None:
    """Remember each profile's verdicts (small) for the closing summary table."""
    verdicts = {r.type: r.verdict.value for r in outcome.results}
    ctx.verdicts.append((outcome.path, verdicts if outcome.error is None else {"error": "error"}))
