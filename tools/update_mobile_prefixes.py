"""Regenerate rules/mobile_prefixes.tsv: the province of each +86 number range, from libphonenumber's data.

Usage: python tools/update_mobile_prefixes.py   (with the phonenumbers package installed)

phonenumbers' geocoder (号码归属地) keeps every country's prefixes in one table that costs ≈ 120 MB and
≈ 0.3 s to import; the local-mobile rule only needs the province of a mainland number. The lookup is the
geocoder's own (longest matching prefix of the E.164 digits, its Chinese description) mapped to a province of
rules/provinces.yaml as `engine.identifiers` did with the full table (the first province whose Chinese name
begins the description). Every key is at most WIDTH digits and every valid mainland number at least that long,
so the ranges of WIDTH-digit prefixes are an exact copy: each line is the first WIDTH-digit prefix of a range
and its province ("-": none), the range running to the next line. tests/test_mobile_prefixes.py checks that
the file is what this tool makes from the installed phonenumbers, and answers like the geocoder.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "rules" / "mobile_prefixes.tsv"
COUNTRY = "86"
WIDTH = 9  # digits of the longest +86 key; a mainland number has at least 2 + 7 (the shortest fixed line)


def header(version: str) -> str:
    return f"""\
# Province of each +86 number range (号码归属地), {WIDTH}-digit E.164 prefixes: a range starts at its line and
# runs to the next; "-" = no province. Source: phonenumbers {version} (Apache-2.0, github.com/daviddrysdale/
# python-phonenumbers), geodata of country code {COUNTRY} in Chinese, itself libphonenumber's
# resources/geocoding/zh/{COUNTRY}.txt; provinces by the Chinese names of rules/provinces.yaml.
# Regenerate with tools/update_mobile_prefixes.py.
"""


def build() -> str:
    """The file's text from the installed phonenumbers and the province table."""
    import phonenumbers
    from phonenumbers.geodata import GEOCODE_DATA

    sys.path.insert(0, str(ROOT / "src"))
    from icpcheck.provinces import province_table

    names = {k: v["zh"] for k, v in GEOCODE_DATA.items() if k.startswith(COUNTRY) and "zh" in v}
    assert max(map(len, names)) <= WIDTH, "a longer prefix: raise WIDTH (and check the shortest number)"
    provinces = list(province_table().provinces.values())

    def province(start: int) -> str:
        digits = str(start)
        for length in range(WIDTH, 0, -1):  # the geocoder's order: the longest matching prefix first
            place = names.get(digits[:length])
            if place is not None:
                return next((p.key for p in provinces if place.startswith(p.zh)), "-")
        return "-"

    # Between two consecutive range ends of any key, the longest matching prefix cannot change.
    low, high = int(COUNTRY) * 10 ** (WIDTH - 2), (int(COUNTRY) + 1) * 10 ** (WIDTH - 2)
    bounds = {low}
    for key in names:
        scale = 10 ** (WIDTH - len(key))
        bounds.update((int(key) * scale, (int(key) + 1) * scale))
    lines: list[str] = []
    last = None
    for start in sorted(b for b in bounds if low <= b < high):
        value = province(start)
        if value != last:
            lines.append(f"{start}\t{value}\n")
            last = value
    return header(phonenumbers.__version__) + "".join(lines)


if __name__ == "__main__":
    TARGET.write_text(build(), encoding="utf-8")
