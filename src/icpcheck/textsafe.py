"""Text that is safe to show: no terminal escapes, nothing XML 1.0 forbids, nothing that cannot be encoded.

Profile values, file names, error messages, whois replies and web pages may be attacker-written. Every
human-readable output (text, markdown, GitHub annotations, JUnit, error lines on stderr) passes such text
through `printable`, which turns each dangerous character into a visible escape (ESC becomes ``\\x1b``).
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), bidi embeddings, overrides
# and isolates (they reorder what the reader sees), line/paragraph separators, lone surrogates (undecodable
# bytes of a file name; they cannot be encoded as UTF-8) and the non-characters XML 1.0 forbids.
_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff\ufffe\uffff"
)
_UNSAFE = re.compile(f"[{_CLASS}]")
_UNSAFE_LINE = re.compile(f"[{_CLASS}\n]")
_NAMED = {10: "\\n", 13: "\\r"}


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return _NAMED.get(code) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` with control and other unsafe characters shown as escapes; `one_line` escapes newlines too.

    Backslashes are left alone, so applying it twice changes nothing."""
    return (_UNSAFE_LINE if one_line else _UNSAFE).sub(_escape, text)


def rich_text(text: str) -> str:
    """`text` to print through rich markup: printable, and its square brackets not read as markup."""
    from rich.markup import escape

    return escape(printable(text))


def table_cell(text: object) -> str:
    """`text` as one Markdown table cell: a `|` would end the cell and a newline the row."""
    return str(text).replace("|", "\\|").replace("\n", " ")
