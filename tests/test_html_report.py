"""`eligibility --format html`: a self-contained client report (parses, no external reference, escapes,
masks, stable structure, one page per profile)."""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from conftest import EXAMPLES

CLI = Callable[..., tuple[int, str, str]]
GAPS = EXAMPLES / "beijing-licence-gaps.yaml"
VOID = {"meta", "br", "rect", "hr", "img", "link", "input"}


class Strict(HTMLParser):
    """Collects tags, attributes, headings and text, and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.style = ""
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in {"h1", "h2", "h3"}:
            self.headings.append((self.stack[-1], data))
        if self.stack and self.stack[-1] == "style":
            self.style += data
        self.text.append(data)


def parse(html: str) -> Strict:
    assert html.startswith("<!DOCTYPE html>")
    parser = Strict()
    parser.feed(html)
    parser.close()
    assert parser.problems == [] and parser.stack == []
    return parser


def report(cli: CLI, tmp_path: Path, *args: Any) -> str:
    out = tmp_path / "report.html"
    code, stdout, err = cli("eligibility", *args, "--as-of", "2026-11-22", "-f", "html", "-o", out)
    assert code in (0, 1), err
    assert stdout == ""
    return out.read_text(encoding="utf-8")


def test_html_report_parses_and_names_every_failing_rule(cli: CLI, tmp_path: Path) -> None:
    html = report(cli, tmp_path, GAPS, "--materials", "--lang", "en")
    parser = parse(html)
    _, out, _ = cli("eligibility", GAPS, "--as-of", "2026-11-22", "-f", "json")
    gaps = {f["rule"] for r in json.loads(out)["results"] for f in r["findings"] if f["status"] != "pass"}
    gaps -= {f["rule"] for r in json.loads(out)["results"] for f in r["findings"] if f["status"] == "skip"}
    assert gaps and all(f"<code>{rule}</code>" in html for rule in gaps)
    text = "".join(parser.text)
    assert "company: 北京星河互动科技有限公司 ·" in text
    assert "not eligible" in text and "2026-11-22" in text
    # the materials checklist has a status column; the sources are named by their registry titles
    assert "<th>status</th>" in html
    assert "Enterprise ICP filing guide" in text and "seed 002《" in text
    assert any(tag == "svg" for tag, _ in parser.tags) and any(tag == "rect" for tag, _ in parser.tags)


def test_html_report_holds_no_external_reference(cli: CLI, tmp_path: Path) -> None:
    parser = parse(report(cli, tmp_path, EXAMPLES, "--materials"))
    loading = {"script", "link", "img", "iframe", "object", "embed", "image", "use", "audio", "video"}
    assert not loading & {tag for tag, _ in parser.tags}
    for tag, attrs in parser.tags:
        assert not {"src", "href", "xlink:href", "srcset", "action", "style"} & set(attrs), tag
        assert all("://" not in (v or "") and "url(" not in (v or "") for v in attrs.values()), tag
    assert parser.style and "url(" not in parser.style and "@import" not in parser.style
    assert "@page { size: A4" in parser.style


def test_html_report_escapes_hostile_text(
    cli: CLI, tmp_path: Path, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    eligible_data["company"]["name"] = "<script>alert(1)</script>\x1b[31m红色&amp;"
    html = report(cli, tmp_path, write_profile(eligible_data), "--lang", "en")
    parser = parse(html)
    assert "<script" not in html and "\x1b" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[31m红色&amp;amp;" in html
    assert "<script>alert(1)</script>\\x1b[31m红色&amp;" in "".join(parser.text)


def test_html_report_masks_personal_data(cli: CLI, tmp_path: Path) -> None:
    blog = EXAMPLES / "individual-blog.yaml"
    masked = report(cli, tmp_path, blog, "--materials")
    assert "林晓" not in masked and "330106199001015126" not in masked and "13812345678" not in masked
    assert "林晓" in report(cli, tmp_path, blog, "--show-pii")


def test_html_report_structure_is_stable(cli: CLI, tmp_path: Path) -> None:
    first = report(cli, tmp_path, GAPS, "--materials", "--lang", "en")
    assert report(cli, tmp_path, GAPS, "--materials", "--lang", "en") == first
    assert parse(first).headings == [
        ("h1", "ICP filing and licence assessment"),
        ("h2", "Verdict"),
        ("h2", "ICP filing: Gaps and what to do next"),
        ("h3", "Dates to keep"),  # the domain expires on 2027-04-08
        ("h3", "Materials"),
        ("h3", "Timeline"),
        ("h2", "ICP licence: Gaps and what to do next"),
        ("h3", "Materials"),
        ("h3", "Timeline"),
        ("h2", "Sources"),
    ]
    zh = parse(report(cli, tmp_path, GAPS, "--materials", "--lang", "zh")).headings
    assert [h for _, h in zh] == [
        "ICP 备案与经营许可证评估报告",
        "结论",
        "ICP 备案: 差距与整改",
        "需留意的日期",
        "材料清单",
        "时间安排",
        "ICP 经营许可证: 差距与整改",
        "材料清单",
        "时间安排",
        "依据",
    ]


def test_html_report_puts_each_profile_on_its_own_page(
    cli: CLI, tmp_path: Path, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    paths = [write_profile(eligible_data) for _ in range(3)]
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\ncompany: {name: [x\n", encoding="utf-8")
    out = tmp_path / "many.html"
    code, _, err = cli("eligibility", *paths, broken, "--as-of", "2026-11-22", "-f", "html", "-o", out)
    assert code == 2 and "broken.yaml" in err
    parser = parse(out.read_text(encoding="utf-8"))
    sections = [a.get("class") for tag, a in parser.tags if tag == "section"]
    assert sections == ["profile"] * 4 + ["summary"]
    assert ".profile + .profile, .summary { break-before: page; page-break-before: always; }" in parser.style
