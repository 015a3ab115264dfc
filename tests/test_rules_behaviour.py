"""Every rule of the public catalogue: a pass, a fail and an unknown case, as its seed describes it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from conftest import AS_OF, ELIGIBLE
from icpcheck.engine import evaluate, load_ruleset
from icpcheck.profile.loader import load_profile_text
from icpcheck.report.model import Finding, Status

RULESET = load_ruleset()

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _drop(path: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        del node[int(last) if last.isdigit() else last]

    return mutate


def _both(*mutations: Mutation) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        for m in mutations:
            m(data)

    return mutate


# rule id -> (mutation that makes it fail, mutation that makes it unknown)
CASES: dict[str, tuple[Mutation, Mutation]] = {
    "filing.server_mainland": (_set("hosting.location", "hong_kong"), _drop("hosting.location")),
    "filing.domain_tld_approved": (_set("domains.0.name", "yunfan.com.hk"), _drop("domains")),
    "filing.domain_age": (_set("domains.0.registered", "2026-09-01"), _drop("domains.0.registered")),
    "filing.domain_not_expired": (_set("domains.0.expires", "2026-11-01"), _drop("domains.0.expires")),
    "filing.domain_real_name": (
        _set("domains.0.real_name_verified", False),
        _drop("domains.0.real_name_verified"),
    ),
    "filing.domain_holder_match": (_set("domains.0.holder", "别的公司"), _drop("domains.0.holder")),
    "filing.business_licence_valid": (
        _set("company.licence_valid_until", "2026-01-01"),
        _drop("company.licence_valid_until"),
    ),
    "filing.site_name": (_set("service.name", "首页"), _drop("service.name")),
    "filing.pre_approval": (_set("service.pre_approvals", []), _drop("service.content")),
    "filing.homepage_number": (
        _set("service.homepage.links_to_beian", False),
        _drop("service.homepage.links_to_beian"),
    ),
    "licence.entity_type": (_set("company.entity_type", "individual_business"), _drop("company.entity_type")),
    "licence.filing_first": (_set("filings.icp_filing_number", None), _drop("filings.icp_filing_number")),
    "licence.capital": (_set("company.paid_in_capital_cny", 999_999), _drop("company.paid_in_capital_cny")),
    "licence.social_insurance": (
        _set("social_insurance.1.insured", 7),
        _set("social_insurance", [{"month": "2026-10", "insured": 9}]),
    ),
    "licence.domestic_ownership": (
        _set("company.shareholders.1.foreign_investment", True),
        _drop("company.shareholders.0.nationality"),
    ),
    "licence.business_scope": (
        _set("company.business_scope", "技术开发；软件销售"),
        _drop("company.business_scope"),
    ),
    "licence.server_in_province": (_set("hosting.province", "tianjin"), _drop("hosting.province")),
    "licence.hosting_provider_idc": (
        _set("hosting.provider_licences", ["CDN"]),
        _drop("hosting.contract_signed"),
    ),
    "licence.domain_validity_6m": (_set("domains.0.expires", "2027-05-01"), _drop("domains.0.expires")),
    "licence.pre_approval": (
        _set("service.content", ["education", "medical"]),
        _drop("service.pre_approvals"),
    ),
    "licence.news_licence": (_set("service.b25_subtypes", ["community"]), _drop("service.b25_subtypes")),
    "licence.no_financial": (_set("service.content", ["finance"]), _drop("service.content")),
    "licence.homepage_disclosure": (_set("service.homepage.shows_phone", False), _drop("service.homepage")),
    "licence.key_personnel": (_set("people.key_staff.2.social_insured", False), _drop("people.key_staff")),
    "licence.clean_record": (
        _set("company.violations_last_3_years", True),
        _drop("company.violations_last_3_years"),
    ),
}

# The eligible example does not trigger these rules; this makes them apply and hold.
PASS_SETUP: dict[str, Mutation] = {
    "licence.news_licence": _both(
        _set("service.b25_subtypes", ["community"]),
        _set("service.pre_approvals", ["education", "internet_news"]),
    ),
}

PUBLIC_IDS = set(CASES)


def _finding(data: dict[str, Any], rule_id: str, province: str | None = None) -> Finding:
    import yaml

    loaded = load_profile_text(yaml.safe_dump(data, allow_unicode=True), "case.yaml")
    for result in evaluate(loaded, RULESET, as_of=AS_OF, province=province, lang="en"):
        for finding in result.findings:
            if finding.rule == rule_id:
                return finding
    raise AssertionError(f"rule {rule_id} was not evaluated")


def test_every_public_rule_exists() -> None:
    assert {r.id for r in RULESET.rules} >= PUBLIC_IDS


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_passes_on_the_eligible_example(rule_id: str, eligible_data: dict[str, Any]) -> None:
    PASS_SETUP.get(rule_id, lambda data: None)(eligible_data)
    assert _finding(eligible_data, rule_id).status is Status.PASS


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fails(rule_id: str, eligible_data: dict[str, Any]) -> None:
    CASES[rule_id][0](eligible_data)
    finding = _finding(eligible_data, rule_id)
    assert finding.status is Status.FAIL, finding
    assert finding.remediation and finding.source and finding.field


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_unknown_names_the_field(rule_id: str, eligible_data: dict[str, Any]) -> None:
    CASES[rule_id][1](eligible_data)
    finding = _finding(eligible_data, rule_id)
    assert finding.status is Status.UNKNOWN, finding
    assert finding.field and finding.field in finding.remediation


def test_beijing_needs_paid_in_capital_but_national_counts_registered(eligible_data: dict[str, Any]) -> None:
    eligible_data["company"]["paid_in_capital_cny"] = 200_000  # registered stays 1,000,000
    assert _finding(eligible_data, "licence.capital").status is Status.FAIL
    assert _finding(eligible_data, "licence.capital", province="shanghai").status is Status.PASS


def test_social_insurance_three_by_eight_in_beijing_one_by_three_nationally(
    eligible_data: dict[str, Any],
) -> None:
    eligible_data["social_insurance"] = [{"month": "2026-10", "insured": 3}]
    assert _finding(eligible_data, "licence.social_insurance", province="guangdong").status is Status.PASS
    finding = _finding(eligible_data, "licence.social_insurance")
    assert finding.status is Status.FAIL
    assert finding.expected == {"min_insured": 8, "months": 3}


def test_social_insurance_counts_up_to_the_last_full_month(eligible_data: dict[str, Any]) -> None:
    # As of 2026-11-22 the last full months are 08, 09, 10: a gap in July does not matter …
    eligible_data["social_insurance"].append({"month": "2026-07", "insured": 0})
    assert _finding(eligible_data, "licence.social_insurance").status is Status.PASS
    # … and November (the current, unfinished month) is not counted.
    eligible_data["social_insurance"][0]["insured"] = 2
    eligible_data["social_insurance"].append({"month": "2026-11", "insured": 20})
    assert _finding(eligible_data, "licence.social_insurance").status is Status.FAIL


def test_beijing_only_rules_are_skipped_elsewhere(eligible_data: dict[str, Any]) -> None:
    eligible_data["service"]["content"] = ["finance"]
    assert _finding(eligible_data, "licence.no_financial").status is Status.FAIL
    assert _finding(eligible_data, "licence.no_financial", province="zhejiang").status is Status.SKIP


def test_news_licence_skipped_without_search_community_or_im(eligible_data: dict[str, Any]) -> None:
    assert _finding(eligible_data, "licence.news_licence").status is Status.SKIP


@pytest.mark.parametrize("name", ["网站", "yunfan.cn", "WWW.YUNFAN.COM", "12345"])
def test_generic_or_domain_site_names_fail(name: str, eligible_data: dict[str, Any]) -> None:
    eligible_data["service"]["name"] = name
    assert _finding(eligible_data, "filing.site_name").status is Status.FAIL


def test_domain_holder_may_be_a_shareholder_for_organisations(eligible_data: dict[str, Any]) -> None:
    eligible_data["domains"][0]["holder"] = "北京某投资有限公司"
    assert _finding(eligible_data, "filing.domain_holder_match").status is Status.PASS
    eligible_data["company"]["entity_type"] = "individual"
    assert _finding(eligible_data, "filing.domain_holder_match").status is Status.FAIL


def test_idn_tld_matches_in_unicode_and_punycode(eligible_data: dict[str, Any]) -> None:
    for name in ("云帆.中国", "xn--9kr65r.xn--fiqs8s"):
        eligible_data["domains"][0]["name"] = name
        assert _finding(eligible_data, "filing.domain_tld_approved").status is Status.PASS


def test_business_licence_long_term_null_passes(eligible_data: dict[str, Any]) -> None:
    assert eligible_data["company"]["licence_valid_until"] is None
    assert _finding(eligible_data, "filing.business_licence_valid").status is Status.PASS


def test_findings_carry_the_line_of_the_field(eligible_data: dict[str, Any]) -> None:
    from icpcheck.profile import load_profile

    loaded = load_profile(ELIGIBLE)
    loaded.profile.company.paid_in_capital_cny = 10
    results = evaluate(loaded, RULESET, as_of=AS_OF, types=["licence"])
    capital = next(f for f in results[0].findings if f.rule == "licence.capital")
    line = ELIGIBLE.read_text(encoding="utf-8").splitlines()[capital.line - 1]  # type: ignore[operator]
    assert line.strip().startswith("paid_in_capital_cny:")


def test_mutations_do_not_leak_between_cases(eligible_data: dict[str, Any]) -> None:
    before = copy.deepcopy(eligible_data)
    assert _finding(eligible_data, "licence.capital").status is Status.PASS
    assert eligible_data == before
