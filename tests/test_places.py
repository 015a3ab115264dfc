"""Places as people write them (issue 16): cities and districts resolve to their province from the GB/T 2260
table rules/divisions.tsv, short forms when not ambiguous, wherever a province is accepted."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from icpcheck.data import rules_dir
from icpcheck.errors import UsageError
from icpcheck.provinces import places, province_table, resolve_province

CLI = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("深圳", "guangdong"),
        ("深圳市", "guangdong"),
        ("浦东", "shanghai"),
        ("浦东新区", "shanghai"),
        ("苏州市", "jiangsu"),
        ("苏州", "jiangsu"),
        ("海淀区", "beijing"),
        ("杭州", "zhejiang"),
        ("延边朝鲜族自治州", "jilin"),
        ("吉林", "jilin"),  # the province, not the city of the same name (which is in Jilin too)
        ("海南", "hainan"),  # the province first; Qinghai's 海南藏族自治州 is written in full
        ("北京", "beijing"),
    ],
)
def test_cities_and_districts_resolve_to_their_province(name: str, key: str) -> None:
    assert resolve_province(name).key == key


@pytest.mark.parametrize(("name", "provinces"), [("朝阳", "beijing, jilin, liaoning"), ("鼓楼区", "fujian")])
def test_a_name_in_several_provinces_is_refused_naming_them(name: str, provinces: str) -> None:
    with pytest.raises(UsageError, match=f"more than one province \\({provinces}"):
        resolve_province(name)


def test_unknown_names_keep_the_hint() -> None:
    with pytest.raises(UsageError, match="did you mean 'guangdong'"):
        resolve_province("guangdon")
    with pytest.raises(UsageError, match="unknown province '不存在市'"):
        resolve_province("不存在市")
    with pytest.raises(UsageError, match="not in mainland China"):
        resolve_province("香港")


def test_the_table_states_its_source_and_covers_every_province() -> None:
    text = (rules_dir() / "divisions.tsv").read_text(encoding="utf-8")
    assert "GB/T 2260" in text and "cpca 0.5.5" in text
    codes = {str(p.extra["division_code"]) for p in province_table().provinces.values()}
    used = {c for found in places().values() for c in found}
    assert used == codes  # nothing outside the mainland, every province present
    assert len(text.splitlines()) > 3000


def test_profile_and_cli_accept_places(
    cli: CLI, write_profile: Callable[[Any], Any], eligible_data: dict[str, Any]
) -> None:
    eligible_data["company"]["province"] = "海淀区"
    _, out, err = cli("eligibility", write_profile(eligible_data), "--as-of", "2026-11-22", "-f", "json")
    assert {r["province"] for r in json.loads(out)["results"]} == {"beijing"}, err
    _, out, _ = cli(
        "eligibility",
        write_profile(eligible_data),
        "--as-of",
        "2026-11-22",
        "-f",
        "json",
        "--province",
        "深圳",
    )
    assert {r["province"] for r in json.loads(out)["results"]} == {"guangdong"}
    eligible_data["company"]["province"] = "朝阳"
    code, _, err = cli("eligibility", write_profile(eligible_data), "--as-of", "2026-11-22")
    assert code == 2 and "more than one province" in err and "Traceback" not in err
