"""The evaluation pipeline: one profile from its file to the findings a writer renders.

    load → enrich → evaluate → policy → mask → render

`evaluate_path` runs them all for a profile file; `evaluate_page` (`icpcheck site`) and `evaluate_domain`
(`icpcheck domain`) start from a homepage or one domain's whois facts; all go through `evaluate_profile`, the
one place where findings are made, settled, filtered by the policy, masked and rendered. Render is the output
format's per-profile rendering (`Options.render`), run where the profile is evaluated, else by the writer
(`icpcheck.report.writers`) in the parent. `icpcheck.batch` runs the pipeline over many files, in worker
processes when asked. The loaded profile is never changed: facts gathered from whois or a live homepage fill
a copy.

Layers of the evaluation path, each importing only from its own layer and those below it
(tests/test_layers.py keeps it so; docs/architecture.md explains them):

    0  findings, errors, textsafe, data,  the finding model, the settings' choices, plain helpers and
       choices, words                     the reports' fixed words (zh, en), nothing of the project
    1  yamlio, outfile                    YAML with line numbers, safe output files
    2  provinces, profile, config         the province table, the profile model, the options model
    3  engine, sources                    rule loading and evaluation, the source registry
    4  facts, sitecheck, fontsize, pii, policy, materials
    5  report                             one writer per output format
    6  pipeline                           this module
    7  batch                              many profiles, streamed, in parallel
    8  cli                                the commands
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icpcheck.engine import RuleSet, evaluate
from icpcheck.engine.evaluate import settle
from icpcheck.errors import IcpcheckError
from icpcheck.findings import Finding, ProfileOutcome, Result, TypeChoice
from icpcheck.policy import Policy, apply_waivers

if TYPE_CHECKING:
    from icpcheck.config import Settings
    from icpcheck.facts.site import Page
    from icpcheck.facts.whois import DomainFacts
    from icpcheck.materials import Checklist
    from icpcheck.profile.loader import LoadedProfile
    from icpcheck.profile.model import Profile


# A type of `icpcheck site`: the homepage's findings alone, no rule evaluated.
SITE = "site"


@dataclass(frozen=True, slots=True)
class Options:
    as_of: dt.date
    types: tuple[str, ...] = ("filing", "licence")
    auto: bool = False  # --type auto: per profile, those of `types` that classify says the service needs
    asked: str = ""  # how the types were chosen otherwise (--type licence), named in every report
    province: str | None = None
    lang: str = "zh"
    policy: Policy = field(default_factory=Policy)
    show_pii: bool = False
    materials: bool = False  # add the tailored materials checklist per type
    strict: bool = False  # placeholders of `icpcheck init` are input errors (else a draft: unknown findings)
    whois: dict[str, Any] | None = None  # fill domain facts from whois with these lookup options
    site: Any = None  # a parsed homepage (facts.site.Page): its footer replaces the self-reported flags
    # The output format's per-profile rendering: run where the profile is evaluated (a worker process), so
    # the parent only writes finished text and never falls behind holding outcomes.
    render: Callable[[ProfileOutcome], str] | None = None


def options_for(settings: Settings, ruleset: RuleSet, **stages: Any) -> Options:
    """The options of one run, built from the command's settings (its flags and the project configuration):
    the rule selection checked against `ruleset` (a pattern that matches no rule is an error naming where
    it was given), and the types that keep a rule. `stages`: the Options asked for beyond the settings
    (materials, whois, site)."""
    from icpcheck.policy import check_patterns, emitted_rules, expand_patterns, known_rules, selected_types

    skip, only = (
        expand_patterns(settings.origin(name, f"--{name}")[0], getattr(settings, name), ruleset)
        for name in ("skip", "only")
    )
    policy = Policy(skip, only, settings.fail_on)
    kind = settings.type or "auto"
    types: tuple[str, ...] = ("filing", "licence") if kind in ("all", "auto") else (kind,)
    if policy.skip or policy.only:
        known = known_rules(ruleset)
        for name in ("only", "skip"):
            option, file = settings.origin(name, f"--{name}")
            check_patterns(option, getattr(policy, name), known, file)
        emitted = emitted_rules(ruleset)
        producing = [
            *(emitted["site"] if stages.get("site") else ()),
            *(emitted["whois"] if stages.get("whois") else ()),
        ]
        types = selected_types(policy, ruleset, types, producing)
    option, file = settings.origin("type", "--type")
    return Options(
        as_of=settings.as_of,
        types=types,
        auto=kind == "auto",
        asked=f"{option} {kind}" + (f", {Path(file).name}" if file else ""),
        province=settings.province,
        lang=settings.lang,
        policy=policy,
        show_pii=settings.show_pii,
        **stages,
    )


def load_path(
    path: Path, as_of: dt.date, show_pii: bool = False, *, draft: bool = False
) -> LoadedProfile | IcpcheckError:
    """Load: the profile at `path`, or the input error to report for it (masked unless show_pii); `draft`:
    placeholders of `icpcheck init` are unknown, not errors."""
    from icpcheck.pii import mask_text
    from icpcheck.profile import load_profile
    from icpcheck.profile.loader import check_dates

    try:
        loaded = load_profile(path, draft=draft)
        check_dates(loaded, as_of)
    except IcpcheckError as exc:
        if not show_pii:
            for mistake in exc.each():
                mistake.message = mask_text(mistake.message)
        return exc
    return loaded


def evaluate_path(path: Path, ruleset: RuleSet, options: Options) -> ProfileOutcome:
    """The whole line for one profile file."""
    loaded = load_path(path, options.as_of, options.show_pii, draft=not options.strict)
    if isinstance(loaded, IcpcheckError):
        return _rendered(ProfileOutcome(str(path), [], loaded), options)
    return evaluate_profile(loaded, ruleset, options, str(path))


def evaluate_page(
    page: Page, loaded: LoadedProfile | None, ruleset: RuleSet, options: Options
) -> ProfileOutcome:
    """`icpcheck site`: the homepage's findings (Options.types SITE), compared with the profile if given."""
    return evaluate_profile(loaded or _built(None, ""), ruleset, options, page.source, name=page.source)


