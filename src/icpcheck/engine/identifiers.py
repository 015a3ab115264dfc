"""Operators that check Chinese identifiers, for rules/identifiers.yaml.

USCC numbers are validated with python-stdnum; resident ID numbers by their length, date of birth, check
digit and province prefix (GB 11643); filing, licence and public-security numbers with their published
shapes. Each `*_valid` operator compares the check's outcome with the rule's value (normally `true`);
`*_province` operators take a province key.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import Any

MOBILE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
# The shapes of the numbers, compiled when a rule first checks one (a class of Chinese characters takes
# ≈ 0.5 ms to compile, on every start otherwise).
# 京ICP备2020012345号-1 (seed 004: 京ICP备05032038号-1)
FILING = r"^(?P<abbr>[\u4e00-\u9fff])ICP备(?P<number>\d{6,10})号(?:-(?P<site>\d+))?$"
# 京ICP证060342号 (seed 004), 京B2-20201234; cross-region licences have no province: B1-20150255 (seed 004)
LICENCE = r"^(?:(?P<abbr>[\u4e00-\u9fff])ICP证\d{6}号|(?P<abbr2>[\u4e00-\u9fff])B2-\d{8}|B[12]-\d{8})$"
# 京公网安备11010802020193号 (seed 004): 14 digits, the first six a division code
PUBLIC_SECURITY = r"^(?P<abbr>[\u4e00-\u9fff])公网安备(?P<number>\d{14})号$"


# GB 32100-2015 (python-stdnum's stdnum.cn.uscc): the characters a USCC may use and the check's weights
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PLAIN = re.compile(r"[0-9A-Z]{18}")


def _uscc_valid(value: Any, expected: Any) -> bool:
    """python-stdnum's check. A number written plainly (18 ASCII capitals and digits, as nearly all are) is
    checked here with the same steps: importing python-stdnum costs ≈ 8 ms (pydoc, ssl) on every start."""
    text = str(value)
    if _USCC_PLAIN.fullmatch(text):
        ok = text[:8].isdigit() and all(c in USCC_ALPHABET for c in text[8:])
        if ok:
            total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(text[:17], USCC_WEIGHTS, strict=True))
            ok = text[17] == USCC_ALPHABET[(31 - total) % 31]
    else:  # separators, lower case, other scripts: python-stdnum's own cleaning decides
        from stdnum.cn import uscc

        ok = uscc.is_valid(text)
    return bool(ok) == bool(expected)


RESIDENT_ID = re.compile(r"^(?P<province>\d{2})\d{4}(?P<birth>\d{8})\d{3}[\dX]$")
# Residence permits of Hong Kong, Macao and Taiwan residents carry 81/82/83 (港澳台居民居住证申领发放办法).
PERMIT_PREFIXES = ("81", "82", "83")


def _resident_id_valid(value: Any, expected: Any) -> bool:
    """GB 11643: 18 characters, a real date of birth, the ISO 7064 MOD 11-2 check digit, a province prefix.

    The district code (digits 3–6) is not checked against a table: it is the code of the place of first
    registration, and python-stdnum's table rejects real numbers whose district is newer than the birth
    year (浦东新区 310115 for a person born in 1988 who registered later).
    """
    match = RESIDENT_ID.match(str(value).strip().upper())
    if match is None:
        return not expected
    number = match.group(0)
    weighted = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    check = (12 - weighted % 11) % 11
    ok = number[17] == ("X" if check == 10 else str(check))
    ok = ok and _date(match["birth"]) and match["province"] in _id_prefixes()
    return ok == bool(expected)


def _date(text: str) -> bool:
    try:
        dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # ISO 7064 MOD 11-2, digits 1-17


@cache  # asked for every ID number of every profile; the bundled province table does not change
def _id_prefixes() -> frozenset[str]:
    """The first two digits a resident ID may have: a province's division code, or a residence permit's."""
    from icpcheck.provinces import province_table

    codes = (str(p.extra.get("division_code")) for p in province_table().provinces.values())
    return frozenset((*codes, *PERMIT_PREFIXES))


def _mobile_valid(value: Any, expected: Any) -> bool:
    return (MOBILE.match(str(value).replace(" ", "")) is not None) == bool(expected)


def _shape(pattern: str) -> Any:
    def check(value: Any, expected: Any) -> bool:
        return (_compiled(pattern).match(str(value).strip()) is not None) == bool(expected)

    return check


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


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


def _uscc_division_in(value: Any, prefixes: Any) -> bool:
    """Characters 3–8 of a USCC are the registering authority's division code; any listed prefix matches."""
    text = str(value).strip()
    return len(text) == 18 and any(text[2:].startswith(str(p)) for p in prefixes or [])


