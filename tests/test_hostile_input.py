"""Hostile and broken input: the nasty corpus, generated monsters, encodings and fuzzing of the CLI."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, ROOT
from icpcheck.cli.app import run

CLI = Callable[..., tuple[int, str, str]]
NASTY = sorted((ROOT / "tests" / "nasty").iterdir())


def _assert_one_line_exit_2(code: int, err: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("path", NASTY, ids=[p.name for p in NASTY])
def test_nasty_corpus_exits_2_with_one_line(cli: CLI, path: Path) -> None:
    # Speed is measured by bench/run.py (hostile inputs); here the work is bounded by the loader's limits.
    code, _, err = cli("eligibility", path, "--as-of", "2026-11-22")
    _assert_one_line_exit_2(code, err)
    assert path.name in err


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("python-object.yaml", "not allowed"),
        ("duplicate-keys.yaml", "(lines 3 and 4)"),
        ("tabs.yaml", ":3:"),
        ("mixed-encodings.yaml", "mixed encodings"),
        ("latin1.yaml", "iconv"),
        ("future-registration.yaml", "after the evaluation date"),
        ("impossible-date.yaml", "2026-02-30"),
        ("nul-bytes.yaml", "NUL"),
        ("billion-laughs.yaml", "alias"),
    ],
)
def test_nasty_messages_say_what_is_wrong(cli: CLI, name: str, expected: str) -> None:
    _, _, err = cli("eligibility", ROOT / "tests" / "nasty" / name, "--as-of", "2026-11-22")
    assert expected in err


def _run_subprocess(path: Path) -> tuple[int, str, int]:
    """Run the real CLI in a child: exit code, stderr, peak RSS of the child in KiB (GNU time's figure
    where available: RUSAGE_CHILDREN is the maximum over every child this test process ever had).
    The timeout only detects a hang; speed is measured by bench/run.py."""
    command = [sys.executable, "-m", "icpcheck", "eligibility", str(path)]
    with tempfile.NamedTemporaryFile("r") as log:
        timed = Path("/usr/bin/time").exists()
        prefix = ["/usr/bin/time", "-o", log.name, "-f", "%M"] if timed else []
        proc = subprocess.run([*prefix, *command], capture_output=True, text=True, check=False, timeout=300)
        rss = int(log.read().split()[-1]) if timed else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return proc.returncode, proc.stderr, rss


def test_50mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.write(b"version: 1\ncompany:\n  name: x\n")
        fh.write(b"# padding padding padding padding padding padding padding padding\n" * 800_000)
    assert big.stat().st_size > 50_000_000
    code, err, rss_kib = _run_subprocess(big)
    _assert_one_line_exit_2(code, err)
    assert "larger than" in err and rss_kib < 300_000


@pytest.mark.parametrize("style", ["flow", "block"])
def test_10000_levels_of_nesting(tmp_path: Path, style: str) -> None:
    deep = tmp_path / "deep.yaml"
    if style == "flow":
        deep.write_text("version: 1\ncompany: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    else:
        deep.write_text(
            "version: 1\n" + "".join(" " * i + f"k{i}:\n" for i in range(10_000)), encoding="utf-8"
        )
    code, err, _ = _run_subprocess(deep)
    _assert_one_line_exit_2(code, err)
    assert len(err) < 400


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("gbk", b""),
        ("gb18030", b""),
    ],
)
def test_supported_encodings(cli: CLI, tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = (EXAMPLES / "beijing-licence-eligible.yaml").read_text(encoding="utf-8")
    path = tmp_path / "encoded.yaml"
    path.write_bytes(bom + text.encode(encoding))
    code, out, err = cli("eligibility", path, "--as-of", "2026-11-22", "-f", "json")
    assert code == 0 and err == "", err
    assert {r["verdict"] for r in json.loads(out)["results"]} == {"eligible"}


# --- fuzzing: no traceback, exit code in {0, 1, 2} whatever the input -----------------------------------

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
EXAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.yaml"))]


def _run_file(tmp_path: Path, data: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    code = run(["eligibility", str(path), "--as-of", "2026-11-22", "-f", "json"])
    _, err = capsys.readouterr()
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err


@FUZZ
@given(data=st.binary(max_size=2_000))
def test_fuzz_random_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    _run_file(tmp_path, data, capsys)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30) | st.dates(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(doc=yaml_values)
def test_fuzz_random_yaml_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: object) -> None:
    _run_file(tmp_path, yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"), capsys)


@FUZZ
@given(
    index=st.integers(0, len(EXAMPLE_TEXTS) - 1),
    position=st.integers(0, 10_000),
    cut=st.integers(0, 40),
    insert=st.text(max_size=20),
)
def test_fuzz_mutated_examples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], index: int, position: int, cut: int, insert: str
) -> None:
    text = EXAMPLE_TEXTS[index]
    position %= len(text)
    _run_file(tmp_path, (text[:position] + insert + text[position + cut :]).encode("utf-8"), capsys)


@FUZZ
@given(
    index=st.integers(0, len(EXAMPLE_TEXTS) - 1),
    key=st.sampled_from(
        [
            "registered_capital_cny",
            "paid_in_capital_cny",
            "registered",
            "expires",
            "insured",
            "month",
            "province",
            "entity_type",
            "real_name_verified",
            "b25_subtypes",
            "content",
            "shareholders",
            "key_staff",
        ]
    ),
    value=yaml_values,
)
def test_fuzz_wrong_types_in_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], index: int, key: str, value: object
) -> None:
    doc = yaml.safe_load(EXAMPLE_TEXTS[index])

    def replace(node: object) -> None:
        if isinstance(node, dict):
            for k in node:
                if k == key:
                    node[k] = value
                else:
                    replace(node[k])
        elif isinstance(node, list):
            for item in node:
                replace(item)

    replace(doc)
    _run_file(tmp_path, yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"), capsys)


def _command_paths() -> list[list[str]]:
    import typer.main

    from icpcheck.cli import app

    root = typer.main.get_command(app)
    paths: list[list[str]] = []

    def walk(command: object, prefix: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, [*prefix, name])
        else:
            paths.append(prefix)

    walk(root, [])
    return paths


@pytest.mark.parametrize("command", _command_paths(), ids=lambda c: " ".join(c))
def test_every_command_rejects_bad_options_in_one_line(cli: CLI, command: list[str]) -> None:
    code, _, err = cli(*command, "--no-such-option")
    assert code == 2 and "Traceback" not in err and "no-such-option" in err
    code, _, err = cli(*command, "--lang", "klingon", "--province", "atlantis", "--format", "pdf")
    assert code == 2 and "Traceback" not in err


def test_internal_errors_exit_3_with_a_hint_and_traceback_only_with_debug(
    cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    import icpcheck.engine

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(icpcheck.engine, "load_ruleset", boom)
    code, _, err = cli("eligibility", EXAMPLES / "missing-data.yaml")
    assert code == 3 and "internal error" in err and "--debug" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        run(["--debug", "eligibility", str(EXAMPLES / "missing-data.yaml")])


_NUMBERS = ["0", "7", "012", "0x1F", "0o17", "0b101", "1_000", "+5", "-5", "1:30", "9" * 20, "1.5", ".inf"]
_WORDS = ["true", "True", "TRUE", "yes", "No", "off", "y", "null", "~", "Null", "'quoted'", "１２", "二"]
_DATES = ["2026-02-28", "2026-02-30", "2026-2-3", "2026-02-28T10:00:00"]
_TAGGED = ["!!int 12", "!!int 012", "!!bool maybe", "!!bool on", "!!null x", "!!timestamp 2026-13-01"]


@pytest.mark.parametrize("scalar", _NUMBERS + _WORDS + _DATES + _TAGGED)
def test_scalars_read_as_pyyaml_reads_them(scalar: str) -> None:
    """The walk's shortcut for common scalars (decimals, booleans, null, dates) gives what PyYAML's safe
    constructor gives, and a value it refuses is refused with the constructor's reason."""
    from icpcheck.errors import ProfileError
    from icpcheck.yamlio import load_yaml_text

    text = f"v: {scalar}\nw: [{scalar}]\n"
    try:
        expected = yaml.safe_load(text)
    except Exception as exc:  # e.g. KeyError for !!bool maybe, ValueError for 2026-02-30
        with pytest.raises(ProfileError) as raised:
            load_yaml_text(text, "t.yaml")
        assert f"invalid value {scalar.split()[-1]!r}: {exc}" in str(raised.value)
        return
    got = load_yaml_text(text, "t.yaml").data
    assert got == expected
    assert [type(got["v"]), type(got["w"][0])] == [type(expected["v"]), type(expected["w"][0])]
