"""One catalogue: every finding ID the tool can emit is a rule in rules/, with its title, severity and source.

Findings are built in three ways: the engine evaluates a catalogue rule (its ID comes from the rule), another
pipeline stage makes a finding whose metadata comes from the catalogue (`engine.evaluate.produced`), or —
still — a module builds a `Finding` itself. The last kind is found by reading the source: a literal rule ID
handed to `Finding(...)` or `produced(...)` must be in the catalogue, and the few modules still building
findings themselves are listed in PENDING with the IDs they emit (the list may only shrink).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT
from icpcheck.engine import load_ruleset
from icpcheck.policy import emitted_rules

CLI = Callable[..., tuple[int, str, str]]
CATALOGUE = {r.id for r in load_ruleset().rules}

# Families whose findings are still built in Python with their own titles (issue 18: to move last, after the
# site-check and whois work of other branches has landed). Nothing may be added here.
PENDING: set[str] = set()


def _calls(name: str) -> list[tuple[str, int, ast.expr | None]]:
    """(file, line, rule argument) of every call of `name` in src/."""
    found = []
    for path in sorted((ROOT / "src" / "icpcheck").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == name
            ):
                rule = next((k.value for k in node.keywords if k.arg in ("rule", "rule_id")), None)
                if rule is None and node.args:
                    rule = node.args[1] if name == "produced" else node.args[0]
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.lineno, rule))
    return found


def test_literal_ids_given_to_findings_are_in_the_catalogue() -> None:
    missing = [
        f"{where}: {arg.value}"
        for fn in ("Finding", "produced", "_meta", "add")  # add: sitecheck's helper
        for where, _, arg in _calls(fn)
        if (fn != "add" or where.startswith("src/icpcheck/sitecheck.py"))
        and isinstance(arg, ast.Constant)
        and isinstance(arg.value, str)
        and arg.value not in CATALOGUE
    ]
    assert not missing, "finding IDs not in the catalogue:\n" + "\n".join(missing)


def test_only_pending_families_emit_ids_outside_the_catalogue() -> None:
    outside = {family for family, ids in emitted_rules(load_ruleset()).items() if set(ids) - CATALOGUE}
    assert outside <= PENDING, f"{sorted(outside - PENDING)} emit IDs the catalogue does not list"


def test_waiver_findings_take_title_severity_and_source_from_the_catalogue(cli: CLI, tmp_path: Path) -> None:
    profile = (ROOT / "examples" / "beijing-licence-gaps.yaml").read_text(encoding="utf-8")
    profile += "\nwaivers:\n  - {rule: licence.*, reason: x, expires: 2020-01-01}\n"
    profile += "  - {rule: nope.rule, reason: y}\n"
    path = tmp_path / "p.yaml"
    path.write_text(profile, encoding="utf-8")
    _, out, _ = cli("eligibility", path, "-f", "json", "--as-of", "2026-11-22")
    findings = [
        f for r in json.loads(out)["results"] for f in r["findings"] if f["rule"].startswith("waiver.")
    ]
    assert {f["rule"] for f in findings} == {"waiver.expired", "waiver.unknown_rule"}
    assert all(f["source"].startswith("icpcheck docs/ci.md") and f["sources"] for f in findings)
    _, text, _ = cli("eligibility", path, "--as-of", "2026-11-22", "--lang", "en")
    assert "waiver.expired A waiver in the profile has expired" in text
    _, sarif, _ = cli("eligibility", path, "-f", "sarif", "--as-of", "2026-11-22")
    rules = {r["id"]: r for r in json.loads(sarif)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["waiver.unknown_rule"]["help"]["text"] and rules["waiver.expired"][
        "defaultConfiguration"
    ] == {"level": "warning"}
    _, out, _ = cli("eligibility", path, "--skip", "waiver.*", "-f", "json", "--as-of", "2026-11-22")
    assert '"waiver.' not in out


def test_rules_list_shows_the_waiver_findings(cli: CLI) -> None:
    _, out, _ = cli("rules", "list", "-f", "json")
    ids = {r["id"] for r in json.loads(out)}
    assert {"waiver.expired", "waiver.unknown_rule"} <= ids


def test_whois_findings_take_title_severity_and_source_from_the_catalogue() -> None:
    import datetime as dt

    from icpcheck.facts.whois import DomainFacts, enrich
    from icpcheck.profile import load_profile

    ruleset = load_ruleset()
    profile = load_profile(ROOT / "examples" / "beijing-licence-gaps.yaml").profile.model_copy(deep=True)
    name = profile.domains[0].name if profile.domains else ""
    facts = [DomainFacts(name, registered=dt.date(1999, 1, 1)), DomainFacts("other.cn", error="timed out")]
    profile.domains = [
        *(profile.domains or [])[:1],
        profile.domains[0].model_copy(update={"name": "other.cn"}),
    ]
    found = {f.rule: f for f in enrich(profile, facts, ruleset, "en")}
    assert set(found) == {"domain.whois", "domain.whois_conflict"}
    for rule_id, finding in found.items():
        spec = ruleset.rule(rule_id)
        assert spec is not None
        assert finding.title == spec.spec.title.en and finding.severity.value == spec.spec.severity
        assert finding.source == spec.spec.source


def test_tags_select_the_produced_findings() -> None:
    from icpcheck.policy import expand_patterns

    ruleset = load_ruleset()
    assert expand_patterns("--only", ["tag:whois"], ruleset) == ("domain.whois", "domain.whois_conflict")
    assert expand_patterns("--skip", ["tag:waivers", "licence.*"], ruleset)[-1] == "licence.*"


def test_the_domain_command_runs_the_rules_tagged_domain(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`icpcheck domain` selects by tags (rules/*.yaml), not by ID patterns in code: `domain`, and the ones
    also tagged `holder` only when there is a --holder to compare with."""
    monkeypatch.setenv("ICPCHECK_CACHE_DIR", str(tmp_path))  # empty: --offline looks nothing up
    ruleset = load_ruleset()
    tagged, holder = ruleset.tagged("domain"), set(ruleset.tagged("holder"))
    assert holder and holder < set(tagged)
    for extra, expected in (((), [r for r in tagged if r not in holder]), (("--holder", "某公司"), tagged)):
        _, out, _ = cli("domain", "example.cn", "--offline", "-f", "json", "--as-of", "2026-11-22", *extra)
        assert [f["rule"] for f in json.loads(out)["domains"][0]["findings"]] == expected


