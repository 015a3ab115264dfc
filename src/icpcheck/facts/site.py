"""Homepage facts: fetch a page (or read a saved file) and find what its footer discloses.

httpx does the fetching (timeouts, streamed size limit, redirects followed one by one so each hop can be
checked against private addresses); the standard library's html.parser is enough to read footers and links
and needs no compiled dependency.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

from icpcheck.errors import IcpcheckError

MAX_BYTES = 5_000_000
MAX_REDIRECTS = 5
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_FONT = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*px", re.I)


class SiteError(IcpcheckError):
    """The page could not be fetched or read; shown as one line, exit 2."""


@dataclass(slots=True)
class Link:
    href: str
    text: str
    font_px: float | None  # from an inline style on the link or its parents


@dataclass(slots=True)
class Page:
    source: str
    text: str  # visible text of the whole page
    footer: str  # visible text of the footer (or the page's last part)
    links: list[Link] = field(default_factory=list)
    styles: str = ""  # <style> blocks
    scripts: int = 0

    @property
    def javascript_only(self) -> bool:
        return self.scripts > 0 and len(self.text.strip()) < 40


class _Reader(HTMLParser):
    FOOTERISH = re.compile(r"foot|copyright|beian|icp", re.I)

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.footer: list[str] = []
        self.links: list[Link] = []
        self.styles: list[str] = []
        self.scripts = 0
        self.stack: list[tuple[str, bool, float | None]] = []  # tag, in footer, font px
        self.skip = 0
        self.link: tuple[str, float | None, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
            self.scripts += tag == "script"
            if tag == "style":
                self.styles.append("")
            return
        parent_footer = self.stack[-1][1] if self.stack else False
        parent_font = self.stack[-1][2] if self.stack else None
        is_footer = (
            parent_footer
            or tag == "footer"
            or bool(self.FOOTERISH.search(a.get("id", "") + " " + a.get("class", "")))
        )
        font = _FONT.search(a.get("style", ""))
        px = float(font.group(1)) if font else parent_font
        if tag not in ("br", "img", "meta", "link", "input", "hr"):
            self.stack.append((tag, is_footer, px))
        if tag == "a":
            self.link = (a.get("href", ""), px, [])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self.skip = max(0, self.skip - 1)
            return
        if tag == "a" and self.link is not None:
            href, px, parts = self.link
            self.links.append(Link(href, "".join(parts).strip(), px))
            self.link = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self.skip:
            if self.styles and self.lasttag == "style":
                self.styles[-1] += data
            return
        self.text.append(data)
        if self.stack and self.stack[-1][1]:
            self.footer.append(data)
        if self.link is not None:
            self.link[2].append(data)


def parse_html(html: str, source: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    text = " ".join(" ".join(reader.text).split())
    footer = " ".join(" ".join(reader.footer).split()) or text[-2000:]
    return Page(source, text, footer, reader.links, "\n".join(reader.styles), reader.scripts)


def decode(raw: bytes, content_type: str = "") -> str:
    """Charset from the Content-Type header, else from <meta>, else UTF-8, else GB18030."""
    declared = re.search(r"charset=([\w-]+)", content_type, re.I)
    meta = _CHARSET.search(raw[:4096])
    for charset in (
        declared.group(1) if declared else None,
        meta.group(1).decode() if meta else None,
        "utf-8",
        "gb18030",
    ):
        if not charset:
            continue
        try:
            return raw.decode("gb18030" if charset.lower() in ("gbk", "gb2312") else charset)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("utf-8", errors="replace")


def read_file(path: Path) -> Page:
    try:
        raw = path.read_bytes()[:MAX_BYTES]
    except OSError as exc:
        raise SiteError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    return parse_html(decode(raw), str(path))


def _check_host(url: str, allow_private: bool) -> None:
    host = urlparse(url).hostname or ""
    if allow_private or os.environ.get("ICPCHECK_ALLOW_PRIVATE") == "1":
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise SiteError(f"cannot resolve {host}: {exc}") from None
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            raise SiteError(f"{url}: {host} is a private address ({ip}); use --allow-private to check it")


def fetch(url: str, *, timeout: float = 10.0, allow_private: bool = False) -> Page:
    """GET the page; redirects are followed one hop at a time, each checked; size and time are bounded."""
    try:
        import httpx
    except ImportError:
        raise SiteError(
            "fetching pages needs httpx: pip install 'icpcheck[site]' (saved .html files work without)"
        ) from None
    current = url
    with httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": "icpcheck"}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            _check_host(current, allow_private)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        current = urljoin(current, response.headers.get("location", ""))
                        continue
                    if response.status_code >= 400:
                        raise SiteError(f"{current}: HTTP {response.status_code}")
                    kind = response.headers.get("content-type", "")
                    if kind and "html" not in kind.lower():
                        raise SiteError(f"{current}: not an HTML page ({kind.split(';')[0]})")
                    raw = b""
                    for chunk in response.iter_bytes():
                        raw += chunk
                        if len(raw) > MAX_BYTES:
                            raise SiteError(f"{current}: page larger than {MAX_BYTES:,} bytes")
                    return parse_html(decode(raw, kind), current)
            except httpx.TimeoutException:
                raise SiteError(f"{current}: no answer within {timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise SiteError(f"{current}: {type(exc).__name__}: {exc}") from None
    raise SiteError(f"{url}: more than {MAX_REDIRECTS} redirects")
