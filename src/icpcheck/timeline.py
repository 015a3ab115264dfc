"""Dated plans for a filing or a licence application, counted in Chinese working days.

Working days follow the State Council holiday schedule (holidays off, make-up Saturdays/Sundays on) via the
chinesecalendar package. For a year it does not know yet, the statutory holidays of 全国年节及纪念日放假办法
(2024 revision) are off besides weekends, without the make-up days the yearly schedule adds, and the plan
says so. A step counted in working days starts on a working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from icpcheck.engine.loader import Bilingual, StrictModel, load_spec
from icpcheck.provinces import Province
from icpcheck.sources import cite, source_refs

if TYPE_CHECKING:
    from icpcheck.engine.loader import RuleSet


class StepSpec(StrictModel):
    id: str
    title: Bilingual
    unit: str | None = None  # working | calendar
    unit_param: str | None = None  # or: the parameter that says which (rules/params, per province)
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    days: str | None = None  # a parameter with the number of days (per province, dated)
    note_param: str | None = None  # a parameter with a note on the step (e.g. an agency's own target)
    source: str = Field(min_length=1)


class TimelineFile(StrictModel):
    filing: list[StepSpec]
    licence: list[StepSpec]


@dataclass(slots=True)
class Step:
    id: str
    title: str
    unit: str
    days: tuple[int, int]
    start: dt.date
    end_earliest: dt.date
    end_latest: dt.date
    source: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "note": self.note,
            "id": self.id,
            "title": self.title,
            "unit": self.unit,
            "days": list(self.days),
            "start": self.start.isoformat(),
            "end_earliest": self.end_earliest.isoformat(),
            "end_latest": self.end_latest.isoformat(),
            "source": self.source,
            "sources": source_refs(self.source),
        }


@dataclass(slots=True)
class Plan:
    type: str
    province: str
    start: dt.date
    steps: list[Step] = field(default_factory=list)
    fallback_years: list[int] = field(default_factory=list)  # years counted without the official schedule

    @property
    def end_latest(self) -> dt.date:
        return self.steps[-1].end_latest if self.steps else self.start

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "province": self.province,
            "start": self.start.isoformat(),
            "end_latest": self.end_latest.isoformat(),
            "weekends_only_years": self.fallback_years,
            "steps": [s.to_dict() for s in self.steps],
        }


class WorkingDays:
    """is_workday with the official schedule where known, the statutory holidays beyond it (remembering the
    years)."""

    def __init__(self) -> None:
        self.fallback: set[int] = set()

    def is_workday(self, day: dt.date) -> bool:
        import chinese_calendar

        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:  # the package only knows the schedules published so far
            self.fallback.add(day.year)
            return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def next_workday(self, day: dt.date) -> dt.date:
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def add(self, start: dt.date, days: int) -> dt.date:
        """The date on which `days` working days starting at `start` (inclusive) are complete."""
        day, counted = start, 0
        while True:
            if self.is_workday(day):
                counted += 1
                if counted >= days:
                    return day
            day += dt.timedelta(days=1)


@cache
def statutory_holidays(year: int) -> frozenset[dt.date]:
    """The days off that 全国年节及纪念日放假办法 (国务院令第795号, 2024 revision) fixes for every year: 元旦
    1 day, 春节 4 (除夕 to 正月初三), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3. The yearly schedule moves
    weekends around them (make-up days), which only its publication tells."""
    import chinese_calendar
    from lunardate import LunarDate

    def lunar(month: int, day: int) -> dt.date:
        solar: dt.date = LunarDate(year, month, day).to_solar_date()
        return solar

    new_year = lunar(1, 1)
    spring = [new_year + dt.timedelta(days=n) for n in range(-1, 3)]
    qingming = [
        d
        for d, name in chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
        if name == "清明"
    ]
    fixed = [dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 5, 2)]
    fixed += [dt.date(year, 10, d) for d in (1, 2, 3)]
    return frozenset([*fixed, *spring, *qingming, lunar(5, 5), lunar(8, 15)])


def _load(directory: Path) -> TimelineFile:
    spec: TimelineFile = load_spec(directory / "guidance" / "timeline.yaml", TimelineFile)[0]
    return spec


def plan(
    kind: str, province: Province, start: dt.date, lang: str = "zh", ruleset: RuleSet | None = None
) -> Plan:
    """The plan from `start`; durations that differ per province are parameters in force at `start`
    (of `ruleset`, default: the bundled rules, whose directory also holds the steps)."""
    from icpcheck.engine import load_ruleset

    ruleset = ruleset or load_ruleset()
    spec = _load(ruleset.directory)
    params = ruleset.params_for(province.key, start)
    calendar = WorkingDays()
    result = Plan(kind, province.key, start)
    cursor_early = cursor_late = start
    for step in getattr(spec, kind):
        unit = step.unit or str(params.get(step.unit_param or "", "calendar"))
        if unit == "working":  # counted in working days: it starts on one, not on a weekend or holiday
            cursor_early, cursor_late = (
                calendar.next_workday(cursor_early),
                calendar.next_workday(cursor_late),
            )
        source = step.source
        if step.days:
            n = int(params[step.days])
            low, high = n, n
            source = f"{step.days}: {ruleset.param_spec(step.days, province.key).source_at(start)}"
        else:
            low, high = step.min or 0, step.max or 0
        raw_note = params.get(step.note_param or "")
        note = raw_note.get(lang, "") if isinstance(raw_note, dict) else str(raw_note or "")
        early = _advance(calendar, cursor_early, low, unit)
        late = _advance(calendar, cursor_late, high, unit)
        result.steps.append(
            Step(
                step.id,
                step.title.get(lang),
                unit,
                (low, high),
                cursor_early,
                early or cursor_early,
                late or cursor_late,
                cite(source),
                cite(note),
            )
        )
        cursor_early = early + dt.timedelta(days=1) if early else cursor_early
        cursor_late = late + dt.timedelta(days=1) if late else cursor_late
    result.fallback_years = sorted(calendar.fallback)
    return result


def _advance(calendar: WorkingDays, start: dt.date, days: int, unit: str) -> dt.date | None:
    """Last day of a step of `days` days starting at `start`; None for a step that takes no time."""
    if days <= 0:
        return None
    if unit == "working":
        return calendar.add(start, days)
    return start + dt.timedelta(days=days - 1)


def render_text(result: Plan, lang: str, *, origin: str = "") -> str:
    """The plan as text in one language: the line that explains the notation, a heading, one line per step
    with its source and note, the latest end. `origin`: the profile the province and type were taken from."""
    from icpcheck.provinces import province_name
    from icpcheck.words import LABELS, count

    w = LABELS[lang]
    where = province_name(result.province, lang)
    lines = [
        w["tl_notation"],
        w["tl_head"].format(type=w[result.type], province=where, start=result.start.isoformat()),
    ]
    if origin:
        lines.append(w["tl_from_profile"].format(path=origin))
    for step in result.steps:
        low, high = step.days
        span = count(low, "working_day" if step.unit == "working" else "day", lang, high)
        ends = (
            step.end_latest.isoformat()
            if step.end_earliest == step.end_latest
            else f"{step.end_earliest.isoformat()} … {step.end_latest.isoformat()}"
        )
        lines.append(
            f"  {step.start.isoformat()} → {ends}  {step.title}（{span}）"
            if lang == "zh"
            else f"  {step.start.isoformat()} → {ends}  {step.title} ({span})"
        )
        lines.append(f"      {w['source']}: {step.source}")
        if step.note:
            lines.append(f"      {w['note']}: {step.note}")
    lines.append("  " + w["tl_done"].format(date=result.end_latest.isoformat()))
    if result.fallback_years:
        years = ("、" if lang == "zh" else ", ").join(str(y) for y in result.fallback_years)
        lines.append("  " + w["tl_weekends"].format(years=years))
    return "\n".join(lines) + "\n"