def _resident_id_province(value: Any, province: Any) -> bool:
    """The first two digits of a resident ID number are the issuing province's division code (GB/T 2260)."""
    text = str(value).strip()
    return len(text) == 18 and text[:2] == _division(str(province))


def _mobile_province(value: Any, province: Any) -> bool | None:
    """Whether a mainland mobile was issued in `province`, from libphonenumber's prefix data (号码归属地);
    None (unknown) where that data gives no province or the number does not parse."""
    from icpcheck.provinces import province_table

    prov = province_table().provinces.get(str(province))
    home = _home_of(str(value))
    if prov is None or home is None:
        return None
    return home == prov.key


def _home_of(text: str) -> str | None:
    """The province of the number written in `text`; None where it does not parse or has none."""
    plain = _PLAIN_MOBILE.fullmatch(text.replace(" ", "").replace("-", "")) if len(text) <= 40 else None
    if plain is not None and CN_MOBILE.fullmatch(plain[1]):
        return _province_of("86" + plain[1])
    import phonenumbers

    try:
        return _home_province(phonenumbers.parse(text, "CN"))
    except phonenumbers.NumberParseException:
        return None


# A valid mainland mobile written plainly (as nearly all are: 13800138000, +86 138 0013 8000) is looked up
# directly; phonenumbers (≈ 25 ms to import and load on every start) parses every other spelling. Such a
# number is 11 digits with no national prefix or carrier code to strip, a mobile by libphonenumber's CN
# pattern (phonenumbers.PhoneMetadata.metadata_for_region("CN").mobile; tests/test_mobile_prefixes.py
# checks it is the installed one and that both ways answer alike), and mobiles are geographical in China.
_PLAIN_MOBILE = re.compile(r"(?:\+86)?(1\d{10})")
CN_MOBILE = re.compile(r"1(?:610\d|740[0-5])\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}")


def _home_province(number: Any) -> str | None:
    """The province phonenumbers' geocoder names for `number` (`description_for_number(number, "zh")`), looked
    up in rules/mobile_prefixes.tsv, its +86 ranges (tools/update_mobile_prefixes.py): the geocoder's own
    table costs ≈ 120 MB. Numbers outside the mainland, invalid or not tied to a place have none."""
    import phonenumbers

    kind = phonenumbers.number_type(number)
    if (
        number.country_code != 86
        or kind == phonenumbers.PhoneNumberType.UNKNOWN
        or not phonenumbers.is_number_type_geographical(kind, 86)
    ):
        return None
    return _province_of(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:])


def _province_of(digits: str) -> str | None:
    """The province of a mainland number's E.164 digits (without the +) in rules/mobile_prefixes.tsv."""
    starts, provinces = _prefix_ranges()
    return provinces[bisect.bisect_right(starts, int(digits[:PREFIX_WIDTH])) - 1]


PREFIX_WIDTH = 9  # digits of the prefixes in rules/mobile_prefixes.tsv


@cache
def _prefix_ranges() -> tuple[list[int], list[str | None]]:
    from icpcheck.data import rules_dir

    starts: list[int] = []
    provinces: list[str | None] = []
    for line in (rules_dir() / "mobile_prefixes.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            start, province = line.split("\t")
            starts.append(int(start))
            provinces.append(None if province == "-" else province)
    return starts, provinces


def _number_province(value: Any, province: Any) -> bool:
    """The one-character province prefix of a filing, licence or public-security number."""
    text = str(value).strip()
    for pattern in (FILING, LICENCE, PUBLIC_SECURITY):
        match = _compiled(pattern).match(text)
        if match:
            groups = match.groupdict()
            return _abbr_matches(groups.get("abbr") or groups.get("abbr2"), str(province))
    return False


# The operators of this module; conditions.operators() builds the table from it.
OPERATORS: dict[str, Callable[[Any, Any], bool | None]] = {
    "uscc_valid": _uscc_valid,
    "uscc_province": _uscc_province,
    "uscc_division_in": _uscc_division_in,
    "resident_id_valid": _resident_id_valid,
    "resident_id_province": _resident_id_province,
    "mobile_province": _mobile_province,
    "mobile_valid": _mobile_valid,
    "filing_number_valid": _shape(FILING),
    "licence_number_valid": _shape(LICENCE),
    "public_security_number_valid": _shape(PUBLIC_SECURITY),
    "number_province": _number_province,
}
