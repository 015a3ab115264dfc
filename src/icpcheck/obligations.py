"""What falls due after approval: annual reports, renewals, change and public-security filings.

The obligations are data (rules/guidance/obligations.yaml): which profiles they concern (a rule-DSL
condition), which profile date they count from, and their source. Each is dated against the evaluation date:
`overdue` (the due date has passed), `due_soon` (due within the given number of days), `upcoming`, or
`undated` when the profile lacks the date it counts from — reported, never dropped, naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from icpcheck.data import rules_dir
from icpcheck.engine.conditions import Ctx, Node, add_months
from icpcheck.engine.loader import Bilingual, RuleSet, StrictModel, compile_at, format_text, load_spec
from icpcheck.engine.paths import ABSENT, compile_path, join, resolve
from icpcheck.errors import RuleFileError
from icpcheck.profile.model import Profile
from icpcheck.sources import cite, source_refs
from icpcheck.textsafe import printable

Status = Literal["overdue", "due_soon", "upcoming", "undated"]
STATUSES: tuple[Status, ...] = ("overdue", "due_soon", "upcoming", "undated")
_OFFSET = re.compile(r"^-?\$[a-z][a-z0-9_.]*$")


class DueSpec(StrictModel):
    when: dict[str, Any] | None = None
    field: str | None = None
    offset_days: int = 0
    offset_months: int | str = 0  # whole months, "$param" or "-$param"
    window: tuple[int, int] | None = None  # first and last month of a yearly window
    after: str | None = None  # with window: skip windows in or before this date's year
    done_year: str | None = None  # with window: the year of the last window whose report was submitted
    note: Bilingual | None = None

    @field_validator("offset_months")
    @classmethod
    def _offset(cls, value: int | str) -> int | str:
        if isinstance(value, str) and not _OFFSET.match(value):
            raise ValueError("a whole number, $param or -$param")
        return value

    @field_validator("window")
    @classmethod
    def _window(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and not 1 <= value[0] <= value[1] <= 12:
            raise ValueError("[first_month, last_month] with 1 <= first <= last <= 12")
        return value


class ObligationSpec(StrictModel):
    id: str = Field(pattern=r"^obligation\.[a-z0-9_]+$")
    title: Bilingual
    applies: dict[str, Any] | None = None
    done: dict[str, Any] | None = None
    each: str | None = None
    subject: str | None = None
    due: list[DueSpec] = Field(min_length=1)
    source: str = Field(min_length=1)
    verified: bool = True
    reason: str | None = None


class ObligationsFile(StrictModel):
    conditions: dict[str, dict[str, Any]] = Field(default_factory=dict)
    obligations: list[ObligationSpec]


@dataclass(frozen=True, slots=True)
class _Case:
    spec: DueSpec
    when: Node | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    spec: ObligationSpec
    applies: Node | None
    done: Node | None
    cases: tuple[_Case, ...]


@dataclass(frozen=True, slots=True)
class Catalogue:
    obligations: tuple[_Compiled, ...]
    named: dict[str, Node]

    @property
    def ids(self) -> list[str]:
        return [o.spec.id for o in self.obligations]


@dataclass(slots=True)
class Obligation:
    profile: str  # the profile file
    company: str  # the subject's name (masked for individuals unless --show-pii)
    id: str
    title: str
    subject: str | None  # the domain, permit or change it is about
    due: dt.date | None
    window_start: dt.date | None  # yearly reports: when the window opens
    status: Status
    days: int | None  # days from the evaluation date to the due date (negative: overdue)
    note: str | None
    field: str | None  # the date it counts from, or the field to provide when undated
    source: str
    verified: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "company": self.company,
            "id": self.id,
            "subject": self.subject,
            "due": self.due.isoformat() if self.due else None,
            "window_start": self.window_start.isoformat() if self.window_start else None,
            "days": self.days,
            "title": self.title,
            "status": self.status,
            "note": self.note,
            "field": self.field,
            "source": self.source,
            "sources": source_refs(self.source),
            "verified": self.verified,
        }


def load_catalogue(path: Path | None = None) -> Catalogue:
    return _load(str(path or rules_dir() / "guidance" / "obligations.yaml"))


@lru_cache(maxsize=4)
def _load(path: str) -> Catalogue:
    spec, source = load_spec(Path(path), ObligationsFile)
    assert isinstance(spec, ObligationsFile)
    named = {name: compile_at(raw, source, ("conditions", name), "") for name, raw in spec.conditions.items()}
    compiled = []
    seen: set[str] = set()
    for i, item in enumerate(spec.obligations):
        base: tuple[str | int, ...] = ("obligations", i)
        if item.id in seen:
            raise RuleFileError(
                f"duplicate obligation ID {item.id}", file=source.name, line=source.line_of((*base, "id"))
            )
        seen.add(item.id)
        cases = tuple(
            _Case(case, compile_at(case.when, source, (*base, "due", j), "when") if case.when else None)
            for j, case in enumerate(item.due)
        )
        for j, case in enumerate(item.due):
            if (case.window is None) == (case.field is None):
                raise RuleFileError(
                    "a due case has either 'field' or 'window'",
                    file=source.name,
                    line=source.line_of((*base, "due", j)),
                    field=f"{item.id}.due[{j}]",
                )
        compiled.append(
            _Compiled(
                item,
                compile_at(item.applies, source, base, "applies") if item.applies else None,
                compile_at(item.done, source, base, "done") if item.done else None,
                cases,
            )
        )
    for name, node in named.items():
        for used in node.uses():
            if used not in named:
                raise RuleFileError(f"condition {name} uses unknown condition {used}", file=source.name)
    return Catalogue(tuple(compiled), named)


def check_params(catalogue: Catalogue, ruleset: RuleSet) -> None:
    """Every $param an obligation counts with exists in the rule set's parameters."""
    for item in catalogue.obligations:
        for case in item.cases:
            names = (
                {str(case.spec.offset_months).lstrip("-$")}
                if isinstance(case.spec.offset_months, str)
                else set()
            )
            names |= case.when.params() if case.when else set()
            for name in names - set(ruleset.national):
                raise RuleFileError(f"unknown parameter {name}", file="obligations.yaml", field=item.spec.id)


