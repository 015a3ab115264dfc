"""Evaluate many profiles as a stream: expand paths, run each through the pipeline, keep going past broken
files.

`evaluate_many` yields one `ProfileOutcome` per profile in input order and never holds all reports, so
memory stays flat however large the folder is.
"""

from __future__ import annotations

import glob
import os
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from icpcheck.errors import IcpcheckError, UsageError
from icpcheck.findings import ProfileOutcome
from icpcheck.pipeline import Options, evaluate_path

if TYPE_CHECKING:
    from icpcheck.engine import RuleSet

PROFILE_SUFFIXES = (".yaml", ".yml")
_GLOB_CHARS = set("*?[")


def expand_paths(args: Sequence[str | Path]) -> list[Path]:
    """Files as given; folders searched recursively for *.yaml/*.yml; glob patterns expanded (sorted)."""
    out: list[Path] = []
    for arg in args:
        text = str(arg)
        path = Path(text)
        if path.is_dir():
            found = _profiles_in(path)
            if not found:
                raise UsageError(f"{text}: no *.yaml or *.yml profiles in this folder")
            out.extend(found)
        elif _GLOB_CHARS & set(text) and not path.exists():
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True))
            if not matches:
                raise UsageError(f"{text}: no file matches this pattern")
            out.extend(m for m in matches if not m.is_dir())
        else:
            out.append(path)  # a missing file is reported per profile, like any other input error
    return out


_WORKER: tuple[RuleSet, Options] | None = None  # set before forking; each worker process reuses it


def _profiles_in(folder: Path) -> list[Path]:
    """*.yaml/*.yml under `folder`, sorted, links to folders not followed. Whatever is not a regular file
    (a FIFO, a device) is listed to be reported, and so is a sub-folder that cannot be read."""
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        found.append(Path(exc.filename))

    for root, _, files in os.walk(folder, onerror=unreadable):
        found.extend(Path(root, name) for name in files if Path(name).suffix in PROFILE_SUFFIXES)
    return sorted(found)


def _work(paths: list[Path]) -> list[ProfileOutcome]:
    assert _WORKER is not None
    return [_rendered_only(evaluate_path(path, *_WORKER)) for path in paths]


def _rendered_only(outcome: ProfileOutcome) -> ProfileOutcome:
    """A rendered outcome without its results: the parent writes the text and needs only the verdicts and
    the policy's answer (unpickling every finding cost it ≈ 1.8 ms a profile, more than writing)."""
    if outcome.rendered is not None:
        outcome.results, outcome.checklists = [], {}
    return outcome


def evaluate_many(
    paths: Sequence[Path], ruleset: RuleSet, options: Options, jobs: int = 1
) -> Iterator[ProfileOutcome]:
    """Outcomes in input order. With jobs > 1, worker processes evaluate chunks of files while this
    process renders; results stream back in order, so memory stays flat."""
    global _WORKER
    if jobs <= 1 or len(paths) < 64 or not _can_fork():
        for path in paths:
            yield evaluate_path(path, ruleset, options)
        return
    _WORKER = (ruleset, options)
    yield from _parallel(list(paths), jobs)


def _can_fork() -> bool:
    import multiprocessing  # here, not on every start (≈ 2.7 ms: pickle, socket, …)

    return "fork" in multiprocessing.get_all_start_methods()


_CHUNK = 32


def _parallel(paths: list[Path], jobs: int) -> Iterator[ProfileOutcome]:
    """Chunks of files in worker processes, a bounded number in flight, outcomes in input order.

    A worker that dies (a crash in a C library, the OOM killer) breaks the pool: the chunks in flight are
    retried file by file in a new pool, and a file that kills its worker again when run alone fails with
    an error of its own. It never hangs or ends the run.
    """
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # (files, alone): `alone` is a single suspect file, run with nothing else in flight.
    todo: deque[tuple[list[Path], bool]] = deque(
        (paths[i : i + _CHUNK], False) for i in range(0, len(paths), _CHUNK)
    )
    running: deque[tuple[list[Path], bool, Future[list[ProfileOutcome]]]] = deque()

    def start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))

    pool = start()
    try:
        while todo or running:
            while todo and len(running) < 2 * jobs and not (running and (todo[0][1] or running[-1][1])):
                try:
                    future = pool.submit(_work, todo[0][0])
                except BrokenProcessPool:  # a worker died meanwhile: the futures in flight tell which
                    break
                running.append((*todo.popleft(), future))
            if running:
                files, alone, future = running.popleft()
                try:
                    yield from future.result()
                    continue
                except BrokenProcessPool:
                    pass
            else:  # broken with nothing in flight: nothing to blame, start again
                files, alone = [], False
            pool.shutdown(wait=True, cancel_futures=True)
            retry = [([path], len(files) == 1) for path in files]
            if alone:
                retry = []
                yield ProfileOutcome(str(files[0]), [], IcpcheckError(_DIED, file=str(files[0])))
            todo.extendleft(reversed(retry + [(f, a) for f, a, _ in running]))
            running.clear()
            pool = start()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_DIED = "the worker process checking this file died (a crash, or killed); nothing could be reported for it"


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
