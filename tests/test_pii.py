"""Personal data is masked in every output format unless --show-pii is given."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from conftest import EXAMPLES
from icpcheck.choices import ReportFormat
from icpcheck.pii import mask_email, mask_id, mask_mobile, mask_name, mask_text

CLI = Callable[..., tuple[int, str, str]]


def _raw_values(path: Path) -> set[str]:
    """Every ID number and mobile written in a profile."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r'(?:id_number|mobile): "?([0-9X]{11,18})"?', text))


def _with_personal_data_in_findings(tmp_path: Path) -> Path:
    """An example whose findings quote personal values (holder = a person, person-named shareholders)."""
    data: dict[str, Any] = yaml.safe_load(
        (EXAMPLES / "beijing-licence-eligible.yaml").read_text(encoding="utf-8")
    )
    data["domains"][0]["holder"] = "13800138000 张三 110101199003071233"
    data["people"]["key_staff"][0]["social_insured"] = False
    path = tmp_path / "pii.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


PROFILES = sorted(EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("fmt", get_args(ReportFormat))
def test_no_format_shows_raw_ids_or_mobiles(cli: CLI, tmp_path: Path, fmt: str) -> None:
    paths = [*PROFILES, _with_personal_data_in_findings(tmp_path)]
    raw = set().union(*(_raw_values(p) for p in paths))
    assert len(raw) > 10
    _, out, err = cli("eligibility", *paths, "--as-of", "2026-11-22", "-f", fmt)
    leaked = {value for value in raw if value in out + err}
    assert not leaked, f"{fmt} shows {leaked}"
    if fmt in {"text", "json", "junit"}:  # the formats that quote actual values
        _, shown, _ = cli("eligibility", *paths, "--as-of", "2026-11-22", "-f", fmt, "--show-pii")
        assert "110101199003071233" in shown and "13800138000" in shown


def test_error_messages_are_masked(cli: CLI, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('version: 1\ncompany:\n  name: x\n  established: "13800138000"\n', encoding="utf-8")
    _, _, err = cli("eligibility", bad)
    assert "13800138000" not in err and "138****8000" in err
    _, _, err = cli("eligibility", bad, "--show-pii")
    assert "13800138000" in err


@pytest.mark.parametrize(
    ("func", "raw", "masked"),
    [
        (mask_id, "110101199003071233", "1101**********1233"),
        (mask_mobile, "13800138000", "138****8000"),
        (mask_email, "zs@example.cn", "z***@example.cn"),
    ],
)
def test_mask_shapes(func: Callable[[str], str], raw: str, masked: str) -> None:
    assert func(raw) == masked


def test_mask_text_leaves_other_numbers_alone() -> None:
    assert (
        mask_text("capital 1000000, licence 京ICP备2020012345号-1")
        == "capital 1000000, licence 京ICP备2020012345号-1"
    )
    assert mask_text("call +86 13900139000 or ls@yunfan.cn") == "call +86 139****9000 or l***@yunfan.cn"


def test_findings_masked_together_as_each_text_alone() -> None:
    """Redactor.findings searches all texts of a result at once: every finding must come out exactly as
    masking each of its texts alone would leave it, whether the personal data is whole in one text, split
    across two texts (not personal data then), at a text's edge or deep in a value."""
    import random

    from icpcheck.findings import Finding, Severity, Status
    from icpcheck.pii import Redactor

    redactor = Redactor()
    redactor._add("张三丰", mask_name)
    redactor._add("110101199003071233", mask_id)
    redactor._add("13800138000", mask_mobile)
    redactor._add("王\n王", mask_name)  # a multi-line value: its matches may overlap and span two texts
    pieces = "张三|丰|张三丰|1101011990|03071233|110101199003071233|138|00138000|13800138000|139 1111 2222"
    pieces += "|a@b.cn|@|x|1| |-|京ICP备2020012345号||王|\n"
    rng = random.Random(19)
    parts = pieces.split("|")

    def text() -> str:
        return "".join(rng.choice(parts) for _ in range(rng.randrange(4)))

    def value(depth: int = 0) -> Any:
        kind = rng.randrange(6 if depth < 2 else 3)
        if kind == 0:
            return text()
        if kind == 1:
            return rng.choice([None, 7, 1.5, True, ("110101199003071233",)])
        if kind == 2:
            return text()
        if kind == 3:
            return [value(depth + 1) for _ in range(rng.randrange(3))]
        return {text(): value(depth + 1) for _ in range(rng.randrange(3))}

    def finding(message: str, remediation: str, expected: Any = None, actual: Any = None) -> Finding:
        return Finding(
            "r", Status.FAIL, Severity.ERROR, message, remediation, "", expected=expected, actual=actual
        )

    # A match across two findings, then one within the second:
    cases = [[finding("x", "王"), finding("王\n王", "y")]]
    cases += [
        [finding(text(), text(), value(), value()) for _ in range(rng.randrange(1, 6))] for _ in range(300)
    ]
    for findings in cases:
        alone = [
            (
                redactor.text(f.message),
                redactor.text(f.remediation),
                redactor.value(f.expected),
                redactor.value(f.actual),
            )
            for f in findings
        ]
        redactor.findings(findings)
        assert [(f.message, f.remediation, f.expected, f.actual) for f in findings] == alone
