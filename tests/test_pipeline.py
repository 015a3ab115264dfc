"""The enrich stage fills a copy: the loaded profile stays what the file says, whatever --site finds."""

from __future__ import annotations

import datetime as dt

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
