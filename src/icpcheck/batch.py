"""Evaluate many profiles as a stream: expand paths, evaluate each, keep going past broken files.

`evaluate_many` yields one `ProfileOutcome` per profile in input order and never holds all reports, so
memory stays flat however large the folder is.
"""

from __future__ import annotations

import datetime as dt
import glob
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icpcheck.engine import RuleSet, evaluate
from icpcheck.errors import IcpcheckError, UsageError
from icpcheck.findings import Finding, ProfileOutcome, Result
from icpcheck.policy import Policy, apply_waivers, known_rules

if TYPE_CHECKING:
    from icpcheck.materials import Checklist
    from icpcheck.profile.loader import LoadedProfile
    from icpcheck.profile.model import Profile

PROFILE_SUFFIXES = (".yaml", ".yml")
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True, slots=True)
class Options:
    as_of: dt.date
    types: tuple[str, ...] = ("filing", "licence")
    province: str | None = None
    lang: str = "zh"
    policy: Policy = field(default_factory=Policy)
    show_pii: bool = False
    materials: bool = False  # add the tailored materials checklist per type
    whois: dict[str, Any] | None = None  # fill domain facts from whois with these lookup options
    site: Any = None  # a parsed homepage (facts.site.Page): its footer replaces the self-reported flags
    # The output format's per-profile rendering: run where the profile is evaluated (a worker process), so
    # the parent only writes finished text and never falls behind holding outcomes.
    render: Callable[[ProfileOutcome], str] | None = None


def expand_paths(args: Sequence[str | Path]) -> list[Path]:
    """Files as given; folders searched recursively for *.yaml/*.yml; glob patterns expanded (sorted)."""
    out: list[Path] = []
    for arg in args:
        text = str(arg)
        path = Path(text)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in PROFILE_SUFFIXES and p.is_file())
            if not found:
                raise UsageError(f"{text}: no *.yaml or *.yml profiles in this folder")
            out.extend(found)
        elif _GLOB_CHARS & set(text) and not path.exists():
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True))
            if not matches:
                raise UsageError(f"{text}: no file matches this pattern")
            out.extend(m for m in matches if m.is_file())
        else:
            out.append(path)  # a missing file is reported per profile, like any other input error
    return out


def load_path(path: Path, as_of: dt.date, show_pii: bool = False) -> LoadedProfile | IcpcheckError:
    """The profile at `path`, or the input error to report for it (masked unless show_pii)."""
    from icpcheck.pii import mask_text
    from icpcheck.profile import load_profile
    from icpcheck.profile.loader import check_dates

    try:
        loaded = load_profile(path)
        check_dates(loaded, as_of)
    except IcpcheckError as exc:
        if not show_pii:
            exc.message = mask_text(exc.message)
        return exc
    return loaded


def evaluate_path(path: Path, ruleset: RuleSet, options: Options) -> ProfileOutcome:
    outcome = _evaluate_path(path, ruleset, options)
    if options.render is not None:
        outcome.rendered = options.render(outcome)
    return outcome


def _evaluate_path(path: Path, ruleset: RuleSet, options: Options) -> ProfileOutcome:
    from icpcheck.pii import Redactor

    loaded = load_path(path, options.as_of, options.show_pii)
    if isinstance(loaded, IcpcheckError):
        return ProfileOutcome(str(path), [], loaded)
    extra, holders = _whois(loaded.profile, options) if options.whois is not None else ([], [])
    if options.site is not None:
        extra += _site(loaded.profile, ruleset, options)
    results = evaluate(
        loaded,
        ruleset,
        as_of=options.as_of,
        types=options.types,
        province=options.province,
        lang=options.lang,
        select=options.policy.selects,
    )
    by_type = {r.type: r for r in results}
    for finding in extra:
        finding.line = loaded.line_of(finding.field or "")
        target = _result_for(finding.rule, by_type, results)
        if target is not None:
            target.findings.append(finding)
    waivers = loaded.profile.waivers
    if waivers:
        lines = {i: loaded.line_of(f"waivers[{i}]") for i in range(len(waivers))}
        apply_waivers(results, waivers, known_rules(ruleset), options.as_of, options.lang, lines)
    if options.policy.skip or options.policy.only:  # findings made in Python too (site, whois, waivers)
        for result in results:
            result.findings = [f for f in result.findings if options.policy.selects(f.rule)]
    checklists = _checklists(loaded.profile, ruleset, options, results) if options.materials else {}
    company = loaded.profile.company.name or ""
    if not options.show_pii:
        redactor = Redactor.for_profile(loaded.profile)
        redactor.holders(holders)  # whois holders that differ from the profile's appear in conflicts
        for result in results:
            redactor.findings(result.findings)
        for checklist in checklists.values():
            for item in checklist.items:
                item.why = redactor.text(item.why)
        company = redactor.text(company)
    return ProfileOutcome(str(path), results, checklists=checklists, company=company)


