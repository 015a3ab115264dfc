"""Issue 15's statements that are not rules: military subjects, materials notes in every format, classify's
EDI licence, penalties, nationwide licence and foreign-invested route, and the approved-registrar data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from conftest import ELIGIBLE, EXAMPLES, ROOT

CLI = Callable[..., tuple[int, str, str]]
SCANS = "所有材料须为彩色扫描件，清晰无遮挡；公章须为红色"


def _classify(cli: CLI, path: Path, lang: str = "en") -> dict[str, dict[str, Any]]:
    code, out, err = cli("classify", path, "-f", "json", "--as-of", "2026-11-22", "--lang", lang)
    assert code == 0, err
    return {c["id"]: c for c in json.loads(out)["conclusions"]}


def test_military_is_a_filing_subject_with_the_unit_materials(
    cli: CLI, eligible_data: dict[str, Any], write_profile: Callable[..., Path]
) -> None:
    code, out, err = cli("materials", "-t", "filing", "--entity", "military", "-f", "json")
    assert code == 0, err
    ids = {i["id"] for i in json.loads(out)["items"]}
    assert {
        "filing.unit.registration_certificate",
        "filing.company.legal_rep_id",
        "filing.site_owner_id",
    } <= ids
    assert "filing.company.business_licence" not in ids
    eligible_data["company"]["entity_type"] = "military"
    code, out, _ = cli("eligibility", write_profile(eligible_data), "--as-of", "2026-11-22", "-f", "json")
    licence = next(r for r in json.loads(out)["results"] if r["type"] == "licence")
    entity = next(f for f in licence["findings"] if f["rule"] == "licence.entity_type")
    assert entity["status"] == "fail"  # the licence goes to companies only
    assert "military" in (ROOT / "docs" / "profile.schema.json").read_text(encoding="utf-8")


def test_colour_scans_and_red_seals_show_in_every_materials_format(cli: CLI, tmp_path: Path) -> None:
    for fmt in ("text", "markdown", "csv", "json"):
        code, out, err = cli("materials", "-t", "filing", "--entity", "company", "-f", fmt, "--lang", "zh")
        assert code == 0, err
        assert SCANS in out and "seed 002《" in out, fmt
    path = tmp_path / "m.xlsx"
    assert cli("materials", "-t", "filing", "-f", "xlsx", "-o", path, "--lang", "zh")[0] == 0
    from openpyxl import load_workbook

    sheet = load_workbook(path).active
    assert sheet is not None
    assert SCANS in [c.value for row in sheet.iter_rows() for c in row]
    code, out, _ = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22", "--materials", "-f", "markdown")
    assert SCANS in out or "Every document as a colour scan" in out
    # individuals send photos or scans (seed 003/004): the enterprise note is not theirs
    code, out, _ = cli("materials", "-t", "filing", "--entity", "individual", "-f", "json")
    assert json.loads(out)["general"] == []


def test_filing_materials_hosting_agreement_and_personal_postal_copies(cli: CLI) -> None:
    _, out, _ = cli("materials", "-t", "filing", "--entity", "individual", "-f", "json", "--lang", "zh")
    items = {i["id"]: i for i in json.loads(out)["items"]}
    assert "接入资源管理系统" in items["filing.hosting_agreement"]["notes"]
    assert "2 份" in items["filing.individual.postal_copies"]["title"]
    _, out, _ = cli("materials", "-t", "filing", "--entity", "company", "-f", "json")
    ids = {i["id"] for i in json.loads(out)["items"]}
    assert "filing.hosting_agreement" in ids and "filing.individual.postal_copies" not in ids


def test_penalties_and_nationwide_use_shown_where_a_licence_is_needed_and_none_is_held(
    cli: CLI, eligible_data: dict[str, Any], write_profile: Callable[..., Path]
) -> None:
    licence = _classify(cli, ELIGIBLE)["classify.licence"]
    notes = {n["id"]: n for n in licence["notes"]}
    assert "100,000 to 1,000,000 CNY" in notes["classify.unlicensed_penalties"]["text"]
    assert {"key": "icp-measures", "title": "互联网信息服务管理办法（国务院令第292号）"} in notes[
        "classify.unlicensed_penalties"
    ]["sources"]
    assert "classify.licence_nationwide" in notes
    eligible_data["filings"]["icp_licence_number"] = "京B2-20201234"
    held = _classify(cli, write_profile(eligible_data))["classify.licence"]
    assert [n["id"] for n in held["notes"]] == ["classify.licence_nationwide"]  # licensed: no penalty warning
    own_goods = _classify(cli, EXAMPLES / "shenzhen-filing-only.yaml")["classify.licence"]
    assert own_goods["verdict"] == "not_needed" and own_goods["notes"] == []
    _, text, _ = cli("classify", ELIGIBLE, "--as-of", "2026-11-22", "--lang", "zh")
    assert "处 10 万元以上 100 万元以下的罚款" in text and "全国开展互联网信息服务" in text


def test_edi_licence_for_platforms_between_third_parties(
    cli: CLI, eligible_data: dict[str, Any], write_profile: Callable[..., Path]
) -> None:
    assert _classify(cli, ELIGIBLE)["classify.edi_licence"]["verdict"] == "not_needed"
    eligible_data["service"]["activities"] = ["e_commerce_platform"]
    edi = _classify(cli, write_profile(eligible_data))["classify.edi_licence"]
    assert edi["verdict"] == "needed" and edi["verified"] is False and edi["reason"]
    assert edi["sources"][0]["key"] == "telecom-catalogue-2015"
    eligible_data["service"]["activities"] = ["sells_own_goods_only"]
    assert _classify(cli, write_profile(eligible_data))["classify.edi_licence"]["verdict"] == "not_needed"
    del eligible_data["service"]["activities"]
    assert _classify(cli, write_profile(eligible_data))["classify.edi_licence"]["verdict"] == "undecided"


def test_foreign_invested_applicant_gets_the_route_with_sources(
    cli: CLI, eligible_data: dict[str, Any], write_profile: Callable[..., Path]
) -> None:
    assert _classify(cli, ELIGIBLE)["classify.foreign_invested_route"]["verdict"] == "not_needed"
    eligible_data["company"]["shareholders"][0]["nationality"] = "US"
    route = _classify(cli, write_profile(eligible_data))["classify.foreign_invested_route"]
    assert route["verdict"] == "needed"
    notes = {n["id"]: n for n in route["notes"]}
    assert set(notes) == {
        "classify.foreign_who_decides",
        "classify.foreign_ownership_cap",
        "classify.foreign_pilot_zones",
    }
    assert "50%" in notes["classify.foreign_ownership_cap"]["text"]
    assert (
        notes["classify.foreign_ownership_cap"]["verified"] is False
    )  # 2020 edition read, not the current one
    assert "verified" not in notes["classify.foreign_pilot_zones"]  # quoted from the notice itself
    assert any(
        s["key"] == "vats-opening-pilot-2024" for s in notes["classify.foreign_pilot_zones"]["sources"]
    )
    for note in notes.values():
        assert note["source"] and note["sources"]
    eligible_data["company"]["shareholders"][0]["nationality"] = "CN"
    eligible_data["company"]["shareholders"][1]["foreign_investment"] = True
    assert (
        _classify(cli, write_profile(eligible_data))["classify.foreign_invested_route"]["verdict"] == "needed"
    )
    eligible_data["company"]["shareholders"][1]["foreign_investment"] = None
    undecided = _classify(cli, write_profile(eligible_data))["classify.foreign_invested_route"]
    assert undecided["verdict"] == "undecided"  # a corporate shareholder of unknown investment is not a pass


def test_every_known_registrar_names_its_source() -> None:
    data = yaml.safe_load((ROOT / "rules" / "domains" / "registrars.yaml").read_text(encoding="utf-8"))
    assert "domain.miit.gov.cn" in data["where_to_check"]
    for entry in data["registrars"]:
        assert entry["source"].strip()
        assert entry.get("verified", True) or entry.get("reason")
