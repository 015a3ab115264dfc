"""JSON report: {"as_of", "results": [{"profile", "type", "province", "verdict", "findings": [...]}]}."""

from __future__ import annotations

import json

from icpcheck.report.model import Report


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
