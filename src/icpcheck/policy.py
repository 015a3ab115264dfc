"""Policy over findings: --skip/--only rule filters, waivers in profiles, and --fail-on exit levels."""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from icpcheck.choices import MAX_PATTERN
from icpcheck.errors import UsageError
from icpcheck.findings import FailOn, Finding, Result, Severity, Status
from icpcheck.profile.model import Waiver

if TYPE_CHECKING:
    from icpcheck.engine.loader import RuleSet


@dataclass(frozen=True, slots=True)
class Policy:
    skip: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    fail_on: FailOn = FailOn.unknown

    def __post_init__(self) -> None:
        for option, patterns in (("skip", self.skip), ("only", self.only)):
            for pattern in patterns:
                if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
                    raise UsageError(f"{option}: a rule pattern is at most {MAX_PATTERN} characters of text")

    def selects(self, rule_id: str) -> bool:
        if self.only and not _matches(rule_id, self.only):
            return False
        return not _matches(rule_id, self.skip)

    def fails(self, results: Iterable[Result]) -> bool:
        level = self.fail_on
        if level is FailOn.never:
            return False
        for result in results:
            for f in result.findings:
                if f.status is Status.FAIL and f.severity is Severity.ERROR:
                    return True
                if level in (FailOn.unknown, FailOn.warning) and f.status is Status.UNKNOWN:
                    return True
                if level is FailOn.warning and f.status is Status.FAIL and f.severity is Severity.WARNING:
                    return True
        return False


def _matches(rule_id: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(rule_id, p) for p in patterns)


def emitted_rules(ruleset: RuleSet) -> dict[str, tuple[str, ...]]:
    """IDs of the findings a pipeline stage makes (site, whois, waivers: `produced_by` in the catalogue)."""
    out: dict[str, tuple[str, ...]] = {}
    for rule in ruleset.rules:
        if rule.spec.produced_by:
            out[rule.spec.produced_by] = (*out.get(rule.spec.produced_by, ()), rule.id)
    return out


def known_rules(ruleset: RuleSet) -> set[str]:
    return {r.id for r in ruleset.rules}.union(*emitted_rules(ruleset).values())


def expand_patterns(option: str, patterns: Sequence[str], ruleset: RuleSet) -> tuple[str, ...]:
    """`tag:NAME` becomes the IDs of the rules tagged NAME; a former ID (a rule's alias) its current one."""
    from icpcheck.errors import UsageError

    aliases = ruleset.aliases()
    out: list[str] = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            out.append(pattern)  # refused by Policy with the option's name
        elif pattern.startswith("tag:"):
            ids = ruleset.tagged(pattern.removeprefix("tag:"))
            if not ids:
                tags = sorted({t for r in ruleset.rules for t in r.spec.tags})
                raise UsageError(f"{option} {pattern!r}: no rule has this tag (tags: {', '.join(tags)})")
            out.extend(ids)
        else:
            out.append(aliases.get(pattern, pattern))
    return tuple(out)


def check_patterns(option: str, patterns: Sequence[str], known: Collection[str], file: str | None) -> None:
    """A pattern that matches no rule is a typo that would silently check nothing (or skip nothing)."""
    from icpcheck.errors import UsageError

    for pattern in patterns:
        if any(fnmatch.fnmatchcase(rule, pattern) for rule in known):
            continue
        families = {rule.split(".")[0] + ".*" for rule in known}
        hint = difflib.get_close_matches(pattern, sorted({*known, *families}), n=1, cutoff=0.6)
        raise UsageError(
            f"{option} {pattern!r} matches no rule"
            + (f"; did you mean {hint[0]!r}?" if hint else " (see icpcheck rules list)"),
            file=file,
        )


