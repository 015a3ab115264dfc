"""Bad input of every kind: one line on stderr naming file, line and field; exit 2; no traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import ELIGIBLE

CLI = Callable[..., tuple[int, str, str]]


def _one_line_error(cli: CLI, *args: Any) -> str:
    code, out, err = cli(*args)
    assert code == 2, (out, err)
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


def test_not_a_number_names_file_line_and_field(cli: CLI, write_profile: Callable[..., Path]) -> None:
    text = (
        "version: 1\ncompany:\n  name: 某公司\n  province: beijing\n  entity_type: company\n"
        "  registered_capital_cny: 1000000\n  paid_in_capital_cny: lots\n"
    )
    path = write_profile(None, text)
    err = _one_line_error(cli, "eligibility", path)
    assert err.endswith(f'{path}:7: company.paid_in_capital_cny: not a number ("lots")')


def test_unknown_key_did_you_mean(cli: CLI, write_profile: Callable[..., Path]) -> None:
    path = write_profile(None, "version: 1\ncompany:\n  name: 某公司\n  registerd_capital_cny: 5\n")
    err = _one_line_error(cli, "eligibility", path)
    assert (
        f"{path}:4: company.registerd_capital_cny: unknown field; did you mean 'registered_capital_cny'?"
        in err
    )


@pytest.mark.parametrize("alias", ["beijing", "北京", "京", "北京市", "Beijing"])
def test_province_aliases(alias: str, write_profile: Callable[..., Path]) -> None:
    from icpcheck.profile import load_profile

    path = write_profile(None, f"version: 1\ncompany:\n  name: 某公司\n  province: {alias}\n")
    assert load_profile(path).profile.company.province == "beijing"


@pytest.mark.parametrize(
    ("province", "expected"),
    [
        ("hongkong", "not in mainland"),
        ("香港", "not in mainland"),
        ("台湾", "not in mainland"),
        ("bejing", "did you mean 'beijing'"),
    ],
)
def test_unknown_or_non_mainland_province(
    cli: CLI, write_profile: Callable[..., Path], province: str, expected: str
) -> None:
    path = write_profile(None, f"version: 1\ncompany:\n  name: 某公司\n  province: {province}\n")
    err = _one_line_error(cli, "eligibility", path)
    assert f"{path}:4: company.province:" in err and expected in err


def test_unknown_province_option(cli: CLI) -> None:
    from conftest import ELIGIBLE

    err = _one_line_error(cli, "eligibility", ELIGIBLE, "--province", "atlantis")
    assert "unknown province 'atlantis'" in err and "beijing" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\ncompany:\n  name: x\n   province: y\n", ":4:"),  # syntax error: line and column
        ("version: 1\ncompany:\n  name: [oops\n", "invalid YAML"),
        ("version: 1\ncompany:\n\tname: x\n", "invalid YAML"),  # tab
        ("", "is empty"),
        ("- a\n- b\n", "is a list"),
        ("just a string\n", "is a str"),
        ("version: 2\ncompany: {name: x}\n", "version"),
        ("version: 1\n", "company: required field is missing"),
        ("version: 1\ncompany: {name: x}\ncompany: {name: y}\n", "duplicate key 'company' (lines 2 and 3)"),
        ("version: 1\ncompany: {name: x, established: 2026-02-30}\n", "2026-02-30"),
        ("version: 1\ncompany: {name: x, paid_in_capital_cny: -5}\n", "paid_in_capital_cny"),
        ("version: 1\ncompany: !!python/object/apply:os.system ['echo hi']\n", "not allowed"),
    ],
)
def test_malformed_profiles(cli: CLI, write_profile: Callable[..., Path], text: str, expected: str) -> None:
    err = _one_line_error(cli, "eligibility", write_profile(None, text))
    assert expected in err


def test_billion_laughs_is_refused(cli: CLI, write_profile: Callable[..., Path]) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = write_profile(None, "\n".join(lines) + "\n")
    err = _one_line_error(cli, "eligibility", path)
    assert "more than 100,000 values" in err  # stopped after a bounded number of values


def test_missing_file(cli: CLI, tmp_path: Path) -> None:
    err = _one_line_error(cli, "eligibility", tmp_path / "nope.yaml")
    assert "nope.yaml: no such file" in err


def test_huge_file_is_refused(cli: CLI, write_profile: Callable[..., Path]) -> None:
    err = _one_line_error(cli, "eligibility", write_profile(None, "# " + "x" * 2_000_000 + "\n"))
    assert "larger than" in err


def test_gbk_profile_is_read(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("version: 1\ncompany:\n  name: 北京某公司\n  province: 北京\n".encode("gbk"))
    code, out, err = cli("eligibility", path, "-f", "json", "--as-of", "2026-11-22")
    assert code == 1 and err == ""
    assert json.loads(out)["results"][0]["profile"] == str(path)


# Lines a Windows editor saves as GBK whose bytes partly form valid UTF-8 Chinese (电话 → 绰, 注册 → 注, …);
# the first is seed 000's own wording, the last a whole line that is valid UTF-8 by accident.
GBK_TEXTS = [
    "# 北京管局电话：010-63310094",
    "# 1）网站首页，明示ICP备案号，公司名称、地址、电话",
    "# 域名注册证书；联系电话：010-62345678",
    "# 广州市天河区珠江新城；注意：社保人数须连续三个月",
    "# 郑十一",
]


@pytest.mark.parametrize("text", GBK_TEXTS, ids=[f"text{i}" for i in range(len(GBK_TEXTS))])
def test_gbk_profile_with_accidental_utf8_is_read(cli: CLI, tmp_path: Path, text: str) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(f"{text}\n{ELIGIBLE.read_text(encoding='utf-8')}".encode("gbk"))
    code, out, err = cli("eligibility", path, "-f", "json", "--as-of", "2026-11-22")
    assert code == 0 and err == "", err
    assert json.loads(out)["results"][0]["verdict"] == "eligible"


def _eligible_lines() -> list[str]:
    return ELIGIBLE.read_text(encoding="utf-8").splitlines(keepends=True)


def test_gbk_pasted_into_utf8_points_at_the_first_pasted_line(cli: CLI, tmp_path: Path) -> None:
    lines = _eligible_lines()
    pasted = "# 郑十一\n# 联系电话：010-62345678\n"  # the first line is valid UTF-8 by accident
    path = tmp_path / "mixed.yaml"
    path.write_bytes("".join(lines).encode("utf-8") + pasted.encode("gbk"))
    err = _one_line_error(cli, "eligibility", path)
    assert f"mixed.yaml:{len(lines) + 1}: mixed encodings" in err and "GBK" in err


def test_utf8_pasted_into_gbk_points_at_the_utf8_line(cli: CLI, tmp_path: Path) -> None:
    lines = _eligible_lines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("  address:"))
    raw = b"".join(line.encode("utf-8" if i == number else "gbk") for i, line in enumerate(lines, 1))
    path = tmp_path / "mixed.yaml"
    path.write_bytes(raw)
    err = _one_line_error(cli, "eligibility", path)
    assert f"mixed.yaml:{number}: mixed encodings" in err and "UTF-8" in err


def test_bad_as_of(cli: CLI) -> None:
    from conftest import ELIGIBLE

    assert "--as-of" in _one_line_error(cli, "eligibility", ELIGIBLE, "--as-of", "2026-13-01")


def test_bad_option_value(cli: CLI) -> None:
    from conftest import ELIGIBLE

    code, _, err = cli("eligibility", ELIGIBLE, "--type", "permit")
    assert code == 2 and "Traceback" not in err and "permit" in err
