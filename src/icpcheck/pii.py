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

from icpcheck.profile.model import Person, Profile
from icpcheck.report.model import Finding

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_MAYBE = re.compile(r"\d{11}|@")  # only such text can hold an ID number, a mobile or an e-mail
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")


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
    """Mask anything shaped like an ID number, a mainland mobile or an e-mail address."""
    text = _ID.sub(lambda m: mask_id(m.group(0)), text)
    text = _MOBILE.sub(lambda m: m.group(0)[:-8] + "****" + m.group(0)[-4:], text)
    return _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)


@dataclass(slots=True)
class Redactor:
    """Replaces the personal values of one profile, longest first, wherever they appear in a finding."""

    values: dict[str, str] = field(default_factory=dict)
    compiled: re.Pattern[str] | None = None

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
        return redactor

    def _add(self, value: str | None, mask: Any) -> None:
        if value and len(value) >= 2:
            self.values[value] = mask(value)

    def text(self, text: str) -> str:
        pattern = self._pattern()
        if pattern is not None:
            text = pattern.sub(lambda m: self.values[m.group(0)], text)
        return mask_text(text) if _MAYBE.search(text) else text

    def _pattern(self) -> re.Pattern[str] | None:
        if self.compiled is None and self.values:
            self.compiled = re.compile(
                "|".join(re.escape(v) for v in sorted(self.values, key=len, reverse=True))
            )
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
