"""Whois concurrency and cache: 50 domains against a loopback server that delays each reply by 0.5 s.

Sequential lookups would take 25 s; the target is "well under 25 s", and a second run served from the cache.
Run: python bench/whois_bench.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from whois_server import whois_server  # noqa: E402


def run() -> list[tuple[str, float, float]]:
    """(figure, measured seconds, reference seconds) rows."""
    from icpcheck.facts import whois

    rows = []
    with tempfile.TemporaryDirectory() as cache, whois_server(delay=0.5) as server:
        os.environ["ICPCHECK_CACHE_DIR"] = cache
        os.environ["ICPCHECK_WHOIS_SERVER"] = f"127.0.0.1:{server.server_address[1]}"
        names = [f"bench{i}.cn" for i in range(50)]
        start = time.perf_counter()
        facts = whois.lookup_many(names, timeout=5)
        cold = time.perf_counter() - start
        assert all(f.error is None for f in facts), [f.error for f in facts if f.error]
        start = time.perf_counter()
        again = whois.lookup_many(names, timeout=5)
        warm = time.perf_counter() - start
        queries = len(server.queries)
        rows.append(("whois: 50 domains, 0.5 s per reply (s)", cold, 25.0))
        rows.append(("whois: same 50 again, from cache (s)", warm, cold))
        assert queries == 50 and all(f.cached for f in again)
    return rows


def main() -> None:
    for figure, measured, reference in run():
        print(f"{figure:<45} {measured:8.2f} {reference:8.2f} {measured / reference:6.2f}")


if __name__ == "__main__":
    main()
