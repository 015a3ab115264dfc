"""evaluate(profile, ruleset, …) → results: the pure core of icpcheck."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, TypeVar

from icpcheck.engine.conditions import Ctx, timed_names
from icpcheck.engine.loader import Bilingual, Rule, RuleSet, format_text
from icpcheck.findings import Finding, Result, Severity, Status
from icpcheck.profile.loader import LoadedProfile
from icpcheck.profile.model import Profile
from icpcheck.words import say
from icpcheck.yamlio import parse_dotted

TYPES = ("filing", "licence")
T = TypeVar("T")

_PROVIDE = {"zh": "请在档案中填写 {field}", "en": "Provide {field} in the profile"}
_VERIFY = {"zh": "请核实 {field}", "en": "Verify {field}"}  # given, but icpcheck's data cannot decide it
_ONLY_IN = {"zh": "仅适用于：{provinces}", "en": "Applies only in: {provinces}"}
# A gap that closes with time, in general words where the rule has none of its own (RuleSpec.dates). A
# deadline is worded only where the rule words it: a business licence valid for decades is no date to act on.
_EARLIEST = Bilingual(
    zh="{earliest} 起满足（其他情况不变时）", en="met from {earliest} if nothing else changes"
)


def evaluate(
    profile: LoadedProfile | Profile,
    ruleset: RuleSet,
    *,
    as_of: dt.date,
    types: Iterable[str] = TYPES,
    province: str | None = None,
    lang: str = "zh",
    name: str | None = None,
    select: Callable[[str], bool] | None = None,
    settled: bool = True,
) -> list[Result]:
    """One Result per type. `province` overrides the profile's company.province (pinyin key); `select`
    keeps only the rules whose ID it accepts (--skip / --only); `settled=False` leaves settling to the
    caller (the pipeline settles after waivers: a waived finding settles nothing)."""
    loaded = profile if isinstance(profile, LoadedProfile) else None
    model = loaded.profile if loaded else profile
    assert isinstance(model, Profile)
    province = province or model.company.province
    label = name or (loaded.name if loaded else model.company.name)
    params = ruleset.params_for(province, as_of)
    timed = once(ruleset, ("timed",), lambda: timed_names(ruleset.named))
    ctx = Ctx(model, params, as_of, ruleset.named, timed=timed)
    said = ruleset.memo.setdefault(("said", province, as_of, lang), {})
    results = []
    for kind in types:
        rules = [r for r in _of_type(ruleset, kind) if select is None or select(r.id)]
        findings = evaluate_rules(rules, ctx, ruleset, lang, loaded, said)
        if loaded is not None and loaded.placeholders and (select is None or select(PLACEHOLDER_RULE)):
            findings += placeholder_findings(loaded, ruleset, lang)
        results.append(Result(label, kind, province, findings))
    if settled:
        settle(results, ruleset)
    return results


def _of_type(ruleset: RuleSet, kind: str) -> list[Rule]:
    return once(ruleset, ("type", kind), lambda: [r for r in ruleset.rules if r.spec.type == kind])


def once(ruleset: RuleSet, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """ruleset.memo[key], made the first time it is asked for: an answer that holds for a whole batch."""
    if key not in ruleset.memo:
        ruleset.memo[key] = make()
    found: T = ruleset.memo[key]
    return found


def cannot_apply(
    kind: str, entity: str, ruleset: RuleSet, as_of: dt.date, lang: str = "zh"
) -> Finding | None:
    """The `settles` rule of `kind` that a subject of this entity type fails whatever else is true (only a
    company can hold the licence), or None: no checklist and no --type auto check for what it cannot hold."""

    def probe() -> Finding | None:
        subject = Profile.model_validate({"version": 1, "company": {"name": entity, "entity_type": entity}})
        result = evaluate(subject, ruleset, as_of=as_of, types=(kind,), lang=lang)[0]
        return result.findings[0] if result.settled else None

    # once a batch: --type auto asks for every undecided profile
    found = once(ruleset, ("cannot", kind, entity, as_of, lang), probe)
    return None if found is None else replace(found)  # a copy: the caller may change its finding


def settle(results: list[Result], ruleset: RuleSet) -> None:
    """A type whose `settles` rule fails is answered by that finding alone, the other findings dropped: an
    individual is told that only a company can hold the licence, not asked for a company's capital."""
    settling = once(ruleset, ("settling",), lambda: {r.id for r in ruleset.rules if r.spec.settles})
    for result in results:
        decisive = [f for f in result.findings if f.rule in settling and f.status is Status.FAIL]
        if decisive:
            result.findings, result.settled = decisive, True


