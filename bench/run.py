"""Run the benchmarks and print each figure beside its target and the previous run's figure.

Run: python bench/run.py [--profiles 10000] [--large 20000] [--parts startup,batch] [--save]
     (after: pip install -e '.[bench]'); `--quick` for a smaller, faster pass.
Targets (issue 19), measured as whole processes on this machine:
- start-up: `icpcheck eligibility EXAMPLE` and `icpcheck --help` ≤ 1.3 × `python -c "import typer, pydantic,
  yaml"` (the import floor), medians of runs interleaved with the floor's so the load on the machine hits
  all alike; for information, the "pydantic model floor" (the same imports and one small model validated);
- throughput with `--jobs 2` over 10,000 generated profiles: ≥ 2,000 profiles/s in JSON, ≥ 1,000 in text,
  SARIF, JUnit and Markdown;
- peak memory ≤ 100 MB and flat from 1,000 to 20,000 profiles, every format;
- faster than the Rego version of the licence rules (regopy); hostile files refused within 2 s; whois
  lookups concurrent and cached.
`--save` stores the figures in bench/previous.json, the "previous" column of the next run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PREVIOUS = BENCH / "previous.json"
sys.path[:0] = [str(BENCH), str(BENCH / "rego")]

from generate import generate  # noqa: E402

ICPCHECK = [sys.executable, "-m", "icpcheck"]
AS_OF = dt.date(2026, 11, 22)
EXAMPLE = ROOT / "examples" / "beijing-licence-eligible.yaml"
FORMATS = {"json": 2000.0, "text": 1000.0, "sarif": 1000.0, "junit": 1000.0, "markdown": 1000.0}
MEMORY_MB = 100.0
# As installed: bytecode cached (PYTHONDONTWRITEBYTECODE would make every run compile icpcheck's sources while
# the floor's packages have their .pyc from pip, ≈ 0.1 s of difference).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Row:
    key: str  # stable name in bench/previous.json
    figure: str
    value: float
    target: float | None = None  # None: shown for information
    higher_is_better: bool = False


def _time_interleaved(cmds: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU (user + system) seconds of each command, the commands taking turns run after run.
    CPU time is the steadier figure on a shared machine: waiting for a core does not count."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for cmd in cmds.values():  # warm-up: bytecode written, files in the page cache
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
    for _ in range(runs):
        for name, cmd in cmds.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            times[name].append((wall, cpu))
    return {
        name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
        for name, t in times.items()
    }


def _timed_rss(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run, via GNU time."""
    with tempfile.NamedTemporaryFile("r") as log:
        start = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-o", log.name, "-f", "%M", *cmd],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            env=ENV,
        )
        seconds = time.perf_counter() - start
        return seconds, int(log.read().strip().splitlines()[-1]) / 1024


# For information: the same imports plus one small pydantic model defined and validated. `import pydantic`
# is lazy; the first model imports pydantic.main, pydantic-core's schema machinery and the plugin loader
# (importlib.metadata), which any run that validates a profile pays whatever icpcheck does.
MODEL_FLOOR = """import typer, pydantic, yaml
class Floor(pydantic.BaseModel):
    name: str
    count: int = 0
Floor.model_validate({"name": "a", "count": 1})
"""


def startup(runs: int) -> list[Row]:
    medians = _time_interleaved(
        {
            "floor": [sys.executable, "-c", "import typer, pydantic, yaml"],
            "model": [sys.executable, "-c", MODEL_FLOOR],
            "help": [*ICPCHECK, "--help"],
            "eligibility": [*ICPCHECK, "eligibility", str(EXAMPLE), "--as-of", AS_OF.isoformat()],
        },
        runs,
    )
    (floor, floor_cpu), (model, model_cpu), (help_, help_cpu), (one, one_cpu) = (
        medians[k] for k in ("floor", "model", "help", "eligibility")
    )
    return [
        Row("startup.floor_s", "start-up: import floor (s)", floor),
        Row("startup.help_s", "start-up: icpcheck --help (s)", help_),
        Row("startup.eligibility_s", "start-up: eligibility, one profile (s)", one),
        Row("startup.help_ratio", "start-up: --help ÷ floor", help_ / floor, 1.3),
        Row("startup.eligibility_ratio", "start-up: eligibility ÷ floor", one / floor, 1.3),
        Row("startup.floor_cpu", "start-up: import floor (CPU s)", floor_cpu),
        Row("startup.help_cpu_ratio", "start-up: --help ÷ floor (CPU)", help_cpu / floor_cpu, 1.3),
        Row("startup.eligibility_cpu_ratio", "start-up: eligibility ÷ floor (CPU)", one_cpu / floor_cpu, 1.3),
        Row("startup.model_floor_ratio", "start-up: pydantic model floor ÷ floor", model / floor),
        Row(
            "startup.model_floor_cpu_ratio",
            "start-up: pydantic model floor ÷ floor (CPU)",
            model_cpu / floor_cpu,
        ),
        Row(
            "startup.eligibility_model_cpu_ratio",
            "start-up: eligibility ÷ model floor (CPU)",
            one_cpu / model_cpu,
        ),
    ]


