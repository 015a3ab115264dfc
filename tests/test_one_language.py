"""One language per output: every command × format × --lang over the bundled examples.

A zh report is Chinese throughout and an en report English throughout; no output says a Python value
(`True`, `None`, `[]`, `{}`, `{2026-08: None}`). What may stay in the other script is what is quoted, not
said: rule IDs, field paths, URLs, file and domain names, acronyms and units, profile values (company
names, enum values), the rules' own citations (`source`, which quote seeds in Chinese and are written once),
and official Chinese names an English text glosses in brackets (《…》, (真实性核验单)).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, ROOT, SHARED
from whois_server import whois_server

CLI = Callable[..., tuple[int, str, str]]
PROFILES = sorted(EXAMPLES.glob("*.yaml"))
AS_OF = "2026-11-22"
SITE_PAGES = ROOT / "tests" / "site_pages"

PYTHON_VALUES = re.compile(r"\b(?:True|False|None)\b|\[\]|\{\}|\{\d{4}-\d{2}: |\[[^\]\n]*'[^\]\n]*'\]")
HAN = re.compile(r"[\u3400-\u9fff]")
# Quoted, not said: removed before looking for words of the other language.
QUOTED = [
    re.compile(r"https?://\S+"),
    re.compile(r"`[^`\n]*`"),
    re.compile(r"(?:[\w.-]+/)+[\w.-]+"),  # paths
    re.compile(r"\b[\w-]+\.(?:ya?ml|html?|md|tsv|txt|json|csv|cn|com|net|org|xyz|top|tech|icu|hk)\b"),
    re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_*]+|\[\d+\]|\[\*\])+"),  # rule IDs, field paths
    re.compile(r"\b[A-Z][A-Z0-9]+\b(?:-\d+)?"),  # acronyms: ICP, IDC, B25, MIIT, SMS, CN, B2-…
    re.compile(r"\bseed \d{3}\b"),
    re.compile(r" {4}\[.*\]$", re.M),  # rules show: a parameter's citation
    re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b"),  # source keys: bj-icp-licence-agency
    re.compile(r"(?<!\w)(?:\.[a-z]{2,})+\b"),  # domain suffixes: .hk, .com.hk
    re.compile(r"\S\*+"),  # masked names: 张*, J*********
    re.compile(r"\bicpcheck(?: (?:init|eligibility|materials|classify|timeline|provinces|domain|rules)\b)?"),
    re.compile(r"\b(?:libphonenumber|python-stdnum|chinesecalendar|JavaScript|whois|init)\b"),  # names
    re.compile(r"^::(?:error|warning|notice) file=[^:]*::", re.M),  # GitHub's workflow-command syntax
]
# Where a label introduces a citation, the rest of the line is the rules' own text (the label in the
# report's own language: an English `source:` in a zh report is a finding, not a citation).
SOURCE_LINE = {
    "zh": re.compile(r"(?:依据|未经核实|条款未核实)\s*[:：].*"),
    "en": re.compile(r"(?:source|Sources|unverified|article unverified)\s*:.*"),
}
# `rules show`: a rule's conditions as written in its file (the rule language's own keys)
CONDITION = {
    "zh": re.compile(r"^(?:检查条件|适用条件):\n(?:  .*\n?)*", re.M),
    "en": re.compile(r"^(?:check|applies when):\n(?:  .*\n?)*", re.M),
}
EN_WORDS = re.compile(r"\b[A-Za-z]{2,}(?:[ -][A-Za-z]{2,})*\b")


def _profile_values() -> set[str]:
    values: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                values.add(str(k))
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            values.add(node)

    for path in PROFILES:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    for enum in re.findall(
        r'"enum": \[([^\]]*)\]', (ROOT / "docs" / "profile.schema.json").read_text("utf-8")
    ):
        values.update(v.strip(' "\n') for v in enum.split(","))  # the profile format's enum values
    return values


def _citations() -> list[str]:
    """Every citation the rules write (`source`, `unverified`), as written and as rendered, longest first."""
    from icpcheck.sources import cite
    from icpcheck.textsafe import table_cell

    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                texts = [v] if isinstance(v, str) else v if isinstance(v, list) else []
                for text in texts if k in {"source", "sources", "unverified"} else []:
                    if isinstance(text, str):  # as written, rendered, in a table; each part of a list
                        found.update({text, cite(text), table_cell(cite(text)), *cite(text).split("; ")})
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for path in (ROOT / "rules").rglob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted((c for c in found if len(c) > 3), key=len, reverse=True)


def _rule_values() -> set[str]:
    """Values the rules compare with, as written: content categories (`news`), business-scope phrases
    (信息服务业务（仅限互联网信息服务）), nationality names (中国) — an expected value is quoted, not said."""
    values: set[str] = set()

    def walk(node: Any, inside: bool) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, inside or k in {"check", "applies", "value", "values", "default"})
        elif isinstance(node, list):
            for v in node:
                walk(v, inside)
        elif isinstance(node, str) and inside and " " not in node.strip():
            values.add(node)

    for path in (ROOT / "rules" / "params").glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), True)
    for path in (ROOT / "rules").glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), False)
    return values


SOURCE_HEAD = {
    "zh": re.compile(r"^\s*(?:\*\*)?依据(?:\*\*)?:?\s*$"),
    "en": re.compile(r"^\s*(?:\*\*)?Sources?(?:\*\*)?:?\s*$"),
}


def _without_citations(text: str, lang: str) -> str:
    """Drop the citation parts of a report: a table's source column, a list of sources under its heading."""
    out: list[str] = []
    source_column = in_sources = False
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if SOURCE_HEAD[lang].match(line):
            in_sources = True
            continue
        if in_sources and (not line.strip() or line.startswith(("- ", "  "))):
            continue
        in_sources = False
        if not line.startswith("|"):
            source_column = False
        elif n + 1 < len(lines) and lines[n + 1].startswith("|---"):  # a table's header
            source_column = (
                line.rstrip(" |").rsplit("| ", 1)[-1].strip() == {"zh": "依据", "en": "source"}[lang]
            )
        elif source_column and not line.startswith("|---"):
            line = " | ".join(line.split(" | ")[:-1])
        out.append(line)
    return "\n".join(out)