PLACEHOLDER_RULE = "profile.placeholder"
_PLACEHOLDER = {
    "zh": ("{field} 仍是 icpcheck init 模板的占位符（草稿）", "请填写 {field}"),
    "en": ("{field} still holds the placeholder from icpcheck init (a draft)", "Fill in {field}"),
}


def placeholder_findings(loaded: LoadedProfile, ruleset: RuleSet, lang: str) -> list[Finding]:
    """A draft's placeholders: each an `unknown` finding of every type checked, so a draft is never eligible
    (the rules that need the field are unknown too; this also covers fields no rule of the type reads)."""
    message, fix = _PLACEHOLDER[lang]
    return [
        produced(
            ruleset,
            PLACEHOLDER_RULE,
            Status.UNKNOWN,
            message.format(field=field),
            fix.format(field=field),
            lang,
            field=field,
            line=line,
        )
        for field, line in loaded.placeholders.items()
    ]


def evaluate_rules(
    rules: Iterable[Rule],
    ctx: Ctx,
    ruleset: RuleSet,
    lang: str,
    loaded: LoadedProfile | None = None,
    said: dict[str, _Said] | None = None,
) -> list[Finding]:
    """`said`: the rules' texts under ctx.params in `lang` (filled as rules are met), kept by the caller for
    the next profile with the same parameters."""
    said = {} if said is None else said
    findings = []
    for rule in rules:
        finding = _evaluate_rule(rule, ctx, ruleset, lang, said)
        if loaded is not None and finding.field:
            finding.line = loaded.source.line_of(_dotted_path(finding.field))
        findings.append(finding)
    return findings


# LoadedProfile.line_of's parse, kept: the rules name the same fields in every profile of a batch (bounded:
# an index in a hostile profile's list makes a new name)
_dotted_path = lru_cache(maxsize=4096)(parse_dotted)


@dataclass(frozen=True, slots=True)
class _Said:
    """What a rule's finding says whatever the profile: its texts under one set of parameters (a province on
    a date) in one language, formatted once a batch, not once a profile; and whether time can change it."""

    severity: Severity
    message: str
    title: str
    remediation: str
    only_in: str  # the remedy where the rule's province switch is off ("" for a rule without one)
    timed: bool  # its check: dates to act on are sought only then


def _say(rule: Rule, ctx: Ctx, ruleset: RuleSet, lang: str) -> _Said:
    spec, params = rule.spec, ctx.params
    only_in = ""
    if spec.province_switch is not None:
        where = ruleset.provinces_where(spec.province_switch, ctx.as_of)
        only_in = _ONLY_IN[lang].format(provinces=say(where, lang))
    return _Said(
        Severity(spec.severity),
        format_text(spec.message.get(lang), params, lang),
        format_text(spec.title.get(lang), params, lang),
        format_text(spec.remediation.get(lang), params, lang),
        only_in,
        rule.check is not None and rule.check.timed(ctx.timed_names()),
    )


