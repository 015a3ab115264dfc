"""classify against the seeds' own words (issue 13 item 5)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CLI = Callable[..., tuple[int, str, str]]


def _classify(cli: CLI, path: Path) -> dict[str, dict[str, Any]]:
    code, out, err = cli("classify", path, "-f", "json", "--as-of", "2026-11-22", "--lang", "en")
    assert code == 0, err
    return {c["id"]: c for c in json.loads(out)["conclusions"]}


def _service(eligible_data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    eligible_data["service"].update(changes)
    return eligible_data


def test_unrecognised_commercial_activity_is_undecided_naming_the_field(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    data = _service(eligible_data, commercial=True, activities=["crypto_tipping"])
    del data["service"]["b25_subtypes"]
    licence = _classify(cli, write_profile(data))["classify.licence"]
    assert licence["verdict"] == "undecided"
    assert licence["field"] == "service.activities" and "service.activities" in licence["explanation"]


@pytest.mark.parametrize("activity", ["online_marketplace_for_third_party_sellers", "third_party_sellers"])
def test_platforms_for_third_party_sellers_need_the_licence(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any], activity: str
) -> None:
    """seed 000 / 004: 商品或服务的在线平台或第三方卖方需获得经营性ICP许可证."""
    data = _service(eligible_data, commercial=True, activities=[activity])
    del data["service"]["b25_subtypes"]
    assert _classify(cli, write_profile(data))["classify.licence"]["verdict"] == "needed"


def test_own_goods_only_needs_no_licence(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    """seed 001: 通过互联网进行线上线下交易的不是互联网信息服，不需要办此许可证，如网上卖衣服."""
    data = _service(eligible_data, commercial=True, activities=["sells_own_goods_only"], b25_subtypes=[])
    assert _classify(cli, write_profile(data))["classify.licence"]["verdict"] == "not_needed"


def test_a_declared_b25_subtype_means_the_licence_is_needed(
    cli: CLI, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    data = _service(eligible_data, commercial=False, activities=[], b25_subtypes=["info_protection"])
    assert _classify(cli, write_profile(data))["classify.licence"]["verdict"] == "needed"


@pytest.mark.parametrize(
    ("scope", "verdict"),
    [
        ("site_internal", "not_needed"),
        ("single_vertical", "not_needed"),
        ("local", "not_needed"),
        ("general", "needed"),
        (None, "needed"),
    ],
)
def test_only_general_search_needs_the_news_licence(
    cli: CLI,
    write_profile: Callable[[Any], Path],
    eligible_data: dict[str, Any],
    scope: str | None,
    verdict: str,
) -> None:
    """seed 001: 某网站或某APP平台的内部搜索功能，或仅提供单一垂直领域和本地化搜索的功能不属于此业务范畴."""
    data = _service(eligible_data, b25_subtypes=["search"])
    if scope:
        data["service"]["search_scope"] = scope
    assert _classify(cli, write_profile(data))["classify.news_licence"]["verdict"] == verdict
