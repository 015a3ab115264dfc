"""The enrich stage fills a copy: the loaded profile stays what the file says, whatever --site finds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT
from icpcheck.engine import load_ruleset
from icpcheck.facts import site
from icpcheck.pipeline import Options, enrich
from icpcheck.profile import load_profile


def test_site_facts_fill_a_copy_not_the_loaded_profile() -> None:
    loaded = load_profile(EXAMPLES / "beijing-licence-gaps.yaml")
    before = loaded.profile.model_dump()
    page = site.read_file(ROOT / "tests" / "site_pages" / "no-psb-link.html")
    options = Options(as_of=dt.date(2025, 6, 1), site=page)
    enriched, findings, _ = enrich(loaded, load_ruleset(), options)
    assert loaded.profile.model_dump() == before
    assert enriched.profile is not loaded.profile and enriched.source is loaded.source
    homepage = enriched.profile.service and enriched.profile.service.homepage
    assert homepage and homepage.model_dump(exclude_unset=True) != (before["service"] or {}).get("homepage")
    assert any(f.rule.startswith("site.") for f in findings)


def test_no_stage_changes_the_loaded_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Load → enrich (whois, homepage) → evaluate → policy (waivers, --skip) → mask → materials → render:
    the profile as loaded is the same afterwards, whatever each stage found or masked."""
    import dataclasses

    from icpcheck import pipeline
    from icpcheck.policy import Policy
    from icpcheck.profile.model import Waiver
    from icpcheck.report.text import TextWriter
    from icpcheck.report.writers import WriterContext

    monkeypatch.setenv("ICPCHECK_CACHE_DIR", str(tmp_path))  # empty: --offline finds no whois facts
    loaded = load_profile(EXAMPLES / "beijing-licence-gaps.yaml")
    waivers = [
        Waiver(rule="licence.*", reason="x", expires=dt.date(2020, 1, 1)),
        Waiver(rule="no.rule", reason="y"),
    ]
    loaded = dataclasses.replace(loaded, profile=loaded.profile.model_copy(update={"waivers": waivers}))
    before = loaded.profile.model_dump()
    monkeypatch.setattr(pipeline, "load_path", lambda *_args, **_kwargs: loaded)
    ruleset = load_ruleset()
    day = dt.date(2026, 11, 22)
    options = Options(
        as_of=day,
        site=site.read_file(ROOT / "tests" / "site_pages" / "no-identity.html"),
        whois={"use_cache": True, "offline": True},
        materials=True,
        policy=Policy(skip=("licence.capital",)),
        render=TextWriter(WriterContext(day, "en", ruleset)).render,
    )
    outcome = pipeline.evaluate_path(Path("client.yaml"), ruleset, options)
    found = {f.rule for r in outcome.results for f in r.findings}
    assert {"domain.whois", "waiver.expired", "waiver.unknown_rule"} <= found and outcome.rendered
    assert any(rule.startswith("site.") for rule in found) and "licence.capital" not in found
    assert loaded.profile.model_dump() == before
