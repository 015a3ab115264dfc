"""Operators that check Chinese identifiers, for rules/identifiers.yaml.

USCC and resident ID numbers are validated with python-stdnum (check digits, dates of birth); filing,
licence and public-security numbers with their published shapes. Each `*_valid` operator compares the
check's outcome with the rule's value (normally `true`); `*_province` operators take a province key.
"""

from __future__ import annotations

import re
from typing import Any

from icpcheck.engine.conditions import register_operator

MOBILE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
# 京ICP备2020012345号-1 (seed 004: 京ICP备05032038号-1)
FILING = re.compile(r"^(?P<abbr>[\u4e00-\u9fff])ICP备(?P<number>\d{6,10})号(?:-(?P<site>\d+))?$")
# 京ICP证060342号 (seed 004), 京B2-20201234; cross-region licences have no province: B1-20150255 (seed 004)
LICENCE = re.compile(
    r"^(?:(?P<abbr>[\u4e00-\u9fff])ICP证\d{6}号|(?P<abbr2>[\u4e00-\u9fff])B2-\d{8}|B[12]-\d{8})$"
)
# 京公网安备11010802020193号 (seed 004): 14 digits, the first six a division code
PUBLIC_SECURITY = re.compile(r"^(?P<abbr>[\u4e00-\u9fff])公网安备(?P<number>\d{14})号$")


def _uscc_valid(value: Any, expected: Any) -> bool:
    from stdnum.cn import uscc

    return bool(uscc.is_valid(str(value))) == bool(expected)


def _resident_id_valid(value: Any, expected: Any) -> bool:
    from stdnum.cn import ric

    return bool(ric.is_valid(str(value))) == bool(expected)


def _mobile_valid(value: Any, expected: Any) -> bool:
    return (MOBILE.match(str(value).replace(" ", "")) is not None) == bool(expected)


def _shape(pattern: re.Pattern[str]) -> Any:
    def check(value: Any, expected: Any) -> bool:
        return (pattern.match(str(value).strip()) is not None) == bool(expected)

    return check


def _division(province: str) -> str | None:
    from icpcheck.provinces import province_table

    prov = province_table().provinces.get(province)
    return str(prov.extra.get("division_code")) if prov else None


def _abbr_matches(abbr: str | None, province: str) -> bool:
    from icpcheck.provinces import province_table

    prov = province_table().provinces.get(province)
    return abbr is None or (prov is not None and abbr in (prov.abbr, *prov.aliases))


def _uscc_province(value: Any, province: Any) -> bool:
    """Characters 3–4 of a USCC are the province's division code (GB/T 2260)."""
    text = str(value)
    return len(text) == 18 and text[2:4] == _division(str(province))


def _number_province(value: Any, province: Any) -> bool:
    """The one-character province prefix of a filing, licence or public-security number."""
    text = str(value).strip()
    for pattern in (FILING, LICENCE, PUBLIC_SECURITY):
        match = pattern.match(text)
        if match:
            groups = match.groupdict()
            return _abbr_matches(groups.get("abbr") or groups.get("abbr2"), str(province))
    return False


for _name, _func in {
    "uscc_valid": _uscc_valid,
    "uscc_province": _uscc_province,
    "resident_id_valid": _resident_id_valid,
    "mobile_valid": _mobile_valid,
    "filing_number_valid": _shape(FILING),
    "licence_number_valid": _shape(LICENCE),
    "public_security_number_valid": _shape(PUBLIC_SECURITY),
    "number_province": _number_province,
}.items():
    register_operator(_name, _func)