def test_findings_are_made_only_from_catalogue_rules() -> None:
    """A `Finding` is built in one module, from a catalogue rule (`evaluate` for conditions, `produced` for
    the other stages, which refuses an ID the catalogue lacks): no code path can emit an unlisted ID."""
    from icpcheck.engine.evaluate import produced
    from icpcheck.findings import Status

    assert {where.split(":")[0] for where, _, _ in _calls("Finding")} == {"src/icpcheck/engine/evaluate.py"}
    with pytest.raises(AssertionError, match=r"site\.made_up"):
        produced(load_ruleset(), "site.made_up", Status.FAIL, "m", "r", "en")


def test_rules_list_shows_every_id_a_run_emits(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICPCHECK_CACHE_DIR", str(tmp_path))  # empty: --offline gives the whois note
    _, out, _ = cli("rules", "list", "-f", "json")
    listed = {r["id"] for r in json.loads(out)}
    assert listed == CATALOGUE
    waived = tmp_path / "waived.yaml"
    waived.write_text(
        (ROOT / "examples" / "beijing-licence-gaps.yaml").read_text(encoding="utf-8")
        + "\nwaivers:\n  - {rule: licence.*, reason: x, expires: 2020-01-01}\n"
        + "  - {rule: nope.rule, reason: y}\n",
        encoding="utf-8",
    )
    page = ROOT / "tests" / "site_pages" / "no-identity.html"
    run = [*sorted((ROOT / "examples").glob("*.yaml")), waived, "--site", page, "--whois", "--offline"]
    _, out, _ = cli("eligibility", *run, "--type", "all", "-f", "json", "--as-of", "2026-11-22")
    emitted = {f["rule"] for r in json.loads(out)["results"] for f in r["findings"]}
    assert {i.split(".")[0] for i in emitted} >= {"filing", "licence", "site", "domain", "waiver"}
    assert emitted <= listed, sorted(emitted - listed)
