"""Regenerate rules/divisions.tsv from cpca's administrative-division table (GB/T 2260 codes).

Usage: pip download --no-deps cpca==0.5.5 && unzip cpca-0.5.5-py3-none-any.whl &&
       python tools/update_divisions.py cpca/resources/adcodes.csv
Keeps the prefecture- and county-level names of mainland provinces (placeholders such as "市辖区" dropped).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
MAINLAND_EXCLUDED = {"71", "81", "82"}  # Taiwan, Hong Kong, Macao: no ICP filing there
HEADER = """\
# Prefecture- and county-level divisions of mainland China: GB/T 2260 code (6 digits) and name.
# Source: cpca 0.5.5 (MIT, github.com/DQinYuan/chinese_province_city_area_mapper), resources/adcodes.csv,
# itself the Ministry of Civil Affairs' list of division codes. Regenerate with tools/update_divisions.py.
# The first two digits are the province's division code (rules/provinces.yaml division_code).
"""


def main(source: str) -> None:
    rows: dict[str, str] = {}
    with open(source, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            if code[2:] == "0000" or code[:2] in MAINLAND_EXCLUDED or row["name"] in PLACEHOLDERS:
                continue
            rows[code] = row["name"]
    lines = [f"{code}\t{name}\n" for code, name in sorted(rows.items())]
    target = Path(__file__).resolve().parents[1] / "rules" / "divisions.tsv"
    target.write_text(HEADER + "".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