def _evaluate_rule(rule: Rule, ctx: Ctx, ruleset: RuleSet, lang: str, said: dict[str, _Said]) -> Finding:
    spec = rule.spec
    texts = said.get(spec.id)
    if texts is None:
        texts = said[spec.id] = _say(rule, ctx, ruleset, lang)
    finding = Finding(
        rule=spec.id,
        status=Status.PASS,
        severity=texts.severity,
        message=texts.message,
        remediation="",
        source=spec.source,
        title=texts.title,
    )
    if spec.province_switch is not None and ctx.params[spec.province_switch] is not True:
        finding.status = Status.SKIP
        finding.remediation = texts.only_in
        return finding
    if rule.applies is not None:
        gate = rule.applies.evaluate(ctx, ctx.root, "")
        if gate.value is False:
            finding.status = Status.SKIP
            return finding
        if gate.value is None:
            return _unknown(finding, gate.field, lang, spec.unknown)
    assert rule.check is not None, rule.id  # filing and licence rules always have one (RuleSpec)
    out = rule.check.evaluate(ctx, ctx.root, "")
    finding.field, finding.expected, finding.actual = out.field, out.expected, out.actual
    finding.relation = out.relation
    if out.value is None:
        return _unknown(finding, out.field, lang, spec.unknown)
    if out.value is False:
        finding.status = Status.FAIL
        finding.remediation = texts.remediation
    if texts.timed:
        _date(rule, ctx, finding, lang)
    return finding


def _date(rule: Rule, ctx: Ctx, finding: Finding, lang: str) -> None:
    """Where time alone changes the outcome, the date to act on: a failing rule's first passing day
    (`earliest`), a passing rule's last (`deadline`); the profile's data and the rules in force on the
    evaluation date as they are. The conditions say when (Node.shift); evaluating again on that day and the
    day before confirms it, so a date is never one the engine itself would contradict."""
    if rule.check is None or finding.status not in (Status.FAIL, Status.PASS):
        return
    day = rule.check.shift(ctx, ctx.root, "")
    if day is None:
        return
    ahead = ctx.on(day)
    if rule.applies is not None and rule.applies.evaluate(ahead, ahead.root, "").value is not True:
        return
    last_day = day - dt.timedelta(days=1)
    after = rule.check.evaluate(ahead, ahead.root, "")
    before = rule.check.evaluate(ahead.on(last_day), ahead.root, "")
    dates = rule.spec.dates
    text: Bilingual | None
    if finding.status is Status.FAIL and (before.value, after.value) == (False, True):
        finding.earliest, decisive = day, before
        text = (dates.earliest if dates else None) or _EARLIEST
    elif finding.status is Status.PASS and (before.value, after.value) == (True, False):
        finding.deadline, decisive = last_day, after
        text = dates.deadline if dates else None
    else:
        return
    if text is None:
        return
    words = {"earliest": day.isoformat(), "last_day": last_day.isoformat(), "deadline": last_day.isoformat()}
    if isinstance(decisive.actual, dt.date):
        words["actual"] = decisive.actual.isoformat()
    finding.when = format_text(text.get(lang), {**ctx.params, **words}, lang)


def produced(
    ruleset: RuleSet, rule_id: str, status: Status, message: str, remediation: str, lang: str, **detail: Any
) -> Finding:
    """A finding another pipeline stage makes (the rule's `produced_by`): its title, severity and source come
    from the catalogue, its message and remedy from the stage, which knows the particulars."""
    rule = ruleset.rule(rule_id)
    assert rule is not None and rule.spec.produced_by, f"{rule_id} is not a produced rule in the catalogue"
    spec = rule.spec
    return Finding(
        rule=rule_id,
        status=status,
        severity=Severity(spec.severity),
        message=message,
        remediation=remediation,
        source=spec.source,
        title=spec.title.get(lang),
        **detail,
    )


def _unknown(finding: Finding, field: str | None, lang: str, hint: Bilingual | None) -> Finding:
    finding.status = Status.UNKNOWN
    finding.field = field
    ask = _PROVIDE if finding.actual is None else _VERIFY
    said = (f"（{hint.get(lang)}）" if lang == "zh" else f" ({hint.get(lang)})") if hint else ""
    finding.remediation = ask[lang].format(field=field or "?") + said
    return finding
