"""Masking of personal data (ID numbers, mobiles, e-mails, names of natural persons) in every output.

Masking happens once, on the findings and error messages, before any renderer runs, so every output format
(present and future) shows masked values unless --show-pii is given. Two layers: the exact personal values
collected from the profile, and patterns for ID numbers, mobiles and e-mails in any text (e.g. error
messages that echo what a file contains).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from icpcheck.findings import Finding
from icpcheck.profile.model import Person, Profile

# Digits may be full-width (１３９…) and grouped with spaces or hyphens (139-1111-2222): the text is
# searched with full-width digits read as ASCII (one character each, so positions stay the same).
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_ID = re.compile(r"(?<![0-9A-Za-z])\d(?:[ -]?\d){16}[ -]?[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d(?:[ -]?\d){8})(?![0-9])")
_MAYBE = re.compile(r"\d(?:[ -]?\d){10}|@")  # only such text can hold an ID number, a mobile, an e-mail
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
# What makes a holder an organisation; any other holder may be a natural person and is masked. One-character
# endings (…局, …所) count only on longer names: 李行 or 王院 are people.
_ORGANISATION = re.compile(
    r"公司|有限|集团|企业|中心|研究|学院|大学|学校|医院|协会|学会|基金|委员会|政府|工作室|事务所|合作社"
    r"|^.{3,}(局|厅|部|处|所|院|社|站|店|厂|馆|行|台)$"
    r"|\b(inc|ltd|llc|llp|corp|corporation|co|company|limited|gmbh|ag|plc|group|foundation|university"
    r"|association|institute|society|agency|bank|trust|holdings?|technolog(y|ies)|network|studio)\b",
    re.I,
)


def looks_like_person(name: str) -> bool:
    """True unless the name says it is an organisation: unsure means personal (masked, never cached)."""
    return not _ORGANISATION.search(name.strip())


def _mask_digits(text: str, head: int, tail: int) -> str:
    """Replace the digits of `text` except the first `head` and last `tail` by *, keeping separators."""
    total = sum(c not in " -" for c in text)
    seen = 0
    out = []
    for c in text:
        if c not in " -":
            seen += 1
            c = c if seen <= head or seen > total - tail else "*"
        out.append(c)
    return "".join(out)


def mask_id(value: str) -> str:
    """110101199003071233 → 1101**********1233."""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_mobile(value: str) -> str:
    """13800138000 → 138****8000."""
    digits = value[-11:]
    return (
        value[: len(value) - 11] + digits[:3] + "****" + digits[-4:]
        if len(digits) == 11
        else "*" * len(value)
    )


def mask_email(value: str) -> str:
    user, _, domain = value.partition("@")
    return f"{user[:1]}***@{domain}"


def mask_name(value: str) -> str:
    """张三 → 张*, John Smith → J*********."""
    return value[:1] + "*" * (len(value) - 1)


def mask_text(text: str) -> str:
    """Mask anything shaped like an ID number, a mainland mobile or an e-mail address (ASCII or
    full-width digits, grouped with spaces or hyphens or not)."""
    for pattern, head in ((_ID, 4), (_MOBILE, 3)):
        ascii_text = text.translate(_FULLWIDTH)
        spans = [m.span(m.lastindex or 0) for m in pattern.finditer(ascii_text)]
        for start, end in reversed(spans):
            text = text[:start] + _mask_digits(text[start:end], head, 4) + text[end:]
    return _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)


@dataclass(slots=True)
class Redactor:
    """Replaces the personal values of one profile, longest first, wherever they appear in a finding."""

    values: dict[str, str] = field(default_factory=dict)
    # The values longest first, the order a regex alternation of them would try. Plain `in` and `find`
    # instead of that regex: compiling it for each profile cost more than all the searches (≈ 0.1 ms).
    longest: list[str] = field(default_factory=list)

    @classmethod
    def for_profile(cls, profile: Profile) -> Redactor:
        redactor = cls()
        people: list[Person] = []
        if profile.people:
            people += [p for p in (profile.people.legal_representative, profile.people.site_owner) if p]
            people += profile.people.key_staff or []
        for person in people:
            redactor._add(person.name, mask_name)
            redactor._add(person.id_number, mask_id)
            redactor._add(person.mobile, mask_mobile)
            redactor._add(person.email, mask_email)
            redactor._add(person.office_phone, mask_mobile)
        for holder in profile.company.shareholders or []:
            if holder.kind == "natural_person":
                redactor._add(holder.name, mask_name)
        if profile.company.entity_type == "individual":
            redactor._add(profile.company.name, mask_name)
        redactor.holders(d.holder for d in profile.domains or [])
        return redactor

    def holders(self, names: Iterable[str | None]) -> None:
        """Domain holders (from the profile or whois) that may be natural persons."""
        for name in names:
            if name and looks_like_person(name):
                self._add(name, mask_name)

    def _add(self, value: str | None, mask: Any) -> None:
        if value and len(value) >= 2:
            self.values[value] = mask(value)

    def text(self, text: str) -> str:
        if self.values:
            if len(self.longest) != len(self.values):  # values were added (keys are never removed)
                self.longest = sorted(self.values, key=len, reverse=True)
            if any(value in text for value in self.longest):
                text = self._replace(text)
        return mask_text(text) if _MAYBE.search(text) else text

    def _replace(self, text: str) -> str:
        """Each value in `text` replaced by its mask, left to right; where several start at one place, the
        longest (as re.sub with the values' alternation would)."""
        out: list[str] = []
        pos = 0
        while True:
            at, hit = len(text), ""
            for value in self.longest:
                found = text.find(value, pos)
                if found != -1 and found < at:
                    at, hit = found, value
            if not hit:
                out.append(text[pos:])
                return "".join(out)
            out += (text[pos:at], self.values[hit])
            pos = at + len(hit)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def findings(self, findings: Iterable[Finding]) -> None:
        """Mask the texts and values of `findings` in place.

        Few findings hold anything to mask (≈ 1 text in 80), and searching their ≈ 250 texts a profile one by
        one cost more than the masking. So their texts are searched at once, joined by newlines, and only the
        findings where a match starts are masked field by field, exactly as before. Every match within a
        text is found: a value is looked for at every position, and no _MAYBE match can span a newline (so
        none spanning two texts can hide one within a text)."""
        batch = list(findings)
        chunks = []
        for f in batch:
            texts = [f.message, f.remediation]
            for value in (f.expected, f.actual):
                if isinstance(value, str):
                    texts.append(value)
                elif isinstance(value, (list, dict)):
                    _texts(value, texts)
            chunks.append("\n".join(texts))
        joined = "\n".join(chunks)
        ends: list[int] = []  # where each finding's texts end in `joined`
        for chunk in chunks:
            ends.append((ends[-1] + 1 if ends else 0) + len(chunk))
        starts = [m.start() for m in _MAYBE.finditer(joined)]
        for value in self.values:
            at = joined.find(value)
            while at != -1:
                starts.append(at)
                at = joined.find(value, at + 1)
        for i in sorted({bisect_right(ends, at) for at in starts}):
            f = batch[i]
            f.message = self.text(f.message)
            f.remediation = self.text(f.remediation)
            f.expected = self.value(f.expected)
            f.actual = self.value(f.actual)


def _texts(value: list[Any] | dict[Any, Any], out: list[str]) -> None:
    """The strings in `value` that `Redactor.value` masks."""
    for item in value.values() if isinstance(value, dict) else value:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, (list, dict)):
            _texts(item, out)
