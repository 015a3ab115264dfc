"""The fidelity ledger (rules/ledger.yaml) and `icpcheck rules coverage`.

Every checkable seed statement is encoded or explained, every ID the ledger names exists, every seed a rule
cites is in it, and every quote really is in its seed.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT
from icpcheck.errors import RuleFileError
from icpcheck.ledger import STATUSES, cited_seeds, load_ledger, quote_in, references, uncited

CLI = Callable[..., tuple[int, str, str]]
SEEDS = ("000", "001", "002", "003", "004")


def _seeds_dir() -> Path | None:
    """../shared/seeds beside the repository (or beside a worktree's ancestors)."""
    for base in ROOT.parents:
        if (base / "shared" / "seeds").is_dir():
            return base / "shared" / "seeds"
    return None


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_id_the_ledger_names_exists() -> None:
    assert references(load_ledger()) == []


def test_every_seed_citation_of_the_rule_data_is_in_the_ledger() -> None:
    assert uncited(load_ledger()) == []


def test_ledger_holds_well_over_100_statements_of_every_seed() -> None:
    counts = load_ledger().counts()
    assert set(counts) == {*SEEDS, "total"}
    assert sum(counts["total"].values()) > 150
    for seed in SEEDS:
        assert counts[seed]["encoded"] >= 20, seed
    assert set(counts["total"]) <= set(STATUSES)


def test_disagreements_between_seeds_record_their_resolution() -> None:
    by_key = {st.key: st for st in load_ledger().statements}
    for key in (
        "000.paid_in_capital",  # paid-in (Beijing) vs registered capital (seed 001)
        "000.social_insurance_8x3",  # 8 × 3 (Beijing) vs 3 × 1 (seed 001)
        "002.domain_holder_is_subject",  # holder = subject vs shareholder / principal (seed 004)
        "001.example_own_goods_no_licence",  # own goods vs platforms (seeds 000, 004)
    ):
        assert by_key[key].resolution, key
    assert by_key["000.agency_30_working_days"].status == "superseded"
    assert by_key["000.agency_30_working_days"].superseded_by.by == "003.decision_60_days"  # type: ignore[union-attr]


def test_issue_15_statements_are_pending_until_encoded() -> None:
    """Issue 15's missing statements are in the ledger; each is pending or, once its rule lands, encoded."""
    by_key = {st.key: st for st in load_ledger().statements}
    for key in (
        "004.r2_approved_registrar",
        "000.faq4_host_filed_locally",
        "000.faq5_name_matches",
        "000.n5_false_publicity",
        "000.faq2_fine_100k_1m",
        "002.hosting_agreement_ip",
        "002.colour_scans_red_seals",
        "003.personal_two_copies_by_post",
        "002.change_within_30_days",
        "002.annual_report",
        "003.form_subject_type_military",
        "003.form_office_phone_format",
        "003.form_address_detailed",
    ):
        assert by_key[key].status in {"pending", "encoded"}, key


def test_statements_issue_13_found_wrong_or_missing_are_encoded() -> None:
    by_key = {st.key: st for st in load_ledger().statements}
    for key in (
        "001.subtype2_search_exception",  # item 5
        "003.lm8_bulletin_special_application",  # item 6
        "004.r5_proof_some_provinces",  # item 7
        "001.news_licence_valid",  # item 9
    ):
        assert by_key[key].status == "encoded", key


@pytest.mark.skipif(_seeds_dir() is None, reason="../shared/seeds is not beside the repo")
def test_every_quote_occurs_in_its_seed() -> None:
    folder = _seeds_dir()
    assert folder is not None
    texts = {seed: next(folder.glob(f"{seed}_*.txt")).read_text(encoding="utf-8") for seed in SEEDS}
    missing = [
        f"{st.key}: {st.quote}" for st in load_ledger().statements if not quote_in(st.quote, texts[st.seed])
    ]
    assert missing == []


def test_quote_matching_ignores_spacing_quotes_and_width_but_not_words() -> None:
    text = '现有经营范围要有"增值电信业务"或"第二类增值电信业务"；\n企业注册资金应在100万'
    assert quote_in("现有经营范围要有“增值电信业务”或“第二类增值电信业务”;", text)
    assert quote_in("现有经营范围 … 第二类增值电信业务", text)
    assert not quote_in("第二类增值电信业务 … 现有经营范围", text)  # parts in order
    assert not quote_in("企业注册资金应在50万", text)


def test_cited_seeds_reads_single_and_grouped_citations() -> None:
    assert cited_seeds("seed 000 (材料 11); seeds 001/004; 电信条例 第十三条") == {"000", "001", "004"}
    assert cited_seeds("互联网信息服务管理办法 第五条") == set()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("rules: [licence.capital]", "rules: [licence.capital_paid]", "unknown rule 'licence.capital_paid'"),
        (
            "materials: [licence.bj.articles]",
            "materials: [licence.bj.article]",
            "unknown materials item 'licence.bj.article'",
        ),
        (
            "params: [site_name.generic]",
            "params: [site_name.generics]",
            "unknown parameter 'site_name.generics'",
        ),
        (
            "guidance: [timeline.filing.provider_review]",
            "guidance: [timeline.filing.review]",
            "unknown guidance entry 'timeline.filing.review'",
        ),
        ("provinces: [beijing.phones]", "provinces: [beijing.fax]", "unknown province field 'beijing.fax'"),
        ("profile: [company.name]", "profile: [company.title]", "unknown profile field 'company.title'"),
    ],
)
def test_an_unknown_id_in_the_ledger_is_reported(rules_copy: Path, old: str, new: str, expected: str) -> None:
    _edit(rules_copy / "ledger.yaml", old, new)
    problems = references(load_ledger(rules_copy), rules_copy)
    assert len(problems) == 1 and expected in problems[0] and "ledger.yaml:" in problems[0]