def _without_quotes(text: str, lang: str) -> str:
    text = html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", text, flags=re.S))
    text = _without_citations(text, lang)
    text = CONDITION[lang].sub(" ", text)
    for citation in CITATIONS:
        text = text.replace(citation, " ")
    text = SOURCE_LINE[lang].sub(" ", text)
    for pattern in QUOTED:
        text = pattern.sub(" ", text)
    return text


def _drop(text: str, values: set[str]) -> str:
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def _english_in_zh(text: str, allowed: set[str]) -> list[str]:
    text = _without_quotes(_drop(text, {v for v in allowed if " " in v}), "zh")  # multi-word: a registrar
    return [w for w in EN_WORDS.findall(text) if w not in allowed and w.lower() not in allowed]


def _chinese_in_en(text: str, allowed: set[str]) -> list[str]:
    text = _without_quotes(_drop(text, {v for v in allowed if HAN.search(v)}), "en")
    for pattern in (
        r"《[^》]*》",
        r"“[^”]*”",
        r"「[^」]*」",
        r"\([^()]*[\u3400-\u9fff][^()]*\)",
        r"（[^（）]*）",
    ):
        text = re.sub(pattern, " ", text)
    return re.findall(r"[\u3400-\u9fff][^\sA-Za-z]*", text)


