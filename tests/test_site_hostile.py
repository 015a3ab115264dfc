"""Hostile servers and names for `icpcheck site`: slow trickles, odd answers, DNS rebinding, private ranges.

Servers run on 127.0.0.1; names are resolved by a fake resolver and outside connections are refused by a
fake connect, so no test touches the network.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from icpcheck.facts import site

CLI = Callable[..., tuple[int, str, str]]
PAGE = (ROOT / "tests" / "site_pages" / "good.html").read_bytes()


class _Server:
    """A raw TCP server on loopback: each path answers with fixed bytes, some one byte at a time."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            request = conn.recv(65536).decode("latin-1")
            self.hits += 1
            path = request.split(" ")[1] if " " in request else "/"
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            if path == "/trickle-head":  # the status line and headers arrive one byte at a time
                self._trickle(conn, head + b"Content-Length: 100000\r\n\r\n")
            elif path == "/trickle-body":  # prompt headers, then a body one byte at a time
                conn.sendall(head + b"Content-Length: 100000\r\n\r\n")
                self._trickle(conn, b"<html>" + b"x" * 99_994)
            elif path == "/to-rebind":
                location = b"http://rebind.test:%d/good.html" % self.port
                conn.sendall(
                    b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n"
                )
            elif path == "/no-location":
                conn.sendall(b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n")
            elif path == "/nothtml":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-nothtml\r\n")
                conn.sendall(b"Content-Length: %d\r\n\r\n" % len(PAGE) + PAGE)
            else:
                conn.sendall(head + b"Content-Length: %d\r\n\r\n" % len(PAGE) + PAGE)

    def _trickle(self, conn: socket.socket, data: bytes) -> None:
        for i in range(len(data)):
            if self.stop.wait(0.2):
                return
            try:
                conn.sendall(data[i : i + 1])
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    yield srv
    srv.close()


@pytest.mark.parametrize("path", ["/trickle-head", "/trickle-body"])
def test_timeout_bounds_the_whole_fetch(server: _Server, path: str) -> None:
    """Each byte comes well within the timeout, so only a deadline for the whole fetch stops it."""
    url = f"http://127.0.0.1:{server.port}{path}"
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "icpcheck", "site", url, "--timeout", "1", "--allow-private"]
    # 60 s only detects a hang (the trickle lasts hours); the fetch itself must stop after 1 s.
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env, check=False)
    assert done.returncode == 2, done.stderr
    assert "within 1 s" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "0", "1e9"])
