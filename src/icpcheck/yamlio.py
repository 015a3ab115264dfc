"""Safe YAML loading that keeps line numbers and refuses what a profile or rule file never needs.

One walk over the composed node tree builds the Python data and a map from each value's path to its
line, so that validation errors can name ``file:line: field``. The walk rejects non-standard tags (no
Python objects), duplicate keys, alias bombs and absurd nesting before anything is expanded.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from icpcheck.errors import IcpcheckError, ProfileError, UsageError, gather

try:  # the C loader is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]

DEFAULT_MAX_BYTES = 1_000_000  # a real profile is a few KB; override with ICPCHECK_MAX_FILE_BYTES
MAX_NODES = 100_000  # bounds alias expansion ("billion laughs")
MAX_DEPTH = 64
_SHALLOW = 5_000  # collections libyaml composes safely without the depth pre-scan (it crashes past ~10,000)

_STR = "tag:yaml.org,2002:str"
_NUMBERS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_MAX_DIGITS = 100  # no amount in a profile needs more; Python refuses ints past 4,300 digits anyway
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}


@dataclass(slots=True)
class LoadedYaml:
    data: Any
    name: str
    lines: dict[Path_, int] = field(default_factory=dict)
    # With `partial`: mistakes in single values (a duplicate key, an impossible date, a disallowed tag), each
    # value left out or replaced by INVALID, so that the caller can report them with its own findings.
    problems: list[IcpcheckError] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """Line of the value at `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def max_bytes() -> int:
    raw = os.environ.get("ICPCHECK_MAX_FILE_BYTES", "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 15 and int(raw) > 0):
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        raise UsageError(f"ICPCHECK_MAX_FILE_BYTES={shown!r}: not a whole number of bytes from 1 to 10^15")
    return int(raw)


def load_yaml_file(
    path: Path | str,
    *,
    error: type[IcpcheckError] = ProfileError,
    limit: int | None = None,
    partial: bool = False,
) -> LoadedYaml:
    name = str(path)
    limit = max_bytes() if limit is None else limit
    raw = read_regular_file(path, limit, error)
    if len(raw) > limit:
        raise error(
            f"file is larger than {limit:,} bytes; a profile is a few KB (raise the limit with "
            "ICPCHECK_MAX_FILE_BYTES if this file is genuine)",
            file=name,
        )
    return load_yaml_text(decode(raw, name, error), name, error=error, partial=partial)


def read_regular_file(path: Path | str, limit: int, error: type[IcpcheckError]) -> bytes:
    """At most `limit` + 1 bytes of a regular file; a FIFO, device, socket or folder is an input error."""
    name = str(path)
    try:
        # Non-blocking open: a FIFO must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with open(fd, "rb") as fh:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(info.st_mode):
                kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
                raise error(f"is {kind}, not a regular file: only files are read", file=name)
            return fh.read(min(limit, info.st_size) + 1)  # + 1: a file may grow while it is read
    except FileNotFoundError:
        raise error("no such file", file=name) from None
    except IsADirectoryError:
        raise error(_folder_problem(path), file=name) from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket cannot be opened
            raise error("is a socket, not a regular file: only files are read", file=name) from None
        raise error(f"cannot read: {exc.strerror or exc}", file=name) from None


def _folder_problem(path: Path | str) -> str:
    try:
        with os.scandir(path):
            return "is a directory, not a YAML file"
    except OSError as exc:  # listed by a folder search that could not enter it
        return f"folder cannot be read ({exc.strerror or exc}): the profiles in it were not checked"


def decode(raw: bytes, name: str, error: type[IcpcheckError] = ProfileError) -> str:
    """UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM, or GB18030/GBK when the bytes clearly are
    Chinese."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    else:
        for bom, encoding in _BOMS:  # UTF-32 first: its little-endian BOM starts like UTF-16's
            if raw.startswith(bom):
                try:
                    return raw.decode(encoding)
                except UnicodeDecodeError:
                    raise error(
                        f"starts with a {encoding.upper()} byte-order mark but is not valid "
                        f"{encoding.upper()}",
                        file=name,
                    ) from None
    if b"\x00" in raw:
        raise error(f"contains NUL bytes: {_nul_kind(raw)}", file=name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _decode_gbk(raw, name, error)


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _nul_kind(raw: bytes) -> str:
    """What a text with NUL bytes probably is: UTF-16/32 saved without a byte-order mark, or binary."""
    head = raw[:4]
    if len(head) == 4 and (head[1:] == b"\x00\x00\x00" or head[:3] == b"\x00\x00\x00"):
        kind = "UTF-32"
    elif len(head) == 4 and (head[1::2] == b"\x00\x00" or head[::2] == b"\x00\x00"):
        kind = "UTF-16"
    else:
        return "this is not a text file"
    return f"looks like {kind} without a byte-order mark, which is not supported; save it as UTF-8"


def _decode_gbk(raw: bytes, name: str, error: type[IcpcheckError]) -> str:
    """A file that is not all UTF-8: GB18030/GBK as saved by a Windows tool, decided line by line.

    GBK bytes often form valid UTF-8 by accident (电话 holds the UTF-8 of 绰), so a line that decodes both
    ways goes to the reading with more common Chinese. Lines of both kinds make a mixed file; the error
    names the first line of the rarer kind, the part that was pasted in.
    """
    lines = raw.split(b"\n")
    texts: list[str] = []
    kinds: dict[str, list[int]] = {"UTF-8": [], "GBK": []}
    for number, line in enumerate(lines, 1):
        if line.isascii():
            texts.append(line.decode("ascii"))
            continue
        as_utf8, as_gbk = _try_decode(line, "utf-8"), _try_decode(line, "gb18030")
        if as_gbk is not None and (as_utf8 is None or _common(as_gbk) > _common(as_utf8)):
            kinds["GBK"].append(number)
            texts.append(as_gbk)
        elif as_utf8 is not None:
            kinds["UTF-8"].append(number)
            texts.append(as_utf8)
        else:
            raise _not_utf8(lines, number, name, error)
    utf8, gbk = kinds["UTF-8"], kinds["GBK"]
    if utf8 and gbk:
        rare, usual = ("UTF-8", "GBK") if (len(utf8), -utf8[0]) < (len(gbk), -gbk[0]) else ("GBK", "UTF-8")
        raise error(
            f"mixed encodings: this line is {rare} but {len(kinds[usual])} other line(s) with Chinese are "
            f"{usual} (pasted in from another file?); re-save the whole file as UTF-8",
            file=name,
            line=kinds[rare][0],
        )
    if not any(_common(texts[n - 1]) for n in gbk):
        # No common Chinese where UTF-8 fails: Latin-1 or binary that GB18030 happens to accept.
        raise _not_utf8(lines, gbk[0], name, error)
    return "\n".join(texts)


def _not_utf8(lines: list[bytes], number: int, name: str, error: type[IcpcheckError]) -> IcpcheckError:
    line = lines[number - 1]
    try:
        line.decode("utf-8")
        start = 0
    except UnicodeDecodeError as exc:
        start = exc.start
    offset = sum(len(before) + 1 for before in lines[: number - 1]) + start
    return error(
        f"not UTF-8 text (byte 0x{line[start]:02x} at offset {offset}); "
        "save it as UTF-8, e.g. `iconv -f GBK -t UTF-8 in.yaml > out.yaml`",
        file=name,
        line=number,
    )


def _try_decode(line: bytes, encoding: str) -> str | None:
    try:
        return line.decode(encoding)
    except UnicodeDecodeError:
        return None


def _common(text: str) -> float:
    """Share of the non-ASCII characters that are common Chinese: GB2312 level-1 hanzi or its punctuation."""
    wide = [ch for ch in text if ord(ch) > 0x7F]
    hits = 0
    for ch in wide:
        try:
            lead = ch.encode("gb2312")[0]
        except UnicodeEncodeError:
            continue
        hits += 0xA1 <= lead <= 0xA3 or 0xB0 <= lead <= 0xD7
    return hits / len(wide) if wide else 0.0


def load_yaml_text(
    text: str, name: str, *, error: type[IcpcheckError] = ProfileError, partial: bool = False
) -> LoadedYaml:
    """The data and its lines. A mistake in the structure stops the load; a mistake in a single value stops
    it too, unless `partial`: then every such mistake is in `problems` and the load goes on."""
    _check_depth(text, name, error)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "invalid YAML"
            raise error(
                f"invalid YAML: {problem}",
                file=name,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            ) from None
        except yaml.YAMLError as exc:
            raise error(f"invalid YAML: {exc}", file=name) from None
        except RecursionError:
            raise error(f"invalid YAML: nested deeper than {MAX_DEPTH} levels", file=name) from None
        loaded = LoadedYaml(None, name)
        if node is not None:
            loaded.data = _Walker(loader, loaded, error).build(node, (), 0)
        if loaded.problems and not partial:
            raise gather(loaded.problems)
        return loaded
    finally:
        loader.dispose()


def _check_depth(text: str, name: str, error: type[IcpcheckError]) -> None:
    """Refuse nesting deeper than MAX_DEPTH before libyaml composes the document.

    libyaml's composer recurses on the C stack and crashes the process (segfault) somewhere past 10,000
    levels, e.g. ``foo: [[[[…`` or ``- - - - …``. Its parser keeps its own stack, so counting the parser's
    events is safe. Every collection starts at one of the indicators counted here, so a text with few of
    them cannot be deep and is not scanned twice.
    """
    if sum(text.count(c) for c in "[{-?:") <= _SHALLOW:
        return
    loader = _Loader(text)
    depth = 0
    try:
        while not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise error(f"nested deeper than {MAX_DEPTH} levels", file=name, line=line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # reported with its line by the real load, which stops at the same place
    finally:
        loader.dispose()


class _Invalid:
    """Stands for a value the walker refused (its problem is in LoadedYaml.problems)."""

    def __repr__(self) -> str:
        return "<invalid>"


INVALID = _Invalid()
_Scalar = yaml.ScalarNode


class _Walker:
    def __init__(self, loader: Any, out: LoadedYaml, error: type[IcpcheckError]) -> None:
        self.loader = loader
        self.out = out
        self.error = error
        self.count = 0

    def fail(self, message: str, node: yaml.Node, path: Path_ = ()) -> IcpcheckError:
        return self.error(
            message,
            file=self.out.name,
            line=node.start_mark.line + 1,
            field=dotted(path) or None,
        )

    def refuse(self, message: str, node: yaml.Node, path: Path_) -> _Invalid:
        """A mistake in one value: noted, and the walk goes on (the caller decides whether to stop)."""
        self.out.problems.append(self.fail(message, node, path))
        return INVALID

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(f"more than {MAX_NODES:,} values (alias expansion bomb?)", node)
        if depth > MAX_DEPTH:
            raise self.fail(f"nested deeper than {MAX_DEPTH} levels", node, path)
        if node.tag not in _STANDARD_TAGS:
            return self.refuse(f"tag {node.tag!r} is not allowed (only plain YAML data)", node, path)
        lines = self.out.lines
        lines.setdefault(path, node.start_mark.line + 1)
        # Below, a child that is a plain string within the limits (counted as build() counts it) is taken
        # in place: most values are, and a call of build() for each cost more than the rest of the walk.
        shallow = depth < MAX_DEPTH
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if key_node.tag == _STR and type(key_node) is _Scalar and shallow and self.count < MAX_NODES:
                    self.count += 1
                    key = key_node.value
                else:
                    key = self.build(key_node, path, depth + 1) if isinstance(key_node, _Scalar) else None
                    if key is INVALID:  # a tagged key (a merge key `<<`): the mapping's shape is unknown
                        raise self.out.problems.pop()
                    if key is None or isinstance(key, (dict, list)):
                        raise self.fail("mapping keys must be plain names", key_node, path)
                    key = str(key)
                    if key == "<<":
                        raise self.fail("merge keys (<<) are not supported", key_node, path)
                child = (*path, key)
                if key in result:  # the first one is read; its key's line is the child's
                    self.refuse(f"duplicate key {key!r} (lines {lines[child]} and {line})", key_node, path)
                    continue
                lines[child] = line
                if (
                    value_node.tag == _STR
                    and type(value_node) is _Scalar
                    and shallow
                    and self.count < MAX_NODES
                ):
                    self.count += 1
                    result[key] = value_node.value
                else:
                    result[key] = self.build(value_node, child, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                if item.tag == _STR and type(item) is _Scalar and shallow and self.count < MAX_NODES:
                    self.count += 1
                    lines.setdefault((*path, i), item.start_mark.line + 1)
                    items.append(item.value)
                else:
                    items.append(self.build(item, (*path, i), depth + 1))
            return items
        if node.tag == _STR:
            return node.value  # the common case: skip the constructor machinery
        shown = node.value if len(node.value) <= 40 else f"{node.value[:40]}…"
        if node.tag in _NUMBERS and len(node.value) > _MAX_DIGITS:
            return self.refuse(
                f"number {shown!r} has {len(node.value):,} characters: out of range", node, path
            )
        value = _plain_scalar(node.tag, node.value)
        if value is not _UNPLAIN:
            return value
        try:
            return self.loader.construct_object(node)
        except Exception as exc:  # e.g. timestamp 2026-02-30: datetime raises ValueError
            return self.refuse(f"invalid value {shown!r}: {exc}", node, path)


_UNPLAIN = object()
_BOOLS = yaml.constructor.SafeConstructor.bool_values
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _plain_scalar(tag: str, value: str) -> Any:
    """What SafeConstructor makes of the commonest scalars (a decimal, a boolean, null, a date), without its
    machinery (≈ 16 a profile); _UNPLAIN for any other, which goes to the constructor."""
    if tag == "tag:yaml.org,2002:int":
        if value.isascii() and value.isdigit() and (value[0] != "0" or value == "0"):  # 0… is octal
            return int(value)
    elif tag == "tag:yaml.org,2002:bool":
        return _BOOLS.get(value.lower(), _UNPLAIN)
    elif tag == "tag:yaml.org,2002:null":
        return None
    elif tag == "tag:yaml.org,2002:timestamp" and _DAY.fullmatch(value):
        try:
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:  # the constructor says why
            pass
    return _UNPLAIN


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@lru_cache(maxsize=4096)  # the fields of the rules' findings, asked for their lines in every profile
def parse_dotted(text: str) -> Path_:
    """Inverse of `dotted`: ``domains[0].registered`` → ('domains', 0, 'registered'); ``[*]`` stays "*"."""
    parts: list[str | int] = []
    for piece in text.split("."):
        name, *indexes = piece.split("[")
        if name:
            parts.append(name)
        for index in indexes:
            index = index.rstrip("]")
            parts.append(int(index) if index.isdigit() else index)
    return tuple(parts)
