"""`icpcheck obligations`: due dates at their boundaries, the four formats, folders, exit codes, PII."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, ROOT

CLI = Callable[..., tuple[int, str, str]]
HOLDER = EXAMPLES / "zhejiang-licence-holder.yaml"


def _profile(**sections: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": 1,
        "company": {"name": "杭州某某科技有限公司", "entity_type": "company"},
    }
    for key, value in sections.items():
        data[key] = value
    return data


def _due(profile: dict[str, Any], as_of: str, within: int = 30) -> list[Any]:
    from icpcheck.engine import load_ruleset
    from icpcheck.obligations import obligations_for
    from icpcheck.profile.loader import load_profile_text

    loaded = load_profile_text(yaml.safe_dump(profile, allow_unicode=True))
    return obligations_for(
        loaded.profile, load_ruleset(), as_of=dt.date.fromisoformat(as_of), within=within, lang="en"
    )


def _one(items: list[Any], obligation: str) -> Any:
    found = [o for o in items if o.id == obligation]
    assert len(found) == 1, [o.id for o in items]
    return found[0]


def _json(cli: CLI, *args: Any) -> tuple[int, dict[str, Any]]:
    code, out, _ = cli("obligations", *args, "-f", "json")
    return code, json.loads(out)


# --- due dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expires", "status"),
    [
        ("2026-12-22", "due_soon"),
        ("2026-12-23", "upcoming"),
        ("2026-11-22", "due_soon"),
        ("2026-11-21", "overdue"),
    ],
)
def test_domain_renewal_exactly_within_days_and_one_beyond(expires: str, status: str) -> None:
    item = _one(
        _due(_profile(domains=[{"name": "a.cn", "expires": expires}]), "2026-11-22"),
        "obligation.domain_renewal",
    )
    assert (item.due.isoformat(), item.status, item.subject) == (expires, status, "a.cn")


def test_licence_holder_renews_domain_six_months_before_expiry() -> None:
    profile = _profile(
        domains=[{"name": "a.cn", "expires": "2027-05-10"}], filings={"icp_licence_number": "浙B2-20220123"}
    )
    item = _one(_due(profile, "2026-11-22"), "obligation.domain_renewal")
    assert item.due == dt.date(2026, 11, 10) and item.status == "overdue" and item.days == -12
    assert "6 months" in item.note


def test_filing_annual_report_window_in_march_vs_april() -> None:
    profile = _profile(filings={"icp_filing_number": "浙ICP备2018012345号-1"})
    march = _one(_due(profile, "2026-03-31"), "obligation.filing_annual_report")
    assert (march.due, march.window_start, march.status) == (
        dt.date(2026, 3, 31),
        dt.date(2026, 1, 1),
        "due_soon",
    )
    april = _one(_due(profile, "2026-04-01"), "obligation.filing_annual_report")
    assert (april.due, april.status) == (dt.date(2027, 3, 31), "upcoming")
    # no filing yet: no annual report
    assert not [o for o in _due(_profile(), "2026-03-01") if o.id == "obligation.filing_annual_report"]


def test_annual_report_done_this_window_moves_on_and_a_missed_one_is_overdue() -> None:
    def due(last: int, as_of: str) -> Any:
        filings = {"icp_filing_number": "浙ICP备2018012345号-1", "filing_annual_report_last": last}
        return _one(_due(_profile(filings=filings), as_of), "obligation.filing_annual_report")

    assert due(2026, "2026-02-01").due == dt.date(2027, 3, 31)  # reported in this window already
    assert due(2025, "2026-02-01").due == dt.date(2026, 3, 31)
    missed = due(2025, "2026-04-01")
    assert (missed.due, missed.status, missed.field) == (
        dt.date(2026, 3, 31),
        "overdue",
        "filings.filing_annual_report_last",
    )
    licence = {"icp_licence_number": "浙B2-20220123", "licence_issued": "2022-03-15"}
    never = _profile(filings=licence | {"licence_annual_report_last": 2021})  # before issue: owes from 2023
    assert _one(_due(never, "2026-05-01"), "obligation.licence_annual_report").due == dt.date(2023, 3, 31)


def test_licence_annual_report_starts_the_year_after_issue() -> None:
    issued_this_year = _profile(
        filings={"icp_licence_number": "浙B2-20260001", "licence_issued": "2026-02-01"}
    )
    assert _one(_due(issued_this_year, "2026-03-01"), "obligation.licence_annual_report").due == dt.date(
        2027, 3, 31
    )
    issued_last_year = _profile(
        filings={"icp_licence_number": "浙B2-20250001", "licence_issued": "2025-12-31"}
    )
    assert _one(_due(issued_last_year, "2026-03-01"), "obligation.licence_annual_report").due == dt.date(
        2026, 3, 31
    )
    # no licence: neither the licence report nor the renewal
    ids = {o.id for o in _due(_profile(filings={"icp_licence_number": None}), "2026-03-01")}
    assert not ids & {"obligation.licence_annual_report", "obligation.licence_renewal"}


def test_licence_renewal_90_days_before_expiry_and_undated_without_expiry() -> None:
    dated = _profile(filings={"icp_licence_number": "浙B2-20220123", "licence_expires": "2027-03-15"})
    item = _one(_due(dated, "2026-11-22"), "obligation.licence_renewal")
    assert item.due == dt.date(2026, 12, 15) and item.status == "due_soon" and item.verified is False
    undated = _one(
        _due(_profile(filings={"icp_licence_number": "浙B2-20220123"}), "2026-11-22"),
        "obligation.licence_renewal",
    )
    assert (undated.due, undated.status, undated.field) == (None, "undated", "filings.licence_expires")


def test_change_filing_30_days_after_the_change_unless_filed() -> None:
    change = {"date": "2026-11-01", "what": ["hosting", "site_name"]}
    item = _one(_due(_profile(filings={"last_change": change}), "2026-12-01"), "obligation.change_filing")
    assert (item.due, item.status, item.subject) == (dt.date(2026, 12, 1), "due_soon", "hosting, site_name")
    late = _one(_due(_profile(filings={"last_change": change}), "2026-12-02"), "obligation.change_filing")
    assert late.status == "overdue"
    filed = _profile(filings={"last_change": change | {"filed": True}})
    assert not [o for o in _due(filed, "2026-12-02") if o.id == "obligation.change_filing"]
    no_date = _one(
        _due(_profile(filings={"last_change": {"what": ["hosting"]}}), "2026-12-02"),
        "obligation.change_filing",
    )
    assert (no_date.status, no_date.field) == ("undated", "filings.last_change.date")


def test_public_security_filing_30_days_after_going_online() -> None:
    filed_site = {"icp_filing_number": "浙ICP备2018012345号-1"}
    item = _one(
        _due(_profile(filings=filed_site, service={"online_since": "2026-11-01"}), "2026-11-22"),
        "obligation.public_security_filing",
    )
    assert item.due == dt.date(2026, 12, 1) and item.status == "due_soon"
    undated = _one(_due(_profile(filings=filed_site), "2026-11-22"), "obligation.public_security_filing")
    assert (undated.status, undated.field) == ("undated", "service.online_since")
    done = _profile(filings=filed_site | {"public_security_filing_number": "浙公网安备33010602011234号"})
    assert not [o for o in _due(done, "2026-11-22") if o.id == "obligation.public_security_filing"]
    # not yet filed nor online: nothing to date it from, and no reminder
    assert not [o for o in _due(_profile(), "2026-11-22") if o.id == "obligation.public_security_filing"]


def test_permits_are_due_at_expiry_and_undated_ones_are_kept() -> None:
    permits = [{"kind": "internet_news", "expires": "2027-01-01"}, {"kind": "education"}]
    items = [
        o
        for o in _due(_profile(filings={"permits": permits}), "2026-11-22")
        if o.id == "obligation.permit_renewal"
    ]
    assert [(o.subject, o.due, o.status) for o in items] == [
        ("internet_news", dt.date(2027, 1, 1), "upcoming"),
        ("education", None, "undated"),
    ]
    assert items[1].field == "filings.permits[1].expires"


def test_domain_without_expiry_is_undated_not_dropped() -> None:
    item = _one(_due(_profile(domains=[{"name": "a.cn"}]), "2026-11-22"), "obligation.domain_renewal")
    assert (item.due, item.status, item.field) == (None, "undated", "domains[0].expires")


# --- CLI, formats, exit codes ---------------------------------------------------------------------------


def test_examples_folder_in_json_sorted_by_due_with_holder_deadlines(cli: CLI) -> None:
    code, doc = _json(cli, EXAMPLES, "--as-of", "2026-11-22", "--lang", "en")
    assert code == 1 and doc["as_of"] == "2026-11-22" and doc["errors"] == []
    items = doc["obligations"]
    assert {tuple(sorted(o)) for o in items} == {
        tuple(
            sorted(
                [
                    "profile",
                    "company",
                    "id",
                    "subject",
                    "due",
                    "window_start",
                    "days",
                    "title",
                    "status",
                    "note",
                    "field",
                    "source",
                    "sources",
                    "verified",
                ]
            )
        )
    }
    dated = [o["due"] for o in items if o["due"]]
    assert dated == sorted(dated) and all(o["due"] is None for o in items[len(dated) :])
    holder = {o["id"]: o for o in items if o["profile"].endswith("zhejiang-licence-holder.yaml")}
    assert holder["obligation.domain_renewal"]["status"] == "overdue"
    assert holder["obligation.licence_renewal"]["due"] == "2026-12-15"
    assert holder["obligation.licence_annual_report"]["due"] == "2027-03-31"
    assert {o["status"] for o in items} <= {"overdue", "due_soon", "upcoming", "undated"}


@pytest.mark.parametrize(("within", "code"), [(22, 1), (21, 0)])
def test_within_drives_the_exit_code(
    cli: CLI, write_profile: Callable[[Any], Path], within: int, code: int
) -> None:
    path = write_profile(_profile(domains=[{"name": "a.cn", "expires": "2026-12-14"}]))
    assert cli("obligations", path, "--as-of", "2026-11-22", "--within", str(within))[0] == code


def test_nothing_pressing_exits_0_and_overdue_exits_1(cli: CLI, write_profile: Callable[[Any], Path]) -> None:
    later = write_profile(_profile(domains=[{"name": "a.cn", "expires": "2028-01-01"}]))
    code, out, _ = cli("obligations", later, "--as-of", "2026-11-22", "--lang", "en")
    assert code == 0 and "a.cn" in out
    overdue = write_profile(_profile(domains=[{"name": "a.cn", "expires": "2026-11-21"}]))
    assert cli("obligations", overdue, "--as-of", "2026-11-22")[0] == 1


def test_folder_with_one_malformed_file_exits_2_and_reports_the_others(cli: CLI, tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "a.yaml").write_text(HOLDER.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.yaml").write_text("version: 1\ncompany: {name: [x\n", encoding="utf-8")
    code, out, err = cli("obligations", folder, "--as-of", "2026-11-22", "-f", "json")
    assert code == 2
    doc = json.loads(out)
    assert {o["profile"] for o in doc["obligations"]} == {str(folder / "a.yaml")}
    assert [e["profile"] for e in doc["errors"]] == [str(folder / "b.yaml")]
    assert "b.yaml" in err and len(err.strip().splitlines()) == 1


def test_bad_input_is_one_line_exit_2(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli("obligations", EXAMPLES, "--as-of", "2026-13-01")
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = cli("obligations", tmp_path / "nothing-*.yaml")
    assert code == 2 and "no file matches" in err


def test_text_table_markdown_and_languages(cli: CLI) -> None:
    code, out, _ = cli("obligations", HOLDER, "--as-of", "2026-11-22", "--lang", "en")
    assert code == 1 and "\x1b[" not in out  # no colour when not a terminal
    lines = out.splitlines()
    overdue = next(i for i, line in enumerate(lines) if line.startswith("2026-11-10") and "overdue" in line)
    soon = next(i for i, line in enumerate(lines) if line.startswith("2026-12-15") and "due soon" in line)
    assert overdue < soon
    assert "article unverified" in out and "第三十五条" in out
    _, zh, _ = cli("obligations", HOLDER, "--as-of", "2026-11-22", "--lang", "zh")
    assert "已逾期" in zh and "经营许可证延续申请" in zh
    _, md, _ = cli("obligations", HOLDER, "--as-of", "2026-11-22", "-f", "markdown", "--lang", "en")
    assert md.startswith("## Obligations · as of 2026-11-22") and "| 2026-11-10 | overdue | -12 |" in md
    assert "`obligation.licence_renewal`" in md


def test_sources_are_named_by_title_in_every_format(cli: CLI) -> None:
    import re

    for fmt in ("text", "json", "markdown", "ics"):
        _, out, _ = cli("obligations", EXAMPLES, "--as-of", "2026-11-22", "-f", fmt, "--lang", "en")
        assert not re.findall(r"seed \d{3}(?!《)", out.replace("\r\n ", "")), fmt
    _, doc = _json(cli, EXAMPLES, "--as-of", "2026-11-22")
    keys = {ref["key"] for o in doc["obligations"] for ref in o["sources"]}
    assert {"enterprise-filing-guide", "telecom-licensing-measures"} <= keys


def test_ics_parses_with_icalendar_one_event_per_obligation(cli: CLI) -> None:
    icalendar = pytest.importorskip("icalendar")
    code, out, _ = cli("obligations", EXAMPLES, "--as-of", "2026-11-22", "-f", "ics", "--lang", "en")
    _, doc = _json(cli, EXAMPLES, "--as-of", "2026-11-22", "--lang", "en")
    assert code == 1 and out.startswith("BEGIN:VCALENDAR\r\n")
    cal = icalendar.Calendar.from_ical(out)
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(doc["obligations"])
    assert len({str(e["UID"]) for e in events}) == len(events)
    renewal = next(e for e in events if "Apply to renew the telecom licence" in str(e["SUMMARY"]))
    assert renewal.decoded("DTSTART") == dt.date(2026, 12, 15)
    assert renewal.decoded("DTEND") == dt.date(2026, 12, 16)
    description = str(renewal["DESCRIPTION"])
    assert "杭州知行网络科技有限公司" in description and "电信业务经营许可管理办法" in description
    undated = [e for e in events if str(e["SUMMARY"]).startswith("[undated]")]
    assert undated and all(e.decoded("DTSTART") == dt.date(2026, 11, 22) for e in undated)


def test_no_personal_data_in_ics_or_json_by_default(cli: CLI, write_profile: Callable[[Any], Path]) -> None:
    data = {
        "version": 1,
        "company": {"name": "林晓明", "entity_type": "individual"},
        "people": {
            "site_owner": {"name": "林晓明", "id_number": "110101199003071233", "mobile": "13800138000"}
        },
        "domains": [{"name": "linxiaoming.cn", "expires": "2026-12-01"}],
    }
    path = write_profile(data)
    for fmt in ("ics", "json", "markdown", "text"):
        _, out, _ = cli("obligations", path, "--as-of", "2026-11-22", "-f", fmt)
        assert "林晓明" not in out and "林**" in out.replace("\r\n ", "")
        assert "110101199003071233" not in out and "13800138000" not in out
    _, out, _ = cli("obligations", path, "--as-of", "2026-11-22", "-f", "json", "--show-pii")
    assert json.loads(out)["obligations"][0]["company"] == "林晓明"
    _, ics, _ = cli("obligations", path, "--as-of", "2026-11-22", "-f", "ics")
    assert str(path) not in ics.replace("\r\n ", "")  # the file name stays out of the calendar


def test_control_characters_are_neutralised(cli: CLI, write_profile: Callable[[Any], Path]) -> None:
    data = _profile(domains=[{"name": "a\x1b[31m.cn\u202e", "expires": "2026-12-01"}])
    data["company"]["name"] = "恶意\x1b]0;pwn\x07公司"
    path = write_profile(data)
    for fmt in ("text", "markdown", "ics", "json"):
        _, out, _ = cli("obligations", path, "--as-of", "2026-11-22", "-f", fmt)
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out


def test_output_is_atomic_and_never_an_input(cli: CLI, tmp_path: Path) -> None:
    profile = tmp_path / "client.yaml"
    profile.write_text(HOLDER.read_text(encoding="utf-8"), encoding="utf-8")
    before = profile.read_bytes()
    code, _, err = cli("obligations", profile, "-o", profile)
    assert code == 2 and "input" in err and profile.read_bytes() == before
    code, _, err = cli("obligations", tmp_path, "-o", tmp_path / "client.yaml")
    assert code == 2 and profile.read_bytes() == before
    target = tmp_path / "out" / "due.ics"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    code, out, _ = cli("obligations", profile, "--as-of", "2026-11-22", "-f", "ics", "-o", target)
    assert code == 1 and out == ""
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert [p.name for p in target.parent.iterdir()] == ["due.ics"]  # no temporary file left behind


def test_obligation_file_is_data_with_sources() -> None:
    from icpcheck.engine import load_ruleset
    from icpcheck.obligations import check_params, load_catalogue

    catalogue = load_catalogue()
    check_params(catalogue, load_ruleset())
    assert set(catalogue.ids) >= {
        "obligation.domain_renewal",
        "obligation.filing_annual_report",
        "obligation.licence_annual_report",
        "obligation.licence_renewal",
        "obligation.change_filing",
        "obligation.public_security_filing",
        "obligation.permit_renewal",
    }
    for item in catalogue.obligations:
        assert item.spec.source.strip()
        assert item.spec.verified or item.spec.reason


def test_broken_obligation_file_names_file_and_line(tmp_path: Path) -> None:
    from icpcheck.errors import RuleFileError
    from icpcheck.obligations import load_catalogue

    bad = tmp_path / "obligations.yaml"
    bad.write_text(
        "obligations:\n  - id: obligation.x\n    title: {zh: x, en: x}\n    source: s\n"
        "    due:\n      - {field: a, window: [1, 3]}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as info:
        load_catalogue(bad)
    assert "obligations.yaml" in str(info.value) and ":6" in str(info.value)


def test_readme_documents_the_command() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "icpcheck obligations PATH..." in text and "### `icpcheck obligations`" in text


def test_text_is_coloured_only_when_asked() -> None:
    from icpcheck.report.obligations import View, render

    items = _due(_profile(domains=[{"name": "a.cn", "expires": "2026-11-01"}]), "2026-11-22")
    coloured = render("text", items, [], View(dt.date(2026, 11, 22), 30, "en", color=True))
    plain = render("text", items, [], View(dt.date(2026, 11, 22), 30, "en"))
    assert "\x1b[" in coloured and "overdue" in coloured and "\x1b[" not in plain
