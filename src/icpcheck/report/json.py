"""JSON report: {"as_of", "results": [{"profile", "type", "province", "verdict", "findings"}], "errors"}."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from icpcheck.report.model import Report

if TYPE_CHECKING:
    from icpcheck.batch import ProfileOutcome
    from icpcheck.report.writers import WriterContext


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def error_dict(outcome: ProfileOutcome) -> dict[str, Any]:
    err = outcome.error
    assert err is not None
    return {"profile": outcome.path, "line": err.line, "field": err.field, "message": err.message}


class JsonWriter:
    """Streams the document: results are written as they come; broken profiles are listed under "errors"."""

    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx
        self.count = 0
        self.errors: list[dict[str, Any]] = []

    def begin(self) -> str:
        return f'{{\n  "as_of": "{self.ctx.as_of.isoformat()}",\n  "results": ['

    def add(self, outcome: ProfileOutcome) -> str:
        if outcome.error is not None:
            self.errors.append(error_dict(outcome))
            return ""
        chunks = []
        for result in outcome.results:
            data = result.to_dict()
            if result.type in outcome.checklists:
                data["materials"] = outcome.checklists[result.type].to_dict()
            # One compact line per result: the C encoder is several times faster than indenting.
            chunks.append(("," if self.count else "") + "\n    " + json.dumps(data, ensure_ascii=False))
            self.count += 1
        return "".join(chunks)

    def end(self) -> str:
        close = "\n  ]" if self.count else "]"
        return f'{close},\n  "errors": {json.dumps(self.errors, ensure_ascii=False)}\n}}\n'