def test_a_renamed_rule_breaks_the_ledger(rules_copy: Path) -> None:
    _edit(rules_copy / "filing.yaml", "id: filing.domain_age", "id: filing.domain_min_age")
    problems = references(load_ledger(rules_copy), rules_copy)
    assert problems and all("'filing.domain_age'" in p for p in problems)


def test_a_seed_citation_missing_from_the_ledger_is_reported(rules_copy: Path) -> None:
    _edit(
        rules_copy / "licence.yaml",
        'source: "电信业务经营许可管理办法 第六条第（六）项"',
        'source: "电信业务经营许可管理办法 第六条第（六）项; seed 002 (no such passage)"',
    )
    problems = uncited(load_ledger(rules_copy), rules_copy)
    assert problems == [
        "rule 'licence.clean_record' cites seed 002, but no statement of seed 002 in rules/ledger.yaml "
        "lists it under rules"
    ]


def test_a_materials_item_listed_under_another_seed_only_is_reported(rules_copy: Path) -> None:
    _edit(rules_copy / "ledger.yaml", "    materials: [licence.bj.hosting]\n", "")
    problems = uncited(load_ledger(rules_copy), rules_copy)
    assert problems == [
        "materials item 'licence.bj.hosting' cites seed 000, but no statement of seed 000 in "
        "rules/ledger.yaml lists it under materials"
    ]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ('  - {seed: "001", id: bare, quote: 企业注册资金}\n', "neither an encoding"),
        (
            '  - {seed: "001", id: two, quote: 企业注册资金, info_only: a, pending: b}\n',
            "not info_only and pending",
        ),
        ('  - {seed: "001", id: c_registered_capital, quote: xy, info_only: a}\n', "duplicate statement"),
        ('  - {seed: "1", id: short, quote: 企业注册资金, info_only: a}\n', "seed"),
        (
            '  - {seed: "001", id: sup, quote: 企业注册资金, superseded_by: {by: "009.none", reason: r}}\n',
            "unknown statement 009.none",
        ),
    ],
)
def test_a_statement_needs_exactly_one_status(rules_copy: Path, entry: str, expected: str) -> None:
    path = rules_copy / "ledger.yaml"
    path.write_text(path.read_text(encoding="utf-8") + entry, encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_ledger(rules_copy)
    assert expected in str(err.value) and "ledger.yaml:" in str(err.value)


# --- icpcheck rules coverage -------------------------------------------------------------------------------


def test_coverage_text_lists_statements_and_counts_per_seed(cli: CLI) -> None:
    code, out, _ = cli("rules", "coverage", "--lang", "en")
    assert code == 0
    counts = load_ledger().counts()
    for seed in SEEDS:
        header = next(line for line in out.splitlines() if line.startswith(f"seed {seed}《"))
        assert f"》  ({sum(counts[seed].values())} statements: " in header
    assert "000.paid_in_capital" in out and "rules: licence.capital" in out
    total = counts["total"]
    row = ["total", *(str(total[s]) for s in STATUSES), str(sum(total.values()))]
    assert out.rstrip().splitlines()[-1].split() == row
    assert "encoded  info only  not checkable  superseded  pending  total" in out


def test_coverage_text_in_chinese(cli: CLI) -> None:
    code, out, _ = cli("rules", "coverage", "--lang", "zh")
    assert code == 0 and "已编码" in out and "待编码" in out
    assert "种子 000《北京 ICP 证办理指南（代理机构）》" in out


def test_coverage_json_has_every_statement_and_the_counts(cli: CLI) -> None:
    code, out, _ = cli("rules", "coverage", "--format", "json")
    assert code == 0
    data = json.loads(out)
    ledger = load_ledger()
    assert len(data["statements"]) == len(ledger.statements)
    first = data["statements"][0]
    assert {"key", "seed", "quote", "status", "rules", "materials", "params", "reason"} <= set(first)
    for seed, counts in ledger.counts().items():
        assert data["counts"][seed] == {**{s: counts[s] for s in STATUSES}, "total": sum(counts.values())}
    explained = [s for s in data["statements"] if s["status"] != "encoded"]
    assert explained and all(s["reason"] for s in explained)


def test_coverage_markdown_tables(cli: CLI) -> None:
    code, out, _ = cli("rules", "coverage", "--format", "markdown", "--lang", "en")
    assert code == 0
    assert "| seed | encoded | info only | not checkable | superseded | pending | total |" in out
    assert "## seed 004《" in out and "| `004.r4_real_name` | encoded |" in out


def test_coverage_status_filter(cli: CLI) -> None:
    code, out, _ = cli("rules", "coverage", "--format", "json", "--status", "superseded")
    assert code == 0
    statuses = {s["status"] for s in json.loads(out)["statements"]}
    assert statuses == {"superseded"}
    code, _, err = cli("rules", "coverage", "--status", "done")
    assert code == 2 and "--status" in err


def test_coverage_fails_when_the_ledger_is_out_of_step(
    cli: CLI, rules_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import icpcheck.engine.loader
    import icpcheck.ledger

    _edit(rules_copy / "ledger.yaml", "rules: [licence.capital]", "rules: [licence.capital_paid]")
    monkeypatch.setattr(icpcheck.ledger, "rules_dir", lambda: rules_copy)
    monkeypatch.setattr(icpcheck.engine.loader, "rules_dir", lambda: rules_copy)
    code, out, err = cli("rules", "coverage")
    assert code == 2 and out == ""
    assert "licence.capital_paid" in err and "Traceback" not in err


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_coverage_of_a_rules_directory_without_a_ledger(cli: CLI, rules_copy: Path, fmt: str) -> None:
    """The ledger is optional in a rules directory (`rules validate` passes without it), so its absence is
    no broken file: `rules coverage` has nothing to print and says so in one line, naming the file, what it
    is for and where to start one; exit 2, no partial or empty report a CI step could take for a result."""
    (rules_copy / "ledger.yaml").unlink()
    code, out, err = cli("rules", "coverage", "--rules", rules_copy, "--format", fmt)
    assert code == 2 and out == ""
    [line] = err.strip().splitlines()
    assert str(rules_copy / "ledger.yaml") in line
    assert "no fidelity ledger" in line and "each checkable seed statement and what encodes it" in line
    assert str(ROOT / "rules" / "ledger.yaml") in line  # the bundled one, to copy
    code, out, _ = cli("rules", "validate", rules_copy)
    assert code == 0 and "ledger" not in out


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_coverage_names_every_seed_by_its_title(cli: CLI, fmt: str) -> None:
    code, out, _ = cli("rules", "coverage", "--format", fmt, "--lang", "en")
    assert code == 0 and "seed 002《Enterprise ICP filing guide》" in out
    assert not re.findall(r"seed \d{3}(?!《)", out)


def test_coverage_json_keeps_the_source_key(cli: CLI) -> None:
    data = json.loads(cli("rules", "coverage", "--format", "json")[1])
    first = data["statements"][0]
    assert first["seed"] == "000" and first["source"]["key"] == "bj-icp-licence-agency"


def test_a_guidance_source_key_missing_from_the_ledger_is_reported(rules_copy: Path) -> None:
    # The homepage checks' sources moved to rules/site.yaml (issue 18); a guidance file's top-level source
    # key is still checked, as this one added to a copy shows.
    _edit(
        rules_copy / "guidance" / "site.yaml",
        "min_font_px: 12\n",
        "min_font_px: 12\nsource_licence: seed 000 (注意事项 1)\n",
    )
    problems = uncited(load_ledger(rules_copy), rules_copy)
    assert problems == [
        "guidance entry 'site.source_licence' cites seed 000, but no statement of seed 000 in "
        "rules/ledger.yaml lists it under guidance"
    ]


def test_rules_validate_checks_the_ledger_of_the_directory(cli: CLI, rules_copy: Path) -> None:
    code, out, _ = cli("rules", "validate", rules_copy)
    assert code == 0 and f"{len(load_ledger().statements)} ledger statements" in out
    _edit(rules_copy / "filing.yaml", "id: filing.site_name", "id: filing.website_name")
    code, _, err = cli("rules", "validate", rules_copy)
    assert code == 2 and "ledger out of step" in err and "'filing.site_name'" in err
    (rules_copy / "ledger.yaml").unlink()  # a rules directory without a ledger is still valid
    code, out, _ = cli("rules", "validate", rules_copy)
    assert code == 0 and "ledger" not in out
