"""Output files: never one of the inputs, always replaced atomically, write errors as one-line input errors.

A report is written to a temporary file next to its target and renamed over it only when complete, so a
failed or interrupted run leaves the last good report in place (never a truncated one), and a batch that
reads a folder never sees its own half-written report. Devices and FIFOs (/dev/null, /dev/stdout) are
written directly: there is nothing to replace.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from icpcheck.errors import UsageError


def check_not_input(output: str, inputs: Iterable[str | Path]) -> None:
    """Refuse an output that is one of the inputs (same file by any name: symlink, hard link, relative)."""
    try:
        out = os.stat(output)
    except OSError:
        return  # does not exist yet (or cannot be seen): not an input
    for path in inputs:
        try:
            same = os.path.samestat(out, os.stat(path))
        except OSError:
            continue
        if same:
            raise UsageError(f"--output {output} is the input {path}: refusing to overwrite it")


@contextlib.contextmanager
def open_output(
    path: str | None, inputs: Iterable[str | Path] = (), *, binary: bool = False
) -> Iterator[IO[Any]]:
    """stdout, or --output FILE (UTF-8 text, or bytes), replaced atomically when the block succeeds."""
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    check_not_input(path, inputs)
    target = Path(os.path.realpath(path))  # through a symlink: replace the file it names, keep the link
    try:
        if target.exists() and not target.is_file():  # a device or FIFO: write to it as it is
            with _open(target, binary) as fh:
                yield fh
            return
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else _default_mode()
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with _open(fd, binary) as fh:
                yield fh
            os.chmod(temp, mode)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_sliced(out: IO[str], text: str, size: int = 1 << 16) -> None:
    """Write `text` a slice at a time: a text stream encodes what it is given at once, so a large text
    written whole is held twice (as text and as UTF-8)."""
    for start in range(0, len(text), size):
        out.write(text[start : start + size])


def _open(file: int | Path, binary: bool) -> IO[Any]:
    if binary:
        return open(file, "wb")
    return open(file, "w", encoding="utf-8", errors="backslashreplace")


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
