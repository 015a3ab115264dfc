"""One options model for flags and the project configuration, read by every command.

Each command takes from `.icpcheck.yaml` (or `[tool.icpcheck]`) the settings it has; a flag overrides; an
unknown key or a bad value is one line naming the file and the key, whichever command runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pytest

from conftest import ELIGIBLE, ROOT
from test_custom_rules import CUSTOM

CLI = Callable[..., tuple[int, str, str]]
AS_OF = ("--as-of", "2026-11-22")
PAGE = ROOT / "tests" / "site_pages" / "good.html"


def _is_json(out: str) -> bool:
    try:
        json.loads(out)
    except ValueError:
        return False
    return True


# command line (without the setting) -> (a configuration, what its effect looks like in stdout)
COMMANDS: dict[str, tuple[tuple[str, ...], str, Callable[[str], bool]]] = {
    "eligibility": (("eligibility", str(ELIGIBLE), *AS_OF), "format: json", _is_json),
    "materials": (
        ("materials", "-t", "filing", *AS_OF),
        "lang: en",
        lambda out: "ICP filing materials" in out,
    ),
    "classify": (("classify", str(ELIGIBLE), *AS_OF), "format: json", _is_json),
    "timeline": (
        ("timeline", "-t", "filing", "--start", "2026-11-02"),
        "province: 沪",
        lambda o: "上海" in o or "shanghai" in o,  # the province by name in the report's language
    ),
    "provinces": (("provinces", *AS_OF), "format: json", _is_json),
    "obligations": (("obligations", str(ELIGIBLE), *AS_OF), "format: json", _is_json),
    "domain": (("domain", "example.cn", "--offline", *AS_OF), "format: json", _is_json),
    "site": (("site", str(PAGE), *AS_OF), "format: json", _is_json),
    "sources": (("sources",), "format: json", _is_json),
    "rules list": (("rules", "list"), "format: json", _is_json),
    "rules show": (
        ("rules", "show", "licence.capital"),
        "lang: en",
        lambda out: "Capital of at least" in out,
    ),
    "rules coverage": (("rules", "coverage"), "format: json", _is_json),
    "rules validate": (("rules", "validate"), "rules: my-rules", lambda out: "my-rules" in out),
    "init": (
        ("init", "p.yaml"),
        "province: 沪",
        lambda _: "province: shanghai" in Path("p.yaml").read_text("utf-8"),
    ),
    "schema": (("schema",), "lang: en", _is_json),
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (the configuration is searched up to its root) with a whois cache of its own."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ICPCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def test_every_command_is_covered(cli: CLI) -> None:
    _, out, _ = cli("--help")
    _, rules, _ = cli("rules", "--help")
    listed = {line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()}
    sub = {line.split()[0] for line in rules.split("Commands:")[1].splitlines() if line.strip()}
    assert {c.split()[0] for c in COMMANDS} == listed
    assert {c.split()[1] for c in COMMANDS if c.startswith("rules ")} == sub


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_reads_the_configuration(cli: CLI, repo: Path, command: str) -> None:
    args, setting, took_effect = COMMANDS[command]
    if setting.startswith("rules:"):
        shutil.copytree(ROOT / "rules", repo / "my-rules")
    _, before, _ = cli(*args)
    assert command == "schema" or not took_effect(before), before[:300]  # nothing in schema applies
    (repo / "p.yaml").unlink(missing_ok=True)
    (repo / ".icpcheck.yaml").write_text(setting + "\n", encoding="utf-8")
    code, after, err = cli(*args)
    assert code in (0, 1) and took_effect(after), (err, after[:300])


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_an_unknown_key(cli: CLI, repo: Path, command: str) -> None:
    (repo / ".icpcheck.yaml").write_text("colour: red\n", encoding="utf-8")
    code, out, err = cli(*COMMANDS[command][0])
    assert code == 2 and out == "" and not (repo / "p.yaml").exists()
    assert err.count("\n") == 1 and f"{repo / '.icpcheck.yaml'}: unknown setting 'colour'" in err


def test_a_flag_overrides_the_configuration(cli: CLI, repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.icpcheck]\nformat = "json"\nlang = "en"\n', encoding="utf-8")
    _, out, _ = cli("rules", "list", "-f", "markdown", "--lang", "zh")
    assert out.startswith("|") or out.startswith("#")
    assert not _is_json(out) and "规则" in out


def test_a_configured_format_serves_the_commands_that_have_it(cli: CLI, repo: Path) -> None:
    (repo / ".icpcheck.yaml").write_text("format: sarif\n", encoding="utf-8")
    _, out, _ = cli("eligibility", ELIGIBLE, *AS_OF)
    assert json.loads(out)["version"] == "2.1.0"
    code, out, _ = cli("materials", "-t", "filing", *AS_OF)  # no SARIF here: its default, text
    assert code == 0 and not _is_json(out) and "材料" in out


def test_configured_rules_are_relative_to_the_configuration(
    cli: CLI, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "rules", repo / "house-rules")
    (repo / "clients").mkdir()
    (repo / ".icpcheck.yaml").write_text("rules: house-rules\n", encoding="utf-8")
    (repo / "house-rules" / "custom.yaml").write_text(CUSTOM, encoding="utf-8")
    monkeypatch.chdir(repo / "clients")
    _, out, _ = cli("rules", "list", "-f", "json")
    assert "licence.house_rule" in {r["id"] for r in json.loads(out)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("show_pii: true\n", "setting 'show_pii' cannot be configured"),
        ("as-of: 2026-01-01\n", "setting 'as-of' cannot be configured"),
        ("jobs: 0\n", "setting 'jobs'"),
        ("jobs: true\n", "setting 'jobs'"),
        ("within: -1\n", "setting 'within'"),
        ("timeout: 0\n", "setting 'timeout'"),
        ("lang: fr\n", "lang: 'fr' is not one of zh, en"),
        ("type: both\n", "type: 'both' is not one of auto, filing, licence, all"),
        ("format: pdf\n", "format: 'pdf' is not one of text, json"),
        ("skip: [" + "x" * 300 + "]\n", "setting 'skip' must be a list of rule ID patterns"),
        ("rules: [a]\n", "setting 'rules'"),
        ("rules: nowhere\n", "setting 'rules': 'nowhere' is not a directory"),
    ],
)
def test_a_bad_value_names_the_file_and_the_key(cli: CLI, repo: Path, text: str, expected: str) -> None:
    (repo / ".icpcheck.yaml").write_text(text, encoding="utf-8")
    code, _, err = cli("sources")
    assert code == 2 and err.count("\n") == 1 and f"{repo / '.icpcheck.yaml'}: " in err and expected in err, (
        err
    )


def test_every_configuration_key_is_documented() -> None:
    from icpcheck.config import KEYS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration")[1].split("\n## ")[0]
    for key in KEYS:
        assert f"`{key}`" in section, key


def test_the_cli_choices_are_the_models_types() -> None:
    """One definition per choice: the writer registry, the profile model and the rules use the same."""
    from icpcheck import choices
    from icpcheck.engine.loader import RuleSpec
    from icpcheck.profile.model import Company
    from icpcheck.report.writers import FORMATS

    assert set(FORMATS) == set(get_args(choices.ReportFormat))
    assert Company.model_fields["entity_type"].annotation == choices.EntityType | None
    assert RuleSpec.model_fields["type"].annotation == choices.RuleType
    assert set(get_args(choices.Kind)) < set(get_args(choices.CheckType))


def test_help_does_not_import_the_options_model() -> None:
    code = "import sys, icpcheck.cli; print('icpcheck.config' in sys.modules, 'pydantic' in sys.modules)"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.split() == ["False", "False"]
