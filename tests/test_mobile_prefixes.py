"""rules/mobile_prefixes.tsv answers like phonenumbers' geocoder, which it replaces (≈ 120 MB less a process).

The geocoder is loaded here once, as the reference: the province of a sample of numbers from every part of its
+86 table must be the same, and the file must be what tools/update_mobile_prefixes.py makes of the installed
phonenumbers (an upgrade that changes the data fails here until the file is regenerated).
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Callable

import phonenumbers
import pytest
from phonenumbers import geocoder
from phonenumbers.geodata import GEOCODE_DATA

from conftest import ROOT
from icpcheck.engine.identifiers import CN_MOBILE, _home_of, _home_province, _mobile_province
from icpcheck.provinces import province_table


def _tool() -> object:
    path = ROOT / "tools" / "update_mobile_prefixes.py"
    spec = importlib.util.spec_from_file_location("update_mobile_prefixes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _geocoder_province(number: phonenumbers.PhoneNumber) -> str | None:
    """What the local-mobile rule answered with the geocoder's full table (engine.identifiers before)."""
    place = geocoder.description_for_number(number, "zh")
    known = [p.key for p in province_table().provinces.values() if place.startswith(p.zh)]
    return known[0] if known else None


def _sample() -> list[str]:
    rng = random.Random(19)
    keys = sorted(k for k in GEOCODE_DATA if k.startswith("86"))
    numbers = []
    for key in keys[::40] + rng.sample(keys, 1500):
        national = key[2:]
        if national[0] == "1" and national[1:2] not in ("", "0"):  # a mobile range: 11 digits
            numbers.append(national + "".join(rng.choices("0123456789", k=11 - len(national))))
        else:  # an area code: a landline behind it, 7 and 8 digits
            numbers += [f"0{national}{rng.randrange(10**n, 10 ** (n + 1))}" for n in (6, 7)]
    # Not tied to a place, invalid, elsewhere, unallocated mobile ranges
    numbers += ["4001234567", "95588", "12345", "+85291234567", "+886912345678", "+12025550123"]
    numbers += [f"1{a}{b}00000000" for a in range(3, 10) for b in range(10)]
    return numbers


def test_the_same_province_as_the_geocoder_for_a_sample_of_prefixes() -> None:
    numbers = _sample()
    assert len(numbers) > 4000
    differ = []
    for text in numbers:
        number = phonenumbers.parse(text, "CN")
        if _home_province(number) != _geocoder_province(number):
            differ.append(text)
    assert differ == []


@pytest.mark.parametrize(
    ("mobile", "province", "expected"),
    [
        ("13812345678", "jiangsu", True),  # 江苏省连云港市
        ("13812345678", "gansu", False),
        ("+86 138 1234 5678", "jiangsu", True),
        ("4001234567", "beijing", None),  # a number, but of no place
        ("1381234", "jiangsu", None),  # too short: invalid
        ("not a number", "jiangsu", None),
        ("13812345678", "atlantis", None),
    ],
)
def test_mobile_province_answers(mobile: str, province: str, expected: bool | None) -> None:
    assert _mobile_province(mobile, province) is expected


def test_the_table_is_what_the_tool_makes_of_the_installed_phonenumbers() -> None:
    build = _tool().build  # type: ignore[attr-defined]
    assert (ROOT / "rules" / "mobile_prefixes.tsv").read_text(encoding="utf-8") == build()


def test_the_cn_mobile_pattern_is_libphonenumbers() -> None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    assert metadata is not None and metadata.mobile.national_number_pattern == CN_MOBILE.pattern


def _by_phonenumbers(text: str) -> str | None:
    try:
        return _home_province(phonenumbers.parse(text, "CN"))
    except phonenumbers.NumberParseException:
        return None


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_plainly_written_numbers_answer_as_phonenumbers_does() -> None:
    """Every 5-digit start of an 11-digit number beginning with 1 (valid mobiles, unallocated ranges, carrier
    codes, Beijing landlines without their 0), in the spellings the direct lookup takes and some it leaves to
    phonenumbers: the same province as phonenumbers' parse."""
    rng = random.Random(86)

    def grouped(n: str, sep: str) -> str:
        return sep.join((n[:3], n[3:7], n[7:]))

    spellings: list[Callable[[str], str]] = [
        lambda n: n,
        lambda n: "+86" + n,
        lambda n: "+86 " + grouped(n, " "),
        lambda n: grouped(n, "-"),
        lambda n: "+86-" + grouped(n, "-"),
        lambda n: f" {n} ",
        lambda n: f"-{n}-",
        lambda n: "+ 8 6 " + n,
        lambda n: "86" + n,  # the country code without +: phonenumbers decides
        lambda n: "0086" + n,
        lambda n: f"({n[:3]}) {n[3:]}",
        lambda n: n + "1",  # 12 digits
        lambda n: n[:10],
        lambda n: "+86\u00a0" + n,  # a no-break space
        lambda n: n.translate(FULL_WIDTH),
    ]
    differ = []
    plain = 0
    for start in range(10000, 20000):
        national = f"{start}{rng.randrange(10**6):06}"
        text = rng.choice(spellings)(national)
        plain += CN_MOBILE.fullmatch(national) is not None
        if _home_of(text) != _by_phonenumbers(text):
            differ.append(text)
    assert differ == []
    assert plain > 3000  # most of the sample takes the direct lookup


@pytest.mark.parametrize(
    "text",
    [
        "",
        "+",
        "+86",
        "1" * 40,
        "1" * 41,
        "+86" + "1" * 300,
        "13800138000\x00",
        "1380013800０",
        "13800138000ext12",
    ],
)
def test_odd_spellings_answer_as_phonenumbers_does(text: str) -> None:
    assert _home_of(text) == _by_phonenumbers(text)
