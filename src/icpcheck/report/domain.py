"""Output formats of `icpcheck domain`: per domain, the whois facts and the domain rules' findings.

Each item is one domain's entry as the command built it, already masked: {"domain": facts, "findings": […]}.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from icpcheck.report.writers import WriterContext

_MARK = {"pass": "✔", "fail": "✘", "unknown": "?", "skip": "–"}


class DomainTextWriter:
    """One block per domain: the facts whois gave, then each finding (whois replies are attacker-written: the
    registry prints this format through `printable`)."""

    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx

    def begin(self) -> str:
        return ""

    def add(self, entry: dict[str, Any]) -> str:
        from icpcheck.words import LABELS, whois_reason

        d, w = entry["domain"], LABELS[self.ctx.lang]
        shown = {k: d[k] or "?" for k in ("name", "registered", "expires", "registrar", "holder")}
        if d["holder_redacted"]:
            shown["holder"] = w["dom_redacted"]
        lines = [w["dom_head"].format(**shown) + (w["dom_cached"] if d["cached"] else "")]
        if d["error"]:
            lines.append(f"  ? WHOIS: {whois_reason(d['error'], self.ctx.lang)}")
        for f in entry["findings"]:
            lines.append(f"  {_MARK.get(f['status'], '·')} {f['rule']}: {f['message']}")
            if f["status"] in ("fail", "unknown"):
                lines.append(f"      → {f['remediation']}")
            if f.get("when"):  # the date to act on: from when it passes, or until when it holds
                lines.append(f"      ⏱ {f['when']}")
        return "".join(line + "\n" for line in lines)

    def end(self) -> str:
        return ""


class DomainJsonWriter:
    """{"as_of", "domains": [entry, …]}, written entry by entry."""

    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx
        self.count = 0

    def begin(self) -> str:
        return f'{{\n  "as_of": "{self.ctx.as_of.isoformat()}",\n  "domains": ['

    def add(self, entry: dict[str, Any]) -> str:
        text = json.dumps(entry, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        self.count += 1
        return ("," if self.count > 1 else "") + "\n    " + text

    def end(self) -> str:
        return ("\n  ]" if self.count else "]") + "\n}\n"
