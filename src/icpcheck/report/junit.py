"""JUnit XML: a testsuite per profile × type, a testcase per rule; broken files become errors."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from icpcheck.findings import Status
from icpcheck.report.writers import rendered
from icpcheck.sources import cite
from icpcheck.words import LABELS, detail, status

if TYPE_CHECKING:
    from icpcheck.findings import ProfileOutcome
    from icpcheck.report.writers import WriterContext


# xml.sax.saxutils' escape and quoteattr, exactly, in str.replace calls only: theirs loop over a dict in
# Python for each of the ≈ 60 attributes and texts of a profile (≈ 40 % of rendering it).
def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


_name = lru_cache(maxsize=4096)(quoteattr)  # rule IDs: a few hundred, in every profile


class JunitWriter:
    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx

    def begin(self) -> str:
        return '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="icpcheck">\n'

    def add(self, outcome: ProfileOutcome) -> str:
        return rendered(self, outcome)

    def render(self, outcome: ProfileOutcome) -> str:
        if outcome.error is not None:
            name = quoteattr(outcome.path)
            return (
                f'  <testsuite name={name} tests="1" failures="0" errors="1" skipped="0">\n'
                f'    <testcase classname={name} name="load">\n'
                f"      <error message={quoteattr(str(outcome.error))}>"
                + escape("\n".join(str(e) for e in outcome.error.each()))
                + "</error>\n"
                "    </testcase>\n  </testsuite>\n"
            )
        why = {c.type: c.reason for c in outcome.types}
        out = []
        lang, w = self.ctx.lang, LABELS[self.ctx.lang]
        for result in outcome.results:
            cases = []
            failures = skipped = 0
            suite = quoteattr(f"{outcome.path} ({result.type})")
            for f in result.findings:
                body = ""
                if f.status in (Status.FAIL, Status.UNKNOWN):
                    failures += 1
                    lines = [
                        f.message,
                        detail(f.field, f.expected, f.actual, lang, f.relation),
                        f"{w['fix']}: {f.remediation}" if f.remediation else "",
                        f"{w['source']}: {cite(f.source)}",
                        f"{w['when']}: {f.when}" if f.when else "",  # a date to act on
                    ]
                    body = (
                        f'      <failure message={quoteattr(f.message)} type="{f.status.value}:'
                        f'{f.severity.value}">{escape(chr(10).join(x for x in lines if x))}</failure>\n'
                    )
                elif f.status in (Status.SKIP, Status.WAIVED):
                    skipped += 1
                    said = status(f.status.value, lang) + (f": {f.remediation}" if f.remediation else "")
                    body = f"      <skipped message={quoteattr(said)}/>\n"
                cases.append(
                    f"    <testcase classname={suite} name={_name(f.rule)}>\n{body}    </testcase>\n"
                )
            props = (
                f'    <properties><property name="evaluated_because" value={quoteattr(why[result.type])}/>'
                "</properties>\n"
                if result.type in why
                else ""
            )
            out.append(
                f'  <testsuite name={suite} tests="{len(cases)}" failures="{failures}" '
                f'errors="0" skipped="{skipped}">\n{props}{"".join(cases)}  </testsuite>\n'
            )
        out += [_not_checked(outcome.path, c.type, c.reason) for c in outcome.types if not c.evaluated]
        return "".join(out)

    def end(self) -> str:
        return "</testsuites>\n"


def _not_checked(path: str, kind: str, reason: str) -> str:
    """A type --type auto left out: one skipped case that says why."""
    suite = quoteattr(f"{path} ({kind})")
    return (
        f'  <testsuite name={suite} tests="1" failures="0" errors="0" skipped="1">\n'
        f'    <testcase classname={suite} name="{kind}">\n'
        f"      <skipped message={quoteattr('not evaluated: ' + reason)}/>\n"
        "    </testcase>\n  </testsuite>\n"
    )
