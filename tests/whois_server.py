"""A loopback whois server (127.0.0.1, ephemeral port) serving the replies in ../shared/whois-samples."""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "whois-samples"

# Crafted faulty replies, by query name.
FAULTS = {
    "garbage.cn": b"\x00\xff\xfe%%%% not whois at all %%%%\r\n",
    "empty.cn": b"",
    "truncated.cn": b"Domain Name: truncated.cn\r\nROID: 2003",
    "nomatch.cn": b"No matching record.\r\n",
    "ratelimited.cn": b"Query rate limit exceeded. Try again later.\r\n",
}


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        query = b""
        while not query.endswith(b"\n"):
            chunk = self.request.recv(1024)
            if not chunk:
                return
            query += chunk
        name = query.decode("idna").strip().lower()
        self.server.queries.append(name)
        if name.startswith("silent"):
            self.server.closing.wait(self.server.silence)  # accept, then say nothing
            return
        time.sleep(self.server.delay)
        if name in FAULTS:
            self.request.sendall(FAULTS[name])
            return
        # Load tests query many names (bench17.cn …): each gets the CNNIC sample's reply.
        sample = SAMPLES / ("google.cn" if name.startswith("bench") else name)
        reply = sample.read_bytes() if sample.exists() else b"No match for this domain.\r\n"
        self.request.sendall(reply)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, delay: float, silence: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.delay = delay
        self.silence = silence
        self.queries: list[str] = []
        self.closing = threading.Event()  # ends the silences, so that closing never waits for them


@contextmanager
def whois_server(delay: float = 0.0, silence: float = 3.0) -> Iterator[_Server]:
    server = _Server(delay, silence)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.closing.set()
        server.shutdown()
        server.server_close()
