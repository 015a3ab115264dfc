"""Homepage disclosure checks against a loopback HTTP server and saved files; never the internet."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ELIGIBLE, ROOT

CLI = Callable[..., tuple[int, str, str]]
PAGES = ROOT / "tests" / "site_pages"


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, body: bytes, kind: str = "text/html; charset=utf-8", status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.lstrip("/")
        if path == "loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif path == "moved":
            self.send_response(301)
            self.send_header("Location", "/good.html")
            self.end_headers()
        elif path == "huge.html":
            self._send(b"<html><body>" + b"x" * 6_000_000 + b"</body></html>")
        elif path == "logo.png":
            self._send(b"\x89PNG....", "image/png")
        elif path == "gbk-header":  # charset only in the header, none in the page
            body = (PAGES / "good-gbk.html").read_bytes().replace(b'<meta charset="gbk">', b"")
            self._send(body, "text/html; charset=GBK")
        elif (PAGES / path).is_file():
            kind = "text/html; charset=gbk" if "gbk" in path else "text/html; charset=utf-8"
            self._send((PAGES / path).read_bytes(), kind)
        else:
            self._send(b"not found", status=404)


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that stops reading (page too large) resets the connection: not a test failure


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _findings(cli: CLI, target: str | Path, *extra: str) -> dict[str, dict[str, Any]]:
    return _findings_for(cli, target, ELIGIBLE, *extra)[1]


def _findings_for(
    cli: CLI, target: str | Path, profile: Path, *extra: str
) -> tuple[int, dict[str, dict[str, Any]]]:
    """`site TARGET --profile PROFILE -f json`: the exit code and the findings by rule."""
    code, out, err = cli("site", target, "--profile", profile, "-f", "json", "--allow-private", *extra)
    assert code in (0, 1), err
    return code, {f["rule"]: f for f in json.loads(out)["results"][0]["findings"]}


# (page, rule, expected status): every check has a passing and a failing fixture
CASES = [
    ("good.html", "site.filing_number", "pass"),
    ("wrong-number.html", "site.filing_number", "fail"),
    ("good.html", "site.filing_link", "pass"),
    ("plain-number.html", "site.filing_link", "fail"),
    ("wrong-link.html", "site.filing_link", "fail"),
    ("good.html", "site.font_size", "pass"),
    ("tiny-font.html", "site.font_size", "fail"),
    # No stylesheet at all: the browser default of 16 px applies (seed 002: 字体不小于12像素).
    ("no-font.html", "site.font_size", "pass"),
    # A `.site-footer small` rule at 10 px that does not hold the number does not decide its size …
    ("unrelated-small.html", "site.font_size", "pass"),
    # … but it does when the number sits inside that <small>.
    ("small-number.html", "site.font_size", "fail"),
    ("em-font.html", "site.font_size", "fail"),  # footer 0.7em of 16 px = 11.2 px
    ("external-css.html", "site.font_size", "unknown"),  # a stylesheet icpcheck does not read
    ("good.html", "site.public_security_number", "pass"),
    ("plain-number.html", "site.public_security_number", "fail"),
    ("good.html", "site.public_security_link", "pass"),
    ("no-psb-link.html", "site.public_security_link", "fail"),
    ("good.html", "site.company_name", "pass"),
    ("no-identity.html", "site.company_name", "fail"),
    ("good.html", "site.address", "pass"),
    ("no-identity.html", "site.address", "fail"),
    ("good.html", "site.phone", "pass"),
    ("no-identity.html", "site.phone", "fail"),
    ("good-gbk.html", "site.filing_link", "pass"),
    ("good-gbk.html", "site.company_name", "pass"),
    ("js-only.html", "site.filing_number", "unknown"),
]


@pytest.mark.parametrize(("page", "rule", "status"), CASES)
def test_checks_on_the_loopback_server(cli: CLI, base_url: str, page: str, rule: str, status: str) -> None:
    assert _findings(cli, f"{base_url}/{page}")[rule]["status"] == status


@pytest.mark.parametrize("page", sorted({c[0] for c in CASES}))
def test_server_and_saved_file_agree(cli: CLI, base_url: str, page: str) -> None:
    served = {k: v["status"] for k, v in _findings(cli, f"{base_url}/{page}").items()}
    saved = {k: v["status"] for k, v in _findings(cli, PAGES / page).items()}
    assert served == saved


@pytest.mark.parametrize(("page", "status"), [("licence.html", "pass"), ("good.html", "fail")])
def test_licence_number_when_the_profile_has_one(
    cli: CLI,
    base_url: str,
    write_profile: Callable[[Any], Path],
    eligible_data: dict[str, Any],
    page: str,
    status: str,
) -> None:
    eligible_data["filings"]["icp_licence_number"] = "京ICP证060342号"
    code, findings = _findings_for(cli, f"{base_url}/{page}", write_profile(eligible_data))
    assert findings["site.licence_number"]["status"] == status
    assert code == 0  # unverified: a warning, never the verdict


def _page_for(tmp_path: Path, number: str, identity: bool) -> Path:
    who = "上海某网络科技有限公司 地址：上海市浦东新区 电话：021-12345678" if identity else ""
    page = tmp_path / "home.html"
    page.write_text(
        f'<html><body><footer><p>{who}</p><a href="https://beian.miit.gov.cn/">{number}</a></footer></body></html>',
        encoding="utf-8",
    )
    return page


def _by_type(out: str) -> dict[str, dict[str, Any]]:
    return {r["type"]: r for r in json.loads(out)["results"]}


def _with_site(cli: CLI, profile: Path, site: str | Path, *extra: str) -> dict[str, dict[str, Any]]:
    """eligibility --site: the results by type."""
    args = ("eligibility", profile, "--as-of", "2026-11-22", "-f", "json", "--allow-private", *extra)
    return _by_type(cli(*args, "--site", site)[1])


def test_identity_on_the_homepage_is_a_beijing_licence_condition(
    cli: CLI, tmp_path: Path, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    # Seed 000 注意事项 1 (网站首页，明示ICP备案号，公司名称、地址、电话) is a Beijing licence condition:
    # a Shanghai filing whose homepage shows only its filing number stays eligible.
    eligible_data["company"]["province"] = "shanghai"
    eligible_data["filings"]["icp_filing_number"] = "沪ICP备2020012345号-1"
    eligible_data["filings"]["public_security_filing_number"] = None
    profile = write_profile(eligible_data)
    page = _page_for(tmp_path, "沪ICP备2020012345号-1", identity=False)
    before = _by_type(cli("eligibility", profile, "--as-of", "2026-11-22", "-f", "json")[1])
    after = _with_site(cli, profile, page)
    assert after["filing"]["verdict"] == before["filing"]["verdict"] == "eligible"
    rules = {f["rule"] for r in after.values() for f in r["findings"]}
    assert {"site.filing_number", "site.filing_link"} <= rules
    assert not rules & {"site.company_name", "site.address", "site.phone"}


def test_beijing_identity_findings_belong_to_the_licence(cli: CLI, base_url: str) -> None:
    results = _with_site(cli, ELIGIBLE, f"{base_url}/no-identity.html")
    filing = {f["rule"] for f in results["filing"]["findings"]}
    licence = {f["rule"]: f["status"] for f in results["licence"]["findings"]}
    assert licence["site.company_name"] == "fail" and "site.company_name" not in filing
    assert "site.filing_number" in filing and "site.filing_number" not in licence
    assert results["filing"]["verdict"] == "eligible"  # the filing does not need the name on the page
    only_filing = _with_site(cli, ELIGIBLE, f"{base_url}/no-identity.html", "-t", "filing")
    assert not any(f["rule"] == "site.company_name" for r in only_filing.values() for f in r["findings"])


def test_site_findings_have_titles_and_the_header_names_the_province(cli: CLI, base_url: str) -> None:
    _, out, _ = cli("site", f"{base_url}/good.html", "--profile", ELIGIBLE, "--allow-private", "--lang", "en")
    assert "site.filing_number site.filing_number" not in out
    assert "site.filing_number Homepage shows the filing number" in out
    assert "province beijing" in out and "province -" not in out


def test_licence_number_on_the_homepage_is_marked_unverified(
    cli: CLI, base_url: str, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    # No seed states it; seed 000 注意事项 1 speaks of the 备案号: not a source for the licence number.
    eligible_data["filings"]["icp_licence_number"] = "京ICP证060342号"
    _, findings = _findings_for(cli, f"{base_url}/good.html", write_profile(eligible_data))
    finding = findings["site.licence_number"]
    assert finding["source"].startswith("unverified") and "注意事项" not in finding["source"]
    assert finding["severity"] == "warning"


def test_charset_from_header_and_redirects(cli: CLI, base_url: str) -> None:
    assert _findings(cli, f"{base_url}/gbk-header")["site.company_name"]["status"] == "pass"
    assert _findings(cli, f"{base_url}/moved")["site.filing_link"]["status"] == "pass"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("loop", "redirects"),
        ("huge.html", "larger than"),
        ("logo.png", "not an HTML page"),
        ("missing", "404"),
    ],
)
def test_fetch_faults_are_one_line_errors(cli: CLI, base_url: str, path: str, message: str) -> None:
    code, _, err = cli("site", f"{base_url}/{path}", "--allow-private")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_private_addresses_are_refused_unless_allowed(cli: CLI, base_url: str) -> None:
    code, _, err = cli("site", f"{base_url}/good.html")
    assert code == 2 and "private address" in err


def test_eligibility_site_changes_homepage_disclosure(cli: CLI, base_url: str) -> None:
    def status(page: str) -> str:
        licence = _with_site(cli, ELIGIBLE, f"{base_url}/{page}", "-t", "licence")["licence"]
        return next(f["status"] for f in licence["findings"] if f["rule"] == "licence.homepage_disclosure")

    assert status("good.html") == "pass"
    assert status("no-identity.html") == "fail"  # the profile claims everything is shown; the page says no