def _whois(profile: Profile, options: Options) -> tuple[list[Finding], list[str | None]]:
    """Findings from whois, and the holders whois named (to be masked like the profile's people)."""
    from icpcheck.facts.whois import enrich, lookup_many

    facts = lookup_many([d.name for d in profile.domains or []], **(options.whois or {}))
    return enrich(profile, facts, options.lang), [f.holder for f in facts]


def _result_for(rule: str, by_type: dict[str, Result], results: list[Result]) -> Result | None:
    """Site findings join the type they are a condition of (none if that type is not checked); whois
    notes join the filing, else whatever type is checked."""
    if rule.startswith("site."):
        from icpcheck.sitecheck import type_of

        return by_type.get(type_of(rule))
    return by_type.get("filing") or (results[0] if results else None)


def _site(profile: Profile, ruleset: RuleSet, options: Options) -> list[Finding]:
    from icpcheck.profile.model import Homepage, Service
    from icpcheck.sitecheck import check_page, homepage_facts, identity_required

    province = options.province or profile.company.province
    identity = "licence" in options.types and identity_required(ruleset, province, options.as_of)
    findings = check_page(options.site, profile, options.lang, identity=identity)
    service = profile.service or Service()
    flags = (service.homepage.model_dump(exclude_unset=True) if service.homepage else {}) | homepage_facts(
        findings
    )
    service.homepage = Homepage(**flags)
    profile.service = service
    return findings


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
    }


_WORKER: tuple[RuleSet, Options] | None = None  # set before forking; each worker process reuses it


def _work(paths: list[Path]) -> list[ProfileOutcome]:
    assert _WORKER is not None
    return [evaluate_path(path, *_WORKER) for path in paths]


def evaluate_many(
    paths: Sequence[Path], ruleset: RuleSet, options: Options, jobs: int = 1
) -> Iterator[ProfileOutcome]:
    """Outcomes in input order. With jobs > 1, worker processes evaluate chunks of files while this
    process renders; results stream back in order, so memory stays flat."""
    global _WORKER
    if jobs <= 1 or len(paths) < 64 or "fork" not in multiprocessing.get_all_start_methods():
        for path in paths:
            yield evaluate_path(path, ruleset, options)
        return
    _WORKER = (ruleset, options)
    yield from _parallel(list(paths), jobs)


_CHUNK = 32


def _parallel(paths: list[Path], jobs: int) -> Iterator[ProfileOutcome]:
    """Chunks of files in worker processes, a bounded number in flight, outcomes in input order.

    A worker that dies (a crash in a C library, the OOM killer) breaks the pool: the chunks in flight are
    retried file by file in a new pool, and a file that kills its worker again when run alone fails with
    an error of its own. It never hangs or ends the run.
    """
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # (files, alone): `alone` is a single suspect file, run with nothing else in flight.
    todo: deque[tuple[list[Path], bool]] = deque(
        (paths[i : i + _CHUNK], False) for i in range(0, len(paths), _CHUNK)
    )
    running: deque[tuple[list[Path], bool, Future[list[ProfileOutcome]]]] = deque()

    def start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))

    pool = start()
    try:
        while todo or running:
            while todo and len(running) < 2 * jobs and not (running and (todo[0][1] or running[-1][1])):
                files, alone = todo.popleft()
                running.append((files, alone, pool.submit(_work, files)))
            files, alone, future = running.popleft()
            try:
                yield from future.result()
                continue
            except BrokenProcessPool:
                pass
            pool.shutdown(wait=True, cancel_futures=True)
            retry = [([path], len(files) == 1) for path in files]
            if alone:
                retry = []
                yield ProfileOutcome(str(files[0]), [], IcpcheckError(_DIED, file=str(files[0])))
            todo.extendleft(reversed(retry + [(f, a) for f, a, _ in running]))
            running.clear()
            pool = start()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_DIED = "the worker process checking this file died (a crash, or killed); nothing could be reported for it"


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
