"""Dates to act on (issue 16): `earliest` on a failing rule that time alone closes, `deadline` on a passing
rule that time alone breaks, computed from the conditions (no per-rule code) and shown in every output
format. Per-rule dates at their boundaries are cases in tests/rules/<rule-id>.yaml (earliest, deadline,
when_contains).
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import AS_OF, ELIGIBLE, EXAMPLES, ROOT
from icpcheck.engine import evaluate, load_ruleset
from icpcheck.engine.conditions import Ctx, add_months, compile_condition, first_change, timed_names
from icpcheck.findings import Finding, Status
from icpcheck.profile.loader import load_profile_text

CLI = Callable[..., tuple[int, str, str]]
RULESET = load_ruleset()
GAPS = EXAMPLES / "beijing-licence-gaps.yaml"  # domain registered 2026-10-08, expires 2027-04-08
DAY = dt.timedelta(days=1)


def _finding(data: dict[str, Any], rule: str, as_of: dt.date = AS_OF, lang: str = "en") -> Finding:
    loaded = load_profile_text(yaml.safe_dump(data, allow_unicode=True), "p.yaml")
    results = evaluate(loaded, RULESET, as_of=as_of, lang=lang, select=lambda r: r == rule)
    return next(f for r in results for f in r.findings if f.rule == rule)


def _shift(raw: dict[str, Any], root: Any, as_of: dt.date = AS_OF) -> dt.date | None:
    return compile_condition(raw).shift(Ctx(root, {}, as_of, {}), root, "")


def test_a_named_condition_is_timed_only_through_a_timed_part() -> None:
    """`use` is as time-dependent as the condition it names (dates are sought only where time can change the
    outcome); a cycle of `use` ends (and makes nothing timed), as does a named condition using a timed one."""
    named = {
        "dated": compile_condition({"field": "expires", "op": "ge", "value": "as_of"}),
        "via": compile_condition({"all": [{"use": "dated"}, {"field": "x", "op": "eq", "value": 1}]}),
        "plain": compile_condition({"field": "x", "op": "eq", "value": 1}),
        "loop": compile_condition({"any": [{"use": "plain"}, {"use": "loop"}]}),
    }
    names = timed_names(named)
    assert names == {"dated", "via"}
    assert compile_condition({"not": {"use": "via"}}).timed(names)
    assert not compile_condition({"each": "items", "check": {"use": "loop"}}).timed(names)


def test_first_change_finds_the_single_turn() -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    assert first_change(lambda d: d >= dt.date(2026, 3, 1), start, end) == dt.date(2026, 3, 1)
    assert first_change(lambda d: d < dt.date(2026, 1, 2), start, end) == dt.date(2026, 1, 2)
    assert first_change(lambda d: True, start, end) is None  # never turns
    assert first_change(lambda d: False, start, start) is None  # nothing after start
    # a day near the turn only shortens the search, wherever it lies (before, at or after the turn)
    turn = dt.date(2026, 3, 1)
    for near in (start, dt.date(2026, 2, 25), turn, dt.date(2026, 3, 2), dt.date(2026, 11, 1), end):
        assert first_change(lambda d: d >= turn, start, end, near) == turn


def test_combinations_follow_their_parts() -> None:
    old = {"a": dt.date(2026, 9, 1), "b": dt.date(2026, 10, 1)}  # 3 months old on 12-01 and 01-01
    young = [{"r": old["a"]}, {"r": old["b"]}]
    leaf = {"field": "r", "op": "le", "value": "as_of", "offset_months": -3}
    assert _shift({"each": "d", "check": leaf}, {"d": young}) == dt.date(2027, 1, 1)  # all: the last
    assert _shift({"some": "d", "check": leaf}, {"d": young}) == dt.date(2026, 12, 1)  # any: the first
    assert _shift({"not": {"each": "d", "check": leaf}}, {"d": young}) == dt.date(2027, 1, 1)
    # a passing part that fails before the failing part passes: no single day
    expires = {"field": "e", "op": "gt", "value": "as_of"}
    both = {"all": [{"field": "r", "op": "le", "value": "as_of", "offset_months": -3}, expires]}
    assert _shift(both, {"r": old["a"], "e": dt.date(2026, 11, 30)}) is None
    assert _shift(both, {"r": old["a"], "e": dt.date(2027, 1, 1)}) == dt.date(2026, 12, 1)
    # an unknown part, a text date, a comparison that time does not change: no date
    assert _shift(both, {"r": old["a"]}) is None
    assert _shift(leaf, {"r": "2026-09-01"}) is None
    assert _shift({"field": "r", "op": "eq", "value": "as_of"}, {"r": old["a"]}) is None
    assert _shift({"field": "r", "op": "le", "value": dt.date(2027, 1, 1)}, {"r": old["a"]}) is None


def test_dates_at_the_ends_of_the_calendar_do_not_crash() -> None:
    leaf = {"field": "r", "op": "le", "value": "as_of", "offset_months": -3}
    assert _shift(leaf, {"r": dt.date.max}) is None
    assert _shift(leaf, {"r": dt.date(9999, 9, 30)}) is None  # 3 months later is past the calendar
    assert _shift({"field": "r", "op": "gt", "value": "as_of"}, {"r": dt.date.min}) is None
    months = {"consecutive_months": "s", "month_field": "m", "number_field": "n", "min": 1, "months": 3}
    far = {"s": [{"m": "9999-12", "n": 1}, {"m": "0001-01", "n": 0}]}
    assert _shift(months, far) is None
    # months that are not YYYY-MM (a rule's own month field) are never carried on
    odd = {"s": [{"m": "2026-13", "n": 5}, {"m": "Oct", "n": 5}, {"m": "2026-10", "n": 0}]}
    assert _shift(months, odd) is None
    node = compile_condition(months)
    ahead = Ctx(odd, {}, dt.date(2027, 2, 1), {}, today=AS_OF)
    assert node.evaluate(ahead, odd, "").value is False
    # a run insured up to October, looking ahead: November and December count like October
    run = {"s": [{"m": "2026-09", "n": 0}, {"m": "2026-10", "n": 2}]}
    assert _shift(months, run) == dt.date(2027, 1, 1)
    assert node.evaluate(Ctx(run, {}, dt.date(2027, 1, 1), {}, today=AS_OF), run, "").value is True
    assert node.evaluate(Ctx(run, {}, dt.date(2027, 1, 1), {}), run, "").value is None  # not looking ahead


@pytest.mark.parametrize(
    ("rule", "key", "kind"),
    [("filing.domain_age", "registered", "earliest"), ("licence.domain_validity_6m", "expires", "deadline")],
)
def test_every_date_is_the_engines_own_turn(
    eligible_data: dict[str, Any], rule: str, key: str, kind: str
) -> None:
    """An auditor's sweep over two years of dates (month ends, 2028-02-29): on the date given the status
    turns, the day before (for `earliest`) or after (for `deadline`) it does not."""
    as_of = dt.date(2027, 10, 15)
    start = add_months(as_of, -4 if kind == "earliest" else 5)
    dated = 0
    for n in range(0, 740, 3):
        eligible_data["domains"][0][key] = start + dt.timedelta(days=n)
        found = _finding(eligible_data, rule, as_of)
        day = getattr(found, kind)
        if day is None:
            continue
        dated += 1
        assert found.status is (Status.FAIL if kind == "earliest" else Status.PASS)
        turned, kept = (day, day - DAY) if kind == "earliest" else (day + DAY, day)
        assert _finding(eligible_data, rule, turned).status is Status(
            "pass" if kind == "earliest" else "fail"
        ), (n, day)
        assert _finding(eligible_data, rule, kept).status is found.status, (n, day)
    assert dated > 20


def test_as_of_moves_the_dates(eligible_data: dict[str, Any]) -> None:
    eligible_data["domains"][0]["registered"] = dt.date(2026, 9, 5)
    assert _finding(eligible_data, "filing.domain_age", dt.date(2026, 10, 1)).earliest == dt.date(2026, 12, 5)
    assert _finding(eligible_data, "filing.domain_age", dt.date(2026, 12, 4)).earliest == dt.date(2026, 12, 5)
    assert _finding(eligible_data, "filing.domain_age", dt.date(2026, 12, 5)).status is Status.PASS


def test_a_rules_dates_wording_names_only_known_placeholders(tmp_path: Path) -> None:
    import shutil

    from icpcheck.errors import RuleFileError

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "filing.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("you can file from {earliest}", "you can file from {earliest_day}"), "utf-8")
    with pytest.raises(RuleFileError, match="earliest_day"):
        load_ruleset(rules)
    # the date placeholders belong to `dates` only, not to a rule's message
    wait = "months before filing\n"  # filing.domain_age's remediation
    assert wait in text
    path.write_text(text.replace(wait, "months before filing on {earliest}\n"), "utf-8")
    with pytest.raises(RuleFileError, match="earliest"):
        load_ruleset(rules)


def _run(cli: CLI, *args: Any) -> str:
    code, out, err = cli("eligibility", GAPS, "--as-of", "2026-11-22", *args)
    assert code in (0, 1), err
    return out


def test_json_carries_iso_dates(cli: CLI) -> None:
    findings = {
        f["rule"]: f
        for r in json.loads(_run(cli, "-f", "json", "--lang", "en"))["results"]
        for f in r["findings"]
    }
    age, expiry = findings["filing.domain_age"], findings["filing.domain_not_expired"]
    assert (age["status"], age["earliest"], age["deadline"]) == ("fail", "2027-01-08", None)
    assert age["when"] == "domain registered 2026-10-08: you can file from 2027-01-08"
    assert (expiry["status"], expiry["earliest"], expiry["deadline"]) == ("pass", None, "2027-04-07")
    assert findings["licence.capital"]["earliest"] is None and findings["licence.capital"]["when"] is None


def test_text_and_markdown_say_when_in_each_language(cli: CLI) -> None:
    text = _run(cli, "--lang", "en")
    assert "⏱ domain registered 2026-10-08: you can file from 2027-01-08" in text
    assert "⏱ the domain expires on 2027-04-08: renew it before then" in text  # under a passing rule
    assert "⏱ 域名注册于 2026-10-08：2027-01-08 起可提交备案" in _run(cli, "--lang", "zh")
    markdown = _run(cli, "-f", "markdown", "--lang", "zh")
    assert "- ⏱ `filing.domain_age`: 域名注册于 2026-10-08：2027-01-08 起可提交备案\n" in markdown
    assert "- ⏱ `filing.domain_not_expired`: 域名于 2027-04-08 到期：请在此之前续费\n" in markdown


def test_html_shows_the_earliest_date_of_each_gap(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    _run(cli, "-f", "html", "--lang", "en", "-o", out)
    html = out.read_text(encoding="utf-8")
    assert "<th>earliest date</th>" in html
    row = next(line for line in html.splitlines() if "<code>filing.domain_age</code>" in line)
    assert '<td class="date">2027-01-08</td>' in row and "you can file from 2027-01-08" in row
    capital = next(line for line in html.splitlines() if "<code>licence.capital</code>" in line)
    assert '<td class="date">–</td>' in capital
    assert "<h3>Dates to keep</h3>" in html
    assert "2027-04-07</span> · <code>filing.domain_not_expired</code>" in html
    out_zh = tmp_path / "zh.html"
    _run(cli, "-f", "html", "--lang", "zh", "-o", out_zh)
    assert "<th>最早可满足</th>" in out_zh.read_text(encoding="utf-8")


def test_sarif_and_junit_stay_valid(cli: CLI) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(_run(cli, "-f", "sarif", "--lang", "en"))
    schema = json.loads((ROOT / "tests" / "sarif_subset_schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    age = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "filing.domain_age")
    assert age["properties"]["earliest"] == "2027-01-08" and "2027-01-08" in age["message"]["text"]
    suites = ET.fromstring(_run(cli, "-f", "junit", "--lang", "en"))
    failure = next(c.find("failure") for c in suites.iter("testcase") if c.get("name") == "filing.domain_age")
    assert failure is not None and "when: domain registered 2026-10-08" in (failure.text or "")


def test_eligible_profile_has_no_earliest(cli: CLI) -> None:
    code, out, _ = cli("eligibility", ELIGIBLE, "--as-of", "2026-11-22", "-f", "json")
    findings = [f for r in json.loads(out)["results"] for f in r["findings"]]
    assert code == 0 and all(f["earliest"] is None for f in findings)
    assert {f["rule"] for f in findings if f["deadline"]} >= {"filing.domain_not_expired"}


def _timed(raw: Any) -> bool:
    """A rule's condition mentions time: a comparison with as_of, or a run of months."""
    text = json.dumps(raw, default=str)
    return '"as_of"' in text or "consecutive_months" in text


