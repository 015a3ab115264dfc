"""Materials checklists and the 31-province layer."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, ROOT

CLI = Callable[..., tuple[int, str, str]]
GAPS = EXAMPLES / "beijing-licence-gaps.yaml"
ELIGIBLE = EXAMPLES / "beijing-licence-eligible.yaml"

SEED_000_ITEMS = [  # the 13 Beijing items of seed 000 (item 5 split into its four sub-cases)
    "licence.bj.business_licence",
    "licence.bj.owner_ids",
    "licence.bj.corporate_shareholder",
    "licence.bj.articles",
    "licence.bj.capital_verification_report",
    "licence.bj.audit_report",
    "licence.bj.capital_increase_report",
    "licence.bj.valuation_report",
    "licence.bj.premises",
    "licence.bj.social_insurance",
    "licence.bj.existing_telecom_licences",
    "licence.bj.branches",
    "licence.bj.domain_certificate",
    "licence.bj.pre_approvals",
    "licence.bj.key_staff_ids",
    "licence.bj.hosting",
]


def _items(cli: CLI, *args: Any) -> dict[str, dict[str, Any]]:
    code, out, err = cli("materials", *args, "-f", "json", "--as-of", "2026-11-22")
    assert code == 0, err
    return {i["id"]: i for i in json.loads(out)["items"]}


@pytest.mark.parametrize("province", ["beijing", "北京", "京"])
def test_beijing_licence_lists_every_seed_000_item(cli: CLI, province: str) -> None:
    items = _items(cli, "--type", "licence", "--province", province)
    assert set(SEED_000_ITEMS) <= set(items)
    assert "licence.business_licence" not in items  # the national list is replaced in Beijing
    assert "不退" in items["licence.bj.articles"]["notes"]
    for item in items.values():
        assert (
            set(item) == {"id", "title", "title_en", "required", "why", "notes", "source", "sources"}
            and item["source"]
        )


def test_national_licence_list(cli: CLI) -> None:
    items = _items(cli, "--type", "licence", "--province", "guangdong")
    for wanted in (
        "licence.application_letter",
        "licence.company_overview",
        "licence.financials_and_articles",
        "licence.business_plan",
        "licence.guarantee_letter",
        "licence.application_form",
        "licence.security_pledge",
        "licence.domain_certificate",
        "licence.social_insurance",
    ):
        assert wanted in items
    assert not any(i.startswith("licence.bj.") for i in items)


@pytest.mark.parametrize(
    ("entity", "expected", "absent"),
    [
        (
            "company",
            {"filing.company.business_licence", "filing.verification_form", "filing.company.legal_rep_id"},
            {"filing.individual.backdrop_photo"},
        ),
        (
            "individual_business",
            {"filing.individual_business.premises", "filing.individual_business.operator_id"},
            {"filing.company.business_licence"},
        ),
        (
            "individual",
            {
                "filing.individual.id_card",
                "filing.individual.backdrop_photo",
                "filing.individual.security_agreement",
                "filing.domain_certificate",
            },
            {"filing.company.legal_rep_id"},
        ),
        (
            "public_institution",
            {"filing.unit.registration_certificate", "filing.company.legal_rep_id"},
            {"filing.company.business_licence"},
        ),
    ],
)
def test_filing_lists_per_entity(cli: CLI, entity: str, expected: set[str], absent: set[str]) -> None:
    items = _items(cli, "--type", "filing", "--province", "zhejiang", "--entity", entity)
    assert expected <= set(items) and not absent & set(items)


def test_profile_with_corporate_shareholder_instalments_and_education_gets_extra_items(cli: CLI) -> None:
    items = _items(cli, "--type", "licence", "--profile", GAPS, "--lang", "en")
    assert items["licence.bj.corporate_shareholder"]["required"] is True
    assert "北京星河投资管理有限公司" in items["licence.bj.corporate_shareholder"]["why"]
    assert items["licence.bj.capital_increase_report"]["required"] is True
    assert "education" in items["licence.bj.pre_approvals"]["why"]
    assert items["licence.news_licence"]["required"] is True  # community sub-type
    assert items["licence.bj.valuation_report"]["why"].startswith("check: ")  # data missing
    assert "licence.guarantee_letter" not in items  # education content needs the approval instead


def test_plain_profile_does_not_get_the_extra_items(cli: CLI, tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(ELIGIBLE.read_text(encoding="utf-8"))
    data["company"]["shareholders"] = [data["company"]["shareholders"][0] | {"share_percent": 100}]
    data["service"]["content"] = []
    data["company"].update(ip_contribution=False, has_branches_or_subsidiaries=False)
    path = tmp_path / "plain.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    items = _items(cli, "--type", "licence", "--profile", path)
    for extra in (
        "licence.bj.corporate_shareholder",
        "licence.bj.capital_increase_report",
        "licence.bj.pre_approvals",
        "licence.bj.valuation_report",
        "licence.bj.branches",
        "licence.news_licence",
        "licence.bj.capital_verification_report",
    ):
        assert extra not in items
    assert items["licence.guarantee_letter"]["required"] is True
    assert items["licence.bj.audit_report"]["required"] is True


def test_every_format(cli: CLI, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    ids = _items(cli, "--type", "licence", "--province", "beijing")
    code, out, _ = cli("materials", "--type", "licence", "--province", "beijing", "-f", "csv")
    assert out.startswith("\ufeff")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert code == 0 and [r["id"] for r in rows] == list(ids)
    code, out, _ = cli("materials", "--type", "licence", "--province", "beijing", "-f", "markdown")
    assert code == 0 and out.count("\n| ") == len(ids) + 1
    code, out, _ = cli("materials", "--type", "licence", "--province", "beijing", "--lang", "en")
    assert code == 0 and "Articles of association" in out
    target = tmp_path / "checklist.xlsx"
    code, _, err = cli("materials", "--type", "licence", "--province", "beijing", "-f", "xlsx", "-o", target)
    assert code == 0, err
    sheet = openpyxl.load_workbook(target).active
    data_rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] is not None]
    assert len(data_rows) == len(ids)
    assert [c.value for c in sheet[2]][-2:] in (["状态", "负责人"], ["status", "owner"])


def test_xlsx_needs_output(cli: CLI) -> None:
    code, _, err = cli("materials", "--type", "filing", "--province", "beijing", "-f", "xlsx")
    assert code == 2 and "--output" in err


def test_eligibility_materials_appends_checklist(cli: CLI) -> None:
    code, out, _ = cli("eligibility", GAPS, "--as-of", "2026-11-22", "-f", "json", "--materials")
    assert code == 1
    licence = next(r for r in json.loads(out)["results"] if r["type"] == "licence")
    assert "licence.bj.capital_increase_report" in {i["id"] for i in licence["materials"]["items"]}
    _, text, _ = cli("eligibility", GAPS, "--as-of", "2026-11-22", "--materials", "--lang", "en")
    assert "ICP licence materials" in text
    _, md, _ = cli(
        "eligibility", GAPS, "--as-of", "2026-11-22", "--materials", "-f", "markdown", "--lang", "en"
    )
    assert "### ICP filing materials" in md


def test_provinces_table_and_json(cli: CLI) -> None:
    code, out, _ = cli("provinces", "-f", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 31
    assert {r["abbr"] for r in rows} == set("京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新")
    beijing = next(r for r in rows if r["key"] == "beijing")
    assert beijing["phones"] == {"filing": "010-63310094", "licence": "010-51938038"}
    assert all("phones" not in r for r in rows if r["key"] != "beijing")  # no phone without a source
    for row in rows:
        assert row["authority"].endswith("通信管理局")
        assert row.get("authority_source") or row.get("authority_verified") is False
    code, out, _ = cli("provinces", "--lang", "en")
    assert code == 0 and "31 provinces" in out and "010-63310094" in out


@pytest.mark.parametrize(
    "name", ["inner_mongolia", "内蒙古", "蒙", "内蒙古自治区", "Inner-Mongolia", "粤", "广东省"]
)
def test_province_alias_forms(name: str) -> None:
    from icpcheck.provinces import resolve_province

    assert resolve_province(name).key in {"inner_mongolia", "guangdong"}


@pytest.mark.parametrize("name", ["hong_kong", "香港", "港", "macau", "澳门", "taiwan", "台湾", "narnia"])
def test_non_mainland_and_unknown_provinces_are_refused(cli: CLI, name: str) -> None:
    code, _, err = cli("materials", "--type", "filing", "--province", name)
    assert code == 2 and "Traceback" not in err
    assert "beijing" in err or "not in mainland" in err


def test_broken_catalogue_names_file_and_line(tmp_path: Path) -> None:
    import shutil

    from icpcheck.errors import RuleFileError
    from icpcheck.materials import load_catalogue

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "materials" / "filing.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("op: in, value: $pre", "op: inside, value: $pre"),
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as info:
        load_catalogue(rules)
    assert "filing.yaml" in str(info.value) and "inside" in str(info.value)
    line = int(str(info.value).split("filing.yaml:")[1].split(":")[0])
    assert "inside" in path.read_text(encoding="utf-8").splitlines()[line - 1]


@pytest.mark.parametrize("item", ["licence.degree_certificate", "licence.host_documents"])
def test_some_provinces_items_are_checks_with_the_local_authority_not_required(
    cli: CLI, tmp_path: Path, item: str
) -> None:
    """seed 001: 有些省份还需要提供一名计算机相关专业的毕业证 / 有些省份需要提供服务器相关资质: where no
    source states the province's requirement, the item is "check with the local authority", not 必备
    (issue 13 item 8)."""
    import yaml

    listed = _items(cli, "--type", "licence", "--province", "zhejiang", "--lang", "en")
    assert listed[item]["required"] is False
    assert "local" in listed[item]["why"]
    data = yaml.safe_load(ELIGIBLE.read_text(encoding="utf-8"))
    data["company"]["province"] = "shanghai"
    path = tmp_path / "shanghai.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    tailored = _items(cli, "--type", "licence", "--profile", path, "--lang", "en")
    assert tailored[item]["required"] is False
    assert tailored[item]["why"].startswith("check: ")


@pytest.mark.parametrize(
    "service",
    [
        {"b25_subtypes": ["community"]},
        {"b25_subtypes": ["info_publishing"], "activities": ["paid_membership", "bbs"]},
    ],
)
def test_bulletin_services_need_the_special_application_not_the_guarantee_letter(
    cli: CLI, tmp_path: Path, service: dict[str, Any]
) -> None:
    """seed 003 材料 8: 涉及电子公告服务的,必须专项申请;没有涉及…电子公告服务的,提交《保证书》
    (issue 13 item 6)."""
    import yaml

    data = yaml.safe_load(ELIGIBLE.read_text(encoding="utf-8"))
    data["service"].update(content=[], **service)
    path = tmp_path / "bbs.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    items = _items(cli, "--type", "licence", "--profile", path, "--lang", "en")
    assert "licence.guarantee_letter" not in items
    assert items["licence.bulletin_special_application"]["required"] is True
    data["service"].update(b25_subtypes=["info_publishing"], activities=["paid_membership"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    items = _items(cli, "--type", "licence", "--profile", path, "--lang", "en")
    assert items["licence.guarantee_letter"]["required"] is True
    assert "licence.bulletin_special_application" not in items
