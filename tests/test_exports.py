"""Exports that open right (issue 16): CSV with a BOM and a status column, an xlsx with the company and the
date in its title, a status drop-down and a frozen header row; --help with readable value names."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main

from conftest import ELIGIBLE, EXAMPLES
from icpcheck.cli.app import app

CLI = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize(("lang", "status"), [("en", "to do"), ("zh", "待准备")])
def test_materials_csv_has_a_bom_and_a_status_column(
    cli: CLI, tmp_path: Path, lang: str, status: str
) -> None:
    target = tmp_path / "m.csv"
    code, _, err = cli(
        "materials", "-t", "licence", "--province", "浦东", "-f", "csv", "--lang", lang, "-o", target
    )
    assert code == 0, err
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == ["id", "title", "title_en", "required", "why", "notes", "source", "status"]
    items = [r for r in rows if r["title"]]  # the rows for every document have no title
    assert items and {r["status"] for r in items} == {status}


def test_xlsx_has_company_and_date_in_the_title_a_status_drop_down_and_a_frozen_header(
    cli: CLI, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "m.xlsx"
    args = ("materials", "-t", "filing", "--profile", ELIGIBLE, "--as-of", "2026-11-22", "-f", "xlsx")
    code, _, err = cli(*args, "--lang", "en", "-o", target)
    assert code == 0, err
    sheet = openpyxl.load_workbook(target).active
    title = str(sheet["A1"].value)
    assert title.startswith("北京云帆信息技术有限公司 · ICP filing materials") and title.endswith(
        "2026-11-22"
    )
    assert sheet.freeze_panes == "A3" and sheet["G2"].value == "status"
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] is not None]
    [validation] = sheet.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"to do,in progress,ready,n/a"'
    assert str(validation.sqref) == f"G3:G{len(rows) + 2}"
    assert {r[6] for r in rows} == {"to do"}
    # an individual's name is personal data: masked in the title as everywhere else
    blog = tmp_path / "blog.xlsx"
    cli("materials", "-t", "filing", "--profile", EXAMPLES / "individual-blog.yaml", "-f", "xlsx", "-o", blog)
    assert "林晓" not in str(openpyxl.load_workbook(blog).active["A1"].value)


def _commands() -> list[list[str]]:
    root = typer.main.get_command(app)
    out: list[list[str]] = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", {})
        out.extend([[name, sub] for sub in subs] or [[name]])
    return out


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_help_shows_readable_value_names(cli: CLI, command: list[str]) -> None:
    code, out, _ = cli(*command, "--help")
    assert code == 0 and "Usage:" in out
    assert not re.search(r"<(list\[|int|str|float|path|file|bool|text)", out), out


def test_help_names_values_by_what_to_write(cli: CLI) -> None:
    _, out, _ = cli("eligibility", "--help")
    assert "--skip TEXT" in out and "-j, --jobs N" in out and "--lang [zh|en]" in out
    _, out, _ = cli("domain", "--help")
    assert re.search(r"--timeout SECONDS", out)
