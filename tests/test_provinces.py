"""The province layer (issue 17): dated facts per reference, history for earlier dates, disagreements shown,
and per-province parameters driving the rules, the materials and the timelines."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from icpcheck.engine import evaluate, load_ruleset
from icpcheck.findings import Finding, Status
from icpcheck.materials import tailor
from icpcheck.profile.loader import load_profile_text
from icpcheck.provinces import province_table, requirements_at

CLI = Callable[..., tuple[int, str, str]]
RULESET = load_ruleset()
TODAY = dt.date(2026, 11, 24)  # after the undated references were consulted (2026-11-23)
ZJ_ID = "330106199001015126"  # a Zhejiang resident ID (example individual-blog.yaml)
GS_ID = "620102199003077715"  # a Gansu resident ID (division 62, valid check digit)


def _finding(data: dict[str, Any], rule_id: str, as_of: dt.date = TODAY) -> Finding:
    loaded = load_profile_text(yaml.safe_dump(data, allow_unicode=True), "case.yaml")
    for result in evaluate(loaded, RULESET, as_of=as_of, lang="en"):
        for finding in result.findings:
            if finding.rule == rule_id:
                return finding
    raise AssertionError(f"rule {rule_id} was not evaluated")


def _individual(province: str, id_number: str, domains: int = 1) -> dict[str, Any]:
    return {
        "version": 1,
        "company": {"name": "林晓", "entity_type": "individual", "province": province},
        "people": {"site_owner": {"name": "林晓", "id_type": "resident_id", "id_number": id_number}},
        "domains": [{"name": f"linxiao{i}.net", "holder": "林晓"} for i in range(domains)],
        "hosting": {"location": "mainland", "province": province},
        "service": {"kind": "website", "name": "林晓的技术笔记", "content": [], "pre_approvals": []},
    }


# --- data: every value has a source, history is kept --------------------------------------------------------


def test_every_parameter_value_and_disagreement_names_its_source() -> None:
    layers = [("national", RULESET.national), *RULESET.overrides.items()]
    for layer, params in layers:
        for name, spec in params.items():
            assert spec.source.strip(), (layer, name)
            for dated in spec.values or []:
                assert (dated.source or spec.source).strip(), (layer, name, dated.since)
                assert spec.source_at(dated.since) == (dated.source or spec.source)
            for alt in spec.disagreements:
                assert alt.source.strip() and alt.date.strip(), (layer, name)
            assert not spec.disagreements or spec.decision, (layer, name)


def test_every_province_cites_a_reference_newer_than_2017_or_says_none_was_found() -> None:
    newer, none_found = [], []
    for prov in province_table().provinces.values():
        current, history = requirements_at(prov, TODAY)
        for entry in current + history:
            assert entry.source.strip() and entry.items, prov.key
        if current:
            # newer references (Guangdong's 2016 finance rule is stated on a current Tencent page)
            assert not any(e.history or "各省管局要求20170605" in e.source for e in current), prov.key
            newer.append(prov.key)
        else:
            assert (
                prov.extra["local_requirements_verified"] is False and prov.extra["local_requirements_reason"]
            )
            none_found.append(prov.key)
    assert none_found == ["tibet"] and len(newer) == 30


def test_2017_values_stay_as_history(cli: CLI) -> None:
    code, out, _ = cli("provinces", "beijing", "--as-of", "2018-01-01", "-f", "json")
    old = json.loads(out)
    assert code == 0 and [e["since"] for e in old["local_requirements"]] == ["2017-06-05"]
    assert "各省管局要求20170605" in old["local_requirements"][0]["source"] and old["history"] == []
    code, out, _ = cli("provinces", "beijing", "--as-of", TODAY.isoformat(), "-f", "json")
    new = json.loads(out)
    assert all(e["since"] > "2017-06-05" for e in new["local_requirements"])
    assert [e["since"] for e in new["history"]] == ["2017-06-05"]
    # parameters too: Henan's one-domain limit (JD Cloud) did not exist in 2018; Henan refused non-local IDs
    assert RULESET.params_for("henan", dt.date(2018, 1, 1))["filing.max_domains_per_application"] == 0
    assert RULESET.params_for("henan", TODAY)["filing.max_domains_per_application"] == 1
    assert RULESET.params_for("henan", dt.date(2018, 1, 1))["individual.non_local_id"] == "refused"
    assert RULESET.params_for("shanghai", dt.date(2018, 1, 1))["server.in_province_required"] is True
    assert RULESET.params_for("shanghai", TODAY)["server.in_province_required"] is False


# --- `provinces` output ---------------------------------------------------------------------------


def test_provinces_text_shows_requirements_with_dates_and_sources(cli: CLI) -> None:
    code, out, _ = cli("provinces", "--as-of", TODAY.isoformat(), "--lang", "en")
    assert code == 0 and "31 provinces" in out and "010-63310094" in out
    assert "[since 2025-12-31] huaweicloud/huaweicloud-skills" in out
    assert "[consulted 2026-11-23] zhangkai263/cn (JD Cloud docs)" in out
    assert "非江苏本地身份证，需提供江苏有效居住证" in out
    assert "各省管局要求20170605" not in out  # history is not today's answer where newer references exist
    assert "no local requirements found" in out  # Tibet


@pytest.mark.parametrize(
    ("province", "expected"),
    [
        ("henan", ["disagreement (2025-12-31): 5", "decision: The rules use JD Cloud's stricter limit"]),
        ("内蒙古", ["individual.non_local_id = residence_permit", "disagreement (2025-12-31): refused"]),
        ("浙", ["filing.review_working_days = 30 [zhejiang]", "disagreement (undated"]),
        ("guangdong", ["filing.review_working_days = 20 [guangdong]", "seed 002", "广东省（除深圳）"]),
        ("anhui", ["disagreement: 主体负责人是否必须为法人", "主体负责人可以不是法人"]),
        ("beijing", ["licence.review_note", "默认协议", "domain.approved_tlds", "since 2019-01-01"]),
        ("湖北", ["湖北省通信管理局 (source: tencentyun/qcloud-documents", "history (superseded"]),
    ],
)
def test_one_province_in_full_shows_its_disagreements(cli: CLI, province: str, expected: list[str]) -> None:
    code, out, _ = cli("provinces", province, "--as-of", TODAY.isoformat(), "--lang", "en")
    assert code == 0
    for text in expected:
        assert text in out, text
    # every province in full also shows the national disputes that apply to it
    assert "pre_approval.categories" in out and "目前全国已取消教育类前置审批" in out


def test_provinces_unknown_name_is_a_usage_error(cli: CLI) -> None:
    code, _, err = cli("provinces", "atlantis")
    assert code == 2 and "unknown province" in err


# --- parameters drive the outcomes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("province", "status"),
    [("shanghai", Status.SKIP), ("hunan", Status.SKIP), ("beijing", Status.FAIL), ("guangdong", Status.FAIL)],
)
def test_licence_servers_outside_the_province(
    province: str, status: Status, eligible_data: dict[str, Any]
) -> None:
    eligible_data["company"]["province"] = province
    eligible_data["hosting"]["province"] = "zhejiang"
    assert _finding(eligible_data, "licence.server_in_province").status is status
    # before the licence FAQ was consulted, seed 001's general rule applies everywhere (history)
    earlier = _finding(eligible_data, "licence.server_in_province", dt.date(2026, 11, 1))
    assert earlier.status is Status.FAIL


def test_individual_with_another_provinces_id() -> None:
    assert _finding(_individual("gansu", ZJ_ID), "filing.individual_local_id").status is Status.FAIL
    assert _finding(_individual("gansu", GS_ID), "filing.individual_local_id").status is Status.PASS
    assert _finding(_individual("tianjin", ZJ_ID), "filing.individual_local_id").status is Status.SKIP
    # Jiangsu accepts a local residence permit: a warning, and the permit becomes a required material
    finding = _finding(_individual("jiangsu", ZJ_ID), "filing.individual_residence_permit")
    assert finding.status is Status.FAIL and finding.severity.value == "warning"
    assert (
        _finding(_individual("zhejiang", ZJ_ID), "filing.individual_residence_permit").status is Status.PASS
    )
    missing = _individual("gansu", ZJ_ID)
    del missing["people"]["site_owner"]["id_number"]
    assert _finding(missing, "filing.individual_local_id").status is Status.UNKNOWN


def test_residence_permit_material_follows_the_profile_and_province() -> None:
    def ids(province: str, id_number: str) -> dict[str, bool]:
        loaded = load_profile_text(
            yaml.safe_dump(_individual(province, id_number), allow_unicode=True), "p.yaml"
        )
        checklist = tailor("filing", province, "individual", RULESET, profile=loaded.profile, as_of=TODAY)
        return {i.id: i.required for i in checklist.items}

    assert ids("jiangsu", ZJ_ID)["filing.individual.residence_permit"] is True
    assert "filing.individual.residence_permit" not in ids("zhejiang", ZJ_ID)
    assert "filing.individual.residence_permit" not in ids("tianjin", ZJ_ID)


def test_domains_per_application() -> None:
    def status(province: str, domains: int) -> Status:
        return _finding(_individual(province, ZJ_ID, domains), "filing.domains_per_application").status

    assert status("hubei", 2) is Status.FAIL and status("hubei", 1) is Status.PASS
    assert status("shanxi", 3) is Status.PASS and status("shanxi", 4) is Status.FAIL
    assert status("shanghai", 4) is Status.SKIP


def test_local_mobile_by_the_numbers_home_province() -> None:
    data = _individual("gansu", GS_ID)
    data["people"]["site_owner"]["mobile"] = "13812345678"  # 江苏省连云港市 in libphonenumber's data
    assert _finding(data, "filing.local_mobile").status is Status.FAIL
    data["company"]["province"] = "jiangsu"
    assert _finding(data, "filing.local_mobile").status is Status.PASS
    data["company"]["province"] = "zhejiang"  # no reference asks for local mobiles there
    assert _finding(data, "filing.local_mobile").status is Status.SKIP


def _materials(province: str, as_of: dt.date, entity: str = "company") -> dict[str, bool]:
    return {i.id: i.required for i in tailor("filing", province, entity, RULESET, as_of=as_of).items}


def test_local_undertakings_from_their_dates() -> None:
    assert "filing.local.authenticity_notice" not in _materials("jiangsu", dt.date(2021, 5, 31))
    june = _materials("jiangsu", dt.date(2021, 6, 1))
    assert june["filing.local.authenticity_notice"] and june["filing.local.authenticity_pledge"]
    assert "filing.local.filing_pledge" not in _materials("guangdong", dt.date(2021, 6, 20))
    assert _materials("guangdong", dt.date(2021, 6, 21))["filing.local.filing_pledge"] is True
    assert _materials("xinjiang", TODAY)["filing.local.party_building_certificate"] is True
    assert "filing.local.ecommerce_statement" not in _materials("hubei", TODAY, "individual")
    assert not any(i.startswith("filing.local.") for i in _materials("tibet", TODAY))


def test_backdrop_photo_per_province() -> None:
    assert _materials("beijing", TODAY, "individual")["filing.individual.backdrop_photo"] is True
    assert "filing.individual.backdrop_photo" not in _materials("guangdong", TODAY, "individual")
    assert (
        _materials("guangdong", dt.date(2020, 1, 1), "individual")["filing.individual.backdrop_photo"] is True
    )


def test_beijing_suffix_list_from_2019(eligible_data: dict[str, Any]) -> None:
    eligible_data["domains"][0]["name"] = "yunfan.asia"
    assert _finding(eligible_data, "filing.domain_tld_approved").status is Status.FAIL
    assert _finding(eligible_data, "filing.domain_tld_approved", dt.date(2018, 12, 31)).status is Status.PASS
    eligible_data["company"]["province"] = "shanghai"
    assert _finding(eligible_data, "filing.domain_tld_approved").status is Status.PASS
    eligible_data["company"]["province"] = "beijing"
    eligible_data["domains"][0]["name"] = "yunfan.tel"  # on Beijing's list, not on the national one
    assert _finding(eligible_data, "filing.domain_tld_approved").status is Status.PASS


def test_a_parameter_with_disagreements_needs_a_decision(cli: CLI, tmp_path: Any) -> None:
    import shutil

    from icpcheck.engine.loader import load_ruleset as load
    from icpcheck.errors import RuleFileError

    rules = tmp_path / "rules"
    shutil.copytree(RULESET.directory, rules)
    path = rules / "params" / "henan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    decision:", "    x_decision:"), "utf-8")
    with pytest.raises(RuleFileError):
        load(rules)


def test_sichuan_asks_a_no_finance_pledge_for_investment_scopes(eligible_data: dict[str, Any]) -> None:
    def items(province: str, scope: str) -> dict[str, bool]:
        eligible_data["company"]["province"] = province
        eligible_data["company"]["business_scope"] = scope
        text = yaml.safe_dump(eligible_data, allow_unicode=True)
        profile = load_profile_text(text, "p.yaml").profile
        checklist = tailor("filing", province, "company", RULESET, profile=profile, as_of=TODAY)
        return {i.id: i.required for i in checklist.items}

    assert items("sichuan", "项目投资；技术开发")["filing.local.no_finance_pledge"] is True
    assert "filing.local.no_finance_pledge" not in items("sichuan", "技术开发")
    assert "filing.local.no_finance_pledge" not in items("chongqing", "项目投资；技术开发")
    # without a profile: "if applicable"
    assert _materials("sichuan", TODAY)["filing.local.no_finance_pledge"] is False
