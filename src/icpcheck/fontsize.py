"""The font size a browser gives one element: a small CSS cascade over the page's own <style> rules.

Enough for footers: type, class and ID selectors joined by descendant or child combinators, specificity
and order, !important, inline styles, inheritance and relative units (em, rem, %, smaller/larger and the
size keywords), with the browser default of 16 px. Whatever it cannot decide (sibling combinators,
attribute or structural selectors that might match, vw or calc() values, an external stylesheet) makes
the answer None: unknown, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from icpcheck.facts.site import Element

DEFAULT_PX = 16.0
_KEYWORDS = {
    "xx-small": 9.0,
    "x-small": 10.0,
    "small": 13.0,
    "medium": 16.0,
    "large": 18.0,
    "x-large": 24.0,
    "xx-large": 32.0,
    "xxx-large": 48.0,
}
_UA_SMALLER = {"small", "sub", "sup"}  # the browser's own stylesheet: font-size: smaller
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_DECL = re.compile(r"(?:^|;)\s*(font-size|font)\s*:\s*([^;]+)", re.I)
_SIZE = re.compile(
    r"^(?:(\d*\.?\d+)(px|pt|em|rem|%)|(xx-small|x-small|small|medium|large|x-large|xx-large|xxx-large|"
    r"smaller|larger))$",
    re.I,
)
_COMPOUND = re.compile(r"([a-zA-Z][\w-]*|\*)?((?:[.#][\w-]+)*)((?::{1,2}[\w-]+(?:\([^)]*\))?)*)$")
_INERT_PSEUDO = {":link", ":visited", ":any-link"}  # true of a link in its normal state
_NEVER_PSEUDO = {":hover", ":active", ":focus", ":focus-visible", ":focus-within", "::before", "::after"}
MAX_RULES = 5_000  # a real site has a few hundred; more is not worth the work
MAX_DEPTH = 256  # elements from <html> down to the number
_INACTIVE = re.compile(
    r"@(?:media\b[^{]*(?:print|max-width)|font-face|keyframes|-webkit-keyframes|page)", re.I
)


class Unknown(Exception):
    """The size cannot be decided from what the page shows."""


@dataclass(frozen=True, slots=True)
class _Rule:
    selector: list[tuple[str, str]]  # (combinator before, compound), the first combinator is ""
    specificity: tuple[int, int, int]
    order: int
    important: bool
    value: str


def font_px(path: Sequence[Element], styles: str, external_css: bool) -> float | None:
    """Computed font size in px of the last element of `path` (ancestors first), or None if unknown."""
    if not path or len(path) > MAX_DEPTH:
        return None
    path = _implied(path)
    try:
        if external_css:  # only an absolute inline size on the element itself beats an unread stylesheet
            inline = _declared(path[-1][3])
            return _resolve(inline, None, None) if inline else None
        rules = _rules(styles)
        size = root = DEFAULT_PX
        for depth, element in enumerate(path):
            value = _specified(element, path[: depth + 1], rules)
            if value is None and element[0] in _UA_SMALLER:
                value = "smaller"
            if value is not None:
                size = _resolve(value, size, root)
            if element[0] == "html":
                root = size
        return size
    except Unknown:
        return None


def _implied(path: Sequence[Element]) -> tuple[Element, ...]:
    """<html> and <body> where the page leaves them out, as a browser adds them."""
    html: Element = ("html", "", (), "")
    body: Element = ("body", "", (), "")
    if path[0][0] != "html":
        return (html, *(() if path[0][0] == "body" else (body,)), *path)
    if len(path) > 1 and path[1][0] not in ("body", "head"):
        return (path[0], body, *path[1:])
    return tuple(path)


def _specified(element: Element, path: Sequence[Element], rules: list[_Rule]) -> str | None:
    best: tuple[bool, tuple[int, int, int], int] | None = None
    chosen: str | None = None
    for rule in rules:
        if _matches(rule.selector, path):
            key = (rule.important, rule.specificity, rule.order)
            if best is None or key > best:
                best, chosen = key, rule.value
    inline = _declared(element[3])
    if inline is not None and not (best and best[0]):
        return inline  # an inline style beats every rule that is not !important
    return chosen


def _declared(style: str) -> str | None:
    """The last font-size (or font shorthand size) a declaration block sets."""
    found = None
    for prop, value in _DECL.findall(style):
        value = value.strip().removesuffix("!important").strip()
        if prop.lower() == "font":
            parts = [p for p in re.split(r"\s+", value.split("/")[0].strip()) if p]
            if not parts:
                raise Unknown
            value = parts[-1]  # font: italic bold 12px/1.5 Arial → "12px" before the slash
            if not _SIZE.match(value):
                raise Unknown  # a system font (font: menu) or a var(): size not readable
        found = value
    return found


def _resolve(value: str, parent: float | None, root: float | None) -> float:
    """px of a font-size value; `parent` and `root` None where relative sizes cannot be resolved."""
    match = _SIZE.match(value.strip())
    if match is None:
        raise Unknown  # vw, calc(), var(), inherit …: not decided here
    number, unit, keyword = match.groups()
    keyword, unit = (keyword or "").lower(), (unit or "").lower()
    if keyword in _KEYWORDS:
        return _KEYWORDS[keyword]
    if unit in ("px", "pt"):
        return float(number) * (4 / 3 if unit == "pt" else 1)
    base = root if unit == "rem" else parent
    if base is None:
        raise Unknown
    if keyword:
        return base / 1.2 if keyword == "smaller" else base * 1.2
    return float(number) * base / (100 if unit == "%" else 1)


def _rules(styles: str) -> list[_Rule]:
    """Style rules in order. A desktop browser's view: @media blocks for print or narrow screens
    (max-width) and @font-face / @keyframes bodies do not apply; @media screen, min-width, @supports do."""
    rules: list[_Rule] = []
    text = _COMMENT.sub("", styles)
    stack: list[bool] = []  # per open block: do the rules inside apply?
    start = 0
    prelude = ""
    for i, ch in enumerate(text):
        if ch == "{":
            prelude = text[start:i].strip()
            stack.append((not stack or stack[-1]) and not _INACTIVE.match(prelude))
            start = i + 1
        elif ch == "}":
            active = stack.pop() if stack else False
            if active and prelude and not prelude.startswith("@"):
                rules += _parse_rule(prelude, text[start:i], len(rules))
                if len(rules) > MAX_RULES:
                    raise Unknown
            prelude = ""
            start = i + 1
    return rules


def _parse_rule(prelude: str, body: str, order: int) -> list[_Rule]:
    value = _declared(body)
    if value is None:
        return []
    important = bool(re.search(r"font(?:-size)?\s*:[^;]*!important", body, re.I))
    out = []
    for selector in prelude.split(","):
        parts = _split(selector.strip())
        if parts:
            out.append(_Rule(parts, _specificity(parts), order, important, value))
    return out


def _split(selector: str) -> list[tuple[str, str]]:
    """Compounds with the combinator before each ("" descendant, ">" child, "?" not decided here)."""
    tokens = re.sub(r"\s*>\s*", " > ", selector).split()
    parts: list[tuple[str, str]] = []
    combinator = ""
    for token in tokens:
        if token == ">":
            combinator = ">"
        elif token in ("+", "~"):
            combinator = "?"
        else:
            parts.append(("?" if "[" in token or "+" in token or "~" in token else combinator, token))
            combinator = ""
    return parts


def _specificity(parts: list[tuple[str, str]]) -> tuple[int, int, int]:
    ids = classes = tags = 0
    for _, compound in parts:
        ids += compound.count("#")
        classes += compound.count(".") + len(re.findall(r"(?<!:):[\w-]", compound))
        tags += bool(re.match(r"[a-zA-Z]", compound)) + compound.count("::")
    return ids, classes, tags


def _compound_matches(compound: str, element: Element) -> bool:
    match = _COMPOUND.match(compound)
    if match is None:
        raise Unknown
    tag, names, pseudos = match.groups()
    if tag and tag != "*" and tag.lower() != element[0]:
        return False
    for name in re.findall(r"[.#][\w-]+", names):
        if name[0] == "#" and name[1:] != element[1]:
            return False
        if name[0] == "." and name[1:] not in element[2]:
            return False
    for pseudo in re.findall(r":{1,2}[\w-]+(?:\([^)]*\))?", pseudos):
        if pseudo in _NEVER_PSEUDO:
            return False
        if pseudo not in _INERT_PSEUDO:
            raise Unknown  # :first-child, :nth-of-type …: the rest matches, this part is not decided
    return True


def _matches(parts: list[tuple[str, str]], path: Sequence[Element]) -> bool:
    """Right to left: the last compound must match the element itself, the others its ancestors.
    A part icpcheck cannot decide makes the answer unknown only where the rest would match."""
    last = parts[-1][1]
    if "[" in last or "+" in last or "~" in last:  # judge the part after the sibling/attribute syntax
        last = re.sub(r"\[[^\]]*\]", "", re.split(r"[+~]", last)[-1]) or "*"
        if _compound_matches(last, path[-1]):
            raise Unknown
        return False
    if not _compound_matches(last, path[-1]):
        return False
    memo: dict[tuple[int, int], bool] = {}

    def match(i: int, j: int) -> bool:
        """parts[:i] against ancestors path[:j], where parts[i] (already matched) sits at path[j]."""
        if i == 0:
            return True
        if (i, j) not in memo:
            combinator = parts[i][0]
            if combinator == "?":
                raise Unknown
            candidates = [j - 1] if combinator == ">" else range(j - 1, -1, -1)
            memo[i, j] = any(
                k >= 0 and _compound_matches(parts[i - 1][1], path[k]) and match(i - 1, k) for k in candidates
            )
        return memo[i, j]

    return match(len(parts) - 1, len(path) - 1)