def _runs() -> Iterator[tuple[str, list[str]]]:
    for lang in ("zh", "en"):
        for fmt in ("text", "markdown", "html", "junit", "github"):
            yield (
                f"eligibility {fmt} {lang}",
                ["eligibility", *PROFILES, "--materials", "-f", fmt, "--lang", lang, "--as-of", AS_OF],
            )
        for profile in PROFILES:
            name = profile.stem
            yield f"classify {name} {lang}", ["classify", profile, "--lang", lang, "--as-of", AS_OF]
            yield (
                f"timeline {name} {lang}",
                ["timeline", "--profile", profile, "--start", AS_OF, "--lang", lang],
            )
            for fmt in ("text", "markdown"):
                yield (
                    f"obligations {name} {fmt} {lang}",
                    ["obligations", profile, "-f", fmt, "--lang", lang, "--as-of", AS_OF],
                )
                # licence materials for an individual are refused (tests/test_applies.py)
                for kind in ("filing",) if name == "individual-blog" else ("filing", "licence"):
                    yield (
                        f"materials {name} {kind} {fmt} {lang}",
                        [
                            "materials",
                            "-t",
                            kind,
                            "--profile",
                            profile,
                            "-f",
                            fmt,
                            "--lang",
                            lang,
                            "--as-of",
                            AS_OF,
                        ],
                    )
        for page in sorted(SITE_PAGES.glob("*.html")):
            site = [
                "site",
                page,
                "--profile",
                EXAMPLES / "shenzhen-filing-only.yaml",
                "--lang",
                lang,
                "--as-of",
                AS_OF,
            ]
            yield f"site {page.stem} {lang}", site
        for fmt in ("markdown", "html", "junit"):  # the site report takes eligibility's formats
            page = SITE_PAGES / "wrong-number.html"
            yield f"site {fmt} {lang}", ["site", page, "-f", fmt, "--lang", lang, "--as-of", AS_OF]
        rules = ("filing.domain_age", "licence.capital", "licence.entity_type", "licence.social_insurance")
        for rule in (*rules, "site.font_size"):
            yield f"rules show {rule} {lang}", ["rules", "show", rule, "--lang", lang]
        yield f"rules list {lang}", ["rules", "list", "--lang", lang]
        yield f"sources {lang}", ["sources", "--lang", lang]
        # one source in full: its labels, kind, citation form (in en, the publisher and the citation form are
        # the source's own Chinese names: quoted, not said)
        for key in ("seed 002", "telecom-regulations") if lang == "zh" else ():
            yield f"sources {key} {lang}", ["sources", key, "--lang", lang]
        yield (
            f"domain {lang}",
            [
                "domain",
                "google.cn",
                "abc.xyz",
                "--holder",
                "北京谷翔信息技术有限公司",
                "--lang",
                lang,
                "--as-of",
                AS_OF,
                "--timeout",
                "30",
            ],
        )


RUNS = dict(_runs())
CITATIONS = _citations()
PROFILE_VALUES = _profile_values()
RULE_VALUES = _rule_values()