def batch(folder: Path, sizes: tuple[int, int, int], formats: list[str]) -> list[Row]:
    """Per format: profiles/s over the middle size with 2 jobs, peak RSS at every size."""
    small, count, large = sizes
    folders = {n: folder / f"p{n}" for n in sorted(set(sizes))}
    generate(folders[max(sizes)], max(sizes))
    for n, path in folders.items():  # the smaller sets are the first files of the largest
        if n != max(sizes):
            path.mkdir()
            for i in range(n):
                name = f"client{i:05}.yaml"
                (path / name).symlink_to(folders[max(sizes)] / name)
    rows = []
    for fmt in formats:
        cmd = [
            *ICPCHECK,
            "eligibility",
            "-f",
            fmt,
            "--as-of",
            AS_OF.isoformat(),
            "--fail-on",
            "never",
            "-j",
            "2",
        ]
        rss = {}
        for n in sorted(set(sizes)):
            seconds, rss[n] = _timed_rss([*cmd, str(folders[n])])
            if n == count:
                rows.append(
                    Row(
                        f"throughput.{fmt}.{n}",
                        f"throughput: {fmt}, {n:,} profiles, 2 jobs (profiles/s)",
                        n / seconds,
                        FORMATS[fmt],
                        higher_is_better=True,
                    )
                )
        for n in sorted(rss):
            rows.append(Row(f"rss.{fmt}.{n}", f"peak RSS: {fmt}, {n:,} profiles (MB)", rss[n], MEMORY_MB))
        rows.append(
            Row(
                f"rss.{fmt}.growth",
                f"peak RSS: {fmt}, {large:,} ÷ {small:,} profiles",
                rss[large] / rss[small],
            )
        )
    return rows


def hostile(folder: Path) -> list[Row]:
    """Seconds to refuse the slowest hostile file (the nasty corpus, a 50 MB file, 40,000 levels of
    nesting); the tests bound the work, this measures it."""
    big = folder / "big.yaml"
    big.write_bytes(b"version: 1\n" + b"# padding padding padding padding\n" * 1_500_000)
    deep = folder / "deep.yaml"
    deep.write_text("version: 1\ncompany: " + "[" * 40_000, encoding="utf-8")
    files = [*sorted((ROOT / "tests" / "nasty").iterdir()), big, deep]
    slowest = max(_time_interleaved({"f": [*ICPCHECK, "eligibility", str(f)]}, runs=3)["f"][0] for f in files)
    return [Row("hostile.slowest_s", "hostile input: slowest file to refuse (s)", slowest, 2.0)]


def rego(folder: Path, count: int = 500) -> list[Row]:
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
    return [
        Row("rego.regopy", f"licence rules, {count} profiles, 1 core: regopy (profiles/s)", rego_rate),
        Row(
            "rego.icpcheck",
            f"licence rules, {count} profiles, 1 core: icpcheck (profiles/s)",
            own_rate,
            rego_rate,
            higher_is_better=True,
        ),
    ]


def whois() -> list[Row]:
    import whois_bench

    from whois_server import SAMPLES

    if not SAMPLES.exists():  # the loopback whois server serves ../shared/whois-samples
        return []
    (_, cold, sequential), (_, warm, _) = whois_bench.run()
    return [
        Row("whois.cold_s", "whois: 50 domains, 0.5 s per reply (s)", cold, sequential),
        Row("whois.cached_s", "whois: same 50 again, from cache (s)", warm, 0.5),
    ]


def show(rows: list[Row], previous: dict[str, float]) -> None:
    print(f"{'figure':<58} {'measured':>9} {'target':>9} {'previous':>9}  met")
    for row in rows:
        target = "" if row.target is None else f"{'≥' if row.higher_is_better else '≤'}{row.target:.2f}"
        before = f"{previous[row.key]:.2f}" if row.key in previous else "-"
        met = ""
        if row.target is not None:
            ok = row.value >= row.target if row.higher_is_better else row.value <= row.target
            met = "yes" if ok else "NO"
        print(f"{row.figure:<58} {row.value:>9.2f} {target:>9} {before:>9}  {met}")


PARTS = ("startup", "batch", "rego", "hostile", "whois")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--profiles", type=int, default=10_000, help="throughput size (default 10,000)")
    parser.add_argument("--small", type=int, default=1_000, help="smallest memory size (default 1,000)")
    parser.add_argument("--large", type=int, default=20_000, help="largest memory size (default 20,000)")
    parser.add_argument("--runs", type=int, default=9, help="start-up runs per command (default 9)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="batch formats (default: all)")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"which benchmarks (default: {','.join(PARTS)})"
    )
    parser.add_argument("--quick", action="store_true", help="200 / 2,000 / 4,000 profiles, 5 start-up runs")
    parser.add_argument("--save", action="store_true", help="store these figures as bench/previous.json")
    if "--quick" in sys.argv:  # smaller defaults; sizes given explicitly still apply
        parser.set_defaults(small=200, profiles=2_000, large=4_000, runs=5)
    args = parser.parse_args()
    parts = args.parts.split(",")
    previous = json.loads(PREVIOUS.read_text(encoding="utf-8")) if PREVIOUS.exists() else {}
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "startup" in parts:
            rows += startup(args.runs)
        if "batch" in parts:
            rows += batch(folder, (args.small, args.profiles, args.large), args.formats.split(","))
        if "rego" in parts:
            rows += rego(folder)
        if "hostile" in parts:
            rows += hostile(folder)
        if "whois" in parts:
            rows += whois()
    show(rows, previous)
    if args.save:
        PREVIOUS.write_text(
            json.dumps(previous | {r.key: round(r.value, 3) for r in rows}, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