def obligations_for(
    profile: Profile,
    ruleset: RuleSet,
    *,
    as_of: dt.date,
    within: int = 30,
    lang: str = "zh",
    name: str = "",
    company: str | None = None,
    catalogue: Catalogue | None = None,
) -> list[Obligation]:
    """Every obligation of one profile, in catalogue order (callers sort by due date)."""
    catalogue = catalogue or load_catalogue()
    params = ruleset.params_for(profile.company.province, as_of)
    ctx = Ctx(profile, params, as_of, catalogue.named)
    label = clean(company if company is not None else profile.company.name)
    out: list[Obligation] = []
    for item in catalogue.obligations:
        spec = item.spec
        if item.applies is not None and item.applies.evaluate(ctx, profile, "").value is False:
            continue
        for target, prefix in _targets(profile, spec.each):
            if item.done is not None and item.done.evaluate(ctx, target, prefix).value is True:
                continue
            case = next(
                (c for c in item.cases if c.when is None or c.when.evaluate(ctx, target, prefix).value),
                None,
            )
            if case is None:
                continue
            due, start, field = _due(case.spec, ctx, target, prefix)
            note = format_text(case.spec.note.get(lang), params, lang) if case.spec.note else None
            out.append(
                Obligation(
                    profile=clean(name),
                    company=label,
                    id=spec.id,
                    title=format_text(spec.title.get(lang), params, lang),
                    subject=_subject(target, spec.subject),
                    due=due,
                    window_start=start,
                    status=status_of(due, as_of, within),
                    days=(due - as_of).days if due else None,
                    note=note,
                    field=field,
                    source=cite(spec.source),
                    verified=spec.verified,
                )
            )
    return out


def status_of(due: dt.date | None, as_of: dt.date, within: int) -> Status:
    """overdue: before the evaluation date; due_soon: within `within` days (inclusive); else upcoming."""
    if due is None:
        return "undated"
    if due < as_of:
        return "overdue"
    return "due_soon" if (due - as_of).days <= within else "upcoming"


def sort_key(item: Obligation) -> tuple[int, dt.date, str, str]:
    """By due date (overdue first, as they are the earliest); undated last."""
    return (item.due is None, item.due or dt.date.max, item.profile, item.id)


def _targets(profile: Profile, each: str | None) -> Iterable[tuple[Any, str]]:
    if each is None:
        return [(profile, "")]
    items = resolve(profile, compile_path(each))
    if not isinstance(items, list):
        return []
    return [(value, f"{each}[{i}]") for i, value in enumerate(items)]


def _subject(target: Any, path: str | None) -> str | None:
    if path is None:
        return None
    value = resolve(target, compile_path(path.lstrip("/")))
    if value is ABSENT or value is None or value == []:
        return None
    return clean(", ".join(map(str, value)) if isinstance(value, list) else str(value))


def _due(
    case: DueSpec, ctx: Ctx, target: Any, prefix: str
) -> tuple[dt.date | None, dt.date | None, str | None]:
    """(due date, window start, field): the field the date counts from, or the one to provide."""
    if case.window is not None:
        first, last = case.window
        year = ctx.as_of.year
        if ctx.as_of > _month_end(year, last):
            year += 1
        after = resolve(ctx.root, compile_path(case.after)) if case.after else None
        first_year = after.year + 1 if isinstance(after, dt.date) else None  # the first window it owes
        if first_year is not None and first_year > year:
            year = first_year
        done = resolve(ctx.root, compile_path(case.done_year)) if case.done_year else None
        if isinstance(done, int) and not isinstance(done, bool):
            # the first window not reported, even a past one: a missed report is overdue
            year = max(done + 1, first_year or 0)
        return _month_end(year, last), dt.date(year, first, 1), case.done_year or case.after
    assert case.field is not None
    absolute = case.field.startswith("/") or not prefix
    path = case.field.lstrip("/")
    field = path if absolute else join(prefix, path)
    value = resolve(ctx.root if absolute else target, compile_path(path))
    if not isinstance(value, dt.date):
        return None, None, field
    months = case.offset_months
    if isinstance(months, str):
        sign = -1 if months.startswith("-") else 1
        months = sign * int(ctx.params[months.lstrip("-$")])
    return add_months(value, months) + dt.timedelta(days=case.offset_days), None, field


def _month_end(year: int, month: int) -> dt.date:
    return add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)


def clean(text: str) -> str:
    """Profile text on one line with control characters, bidi overrides and the like shown as escapes, so
    no output format (text, markdown, JSON, iCalendar) carries them raw."""
    return printable(text, one_line=True)