def evaluate_domain(
    fact: DomainFacts, holder: str | None, ruleset: RuleSet, options: Options
) -> ProfileOutcome:
    """`icpcheck domain`: one domain's whois facts and the --holder name are the only profile there is (a
    refused whois value is unknown, named in `fact.error`); the outcome carries the facts, masked."""
    from icpcheck.facts.whois import profile_of

    loaded = _built(profile_of(fact, holder), fact.name)
    return evaluate_profile(loaded, ruleset, options, fact.name, name=fact.name, whois=(fact, holder))


def evaluate_profile(
    loaded: LoadedProfile,
    ruleset: RuleSet,
    options: Options,
    path: str,
    *,
    name: str | None = None,
    whois: tuple[DomainFacts, str | None] | None = None,
) -> ProfileOutcome:
    """Enrich → evaluate → policy → mask → render: the one place where findings are made, settled, filtered
    by the policy, masked and rendered, for a profile file (evaluate_path), a homepage with or without a
    profile (`icpcheck site`: Options.types SITE) and one domain's whois facts (evaluate_domain). `path`
    names the outcome, `name` its results (default: the profile's file)."""
    outcome = _evaluate(loaded, ruleset, options, path, name, whois)
    return _rendered(outcome, options)


def _built(profile: Profile | None, name: str) -> LoadedProfile:
    """A profile a command made from facts, not read from a file (no lines); None: one that states nothing."""
    from icpcheck.profile.loader import LoadedProfile
    from icpcheck.profile.model import Profile
    from icpcheck.yamlio import LoadedYaml

    if profile is None:
        profile = Profile.model_validate({"version": 1, "company": {"name": "?"}})
    return LoadedProfile(profile, LoadedYaml(None, name))


def _rendered(outcome: ProfileOutcome, options: Options) -> ProfileOutcome:
    if options.render is not None:
        # With the verdicts and the policy's answer beside the text, a worker process need not send the
        # results back (icpcheck.batch).
        outcome.rendered = options.render(outcome)
        outcome.summary = outcome.verdicts()
        outcome.fails = options.policy.fails(outcome.results)
    return outcome


