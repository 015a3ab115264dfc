"""Run every benchmark and print one table: figure, icpcheck, reference, ratio.

Run: python bench/run.py [--profiles 10000]   (after: pip install -e '.[bench]')
Targets (issue 9): start-up ≤ 1.3 × `python -c "import typer, pydantic, yaml"`; ≥ 2,000 profiles/s over
10,000 generated profiles with --format json on 2 cores, flat peak memory; faster than the Rego version.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(BENCH / "rego")]

from generate import generate  # noqa: E402

ICPCHECK = [sys.executable, "-m", "icpcheck"]
AS_OF = dt.date(2026, 11, 22)


def _median_seconds(cmd: list[str], runs: int = 9) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _timed_rss(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run, via GNU time."""
    with tempfile.NamedTemporaryFile("r") as log:
        start = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-o", log.name, "-f", "%M", *cmd],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        seconds = time.perf_counter() - start
        return seconds, int(log.read().strip().splitlines()[-1])


def startup() -> list[tuple[str, float, float]]:
    base = _median_seconds([sys.executable, "-c", "import typer, pydantic, yaml"])
    help_ = _median_seconds([*ICPCHECK, "--help"])
    one = _median_seconds(
        [
            *ICPCHECK,
            "eligibility",
            str(ROOT / "examples" / "beijing-licence-eligible.yaml"),
            "--as-of",
            AS_OF.isoformat(),
        ]
    )
    return [
        ("start-up: icpcheck --help (s)", help_, base),
        ("start-up: eligibility on one profile (s)", one, base),
    ]


def throughput(count: int, folder: Path) -> list[tuple[str, float, float]]:
    rows = []
    small = folder / "1k"
    generate(small, 1000)
    big = folder / "all"
    generate(big, count)
    cmd = [*ICPCHECK, "eligibility", "--format", "json", "--as-of", AS_OF.isoformat(), "--fail-on", "never"]
    _, rss_small = _timed_rss([*cmd, str(small)])
    seconds, rss = _timed_rss([*cmd, str(big)])
    rows.append((f"throughput: {count:,} profiles, 2 jobs (profiles/s)", count / seconds, 2000.0))
    rows.append(("peak RSS (MiB): 1,000 profiles → reference", rss_small / 1024, rss_small / 1024))
    rows.append((f"peak RSS (MiB): {count:,} profiles vs 1,000", rss / 1024, rss_small / 1024))
    # The default text format renders in the workers: its memory must not grow with the batch either.
    text = [*ICPCHECK, "eligibility", "--as-of", AS_OF.isoformat(), "--fail-on", "never", "--jobs", "2"]
    _, text_small = _timed_rss([*text, str(small)])
    _, text_big = _timed_rss([*text, str(big)])
    rows.append(
        (f"peak RSS (MiB), text, 2 jobs: {count:,} vs 1,000 profiles", text_big / 1024, text_small / 1024)
    )
    return rows


def hostile(folder: Path) -> list[tuple[str, float, float]]:
    """Seconds to refuse the slowest hostile file (the nasty corpus, a 50 MB file, 40,000 levels of
    nesting); the tests bound the work, this measures it. Reference: 2 s."""
    big = folder / "big.yaml"
    big.write_bytes(b"version: 1\n" + b"# padding padding padding padding\n" * 1_500_000)
    deep = folder / "deep.yaml"
    deep.write_text("version: 1\ncompany: " + "[" * 40_000, encoding="utf-8")
    files = [*sorted((ROOT / "tests" / "nasty").iterdir()), big, deep]
    slowest = max(_median_seconds([*ICPCHECK, "eligibility", str(f)], runs=3) for f in files)
    return [("hostile input: slowest file to refuse (s)", slowest, 2.0)]


def rego(folder: Path, count: int = 500) -> list[tuple[str, float, float]]:
    from runner import icpcheck_verdicts, rego_inputs, rego_verdicts

    paths = generate(folder / "rego", count, seed=7)
    inputs = rego_inputs(paths, AS_OF)
    start = time.perf_counter()
    theirs = rego_verdicts(inputs)
    rego_rate = count / (time.perf_counter() - start)
    start = time.perf_counter()
    mine = icpcheck_verdicts(paths, AS_OF)
    own_rate = count / (time.perf_counter() - start)
    assert mine == theirs, "verdicts differ between icpcheck and the Rego policy"
    return [(f"licence rules, {count} profiles, 1 core (profiles/s; ref = regopy)", own_rate, rego_rate)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=10_000)
    args = parser.parse_args()
    import whois_bench

    from whois_server import SAMPLES

    with tempfile.TemporaryDirectory() as tmp:
        rows = startup() + throughput(args.profiles, Path(tmp)) + rego(Path(tmp)) + hostile(Path(tmp))
        if SAMPLES.exists():  # the loopback whois server serves ../shared/whois-samples
            rows += whois_bench.run()
    print(f"{'figure':<62} {'icpcheck':>10} {'reference':>10} {'ratio':>7}")
    for figure, mine, reference in rows:
        print(f"{figure:<62} {mine:>10.2f} {reference:>10.2f} {mine / reference:>7.2f}")


if __name__ == "__main__":
    main()