@pytest.mark.parametrize("command", ["site", "domain"])
def test_timeout_values_are_checked(cli: CLI, command: str, value: str) -> None:
    target = ["http://127.0.0.1:9/", "--allow-private"] if command == "site" else ["example.cn"]
    code, out, err = cli(command, *target, "--timeout", value)
    assert code == 2 and out == ""
    assert "--timeout" in err and "ConnectError" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("path", "message"),
    [("/no-location", "HTTP 302 redirect without a Location header"), ("/nothtml", "application/x-nothtml")],
)
def test_odd_answers_are_named(cli: CLI, server: _Server, path: str, message: str) -> None:
    code, _, err = cli("site", f"http://127.0.0.1:{server.port}{path}", "--allow-private")
    assert code == 2 and message in err and "redirects" not in err.replace("redirect without", "")


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[str]], list[tuple[str, int]]]:
    """Answer every name with the given addresses in turn (the last one repeats); record connections and
    refuse every one that is not to loopback, so nothing leaves the machine."""
    connects: list[tuple[str, int]] = []
    real_connect = socket.create_connection

    def install(answers: list[str]) -> list[tuple[str, int]]:
        queue = list(answers)

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
            if host in ("127.0.0.1", "localhost"):
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port or 0))]
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
            family = socket.AF_INET6 if ":" in answer else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (answer, port or 0))]

        def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
            try:
                resolved = str(ipaddress.ip_address(address[0]))
            except ValueError:  # a name: resolved here, as the socket library would
                resolved = getaddrinfo(address[0], address[1])[0][4][0]
            connects.append((resolved, address[1]))
            if resolved != "127.0.0.1":
                raise ConnectionRefusedError(111, "refused by the test")
            return real_connect(("127.0.0.1", address[1]), *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", create_connection)
        return connects

    return install


def test_dns_rebinding_never_reaches_loopback(cli: CLI, server: _Server, fake_dns: Any) -> None:
    """The name is public when checked and loopback when asked again: the checked address must be used."""
    connects = fake_dns(["93.184.216.34", "127.0.0.1"])
    code, _, err = cli("site", f"http://rebind.test:{server.port}/good.html")
    assert code == 2, err
    assert server.hits == 0
    assert connects and all(address == "93.184.216.34" for address, _ in connects)


def test_every_redirect_hop_is_pinned(cli: CLI, server: _Server, fake_dns: Any) -> None:
    """The redirect's host is resolved once too, and connected to at that address: its second answer
    (loopback) is never used. --allow-private lets the first hop reach the loopback server."""
    connects = fake_dns(["127.0.0.1", "93.184.216.34", "127.0.0.1"])
    code, _, err = cli("site", f"http://start.test:{server.port}/to-rebind", "--allow-private")
    assert code == 2, err
    assert server.hits == 1  # only the first hop
    assert connects == [("127.0.0.1", server.port), ("93.184.216.34", server.port)]


@pytest.mark.parametrize(
    "address",
    [
        "100.100.100.200",  # carrier-grade NAT: cloud metadata
        "100.64.0.1",
        "127.0.0.1",
        "10.1.2.3",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:100.100.100.200",
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b:1::a00:1",  # local-use NAT64 of 10.0.0.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_non_public_addresses_are_refused(cli: CLI, fake_dns: Any, address: str) -> None:
    connects = fake_dns([address])
    code, _, err = cli("site", "http://shop.test/")
    assert code == 2 and "private address" in err and len(err.strip().splitlines()) == 1
    assert connects == []


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::5db8:d822"]
)
def test_public_addresses_are_fetched(cli: CLI, fake_dns: Any, address: str) -> None:
    connects = fake_dns([address])
    code, _, err = cli("site", "http://shop.test:8080/")
    assert code == 2 and "private address" not in err
    assert connects == [(address, 8080)]  # connected to the checked address (then refused by the test)


def _parse_steps(html: str) -> int:
    """Python line events while parsing: a measure of work that does not depend on the machine's speed."""
    steps = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal steps
        steps += 1
        return tracer

    sys.settrace(tracer)
    try:
        site.parse_html(html, "page")
    finally:
        sys.settrace(None)
    return steps


def test_unmatched_end_tags_cost_linear_work() -> None:
    def page(n: int) -> str:
        return "<div>" * n + "</span>" * n + "<footer>京ICP备12345678号</footer>"

    small, large = _parse_steps(page(400)), _parse_steps(page(1600))
    assert large < 5 * small  # 4× the page: about 4× the work (quadratic would be 16×)
    parsed = site.parse_html(page(10), "page")
    assert "京ICP备12345678号" in parsed.footer


HOSTILE_PAGES = {  # each took html.parser from seconds to minutes at 360 KB (it rescans to the end)
    "end-tag-starts": "</" * 180_000,
    "end-tag-starts-then-gt": "</" * 180_000 + ">",
    "unclosed-end-tags": "</a" * 120_000,
    "processing-instructions": "<?" * 180_000,
    "declarations": "<!" * 180_000,
    "cdata": "<![CDATA[" * 40_000,
    "script-end-starts": "<script>" + "</" * 180_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_hostile_markup_is_defused_before_parsing(name: str) -> None:
    """What html.parser receives has no `<` that could make it search to the end of the page."""
    defused = site.defuse(HOSTILE_PAGES[name] + "<p>京ICP备12345678号</p>")
    _assert_defused(defused)
    if not name.startswith("script"):  # an unclosed script runs to the end of the page, as in a browser
        footer = "<footer>京ICP备12345678号</footer>"
        assert "京ICP备12345678号" in site.parse_html(HOSTILE_PAGES[name][:3000] + footer, "p").text


def _assert_defused(defused: str) -> None:
    i = defused.find("<")
    while i >= 0:
        if defused.startswith("<!--", i):
            end = defused.find("-->", i)
            assert end > 0
        else:
            end = defused.find(">", i)
            after = defused.find("<", i + 1)
            assert end > 0 and (after < 0 or end < after), defused[i : i + 40]
            tag = defused[i + 1 : end].split()[0].lower() if defused[i + 1 : end].split() else ""
            assert tag[:1].isalpha() or (tag.startswith("/") and tag[1:2].isalpha()) or tag == "!doctype"
        i = defused.find("<", end)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="<>/!?-ab \"'=[]CDAT&;", max_size=200))
def test_defused_markup_property_holds_for_any_text(text: str) -> None:
    _assert_defused(site.defuse(text))
    site.parse_html(text, "fuzz")  # and the parser takes it without error


def test_hostile_pages_parse_promptly_end_to_end(tmp_path: Path) -> None:
    """All the shapes at 360 KB in one process; 120 s only detects a hang (before the fix: many minutes)."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, page in HOSTILE_PAGES.items():
        (pages / f"{name}.html").write_text(page, encoding="utf-8")
    script = (
        "import sys, pathlib\nfrom icpcheck.facts import site\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).iterdir()):\n    site.read_file(p)\n"
    )
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", script, str(pages)], capture_output=True, timeout=120, env=env, check=False
    )
    assert done.returncode == 0, done.stderr


def test_commented_out_footer_stays_hidden() -> None:
    page = site.parse_html("<p>hi</p><!-- <footer>京ICP备12345678号</footer> --><p>end</p>", "p")
    assert "京ICP备" not in page.text


def test_escapes_in_a_page_never_reach_the_terminal(cli: CLI, tmp_path: Path) -> None:
    page = tmp_path / "evil.html"
    page.write_text(
        "<html><body><footer>\x1b]0;pwned\x07\x1b[2J京ICP备12345678号 \x9b31m某某公司</footer></body></html>",
        encoding="utf-8",
    )
    for fmt in ("text", "json"):
        code, out, err = cli(
            "site", page, "-f", fmt, "--profile", ROOT / "examples" / "beijing-licence-eligible.yaml"
        )
        assert code in (0, 1), err
        assert not any(c in out for c in "\x1b\x07\x9b")
