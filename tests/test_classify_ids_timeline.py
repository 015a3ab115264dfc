"""classify (what a service needs), identifier rules, and the working-day timeline."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import ELIGIBLE, EXAMPLES

CLI = Callable[..., tuple[int, str, str]]


def _classify(cli: CLI, path: Path) -> dict[str, str]:
    code, out, err = cli("classify", path, "-f", "json", "--as-of", "2026-11-22", "--lang", "en")
    assert code == 0, err
    return {c["id"]: c["verdict"] for c in json.loads(out)["conclusions"]}


def test_classify_examples(cli: CLI) -> None:
    own_goods = _classify(cli, EXAMPLES / "shenzhen-filing-only.yaml")
    assert own_goods["classify.filing"] == "needed" and own_goods["classify.licence"] == "not_needed"
    paid = _classify(cli, ELIGIBLE)
    assert paid["classify.licence"] == "needed" and paid["classify.news_licence"] == "not_needed"
    assert paid["classify.pre_approval"] == "needed"  # education content
    community = _classify(cli, EXAMPLES / "beijing-licence-gaps.yaml")
    assert community["classify.licence"] == "needed" and community["classify.news_licence"] == "needed"
    blog = _classify(cli, EXAMPLES / "individual-blog.yaml")
    assert blog["classify.licence"] == "not_needed" and blog["classify.individual_no_licence"] == "needed"
    unknown = _classify(cli, EXAMPLES / "missing-data.yaml")
    assert unknown["classify.licence"] == "undecided" and unknown["classify.filing"] == "undecided"


def test_classify_undecided_names_the_deciding_fact(cli: CLI) -> None:
    _, out, _ = cli("classify", EXAMPLES / "missing-data.yaml", "-f", "json", "--lang", "en")
    licence = next(c for c in json.loads(out)["conclusions"] if c["id"] == "classify.licence")
    assert "service.activities" in licence["explanation"] and licence["source"]


def test_classify_app_needs_app_filing(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    eligible_data["service"]["kind"] = "mini_program"
    assert _classify(cli, write_profile(eligible_data))["classify.app_filing"] == "needed"


def test_classify_culture_and_audio_video_permits(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    eligible_data["service"]["content"] = ["games", "audio_video"]
    paid = _classify(cli, write_profile(eligible_data))
    assert paid["classify.culture_licence"] == "needed" and paid["classify.audio_video_licence"] == "needed"
    eligible_data["service"]["commercial"] = False  # only commercial culture activity needs the licence
    eligible_data["service"]["content"] = ["culture"]
    free = _classify(cli, write_profile(eligible_data))
    assert free["classify.culture_licence"] == "not_needed"
    assert free["classify.audio_video_licence"] == "not_needed"
    del eligible_data["service"]["content"]
    assert _classify(cli, write_profile(eligible_data))["classify.audio_video_licence"] == "undecided"


def _status(cli: CLI, path: Path, rule: str) -> str:
    _, out, _ = cli("eligibility", path, "-f", "json", "--as-of", "2026-11-22")
    return next(f["status"] for r in json.loads(out)["results"] for f in r["findings"] if f["rule"] == rule)


IDENTIFIER_RULES = [
    "filing.uscc_valid",
    "filing.uscc_province",
    "filing.person_ids_valid",
    "filing.mobiles_valid",
    "filing.filing_number_format",
    "filing.public_security_number_format",
]


@pytest.mark.parametrize("rule", IDENTIFIER_RULES)
def test_valid_identifiers_pass(cli: CLI, rule: str) -> None:
    assert _status(cli, ELIGIBLE, rule) == "pass"


@pytest.mark.parametrize(
    ("rule", "path", "value"),
    [
        ("filing.uscc_valid", ("company", "uscc"), "91110108MA01C7XR48"),  # wrong check digit
        ("filing.uscc_province", ("company", "uscc"), "91440300MA5F8KLM2U"),  # a Shenzhen code in Beijing
        ("filing.person_ids_valid", ("people", "site_owner", "id_number"), "110108198506124561"),
        ("filing.person_ids_valid", ("people", "site_owner", "id_number"), "110108198502304560"),  # Feb 30
        ("filing.mobiles_valid", ("people", "legal_representative", "mobile"), "12800138000"),
        ("filing.filing_number_format", ("filings", "icp_filing_number"), "沪ICP备2020012345号-1"),  # not 京
        ("filing.filing_number_format", ("filings", "icp_filing_number"), "京ICP备号"),
        (
            "filing.public_security_number_format",
            ("filings", "public_security_filing_number"),
            "沪公网安备11010802020193号",
        ),
        ("licence.licence_number_format", ("filings", "icp_licence_number"), "粤B2-20201234"),
    ],
)
def test_identifier_rules_catch_bad_values(
    cli: CLI,
    write_profile: Callable[[Any], Path],
    eligible_data: dict[str, Any],
    rule: str,
    path: tuple[str, ...],
    value: str,
) -> None:
    node = eligible_data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert _status(cli, write_profile(eligible_data), rule) == "fail"


def test_identifier_rules_on_missing_values(cli: CLI) -> None:
    """Absent numbers the filing needs are unknown (never a silent pass); absent optional numbers skip."""
    missing = EXAMPLES / "missing-data.yaml"
    assert _status(cli, missing, "filing.person_ids_valid") == "unknown"
    assert _status(cli, missing, "filing.mobiles_valid") == "unknown"
    assert _status(cli, missing, "filing.uscc_valid") == "unknown"
    assert _status(cli, missing, "filing.filing_number_format") == "skip"
    assert _status(cli, missing, "licence.licence_number_format") == "skip"
    blog = EXAMPLES / "individual-blog.yaml"  # an individual has no legal representative
    assert _status(cli, blog, "filing.person_ids_valid") == "pass"
    assert _status(cli, blog, "filing.mobiles_valid") == "pass"


@pytest.mark.parametrize("number", ["京ICP证060342号", "京B2-20201234", "B1-20150255", "B2-20150255"])
def test_licence_number_shapes(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any], number: str
) -> None:
    eligible_data["filings"]["icp_licence_number"] = number
    assert _status(cli, write_profile(eligible_data), "licence.licence_number_format") == "pass"


def test_secondary_abbreviations_match(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    eligible_data["company"]["province"] = "sichuan"
    eligible_data["company"]["uscc"] = None
    eligible_data["filings"]["icp_filing_number"] = "蜀ICP备2020012345号"
    eligible_data["filings"]["public_security_filing_number"] = "川公网安备51010802020193号"
    path = write_profile(eligible_data)
    assert _status(cli, path, "filing.filing_number_format") == "pass"
    assert _status(cli, path, "filing.public_security_number_format") == "pass"


def _timeline(cli: CLI, *args: str) -> dict[str, Any]:
    code, out, err = cli("timeline", *args, "-f", "json", "--lang", "en")
    assert code == 0, err
    return json.loads(out)


def test_timeline_skips_national_day_and_counts_make_up_days(cli: CLI) -> None:
    plan = _timeline(cli, "--type", "filing", "--province", "beijing", "--start", "2026-09-28")
    steps = {s["id"]: s for s in plan["steps"]}
    review = steps["provider_review"]  # 1–3 working days: submission ends 2026-10-01, inside the holiday …
    assert review["start"] == "2026-10-08" and review["end_earliest"] == "2026-10-08"  # … so it starts after
    assert plan["weekends_only_years"] == []
    authority = steps["authority_review"]
    start, end = dt.date.fromisoformat(authority["start"]), dt.date.fromisoformat(authority["end_earliest"])
    assert start == dt.date(2026, 10, 10) and start.weekday() == 5  # a make-up Saturday counts …
    weekdays = sum(1 for n in range((end - start).days + 1) if (start + dt.timedelta(n)).weekday() < 5)
    assert weekdays == 19  # … so 20 working days take 19 weekdays plus that Saturday


def test_timeline_zhejiang_review_is_longer_and_beyond_known_years_falls_back(cli: CLI) -> None:
    # Tencent's review page: 不超过20个工作日（浙江30个工作日）; Guangdong keeps 20 (params/guangdong.yaml)
    plan = _timeline(cli, "--type", "filing", "--province", "浙", "--start", "2028-03-01")
    assert plan["weekends_only_years"] == [2028]
    assert next(s for s in plan["steps"] if s["id"] == "authority_review")["days"] == [30, 30]
    guangdong = _timeline(cli, "--type", "filing", "--province", "粤", "--start", "2028-03-01")
    assert next(s for s in guangdong["steps"] if s["id"] == "authority_review")["days"] == [20, 20]
    _, text, _ = cli(
        "timeline", "--type", "filing", "--province", "浙", "--start", "2028-03-01", "--lang", "en"
    )
    assert "counted weekends and the statutory holidays" in text


def test_licence_timeline_uses_the_authoritys_limit_and_notes_the_agency_target(cli: CLI) -> None:
    # Issue 13 item 4: seed 000's 30 working days are an agency's contractual target (默认协议); the
    # authority's limit is seed 003's 60 days, everywhere including Beijing.
    beijing = _timeline(cli, "--type", "licence", "--province", "京", "--start", "2026-11-02")
    step = next(s for s in beijing["steps"] if s["id"] == "authority_decision")
    assert step["unit"] == "calendar" and step["days"] == [60, 60]
    assert "30 working days" in step["note"] and "not the administration's time limit" in step["note"]
    other = _timeline(cli, "--type", "licence", "--province", "hunan", "--start", "2026-11-02")
    step = next(s for s in other["steps"] if s["id"] == "authority_decision")
    assert step["unit"] == "calendar" and step["days"] == [60, 60] and step["note"] == ""
    _, text, _ = cli("timeline", "-t", "licence", "--province", "京", "--start", "2026-11-02", "--lang", "en")
    assert "note: The agency of seed 000" in text


def test_timeline_bad_start(cli: CLI) -> None:
    code, _, err = cli("timeline", "--type", "filing", "--province", "beijing", "--start", "soon")
    assert code == 2 and "--start" in err


def _working_steps_start_on_working_days(plan: dict[str, Any]) -> list[str]:
    import chinese_calendar

    from icpcheck.timeline import WorkingDays

    days = WorkingDays()
    starts = [dt.date.fromisoformat(s["start"]) for s in plan["steps"] if s["unit"] == "working"]
    assert all(days.is_workday(d) for d in starts), starts
    assert all(d.weekday() < 5 or chinese_calendar.is_in_lieu(d) for d in starts if d.year <= 2026)
    return [d.isoformat() for d in starts]


@pytest.mark.parametrize(
    ("start", "province", "first_working_start"),
    [
        # submission ends on Saturday 2026-11-28 (1 day from Friday … the earliest): review starts Monday
        ("2026-11-24", "beijing", "2026-11-30"),
        # 国庆 2027 (10-01 … 10-03 by 全国年节及纪念日放假办法; 10-02/03 a weekend): starts Monday 10-04
        ("2027-09-27", "beijing", "2027-10-04"),
        # 春节 2027: 除夕 02-05 … 初三 02-08 are statutory holidays (the 2027 schedule is not in the package)
        ("2027-02-01", "zhejiang", "2027-02-09"),
    ],
)
def test_working_day_steps_never_start_on_a_day_off(
    cli: CLI, start: str, province: str, first_working_start: str
) -> None:
    plan = _timeline(cli, "--type", "filing", "--province", province, "--start", start)
    starts = _working_steps_start_on_working_days(plan)
    assert starts[0] == first_working_start


def test_statutory_holidays_of_an_unpublished_year() -> None:
    from icpcheck.timeline import WorkingDays, statutory_holidays

    days = statutory_holidays(2027)
    assert {dt.date(2027, 2, 5), dt.date(2027, 2, 8), dt.date(2027, 10, 1), dt.date(2027, 10, 3)} <= days
    assert dt.date(2027, 2, 9) not in days and dt.date(2027, 10, 4) not in days
    assert dt.date(2027, 4, 5) in days and dt.date(2027, 6, 9) in days and dt.date(2027, 9, 15) in days
    assert len(days) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3
    calendar = WorkingDays()
    assert not calendar.is_workday(dt.date(2027, 10, 1)) and calendar.is_workday(dt.date(2027, 10, 4))
    assert calendar.fallback == {2027}


def test_timeline_from_a_profile_in_one_language(cli: CLI) -> None:
    # the licence applicant in Beijing: province and type from the profile, no --type/--province
    code, zh, err = cli(
        "timeline", "--profile", EXAMPLES / "beijing-licence-gaps.yaml", "--start", "2026-11-02"
    )
    assert code == 0, err
    lines = zh.splitlines()
    assert "开始日期 → 最早完成日期 … 最晚完成日期" in lines[0]  # the notation first
    assert lines[1].startswith("ICP 经营许可证 · 北京 · 开始 2026-11-02")
    assert "最晚于" in zh and "依据:" in zh and "说明:" in zh
    for english in ("start ", "done by", "note:", "source:", " days"):
        assert english not in zh
    _, en, _ = cli(
        "timeline", "--profile", EXAMPLES / "individual-blog.yaml", "--start", "2026-11-02", "--lang", "en"
    )
    assert "start → earliest end … latest end" in en.splitlines()[0]
    assert en.splitlines()[1].startswith("ICP filing · zhejiang · start 2026-11-02")
    assert "(1 day)" in en and "(1–3 working days)" in en and "(3–15 days)" in en
    code, _, err = cli("timeline", "--province", "beijing")
    assert code == 2 and "--type" in err


def test_uscc_check_agrees_with_python_stdnum() -> None:
    """The plain-number fast path of filing.uscc_valid gives python-stdnum's answer, on real numbers, every
    one-character change of them and random strings of the same shape; other spellings go to stdnum."""
    import random

    from stdnum.cn import uscc

    from icpcheck.engine.identifiers import USCC_ALPHABET, _uscc_valid

    samples = ["91110108MA01C7XR47", "91440300MA5F8KLM2U", "9111010871X0000000", "91110108MA01C7XR4"]
    for number in ["91110108MA01C7XR47", "91440300MA5F8KLM2U"]:
        for i in range(18):
            samples += [number[:i] + c + number[i + 1 :] for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    rng = random.Random(19)
    samples += [
        "".join(rng.choice("0123456789" + USCC_ALPHABET + "IOSVZ") for _ in range(18)) for _ in range(3000)
    ]
    samples += [
        "91110108ma01c7xr47",
        " 91110108MA01C7XR47",
        "9111-0108-MA01C7XR47",
        "９1110108MA01C7XR47",
        "",
    ]
    valid = 0
    for sample in samples:
        assert _uscc_valid(sample, True) == uscc.is_valid(sample), sample
        valid += uscc.is_valid(sample)
    assert valid > 40  # the comparison covered valid numbers too, not only refusals
