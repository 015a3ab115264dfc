"""Findings, results and reports: the shapes every command produces and every renderer consumes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


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
    line: int | None = None  # line of `field` in the profile file, for SARIF/GitHub annotations
    title: str = ""

    def __post_init__(self) -> None:
        from icpcheck.sources import cite  # here: the registry imports the engine, which imports this module

        self.source = cite(self.source)  # every output names a seed by its title, never a bare "seed 002"

    def to_dict(self) -> dict[str, Any]:
        from icpcheck.sources import source_refs

        return {
            "rule": self.rule,
            "status": self.status.value,
            "severity": self.severity.value,
            "message": self.message,
            "remediation": self.remediation,
            "source": self.source,
            "sources": source_refs(self.source),
            "field": self.field,
            "expected": _jsonable(self.expected),
            "actual": _jsonable(self.actual),
            "line": self.line,
        }


@dataclass(slots=True)
class Result:
    """All findings of one profile against one licence type (filing or licence)."""

    profile: str
    type: str
    province: str | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        return verdict_of(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "type": self.type,
            "province": self.province,
            "verdict": self.verdict.value,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(slots=True)
class Report:
    as_of: dt.date
    results: list[Result] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "results": [r.to_dict() for r in self.results]}


def verdict_of(findings: list[Finding]) -> Verdict:
    """not_eligible if an error-severity rule fails, else incomplete if any rule is unknown, else eligible."""
    unknown = False
    for f in findings:
        if f.status is Status.FAIL and f.severity is Severity.ERROR:
            return Verdict.NOT_ELIGIBLE
        if f.status is Status.UNKNOWN:
            unknown = True
    return Verdict.INCOMPLETE if unknown else Verdict.ELIGIBLE


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    return value
