"""JSON report: {"as_of", "results": [{"profile", "type", "province", "verdict", "eligible_from",
"findings", "evaluated_because"}], "not_evaluated": [{"profile", "type", "evaluated", "reason"}],
"errors"}."""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from icpcheck.findings import Finding, ProfileOutcome, Result, TypeChoice
from icpcheck.report.writers import rendered
from icpcheck.sources import cite, source_refs

if TYPE_CHECKING:
    from collections.abc import Iterable

    from icpcheck.report.writers import WriterContext


# json.dumps(value, ensure_ascii=False), without building an encoder for each call (the SARIF writer's ≈ 12
# calls a profile spent more on that than on encoding).
encode = json.JSONEncoder(ensure_ascii=False).encode


class TypeLists:
    """The types each profile was checked for, or left out, and why ({"profile": path, "type",
    "evaluated", "reason"} each), written in one list at the end of a report. Kept encoded, the parts that
    profiles repeat shared: a batch holds a path and a tuple a profile, not dicts and strings, so memory stays
    flat over thousands of profiles. `dump()` gives the bytes json.dumps(list, ensure_ascii=False) gives."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, tuple[str, ...]]] = []
        self._shared: dict[str, str] = {}

    def add(self, path: str, choices: Iterable[TypeChoice]) -> None:
        # each choice encoded without its opening brace: the profile goes in front as the first key
        rests = (encode(c.to_dict())[1:] for c in choices)
        parts = tuple(self._shared.setdefault(rest, rest) for rest in rests)
        if parts:
            self.rows.append((path, parts))

    def dump(self, before: str = "", after: str = "") -> str:
        """The list, between `before` and `after`, joined once from the shared parts: a large batch's list is
        the largest part of its report, not to be copied again on the way."""
        chunks, sep = [before, "["], ""
        for path, parts in self.rows:
            head = f'{{"profile": {encode(path)}, '
            for rest in parts:
                chunks += (sep, head, rest)
                sep = ", "
        chunks += ("]", after)
        return "".join(chunks)


def result_dict(result: Result) -> dict[str, Any]:
    return {
        "profile": result.profile,
        "type": result.type,
        "province": result.province,
        "verdict": result.verdict.value,
        "eligible_from": _jsonable(result.eligible_from),  # only time stands in the way until then
        "findings": [finding_dict(f) for f in result.findings],
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    """A finding as JSON: its source with every seed named by its title, and the registered sources cited."""
    source, sources = _cited(finding.source)
    return {
        "rule": finding.rule,
        "status": finding.status.value,
        "severity": finding.severity.value,
        "message": finding.message,
        "remediation": finding.remediation,
        "source": source,
        "sources": sources,
        "field": finding.field,
        "expected": _jsonable(finding.expected),
        "relation": finding.relation,  # how actual stands to expected (ge, lt, ne, …); null: equal / one of
        "actual": _jsonable(finding.actual),
        "line": finding.line,
        "earliest": _jsonable(finding.earliest),  # a failing rule passes from this day, if only time passes
        "deadline": _jsonable(finding.deadline),  # a passing rule's last day
        "when": finding.when or None,
    }


_PLAIN = {str, int, float, bool, type(None)}  # JSON as they are: most values, settled by one set lookup


@lru_cache(maxsize=4096)
def _cited(source: str) -> tuple[str, tuple[dict[str, str], ...]]:
    """A rule's source as cited, and the registered sources it cites (JSON writes the tuple as a list):
    the same for every finding of the rule, so built once (shared: not to be changed)."""
    cited = cite(source)
    return cited, tuple(source_refs(cited))


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    return value


def error_dicts(outcome: ProfileOutcome) -> list[dict[str, Any]]:
    """One entry per mistake in the profile."""
    assert outcome.error is not None
    return [
        {"profile": outcome.path, "line": err.line, "field": err.field, "message": err.message}
        for err in outcome.error.each()
    ]


class JsonWriter:
    """Streams the document: results are written as they come; broken profiles are listed under "errors"."""

    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx
        self.started = False  # a result is written: the next one follows a comma
        self.errors: list[dict[str, Any]] = []
        self.not_evaluated = TypeLists()  # types --type auto left out, and why

    def begin(self) -> str:
        return f'{{\n  "as_of": "{self.ctx.as_of.isoformat()}",\n  "results": ['

    def render(self, outcome: ProfileOutcome) -> str:
        """Each result on a line of its own, after a comma (add() drops the run's first)."""
        if outcome.error is not None:
            return ""
        chunks = []
        why = {c.type: c.reason for c in outcome.types}
        for result in outcome.results:
            data = result_dict(result)
            if result.type in why:
                data["evaluated_because"] = why[result.type]
            if result.type in outcome.checklists:
                data["materials"] = outcome.checklists[result.type].to_dict()
            # One compact line per result: the C encoder is several times faster than indenting.
            chunks.append(",\n    " + encode(data))
        return "".join(chunks)

    def add(self, outcome: ProfileOutcome) -> str:
        if outcome.error is not None:
            self.errors.extend(error_dicts(outcome))
            return ""
        self.not_evaluated.add(outcome.path, (c for c in outcome.types if not c.evaluated))
        text = rendered(self, outcome)
        if text and not self.started:
            self.started = True
            return text[1:]
        return text

    def end(self) -> str:
        close = "\n  ]" if self.started else "]"
        errors = json.dumps(self.errors, ensure_ascii=False)
        return self.not_evaluated.dump(f'{close},\n  "not_evaluated": ', f',\n  "errors": {errors}\n}}\n')
