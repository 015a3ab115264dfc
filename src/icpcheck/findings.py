"""The finding model, at the bottom of the import graph: statuses, severities, findings, results, reports and
the outcome of one profile — the shapes every command produces and every renderer consumes.

This module imports nothing of icpcheck, so the engine, the fact gatherers, policy and masking can all build
findings without importing anything above them (tests/test_layers.py keeps it that way). A finding keeps its
`source` as the rule wrote it; renderers name each seed by its title (`icpcheck.sources.cite`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from icpcheck.errors import IcpcheckError  # a bottom module too


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    SKIP = "skip"
    WAIVED = "waived"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FailOn(str, Enum):
    """What makes exit code 1 (--fail-on and `fail_on:` take these values; the CLI lists them). Each level
    includes the ones before it: never < error < unknown < warning."""

    never = "never"
    error = "error"  # an error-severity rule fails (a type is not_eligible)
    unknown = "unknown"  # … or a rule is unknown (a type is incomplete): the default, = the verdicts
    warning = "warning"  # … or a warning-severity rule fails


class Verdict(str, Enum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    INCOMPLETE = "incomplete"


@dataclass(slots=True)
class Finding:
    """The outcome of one rule for one profile."""

    rule: str
    status: Status
    severity: Severity
    message: str
    remediation: str
    source: str
    field: str | None = None
    expected: Any = None
    actual: Any = None
    relation: str | None = None  # how actual must stand to expected: gt, ge, lt, le, ne, eq, not_in, in
    line: int | None = None  # line of `field` in the profile file, for SARIF/GitHub annotations
    title: str = ""
    # Dates to act on, where only time changes the outcome (the profile's data otherwise as it is):
    earliest: dt.date | None = None  # a failing rule: the first day it passes
    deadline: dt.date | None = None  # a passing rule: the last day it still passes (renew before then)
    when: str = ""  # that date in a sentence, in the report's language


@dataclass(slots=True)
class Result:
    """All findings of one profile against one licence type (filing or licence)."""

    profile: str
    type: str
    province: str | None
    findings: list[Finding] = field(default_factory=list)
    settled: bool = False  # a `settles` rule failed: its findings alone are the answer for this type

    @property
    def verdict(self) -> Verdict:
        return verdict_of(self.findings)

    @property
    def eligible_from(self) -> dt.date | None:
        return eligible_from(self.findings)


@dataclass(frozen=True, slots=True)
class TypeChoice:
    """Whether a type (filing or licence) was evaluated for a profile, and why: asked for, or what
    `classify` concluded under --type auto."""

    type: str
    evaluated: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "evaluated": self.evaluated, "reason": self.reason}


@dataclass(slots=True)
class ProfileOutcome:
    """One profile through the pipeline: its results, or the input error that stopped it."""

    path: str
    results: list[Result]
    error: IcpcheckError | None = None
    # type -> the tailored materials checklist (icpcheck.materials.Checklist), when asked for
    checklists: dict[str, Any] = field(default_factory=dict)
    rendered: str | None = None  # this profile's report text, when the pipeline was asked to render it
    company: str = ""  # the company's name for report headings (masked like the findings: an individual's)
    types: list[TypeChoice] = field(default_factory=list)  # which types were evaluated, and why
    facts: dict[str, Any] | None = None  # `icpcheck domain`: the whois facts its report shows, masked
    # Set when the profile is rendered (icpcheck.pipeline.evaluate_path): the verdict per type and whether the
    # policy fails the profile, so that a worker process can send the text back without the results.
    summary: dict[str, str] | None = None
    fails: bool | None = None

    def verdicts(self) -> dict[str, str]:
        """Type -> verdict value."""
        if self.summary is not None:
            return self.summary
        return {r.type: r.verdict.value for r in self.results}


@dataclass(slots=True)
class Report:
    as_of: dt.date
    results: list[Result] = field(default_factory=list)


def verdict_of(findings: list[Finding]) -> Verdict:
    """not_eligible if an error-severity rule fails, else incomplete if any rule is unknown, else eligible."""
    unknown = False
    for f in findings:
        if f.status is Status.FAIL and f.severity is Severity.ERROR:
            return Verdict.NOT_ELIGIBLE
        if f.status is Status.UNKNOWN:
            unknown = True
    return Verdict.INCOMPLETE if unknown else Verdict.ELIGIBLE


def eligible_from(findings: list[Finding]) -> dt.date | None:
    """Not eligible, but only time stands in the way: the first day every failing error-severity rule passes,
    with nothing unknown and no passing rule's deadline before then."""
    blocking = [f.earliest for f in findings if f.status is Status.FAIL and f.severity is Severity.ERROR]
    if not blocking or None in blocking or any(f.status is Status.UNKNOWN for f in findings):
        return None
    day = max(d for d in blocking if d is not None)
    if any(f.deadline is not None and f.deadline < day for f in findings if f.status is Status.PASS):
        return None
    return day
