"""Streaming report writers: the one registry of output formats, for every command whose output is a report.

A writer returns text chunks from begin(), add() and end(), so a batch over thousands of profiles never
holds every report. `FORMATS` are the formats of a findings report (eligibility, site), fed one profile
outcome at a time; `COMMAND_FORMATS` those of the other commands' reports, fed that command's items. Formats
are imported lazily by name; the human-readable ones are made printable here, whatever the command.

A findings writer's render() is its per-profile part, a pure function of the outcome: the pipeline runs it
where the profile was evaluated (a worker process), so the parent's add() only takes the finished text, keeps
what the closing part needs (verdicts, errors, whether anything was written) and hands the text on.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

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

# Reports of the other commands: command -> format -> writer.
COMMAND_FORMATS: dict[str, dict[str, str]] = {
    "domain": {
        "text": "icpcheck.report.domain:DomainTextWriter",
        "json": "icpcheck.report.domain:DomainJsonWriter",
    },
    "obligations": {
        "text": "icpcheck.report.obligations:ObligationsWriter",
        "json": "icpcheck.report.obligations:JsonWriter",
        "markdown": "icpcheck.report.obligations:MarkdownWriter",
        "ics": "icpcheck.report.obligations:IcsWriter",
    },
    "classify": {
        "text": "icpcheck.report.plan:ClassifyTextWriter",
        "json": "icpcheck.report.plan:ClassifyJsonWriter",
    },
    "timeline": {
        "text": "icpcheck.report.plan:TimelineTextWriter",
        "json": "icpcheck.report.plan:TimelineJsonWriter",
    },
}


@dataclass(slots=True)
class WriterContext:
    as_of: dt.date
    lang: str
    ruleset: RuleSet
    color: bool = False
    within: int = 0  # obligations: the reminder window in days
    verdicts: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # for summaries


Item = TypeVar("Item", contravariant=True)


class ItemWriter(Protocol[Item]):
    def begin(self) -> str: ...

    def add(self, item: Item, /) -> str: ...

    def end(self) -> str: ...


class Writer(Protocol):
    """A findings report's writer: render() runs where the profile is evaluated, add() where it is written."""

    def begin(self) -> str: ...

    def render(self, outcome: ProfileOutcome, /) -> str: ...

    def add(self, outcome: ProfileOutcome, /) -> str: ...

    def end(self) -> str: ...


# Formats read by people (or parsed as XML) carry no control characters; the findings text report escapes
# its values itself (its own colour codes must survive), JSON and SARIF escape them by the JSON rules.
_PRINTABLE = {"markdown", "github", "junit", "html"}


def make_writer(name: str, ctx: WriterContext) -> Writer:
    writer: Writer = _load(FORMATS[name], ctx)
    return _PrintableReport(writer) if name in _PRINTABLE else writer


def make_command_writer(command: str, name: str, ctx: WriterContext) -> ItemWriter[Any]:
    """The writer of `command`'s report in format `name`, made printable unless it is JSON or the writer
    escapes its values itself (`escapes_itself`)."""
    writer: ItemWriter[Any] = _load(COMMAND_FORMATS[command][name], ctx)
    return writer if name == "json" or getattr(writer, "escapes_itself", False) else _Printable(writer)


def _load(target: str, ctx: WriterContext) -> Any:
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)(ctx)


@dataclass(slots=True)
class _Printable:
    writer: ItemWriter[Any]

    def begin(self) -> str:
        return printable(self.writer.begin())

    def add(self, item: Any) -> str:
        return printable(self.writer.add(item))

    def end(self) -> str:
        return printable(self.writer.end())


@dataclass(slots=True)
class _PrintableReport(_Printable):
    """A findings writer made printable: its per-profile text where it is rendered, the rest when written."""

    def render(self, outcome: ProfileOutcome) -> str:
        return printable(cast("Writer", self.writer).render(outcome))

    def add(self, item: Any) -> str:
        if item.rendered is None:
            item.rendered = self.render(item)
        return self.writer.add(item)


def rendered(writer: Writer, outcome: ProfileOutcome) -> str:
    """The outcome's text: rendered where it was evaluated, else now."""
    return outcome.rendered if outcome.rendered is not None else writer.render(outcome)


def record_verdicts(ctx: WriterContext, outcome: ProfileOutcome) -> None:
    """Remember each profile's verdicts (small) for the closing summary table."""
    verdicts = outcome.verdicts()
    ctx.verdicts.append((outcome.path, verdicts if outcome.error is None else {"error": "error"}))


def type_lines(outcome: ProfileOutcome, lang: str) -> list[str]:
    """One line per type, "checked ICP filing — needed: …": which types were evaluated for the profile, and
    why (asked for, or what classify concluded under --type auto). Every human format shows them."""
    from icpcheck.words import LABELS

    w = LABELS[lang]
    return [
        f"{w['checked' if c.evaluated else 'not_checked']} {w.get(c.type, c.type)} — {c.reason}"
        for c in outcome.types
    ]
