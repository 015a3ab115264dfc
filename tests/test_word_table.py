"""Every output's fixed words come from one table, icpcheck.words.LABELS.

A report or command module with its own zh/en table drifts from the others (the same word said two ways, a
key missing in one language); a module reaching into another's private name breaks when that module changes.
Both are read from the source with ast, so a new module is checked without being listed here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "icpcheck"
LANGS = {"zh", "en"}


def _trees(folder: Path) -> dict[str, ast.Module]:
    return {
        str(path.relative_to(PACKAGE)): ast.parse(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(folder.rglob("*.py"))
    }


def _label_tables(tree: ast.Module) -> list[int]:
    """Lines of dict literals keyed by both languages: {"zh": …, "en": …}."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict) and {k.value for k in node.keys if isinstance(k, ast.Constant)} >= LANGS
    ]


def _private_imports(tree: ast.Module) -> list[str]:
    """`from icpcheck.x import _name`: a private name of another module."""
    return [
        f"{node.lineno}: from {node.module} import {alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("icpcheck")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]


def test_report_and_command_modules_define_no_label_table() -> None:
    trees = {**_trees(PACKAGE / "report"), **_trees(PACKAGE / "cli")}
    found = {name: lines for name, tree in trees.items() if (lines := _label_tables(tree))}
    assert found == {}, f"put these words in icpcheck.words.LABELS: {found}"


def test_the_check_finds_a_label_table() -> None:
    table = ast.parse('_HEAD = {"zh": {"item": "材料"}, "en": {"item": "item"}}\nSTYLE = {"ok": "green"}')
    assert _label_tables(table) == [1]


def test_no_module_imports_a_private_name_of_another() -> None:
    found = {name: hits for name, tree in _trees(PACKAGE).items() if (hits := _private_imports(tree))}
    assert found == {}
    sample = ast.parse("from icpcheck.report.checklist import _HEAD\nfrom icpcheck.words import LABELS\n")
    assert _private_imports(sample) == ["1: from icpcheck.report.checklist import _HEAD"]


def test_every_label_is_said_in_both_languages() -> None:
    from icpcheck.words import LABELS

    assert set(LABELS) == LANGS
    assert set(LABELS["zh"]) == set(LABELS["en"])
    assert [k for lang in LANGS for k, v in LABELS[lang].items() if not v.strip()] == []


def test_the_html_template_names_only_known_words() -> None:
    """The client report's template looks its words up by name (words.x, words['gap_' ~ status]): each
    name must be in the table, or the report fails only when that part is first rendered."""
    import re

    from icpcheck.report.html import _GAPS
    from icpcheck.words import LABELS

    template = (PACKAGE / "report" / "templates" / "report.html.j2").read_text(encoding="utf-8")
    assert "words['gap_' ~ f.status.value]" in template
    names = set(re.findall(r"\bwords\.(\w+)", template)) | {f"gap_{s.value}" for s in _GAPS}
    assert len(names) > 20
    assert sorted(names - set(LABELS["en"])) == []
