"""Homepage disclosure checks on a fetched page: filing / licence / public-security numbers, links, identity
and font size. Pure: takes a parsed Page and an optional profile, returns findings."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from icpcheck.engine.identifiers import FILING, LICENCE, PUBLIC_SECURITY
from icpcheck.facts.site import Element, Page
from icpcheck.findings import Finding, Status
from icpcheck.fontsize import font_px
from icpcheck.profile.model import Profile

if TYPE_CHECKING:
    from pathlib import Path

    from icpcheck.engine.loader import RuleSet

_FILING_ANY = re.compile(FILING.strip("^$"))
_LICENCE_ANY = re.compile(LICENCE.strip("^$"))
_PSB_ANY = re.compile(PUBLIC_SECURITY.strip("^$"))
_PHONE = re.compile(r"(?:\+?86[- ]?)?(?:0\d{2,3}[- ]?\d{7,8}|400[- ]?\d{3}[- ]?\d{4}|1[3-9]\d{9})")

LICENCE_FINDINGS = {"site.company_name", "site.address", "site.phone", "site.licence_number"}
DISCLOSURE = "licence.homepage_disclosure_required"  # the parameter that scopes the identity checks

TEXT: dict[str, dict[str, tuple[str, str]]] = {
    "zh": {
        "filing_number": ("首页底部须展示备案号", "在页脚加入备案号"),
        "filing_number_wrong": ("页面上的备案号与档案不一致", "更正页脚备案号为档案中的备案号"),
        "filing_link": ("备案号须链接至 {url}", "将备案号做成指向 {url} 的链接"),
        "licence_number": ("首页宜展示经营许可证号（要求未经核实）", "在页脚加入许可证号"),
        "public_security_number": ("须展示公安备案号", "在页脚加入公安备案号"),
        "public_security_link": (
            "公安备案号须链接至公安备案平台",
            "将公安备案号链接至全国互联网安全管理服务平台",
        ),
        "company_name": ("申请经营许可证时首页须明示公司名称", "在页脚加入公司全称"),
        "address": ("申请经营许可证时首页须明示公司地址", "在页脚加入公司地址"),
        "phone": ("申请经营许可证时首页须明示联系电话", "在页脚加入联系电话"),
        "font_size": ("备案号字号不小于 {px} 像素", "将页脚备案号字号调整为 {px}px 或以上"),
        "js": ("页面内容由 JavaScript 生成，无法读取", "保存渲染后的 HTML 再检查，或人工核对"),
        "font_unknown": ("页面未写明备案号字号", "人工核对字号"),
    },
    "en": {
        "filing_number": (
            "The homepage footer must show the filing number",
            "Add the filing number to the footer",
        ),
        "filing_number_wrong": (
            "The page shows a filing number other than the profile's",
            "Correct the footer's filing number",
        ),
        "filing_link": ("The filing number must link to {url}", "Make the filing number a link to {url}"),
        "licence_number": (
            "The homepage should show the licence number (an unverified requirement)",
            "Add the licence number to the footer",
        ),
        "public_security_number": ("The public-security filing number must be shown", "Add it to the footer"),
        "public_security_link": (
            "The public-security number must link to the public-security filing platform",
            "Link it to the platform",
        ),
        "company_name": (
            "For the licence, the homepage must show the company name",
            "Add the company's full name to the footer",
        ),
        "address": (
            "For the licence, the homepage must show the address",
            "Add the company address to the footer",
        ),
        "phone": (
            "For the licence, the homepage must show a phone number",
            "Add a contact phone to the footer",
        ),
        "font_size": (
            "The filing number must be at least {px} px",
            "Set the footer number to {px}px or larger",
        ),
        "js": (
            "The page is rendered by JavaScript and cannot be read",
            "Save the rendered HTML and check that, or check by hand",
        ),
        "font_unknown": ("The page does not state the number's font size", "Check the size by hand"),
    },
}


def _config(directory: Path) -> dict[str, Any]:
    from icpcheck.errors import RuleFileError
    from icpcheck.yamlio import load_yaml_file

    data = load_yaml_file(directory / "guidance" / "site.yaml", error=RuleFileError).data
    return data if isinstance(data, dict) else {}


def check_page(
    page: Page, profile: Profile | None, ruleset: RuleSet, lang: str = "zh", *, identity: bool = False
) -> list[Finding]:
    """`identity`: the homepage must show the company's name, address and phone, a licence condition
    where the switch licence.homepage_disclosure_required is true (Beijing, seed 000 注意事项 1). The
    findings' title, severity and source are the catalogue's (rules/site.yaml)."""
    from icpcheck.engine.evaluate import produced

    conf = _config(ruleset.directory)
    text = TEXT[lang]
    beian = str(conf["beian_url"])
    min_px = float(conf["min_font_px"])
    filings = profile.filings if profile and profile.filings else None
    out: list[Finding] = []

    def add(
        rule: str, key: str, ok: bool | None, actual: Any = None, expected: Any = None, **fmt: Any
    ) -> None:
        message, fix = (t.format(**fmt) for t in text[key])
        status = Status.PASS if ok else Status.UNKNOWN if ok is None else Status.FAIL
        detail = {"expected": expected, "actual": actual}
        out.append(produced(ruleset, rule, status, message, "" if ok else fix, lang, **detail))

    if page.javascript_only:
        for rule in ("site.filing_number", "site.filing_link", "site.font_size"):
            add(rule, "js", None)
        return out
    found = _FILING_ANY.search(page.footer) or _FILING_ANY.search(page.text)
    shown = found.group(0) if found else None
    wanted = filings.icp_filing_number if filings else None
    if wanted and shown and _base(shown) != _base(wanted):
        add("site.filing_number", "filing_number_wrong", False, actual=shown, expected=wanted)
    else:
        add(
            "site.filing_number",
            "filing_number",
            shown is not None,
            actual=shown,
            expected=wanted,
        )
    link = next((lk for lk in page.links if shown and _base(shown) in lk.text.replace(" ", "")), None)
    add(
        "site.filing_link",
        "filing_link",
        bool(link and link.href.rstrip("/").startswith(beian.rstrip("/"))),
        actual=link.href if link else None,
        expected=beian,
        url=beian,
    )
    holder = link.path if link is not None else _mark(page, shown)
    if holder:
        px = font_px(holder, page.styles, page.external_css)
        if px is None:
            add("site.font_size", "font_unknown", None, px=min_px)
        else:
            add(
                "site.font_size",
                "font_size",
                px >= min_px,
                actual=px,
                expected=min_px,
                px=int(min_px),
            )
    if filings and filings.icp_licence_number:
        present = filings.icp_licence_number in page.text or bool(_LICENCE_ANY.search(page.footer))
        add(
            "site.licence_number",
            "licence_number",
            present,
            expected=filings.icp_licence_number,
        )
    psb = filings.public_security_filing_number if filings else None
    if psb:
        psb_shown = psb in page.text.replace(" ", "")
        add(
            "site.public_security_number",
            "public_security_number",
            psb_shown,
            expected=psb,
        )
        psb_link = next((lk for lk in page.links if _PSB_ANY.search(lk.text.replace(" ", ""))), None)
        add(
            "site.public_security_link",
            "public_security_link",
            bool(psb_link and str(conf["public_security_host"]) in psb_link.href),
            actual=psb_link.href if psb_link else None,
        )
    if profile is not None and identity:
        company = profile.company
        add("site.company_name", "company_name", company.name in page.text, expected=company.name)
        if company.address:
            add(
                "site.address",
                "address",
                company.address[:8] in page.text,
                expected=company.address,
            )
        add("site.phone", "phone", bool(_PHONE.search(page.footer or page.text)))
    return out


def homepage_facts(findings: list[Finding]) -> dict[str, bool | None]:
    """The profile's service.homepage flags as the page shows them (None where the check was unknown)."""
    status = {f.rule: f.status for f in findings}
    flags = {
        "shows_filing_number": "site.filing_number",
        "links_to_beian": "site.filing_link",
        "shows_company_name": "site.company_name",
        "shows_address": "site.address",
        "shows_phone": "site.phone",
    }
    # A check that did not run (identity outside its provinces) leaves the profile's own flag alone.
    return {
        flag: None if status[rule] is Status.UNKNOWN else status[rule] is Status.PASS
        for flag, rule in flags.items()
        if rule in status
    }


def identity_required(ruleset: RuleSet, province: str | None, as_of: dt.date) -> bool:
    """Whether name, address and phone on the homepage are a licence condition in this province."""
    return province is not None and bool(ruleset.params_for(province, as_of).get(DISCLOSURE))


def type_of(rule: str) -> str:
    """The result a site finding belongs to: identity and licence number are licence conditions."""
    return "licence" if rule in LICENCE_FINDINGS else "filing"


def _base(number: str) -> str:
    """京ICP备2020012345号-1 → 京ICP备2020012345号 (the site suffix does not change the filing)."""
    return number.replace(" ", "").split("-")[0]


def _mark(page: Page, shown: str | None) -> tuple[Element, ...]:
    """The element whose text holds the number when no link holds it."""
    if shown is None:
        return ()
    wanted = _base(shown)
    return next((path for text, path in page.marks if wanted in text.replace(" ", "")), ())