def test_every_rule_that_time_changes_has_a_dated_case() -> None:
    from test_rule_cases import load_case_file

    timed = [r.id for r in RULESET.rules if r.check is not None and _timed(r.spec.check)]
    assert {"filing.domain_age", "licence.social_insurance", "licence.domain_validity_6m"} <= set(timed)
    for rule in timed:
        cases = load_case_file(rule).cases
        dated = [c for c in cases if isinstance(c.earliest, dt.date) or isinstance(c.deadline, dt.date)]
        assert dated, f"tests/rules/{rule}.yaml has no case with an earliest date or a deadline"


def test_eligible_from_only_where_time_alone_stands_in_the_way() -> None:
    from icpcheck.findings import Severity, eligible_from

    def f(status: str, severity: str = "error", **dates: dt.date) -> Finding:
        return Finding("r", Status(status), Severity(severity), "", "", "", **dates)

    dec, jan = dt.date(2026, 12, 5), dt.date(2027, 1, 8)
    assert eligible_from([f("fail", earliest=dec), f("fail", earliest=jan), f("pass")]) == jan
    assert eligible_from([f("fail", earliest=dec), f("fail", "warning")]) == dec  # a warning does not block
    assert eligible_from([f("fail", earliest=dec), f("fail")]) is None  # one gap needs more than time
    assert eligible_from([f("fail", earliest=dec), f("unknown")]) is None
    assert eligible_from([f("fail", earliest=dec), f("pass", deadline=dt.date(2026, 12, 4))]) is None
    assert eligible_from([f("fail", earliest=dec), f("pass", deadline=dec)]) == dec
    assert eligible_from([f("pass")]) is None  # eligible already