@pytest.mark.parametrize("name", list(RUNS))
def test_one_language(cli: CLI, name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # rich wraps nothing: a line is one label and what follows it
    monkeypatch.setenv("ICPCHECK_CACHE_DIR", str(tmp_path))
    lang = name.rsplit(" ", 1)[1]
    allowed = PROFILE_VALUES | RULE_VALUES
    if name.startswith("domain"):
        if not SHARED.exists():
            pytest.skip("../shared/whois-samples is not beside the repo")
        with whois_server() as srv:
            monkeypatch.setenv("ICPCHECK_WHOIS_SERVER", f"127.0.0.1:{srv.server_address[1]}")
            code, out, err = cli(*RUNS[name])
            _, facts, _ = cli(*RUNS[name], "-f", "json")  # what whois said is quoted, not said
        allowed |= {str(v) for d in json.loads(facts)["domains"] for v in d["domain"].values() if v}
    else:
        code, out, err = cli(*RUNS[name])
    assert code in (0, 1) and out, err
    assert not PYTHON_VALUES.findall(out), PYTHON_VALUES.findall(out)
    if lang == "zh":
        assert not _english_in_zh(out, allowed), sorted(set(_english_in_zh(out, allowed)))
    else:
        assert not _chinese_in_en(out, allowed), sorted(set(_chinese_in_en(out, allowed)))


def test_values_are_said_in_words() -> None:
    import datetime as dt

    from icpcheck.words import count, detail, say

    assert [say(v, "zh") for v in (None, True, False, [], {}, ["a", "b"])] == [
        "未填写",
        "是",
        "否",
        "无",
        "无",
        "a、b",
    ]
    assert [say(v, "en") for v in (None, True, False, [], {}, ["a", "b"])] == [
        "not given", "yes", "no", "none", "none", "a, b"
    ]  # fmt: skip
    assert say(["CN", "中国"], "en", choice=True) == "one of CN, 中国"
    assert say({"2026-08": None, "2026-09": 5}, "en") == "2026-08: not given; 2026-09: 5"
    assert say({"min_insured": 3, "months": 1}, "zh") == "每月最少参保人数：3；连续月数：1"
    assert say(dt.date(2027, 1, 31), "zh") == "2027-01-31" and say(1_000_000, "en") == "1,000,000"
    counts = [count(1, "day", "en"), count(2, "day", "en"), count(1, "month", "en"), count(3, "month", "zh")]
    assert counts == ["1 day", "2 days", "1 month", "3 个月"]
    assert (
        count(1, "working_day", "en", 3) == "1–3 working days"
        and count(1, "working_day", "en", 1) == "1 working day"
    )
    assert detail("a.b", None, None, "en") == "a.b" and detail(None, 1, 2, "en") == ""
    assert detail("a.b", "present", None, "zh") == "a.b：要求 已填写，实际 未填写"
    assert detail("a.b", None, "x", "en") == "a.b: actual x"  # no expectation is left out, not said as None


def test_rule_messages_never_end_in_an_empty_list_and_say_one_month() -> None:
    from icpcheck.engine.loader import format_text

    params = {"roles": [], "months": 1, "flag": True}
    assert format_text("roles to include: {roles}", params, "en") == "roles to include: none"
    assert format_text("须包括的岗位：{roles}", params, "zh") == "须包括的岗位：无"
    assert format_text(
        "for {months} consecutive months, each of the last {months} full months", params, "en"
    ) == ("for 1 consecutive month, each of the last 1 full month")
    assert (
        format_text("{flag}", params, "zh") == "是" and format_text("11 months", params, "en") == "11 months"
    )


@pytest.mark.parametrize(
    ("lang", "warning", "error"), [("en", "⚠️ warning", "❌ error"), ("zh", "⚠️ 警告", "❌ 错误")]
)
def test_markdown_tells_a_failed_warning_from_an_error(cli: CLI, lang: str, warning: str, error: str) -> None:
    # the eligible Beijing example fails one warning (filing.local_mobile); the gaps example fails errors
    paths = (EXAMPLES / "beijing-licence-eligible.yaml", EXAMPLES / "beijing-licence-gaps.yaml")
    _, out, _ = cli("eligibility", *paths, "-f", "markdown", "--lang", lang, "--as-of", AS_OF)
    assert f"| {warning} | `filing.local_mobile` |" in out
    assert f"| {error} | `licence.capital` |" in out
    heading = {"en": "| | rule | field | requirement | fix |", "zh": "| | 规则 | 字段 | 要求 | 整改 |"}[lang]
    assert heading in out


def test_html_tells_a_failed_warning_from_an_error(cli: CLI) -> None:
    paths = (EXAMPLES / "beijing-licence-eligible.yaml", EXAMPLES / "beijing-licence-gaps.yaml")
    _, out, _ = cli("eligibility", *paths, "-f", "html", "--lang", "zh", "--as-of", AS_OF)
    row = re.search(r'<tr><td class="([^"]*)">([^<]*)</td><td><code>filing\.local_mobile</code>', out)
    assert row and row.groups() == ("fail warning", "未通过 (警告)")
    row = re.search(r'<tr><td class="([^"]*)">([^<]*)</td><td><code>licence\.capital</code>', out)
    assert row and row.groups() == ("fail", "未通过")


def test_a_threshold_says_which_way_it_goes() -> None:
    import datetime as dt

    from icpcheck.words import detail

    day = dt.date(2026, 8, 22)
    assert detail("d.registered", day, dt.date(2026, 10, 8), "zh", "le") == (
        "d.registered：要求 不晚于 2026-08-22，实际 2026-10-08"
    )
    assert (
        detail("d.expires", day, day, "en", "gt") == "d.expires: expected after 2026-08-22, actual 2026-08-22"
    )
    assert (
        detail("c.capital", 1_000_000, 300_000, "zh", "ge") == "c.capital：要求 至少 1,000,000，实际 300,000"
    )
    assert detail("c.capital", 10, 30, "en", "lt") == "c.capital: expected less than 10, actual 30"
    assert detail("x", ["a", "b"], "a", "en", "not_in") == "x: expected not one of a, b, actual a"
    assert detail("x", "a", "a", "en", "eq") == "x: expected a, actual a"  # equality needs no word


def test_failing_thresholds_carry_their_relation_into_every_report(cli: CLI) -> None:
    """The domain-age rule needs a registration date on or before as_of - 3 months, and the capital rule at
    least 1,000,000: the report must not say "expected 2026-08-22" as if that day itself were required."""
    profile = str(EXAMPLES / "beijing-licence-gaps.yaml")
    _, out, _ = cli("eligibility", profile, "--type", "all", "--as-of", AS_OF, "--lang", "en")
    assert "domains[0].registered: expected on or before 2026-08-22, actual 2026-10-08" in out
    assert "company.paid_in_capital_cny: expected at least 1,000,000, actual 300,000" in out
    _, out, _ = cli("eligibility", profile, "--type", "all", "--as-of", AS_OF, "-f", "json")
    found = {f["rule"]: f for r in json.loads(out)["results"] for f in r["findings"]}
    assert (
        found["filing.domain_age"]["relation"] == "le"
        and found["filing.domain_age"]["expected"] == "2026-08-22"
    )
    assert found["licence.capital"]["relation"] == "ge"
