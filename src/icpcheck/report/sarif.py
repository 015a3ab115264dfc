"""SARIF 2.1.0 for code scanning: one rule per rule ID, results located at the profile file and line."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from icpcheck import __version__
from icpcheck.findings import Finding, Severity, Status
from icpcheck.report.json import TypeLists, encode
from icpcheck.report.writers import rendered

if TYPE_CHECKING:
    from icpcheck.findings import ProfileOutcome
    from icpcheck.report.writers import WriterContext

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


@lru_cache(maxsize=64)  # asked for each result of a profile
def _uri(path: str) -> str:
    return PurePath(path).as_posix()


def _location(path: str, line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if line:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


class SarifWriter:
    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx
        self.started = False  # a result is written: the next one follows a comma
        self.notifications: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        self.types = TypeLists()  # which types each profile was checked for, and why

    def _rules(self) -> list[dict[str, Any]]:
        from icpcheck.engine.loader import format_text
        from icpcheck.sources import cite

        lang = self.ctx.lang
        params = self.ctx.ruleset.params_for(None, self.ctx.as_of)
        rules = []
        for rule in self.ctx.ruleset.rules:
            spec = rule.spec
            message = format_text(spec.message.get(lang), params, lang)
            remedy = format_text(spec.remediation.get(lang), params, lang)
            source = cite(spec.source)
            rules.append(
                {
                    "id": spec.id,
                    "name": spec.id.replace(".", "_"),
                    "shortDescription": {"text": format_text(spec.title.get(lang), params, lang)},
                    "fullDescription": {"text": message},
                    "help": {
                        "text": f"{message}\n\n{remedy}\n\nSource: {source}",
                        "markdown": f"{message}\n\n**Fix:** {remedy}\n\n*Source:* {source}",
                    },
                    "defaultConfiguration": {"level": _LEVEL[Severity(spec.severity)]},
                    "properties": {"tags": ["icp", spec.type]},
                }
            )
        self.index = {str(r["id"]): i for i, r in enumerate(rules)}
        return rules

    def begin(self) -> str:
        driver = {
            "name": "icpcheck",
            "version": __version__,
            "informationUri": "https://pypi.org/project/icpcheck/",
            "rules": self._rules(),
        }
        head = json.dumps({"tool": {"driver": driver}}, ensure_ascii=False, indent=2)[
            :-2
        ]  # keep the run open
        return f'{{\n"$schema": "{SCHEMA}",\n"version": "2.1.0",\n"runs": [\n{head},\n"results": ['

    def _result(self, path: str, kind: str, f: Finding) -> dict[str, Any]:
        level = "note" if f.status is Status.UNKNOWN else _LEVEL[f.severity]
        text = f"[{kind}] {f.message}" + (f" ({f.field})" if f.field else "")
        if f.remediation:
            text += f" — {f.remediation}"
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": level,
            "message": {"text": text},
            "locations": [_location(path, f.line)],
            "properties": {"status": f.status.value, "type": kind},
        }
        for name in ("earliest", "deadline"):  # the dates to act on, ISO
            day = getattr(f, name)
            if day is not None:
                result["properties"][name] = day.isoformat()
        if f.when:
            result["message"]["text"] += f" ({f.when})"
        if f.rule in self.index:
            result["ruleIndex"] = self.index[f.rule]
        if f.status is Status.WAIVED:
            result["suppressions"] = [{"kind": "inSource", "justification": f.remediation}]
        return result

    def render(self, outcome: ProfileOutcome) -> str:
        """Each result after a comma (add() drops the run's first)."""
        if outcome.error is not None:
            return ""
        if not self.index:  # rendered before begin(): the rule indexes
            self._rules()
        chunks = []
        for result in outcome.results:
            for f in result.findings:
                if f.status in (Status.FAIL, Status.UNKNOWN, Status.WAIVED):
                    chunks.append(",\n" + encode(self._result(outcome.path, result.type, f)))
        return "".join(chunks)

    def add(self, outcome: ProfileOutcome) -> str:
        if outcome.error is not None:
            self.notifications.extend(
                {
                    "level": "error",
                    "message": {"text": str(err)},
                    "locations": [_location(outcome.path, err.line)],
                }
                for err in outcome.error.each()
            )
            return ""
        self.types.add(outcome.path, outcome.types)
        text = rendered(self, outcome)
        if text and not self.started:
            self.started = True
            return text[1:]
        return text

    def end(self) -> str:
        done = json.dumps(not self.notifications)
        notes = json.dumps(self.notifications, ensure_ascii=False)
        # json.dumps of the invocation written out, so that the types stay encoded until this one string
        before = (
            f'\n],\n"invocations": [{{"executionSuccessful": {done}, "toolExecutionNotifications": {notes}, '
        )
        return self.types.dump(before + '"properties": {"types": ', "}}]\n}\n]\n}\n")
