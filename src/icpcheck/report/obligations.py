"""Output formats of `icpcheck obligations`: text table, JSON, Markdown and iCalendar.

Obligations arrive sorted (by due date, undated last) and already cleaned of control characters and
masked; input errors are listed as (profile, message).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from icpcheck.obligations import Obligation, Status
from icpcheck.textsafe import table_cell
from icpcheck.words import LABELS, count

if TYPE_CHECKING:
    from icpcheck.report.writers import WriterContext

STYLE: dict[Status, str] = {
    "overdue": "bold red",
    "due_soon": "yellow",
    "upcoming": "green",
    "undated": "magenta",
}

Errors = Sequence[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class View:
    as_of: dt.date
    within: int
    lang: str
    color: bool = False  # text only: ANSI colours (on a terminal)


def render(fmt: str, items: Sequence[Obligation], errors: Errors, view: View) -> str:
    renderers = {"json": render_json, "ics": render_ics, "markdown": render_markdown, "text": render_text}
    return renderers[fmt](items, errors, view)


def render_json(items: Sequence[Obligation], errors: Errors, view: View) -> str:
    doc = {
        "as_of": view.as_of.isoformat(),
        "within_days": view.within,
        "obligations": [o.to_dict() for o in items],
        "errors": [{"profile": path, "error": message} for path, message in errors],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _heading(view: View) -> str:
    labels = LABELS[view.lang]
    return (
        f"{labels['ob_title']} · {labels['as_of']} {view.as_of.isoformat()} · "
        f"{labels['ob_within']} {count(view.within, 'day', view.lang)}"
    )


def _what(o: Obligation) -> str:
    return f"{o.title} ({o.subject})" if o.subject else o.title


def _detail(o: Obligation, labels: dict[str, str]) -> str:
    """What the date column alone does not say: a missing date, an open window, a note."""
    parts = []
    if o.status == "undated":
        parts.append(labels["ob_provide"].format(field=o.field))
    elif o.window_start is not None:
        parts.append(labels["ob_window"].format(start=o.window_start.isoformat()))
    if o.note:
        parts.append(o.note)
    return "; ".join(parts)


def _summary(items: Sequence[Obligation], labels: dict[str, str]) -> str:
    counts = {s: 0 for s in STYLE}
    for o in items:
        counts[o.status] += 1
    return labels["ob_summary"].format(**counts)


def _sources(items: Sequence[Obligation], labels: dict[str, str]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for o in items:
        seen.setdefault(o.id, o.source + ("" if o.verified else f" ({labels['ob_unverified']})"))
    return sorted(seen.items())


def render_text(items: Sequence[Obligation], errors: Errors, view: View) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    labels = LABELS[view.lang]
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=view.color,
        no_color=not view.color,
        width=120,
        highlight=False,
        soft_wrap=False,
    )
    console.print(
        Text(
            _heading(view),
            style="bold",
        )
    )
    if not items:
        console.print(labels["ob_none"])
    else:
        table = Table(show_edge=False, pad_edge=False, expand=False)
        for column in ("ob_due", "status", "ob_days", "company", "ob_obligation"):
            table.add_column(labels[column], no_wrap=column in {"ob_due", "ob_days"})
        for o in items:
            style = STYLE[o.status]
            what = Text(_what(o))
            detail = _detail(o, labels)
            if detail:
                what.append(f"\n{detail}", style="dim")
            what.append(f"\n{o.id}", style="dim")
            table.add_row(
                Text(o.due.isoformat() if o.due else "—", style=style),
                Text(labels["ob_" + o.status], style=style),
                Text("" if o.days is None else str(o.days), style=style),
                Text(f"{o.company}\n{o.profile}"),
                what,
            )
        console.print(table)
        console.print(_summary(items, labels))
        console.print(Text(f"{labels['sources']}:", style="bold"))
        for key, source in _sources(items, labels):
            console.print(Text(f"  {key}: {source}", style="dim"), soft_wrap=True)  # a citation is one line
    for path, message in errors:
        console.print(Text(f"{labels['ob_errors']}: {path}: {message}", style="red"))
    return buffer.getvalue()


def render_markdown(items: Sequence[Obligation], errors: Errors, view: View) -> str:
    labels = LABELS[view.lang]
    out = [f"## {_heading(view)}\n\n"]
    if not items:
        out.append(labels["ob_none"] + "\n")
    else:
        out.append(
            f"| {labels['ob_due']} | {labels['status']} | {labels['ob_days']} | {labels['company']} "
            f"| {labels['profile']} | {labels['ob_obligation']} |\n|---|---|---|---|---|---|\n"
        )
        for o in items:
            detail = _detail(o, labels)
            what = table_cell(_what(o)) + (f"<br>{table_cell(detail)}" if detail else "") + f" `{o.id}`"
            out.append(
                f"| {o.due.isoformat() if o.due else '—'} | {labels['ob_' + o.status]} "
                f"| {'' if o.days is None else o.days} | {table_cell(o.company)} "
                f"| `{table_cell(o.profile)}` | {what} |\n"
            )
        out.append(f"\n{_summary(items, labels)}\n\n**{labels['sources']}**\n\n")
        out.extend(f"- `{key}`: {table_cell(source)}\n" for key, source in _sources(items, labels))
    if errors:
        out.append(f"\n**{labels['ob_errors']}**\n\n")
        out.extend(f"- `{table_cell(path)}`: {table_cell(message)}\n" for path, message in errors)
    return "".join(out)


def render_ics(items: Sequence[Obligation], errors: Errors, view: View) -> str:
    """One all-day event per obligation on its due date (undated ones on the evaluation date, marked so).
    The description carries the company, the subject, the note and the source — never the profile's file
    name or any personal field."""
    from icalendar import Calendar, Event

    as_of, labels = view.as_of, LABELS[view.lang]
    cal = Calendar()
    cal.add("prodid", "-//icpcheck//obligations//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"icpcheck · {labels['ob_title']}")
    stamp = dt.datetime.combine(as_of, dt.time(0, 0), tzinfo=dt.timezone.utc)
    for o in items:
        day = o.due or as_of
        event = Event()
        key = "\x1f".join((o.profile, o.company, o.id, o.subject or ""))
        event.add("uid", hashlib.sha256(key.encode()).hexdigest()[:32] + "@icpcheck")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        prefix = f"[{labels['ob_undated']}] " if o.status == "undated" else ""
        event.add("summary", f"{prefix}{o.company}: {_what(o)}")
        lines = [
            f"{labels['company']}: {o.company}",
            f"{labels['ob_obligation']}: {_what(o)} ({o.id})",
        ]
        detail = _detail(o, labels)
        if detail:
            lines.append(detail)
        lines.append(
            f"{labels['sources']}: {o.source}" + ("" if o.verified else f" ({labels['ob_unverified']})")
        )
        event.add("description", "\n".join(lines))
        event.add("categories", [o.id])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    text: str = cal.to_ical().decode("utf-8")
    return text


class ObligationsWriter:
    """The registry's writer of an obligations report (report.writers.COMMAND_FORMATS): fed obligations and
    input errors (profile, message), it renders them at the end, sorted by due date, since the report is one
    table across profiles. Values are cleaned when the obligations are made, so it escapes itself: the text
    keeps its colour codes, iCalendar its CRLF line ends."""

    fmt = "text"
    escapes_itself = True

    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx
        self.items: list[Obligation] = []
        self.errors: list[tuple[str, str]] = []

    def begin(self) -> str:
        return ""

    def add(self, item: Obligation | tuple[str, str]) -> str:
        if isinstance(item, tuple):
            self.errors.append(item)
        else:
            self.items.append(item)
        return ""

    def end(self) -> str:
        from icpcheck.obligations import sort_key

        view = View(self.ctx.as_of, self.ctx.within, self.ctx.lang, self.ctx.color)
        return render(self.fmt, sorted(self.items, key=sort_key), self.errors, view)


class JsonWriter(ObligationsWriter):
    fmt = "json"


class MarkdownWriter(ObligationsWriter):
    fmt = "markdown"


class IcsWriter(ObligationsWriter):
    fmt = "ics"