def test_the_verdict_says_from_when(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    eligible_data["domains"][0]["registered"] = "2026-09-05"
    path = write_profile(eligible_data)
    code, out, _ = cli("eligibility", path, "--as-of", "2026-11-22", "-f", "json", "-t", "filing")
    result = json.loads(out)["results"][0]
    assert code == 1 and (result["verdict"], result["eligible_from"]) == ("not_eligible", "2026-12-05")
    _, text, _ = cli("eligibility", path, "--as-of", "2026-11-22", "-t", "filing", "--lang", "en")
    assert "not eligible · eligible from 2026-12-05 if nothing else changes" in text
    _, markdown, _ = cli("eligibility", path, "--as-of", "2026-11-22", "-t", "filing", "-f", "markdown")
    assert "不符合条件 · ⏱ 2026-12-05 起符合条件（其他情况不变时）\n" in markdown
    html = path.with_suffix(".html")
    cli(
        "eligibility", path, "--as-of", "2026-11-22", "-t", "filing", "-f", "html", "-o", html, "--lang", "en"
    )
    assert (
        '<br><span class="date">eligible from 2026-12-05 if nothing else changes</span></td>'
        in html.read_text(encoding="utf-8")
    )
    # the gaps example has gaps that need more than time: no date
    _, out, _ = cli("eligibility", GAPS, "--as-of", "2026-11-22", "-f", "json")
    assert all(r["eligible_from"] is None for r in json.loads(out)["results"])


def test_domain_command_dates_from_whois(cli: CLI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The whois dates of the CNNIC sample (registered 2003-03-17, expires 2023-03-17) decide the dates."""
    from whois_server import SAMPLES, whois_server

    if not SAMPLES.exists():
        pytest.skip("../shared/whois-samples is not beside the repo")
    monkeypatch.setenv("ICPCHECK_CACHE_DIR", str(tmp_path / "cache"))
    with whois_server(silence=60.0) as srv:
        monkeypatch.setenv("ICPCHECK_WHOIS_SERVER", f"127.0.0.1:{srv.server_address[1]}")
        young = cli("domain", "google.cn", "--as-of", "2003-04-01", "--lang", "en", "--timeout", "30")[1]
        _, out, _ = cli("domain", "google.cn", "--as-of", "2022-09-01", "-f", "json", "--timeout", "30")
    assert "⏱ domain registered 2003-03-17: you can file from 2003-06-17" in young
    findings = {f["rule"]: f for f in json.loads(out)["domains"][0]["findings"]}
    assert findings["filing.domain_not_expired"]["deadline"] == "2023-03-16"
    assert findings["licence.domain_validity_6m"]["deadline"] == "2022-09-17"
