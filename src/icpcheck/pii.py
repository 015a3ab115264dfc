"""Masking of personal data (ID numbers, mobiles, e-mails, names of natural persons) in every output.

Masking happens once, on the findings and error messages, before any renderer runs, so every output format
(present and future) shows masked values unless --show-pii is given. Two layers: the exact personal values
collected from the profile, and patterns for ID numbers, mobiles and e-mails in any text (e.g. error
messages that echo what a file contains).
"""

from __future__ import annotations

import re
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
    compiled: re.Pattern[str] | None = None
    anything: re.Pattern[str] | None = None  # a value or _MAYBE: most texts hold neither, one search says so

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
        self.compiled = None

    def _add(self, value: str | None, mask: Any) -> None:
        if value and len(value) >= 2:
            self.values[value] = mask(value)

    def text(self, text: str) -> str:
        pattern = self._pattern()
        if pattern is None:
            return mask_text(text) if _MAYBE.search(text) else text
        assert self.anything is not None
        if self.anything.search(text) is None:
            return text
        text = pattern.sub(lambda m: self.values[m.group(0)], text)
        return mask_text(text) if _MAYBE.search(text) else text

    def _pattern(self) -> re.Pattern[str] | None:
        if self.compiled is None and self.values:
            values = "|".join(re.escape(v) for v in sorted(self.values, key=len, reverse=True))
            self.compiled = re.compile(values)
            self.anything = re.compile(f"{values}|{_MAYBE.pattern}")
        return self.compiled

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def findings(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            f.message = self.text(f.message)
            f.remediation = self.text(f.remediation)
            f.expected = self.value(f.expected)
            f.actual = self.value(f.actual)
