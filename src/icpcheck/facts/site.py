"""Homepage facts: fetch a page (or read a saved file) and find what its footer discloses.

httpcore (with httpx's URL parsing) does the fetching: a streamed size limit, one deadline for the whole
fetch, redirects followed one by one, and every host resolved once, checked against non-public addresses
and connected to at the checked address (no DNS rebinding). The standard library's html.parser is enough
to read footers and links and needs no compiled dependency.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from icpcheck.errors import IcpcheckError

MAX_BYTES = 5_000_000
MAX_REDIRECTS = 5
MAX_PATHS = 100
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)


class SiteError(IcpcheckError):
    """The page could not be fetched or read; shown as one line, exit 2."""


# An element as CSS selectors see it: tag, id, classes, inline style. A path runs from <html> down.
Element = tuple[str, str, tuple[str, ...], str]


@dataclass(slots=True)
class Link:
    href: str
    text: str
    path: tuple[Element, ...] = ()  # the <a> and its ancestors, for the font size that applies


@dataclass(slots=True)
class Page:
    source: str
    text: str  # visible text of the whole page
    footer: str  # visible text of the footer (or the page's last part)
    links: list[Link] = field(default_factory=list)
    styles: str = ""  # <style> blocks
    scripts: int = 0
    external_css: bool = False  # <link rel="stylesheet">: rules icpcheck does not fetch
    marks: list[tuple[str, tuple[Element, ...]]] = field(default_factory=list)  # texts naming a number

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
        self.stack: list[tuple[str, bool, Element]] = []  # tag, in footer, element
        self.external_css = False
        self.marks: list[tuple[str, tuple[Element, ...]]] = []
        self.open: dict[str, int] = {}  # tag -> how many are on the stack: unmatched end tags cost O(1)
        self.skip = 0
        self.link: tuple[str, list[str]] | None = None
        self.paths = 0  # element paths recorded: at most MAX_PATHS, so a hostile page stays linear

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
            self.scripts += tag == "script"
            if tag == "style":
                self.styles.append("")
            return
        parent_footer = self.stack[-1][1] if self.stack else False
        is_footer = (
            parent_footer
            or tag == "footer"
            or bool(self.FOOTERISH.search(a.get("id", "") + " " + a.get("class", "")))
        )
        if tag == "link" and "stylesheet" in a.get("rel", "").lower().split():
            self.external_css = True
        element = (tag, a.get("id", ""), tuple(a.get("class", "").split()), a.get("style", ""))
        if tag not in ("br", "img", "meta", "link", "input", "hr"):
            self.stack.append((tag, is_footer, element))
            self.open[tag] = self.open.get(tag, 0) + 1
        if tag == "a":
            self.link = (a.get("href", ""), [])

    def _path(self) -> tuple[Element, ...]:
        self.paths += 1
        return tuple(entry[2] for entry in self.stack) if self.paths <= MAX_PATHS else ()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self.skip = max(0, self.skip - 1)
            return
        if tag == "a" and self.link is not None:  # the <a> is still on the stack here
            href, parts = self.link
            text = "".join(parts).strip()
            self.links.append(Link(href, text, self._path() if "ICP" in text else ()))
            self.link = None
        if not self.open.get(tag):
            return
        while True:  # each element is popped once: linear over the page
            popped = self.stack.pop()[0]
            self.open[popped] -= 1
            if popped == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip:
            if self.styles and self.lasttag == "style":
                self.styles[-1] += data
            return
        self.text.append(data)
        if self.stack and self.stack[-1][1]:
            self.footer.append(data)
        if "ICP备" in data or "ICP证" in data:
            path = self._path()
            if path:
                self.marks.append((data, path))
        if self.link is not None:
            self.link[1].append(data)


_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "noembed", "noframes", "plaintext")


def defuse(html: str) -> str:
    """The page with every `<` that does not open a complete construct written as `&lt;`, in linear time.

    html.parser looks for the end of each unterminated `</`, `<?`, `<!` or `<![CDATA[` up to the end of
    the page, which is quadratic (a 360 KB page took minutes). What reaches it here is only complete
    comments, `<!doctype …>` and tags whose `>` comes before the next `<`; the text of script and style
    elements is passed through (its `<` escaped) up to the element's end tag.
    """
    lower = html.lower()
    out: list[str] = []
    i, next_gt = 0, -1
    while True:
        j = html.find("<", i)
        if j < 0:
            out.append(html[i:])
            return "".join(out)
        out.append(html[i:j])
        if html.startswith("<!--", j):
            end = html.find("-->", j + 4)
            if end < 0:
                return "".join(out)  # an unterminated comment hides the rest, as in a browser
            out.append(html[j : end + 3])
            i = end + 3
            continue
        if next_gt < j:  # the next `>` is searched again only once the scan has passed it: linear
            next_gt = html.find(">", j)
            if next_gt < 0:
                next_gt = len(html)
        next_lt = html.find("<", j + 1)
        name = _TAG_NAME.match(html, j)
        complete = next_gt < len(html) and (next_lt < 0 or next_gt < next_lt)
        if not complete or not (name or lower.startswith("<!doctype", j)):
            out.append("&lt;")
            i = j + 1
            continue
        out.append(html[j : next_gt + 1])
        i = next_gt + 1
        tag = name.group(1).lower() if name else ""
        if tag in _RAW_TEXT and html[j + 1] != "/":
            end = lower.find(f"</{tag}", i)
            end = len(html) if end < 0 else end
            out.append(html[i:end].replace("<", "&lt;"))
            i = end


def parse_html(html: str, source: str) -> Page:
    reader = _Reader()
    reader.feed(defuse(html))
    reader.close()
    text = " ".join(" ".join(reader.text).split())
    footer = " ".join(" ".join(reader.footer).split()) or text[-2000:]
    return Page(
        source,
        text,
        footer,
        reader.links,
        "\n".join(reader.styles),
        reader.scripts,
        reader.external_css,
        reader.marks,
    )


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
    from icpcheck.yamlio import read_regular_file

    raw = read_regular_file(path, MAX_BYTES, SiteError)[:MAX_BYTES]
    return parse_html(decode(raw), str(path))


_HTML_TYPES = ("text/html", "application/xhtml+xml")
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052 and RFC 8215).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def refused_address(address: str) -> str | None:
    """Why an address must not be fetched (not globally routable, itself or the IPv4 address it carries)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    embedded: list[ipaddress.IPv4Address] = []
    if isinstance(ip, ipaddress.IPv6Address):
        embedded += [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
        embedded += list(ip.teredo or ())
        if any(ip in net for net in _NAT64):
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    for candidate in (ip, *embedded):
        if not candidate.is_global or candidate.is_multicast:
            return f"{ip} is not a public address" + (f" ({candidate})" if candidate != ip else "")
    return None


def _resolve(host: str) -> list[str]:
    """Every address of the host, resolved once per fetch (tests replace this to simulate DNS)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)]


def _pin(url: str, host: str, allow_private: bool) -> str:
    """Resolve once, refuse private addresses, return the address the connection must use."""
    try:
        addresses = _resolve(host)
    except (OSError, UnicodeError) as exc:
        raise SiteError(f"{url}: cannot resolve {host}: {exc}") from None
    if not addresses:
        raise SiteError(f"{url}: cannot resolve {host}")
    if not (allow_private or os.environ.get("ICPCHECK_ALLOW_PRIVATE") == "1"):
        for address in addresses:
            why = refused_address(address)
            if why:
                raise SiteError(f"{url}: {host} resolves to a private address: {why}; use --allow-private")
    return addresses[0].split("%")[0]


def _network(pins: dict[str, str], deadline: float) -> Any:
    """An httpcore network backend that connects only to the pinned addresses and stops at the deadline.

    Pinning at the socket keeps the URL, the Host header and TLS (SNI, certificate name) on the host name,
    while the connection goes to the address that was checked: a second DNS answer is never used.
    """
    import httpcore

    def left(timeout: float | None, error: type[Exception]) -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise error("the whole fetch took longer than --timeout")
        return remaining if timeout is None else min(timeout, remaining)

    class Stream(httpcore.NetworkStream):
        def __init__(self, inner: httpcore.NetworkStream) -> None:
            self.inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self.inner.read(max_bytes, left(timeout, httpcore.ReadTimeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self.inner.write(buffer, left(timeout, httpcore.WriteTimeout))

        def close(self) -> None:
            self.inner.close()

        def start_tls(
            self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
        ) -> httpcore.NetworkStream:
            tls = self.inner.start_tls(ssl_context, server_hostname, left(timeout, httpcore.ConnectTimeout))
            return Stream(tls)

        def get_extra_info(self, info: str) -> Any:
            return self.inner.get_extra_info(info)

    class Backend(httpcore.SyncBackend):
        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> httpcore.NetworkStream:
            address = pins.get(host)
            if address is None:  # never happens: every hop is pinned before its request
                raise httpcore.ConnectError(f"{host} was not checked")
            inner = super().connect_tcp(
                address, port, left(timeout, httpcore.ConnectTimeout), local_address, socket_options
            )
            return Stream(inner)

    return Backend()


def fetch(url: str, *, timeout: float = 10.0, allow_private: bool = False) -> Page:
    """GET the page. Redirects are followed one hop at a time; each host is resolved once, checked and
    connected to at that address; `timeout` bounds the whole fetch (all hops, connects and reads)."""
    try:
        import httpcore
        import httpx
    except ImportError:
        raise SiteError(
            "fetching pages needs httpx: pip install 'icpcheck[site]' (saved .html files work without)"
        ) from None
    deadline = time.monotonic() + timeout
    pins: dict[str, str] = {}
    current = url
    with httpcore.ConnectionPool(network_backend=_network(pins, deadline), retries=0) as pool:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                target = httpx.URL(current)
            except httpx.InvalidURL as exc:
                raise SiteError(f"{current}: not a valid URL ({exc})") from None
            if target.scheme not in ("http", "https") or not target.host:
                raise SiteError(f"{current}: only http(s) URLs with a host can be fetched")
            host = target.raw_host.decode("ascii")
            if host not in pins:
                pins[host] = _pin(current, host, allow_private)
            try:
                page = _get(pool, target, current, deadline)
            except httpcore.TimeoutException:
                raise SiteError(f"{current}: no complete answer within {timeout:g} s") from None
            except httpcore.ProtocolError as exc:
                raise SiteError(f"{current}: broken HTTP answer ({exc})") from None
            except (httpcore.NetworkError, httpcore.UnsupportedProtocol, OSError) as exc:
                raise SiteError(f"{current}: {type(exc).__name__}: {exc or 'connection failed'}") from None
            if isinstance(page, Page):
                return page
            current = urljoin(current, page)
    raise SiteError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _get(pool: Any, target: Any, current: str, deadline: float) -> Page | str:
    """One request: the page, or the next URL of a redirect."""
    import httpcore

    host = target.raw_host
    authority = (b"[" + host + b"]" if b":" in host else host) + (
        b":%d" % target.port if target.port else b""
    )
    request_url = httpcore.URL(scheme=target.raw_scheme, host=host, port=target.port, target=target.raw_path)
    headers = [(b"Host", authority), (b"User-Agent", b"icpcheck"), (b"Accept", b"text/html")]
    tls = {"sni_hostname": host.decode()}
    with pool.stream("GET", request_url, headers=headers, extensions=tls) as response:
        status = response.status
        fields = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in response.headers}
        if status in (301, 302, 303, 307, 308):
            location: str = fields.get("location", "").strip()
            if not location:
                raise SiteError(f"{current}: HTTP {status} redirect without a Location header")
            return location
        if status >= 400:
            raise SiteError(f"{current}: HTTP {status}")
        kind = fields.get("content-type", "")
        media = kind.split(";", 1)[0].strip().lower()
        if kind and media not in _HTML_TYPES:
            raise SiteError(f"{current}: not an HTML page ({media or kind})")
        raw = bytearray()
        for chunk in response.iter_stream():
            raw += chunk
            if len(raw) > MAX_BYTES:
                raise SiteError(f"{current}: page larger than {MAX_BYTES:,} bytes")
            if time.monotonic() > deadline:
                raise httpcore.ReadTimeout("the whole fetch took longer than --timeout")
        return parse_html(decode(bytes(raw), kind), current)