def _evaluate(
    loaded: LoadedProfile,
    ruleset: RuleSet,
    options: Options,
    path: str,
    name: str | None,
    whois: tuple[DomainFacts, str | None] | None,
) -> ProfileOutcome:
    from icpcheck.pii import Redactor

    loaded, extra, holders = enrich(loaded, ruleset, options)
    profile = loaded.profile
    choices = _choices(profile, ruleset, options)
    evaluated = [c.type for c in choices if c.evaluated]
    results = evaluate(
        loaded,
        ruleset,
        as_of=options.as_of,
        types=[t for t in evaluated if t != SITE],
        province=options.province,
        lang=options.lang,
        name=name,
        select=options.policy.selects,
        settled=False,
    )
    if SITE in evaluated:  # the homepage alone: its findings are the one result
        province = options.province or profile.company.province
        results.append(Result(name or loaded.name, SITE, province, []))
    by_type = {r.type: r for r in results}
    for finding in extra:
        finding.line = loaded.line_of(finding.field or "")
        target = _result_for(finding.rule, by_type, results)
        if target is not None:
            target.findings.append(finding)
    waivers = profile.waivers
    if waivers:
        lines = {i: loaded.line_of(f"waivers[{i}]") for i in range(len(waivers))}
        apply_waivers(results, waivers, ruleset, options.as_of, options.lang, lines)
    if options.policy.skip or options.policy.only:  # findings made in Python too (site, whois, waivers)
        for result in results:
            result.findings = [f for f in result.findings if options.policy.selects(f.rule)]
    settle(results, ruleset)  # after waivers: a waived settling finding settles nothing
    facts: dict[str, Any] | None = None
    if whois is not None:
        from icpcheck.facts.whois import without_profile

        fact, holder = whois
        without_profile(results, ruleset, options.lang, holder, fact.holder)
        holders, facts = [fact.holder, holder], fact.to_dict()
    checklists = _checklists(profile, ruleset, options, results) if options.materials else {}
    # a homepage's report is headed by the page (its path), a profile's by the company
    company = "" if SITE in options.types else profile.company.name or ""
    if not options.show_pii:
        redactor = Redactor.for_profile(profile)
        redactor.holders(holders)  # whois holders that differ from the profile's appear in conflicts
        for result in results:
            redactor.findings(result.findings)
        for checklist in checklists.values():
            for item in checklist.items:
                item.why = redactor.text(item.why)
        company = redactor.text(company)
        facts = redactor.value(facts)
    return ProfileOutcome(
        path,
        results,
        checklists=checklists,
        company=company,
        types=[c for c in choices if c.type != SITE],
        facts=facts,
    )


_ASKED = {"zh": "按要求检查", "en": "asked for"}


def _choices(profile: Profile, ruleset: RuleSet, options: Options) -> list[TypeChoice]:
    """The types to evaluate for this profile, each with why (shown in every output format)."""
    if options.auto:
        from icpcheck.classify import choose_types

        return choose_types(profile, ruleset, options.as_of, options.lang, options.types)
    reason = _ASKED[options.lang] + (f" ({options.asked})" if options.asked else "")
    return [TypeChoice(kind, True, reason) for kind in options.types]


def enrich(
    loaded: LoadedProfile, ruleset: RuleSet, options: Options
) -> tuple[LoadedProfile, list[Finding], list[str | None]]:
    """Enrich: the profile with facts from whois and the live homepage filled in (a copy, the loaded profile
    is left as it is), the findings those facts gave, and the holders whois named (masked like people)."""
    if options.whois is None and options.site is None:
        return loaded, [], []
    profile = loaded.profile.model_copy(deep=True)
    extra: list[Finding] = []
    holders: list[str | None] = []
    if options.whois is not None:
        from icpcheck.facts.whois import enrich as from_whois
        from icpcheck.facts.whois import lookup_many

        facts = lookup_many([d.name for d in profile.domains or []], **options.whois)
        extra += from_whois(profile, facts, ruleset, options.lang)
        holders = [f.holder for f in facts]
    if options.site is not None:
        profile, found = _site(profile, ruleset, options)
        extra += found
    return dataclasses.replace(loaded, profile=profile), extra, holders


def _result_for(rule: str, by_type: dict[str, Result], results: list[Result]) -> Result | None:
    """Site findings join the type they are a condition of (none if that type is not checked); whois
    notes join the filing, else whatever type is checked."""
    if rule.startswith("site."):
        from icpcheck.sitecheck import type_of

        return by_type.get(SITE) or by_type.get(type_of(rule))
    return by_type.get("filing") or (results[0] if results else None)


def _site(profile: Profile, ruleset: RuleSet, options: Options) -> tuple[Profile, list[Finding]]:
    from icpcheck.profile.model import Homepage, Service
    from icpcheck.sitecheck import check_page, homepage_facts, identity_required

    province = options.province or profile.company.province
    # Name, address and phone are a licence condition (Beijing): for the homepage alone, of a commercial
    # service, the licence's subject.
    commercial = bool(profile.service and profile.service.commercial)
    checked = "licence" in options.types or (SITE in options.types and commercial)
    identity = checked and identity_required(ruleset, province, options.as_of)
    findings = check_page(options.site, profile, ruleset, options.lang, identity=identity)
    service = profile.service or Service()
    flags = (service.homepage.model_dump(exclude_unset=True) if service.homepage else {}) | homepage_facts(
        findings
    )
    service = service.model_copy(update={"homepage": Homepage(**flags)})
    return profile.model_copy(update={"service": service}), findings


def _checklists(
    profile: Profile, ruleset: RuleSet, options: Options, results: list[Result]
) -> dict[str, Checklist]:
    from icpcheck.materials import tailor

    entity = profile.company.entity_type or "company"
    return {
        r.type: tailor(
            r.type, r.province, entity, ruleset, profile=profile, as_of=options.as_of, lang=options.lang
        )
        for r in results
        if not r.settled  # no materials for a type the subject cannot apply for
    }