def selected_types(
    policy: Policy, ruleset: RuleSet, types: Sequence[str], extra: Iterable[str] = ()
) -> tuple[str, ...]:
    """The types that keep at least one rule under --only/--skip: a type left with no rule is not
    reported at all (it would read as eligible). `extra`: IDs of Python-made findings this run produces,
    which travel with the first type."""
    from icpcheck.errors import UsageError

    kept = tuple(t for t in types if any(r.spec.type == t and policy.selects(r.id) for r in ruleset.rules))
    if kept:
        return kept
    if any(policy.selects(rule) for rule in extra):
        return tuple(types[:1])
    raise UsageError(f"no rule left to check: --only/--skip exclude every {' and '.join(types)} rule")


@dataclass(slots=True)
class _WaiverUse:
    waiver: Waiver
    index: int


_TEXT = {
    "zh": {
        "waived": "已豁免：{reason}{until}",
        "until": "（有效期至 {date}）",
        "expired": "豁免已于 {date} 过期：{rule}（{reason}）",
        "expired_fix": "更新或删除该豁免，并处理对应的问题",
        "unknown": "豁免指向不存在的规则：{rule}",
        "unknown_fix": "更正规则 ID（见 icpcheck rules list）或删除该豁免",
    },
    "en": {
        "waived": "Waived: {reason}{until}",
        "until": " (until {date})",
        "expired": "Waiver for {rule} expired on {date} ({reason})",
        "expired_fix": "Renew or remove the waiver and address the finding",
        "unknown": "Waiver names a rule that does not exist: {rule}",
        "unknown_fix": "Correct the rule ID (see icpcheck rules list) or remove the waiver",
    },
}


def apply_waivers(
    results: list[Result],
    waivers: Sequence[Waiver],
    ruleset: RuleSet,
    as_of: dt.date,
    lang: str,
    line_of: dict[int, int | None] | None = None,
) -> None:
    """Mark failing/unknown findings covered by an active waiver `waived`; report expired and unknown ones.

    `line_of` maps a waiver's index to its line in the profile, for annotations.
    """
    text = _TEXT[lang]
    known = known_rules(ruleset)
    aliases = ruleset.aliases()
    uses = [_WaiverUse(w, i) for i, w in enumerate(waivers)]
    lines = line_of or {}
    for result in results:
        extra: list[Finding] = []
        for finding in result.findings:
            for use in uses:
                if not fnmatch.fnmatchcase(finding.rule, aliases.get(use.waiver.rule, use.waiver.rule)):
                    continue
                if finding.status not in (Status.FAIL, Status.UNKNOWN):
                    continue
                expires = use.waiver.expires
                if expires is not None and expires < as_of:
                    extra.append(
                        _meta(
                            ruleset,
                            lang,
                            "waiver.expired",
                            text["expired"].format(date=expires, rule=finding.rule, reason=use.waiver.reason),
                            text["expired_fix"],
                            f"waivers[{use.index}].expires",
                            lines.get(use.index),
                            expected=f"≥ {as_of.isoformat()}",
                            actual=expires.isoformat(),
                        )
                    )
                    continue
                until = text["until"].format(date=expires) if expires else ""
                finding.status = Status.WAIVED
                finding.remediation = text["waived"].format(reason=use.waiver.reason, until=until)
                break
        result.findings.extend(extra)
    if not results:
        return
    for use in uses:
        if not any(fnmatch.fnmatchcase(r, aliases.get(use.waiver.rule, use.waiver.rule)) for r in known):
            results[-1].findings.append(
                _meta(
                    ruleset,
                    lang,
                    "waiver.unknown_rule",
                    text["unknown"].format(rule=use.waiver.rule),
                    text["unknown_fix"],
                    f"waivers[{use.index}].rule",
                    lines.get(use.index),
                    expected=None,
                    actual=use.waiver.rule,
                )
            )


def _meta(
    ruleset: RuleSet,
    lang: str,
    rule: str,
    message: str,
    remediation: str,
    field_: str,
    line: int | None,
    *,
    expected: object,
    actual: object,
) -> Finding:
    from icpcheck.engine.evaluate import produced

    detail = {"field": field_, "expected": expected, "actual": actual, "line": line}
    return produced(ruleset, rule, Status.FAIL, message, remediation, lang, **detail)
