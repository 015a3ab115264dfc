"""Hostile files, terminals and outputs: control characters, deep nesting, FIFOs, outputs that are inputs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ELIGIBLE, EXAMPLES, ROOT
from icpcheck.cli.app import run

CLI = Callable[..., tuple[int, str, str]]
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e\x00\x85"
# What must never reach a terminal or an XML document raw.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _one_error_line(code: int, err: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


# --- terminal escapes and control characters ------------------------------------------------------------


def test_printable_escapes_what_a_terminal_or_xml_would_obey() -> None:
    from icpcheck.textsafe import printable

    shown = printable("a\x1b[2Jb\x9b\u202ec\udcffd\n\te\r")
    assert shown == "a\\x1b[2Jb\\x9b\\u202ec\\xffd\n\te\\r"
    assert printable("x\ny", one_line=True) == "x\\ny"
    assert printable(shown) == shown  # idempotent: safe to apply at several layers


@pytest.fixture
def evil_profile(tmp_path: Path) -> Path:
    """A profile with gaps whose file name carries escapes (it is echoed by every format)."""
    path = tmp_path / f"evil{ESCAPES.replace(chr(0), '')}.yaml"
    shutil.copy(EXAMPLES / "beijing-licence-gaps.yaml", path)
    return path


@pytest.mark.parametrize("fmt", ["text", "markdown", "github", "junit"])
def test_human_formats_never_print_control_characters(cli: CLI, evil_profile: Path, fmt: str) -> None:
    _, out, err = cli("eligibility", evil_profile, "-f", fmt, "--as-of", "2026-11-22", "--lang", "en")
    assert "Traceback" not in err
    assert out and not RAW.search(out.replace("\n", "").replace("\t", "")), repr(out)
    assert "\\x1b]0;pwned\\x07" in out  # shown, visibly, not dropped
    if fmt == "junit":
        ET.fromstring(out.encode("utf-8"))  # valid XML 1.0


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_formats_stay_valid_and_keep_the_value(cli: CLI, evil_profile: Path, fmt: str) -> None:
    _, out, _ = cli("eligibility", evil_profile, "-f", fmt, "--as-of", "2026-11-22")
    assert "\x1b" not in out  # JSON escapes it
    assert "\\u001b]0;pwned" in out and json.loads(out)


def test_error_lines_escape_file_names_and_values(cli: CLI, tmp_path: Path) -> None:
    bad = tmp_path / "x\x1b]0;pwned\x07.yaml"
    # One mistake (a hostile province), so that one line on stderr means no escape split it.
    bad.write_text('version: 1\ncompany:\n  name: x\n  province: "\\e[2J\\x9b\\u202e"\n', encoding="utf-8")
    for fmt in ("text", "junit", "markdown", "github"):
        _, out, err = cli("eligibility", bad, "-f", fmt)
        assert not RAW.search(err.rstrip("\n")), repr(err)
        assert not RAW.search(out.replace("\n", "")), repr(out)
        assert "x\\x1b]0;pwned\\x07.yaml" in err
    _one_error_line(*cli("eligibility", bad)[::2])


def test_undecodable_file_name_is_shown_not_a_crash(cli: CLI, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    name = b"caf\xe9.yaml"
    shutil.copy(EXAMPLES / "missing-data.yaml", bytes(folder) + b"/" + name)
    shutil.copy(ELIGIBLE, folder / "b.yaml")
    for fmt in ("text", "json", "sarif", "junit", "markdown", "github"):
        code, out, err = cli("eligibility", folder, "-f", fmt, "--as-of", "2026-11-22")
        assert code in (0, 1) and "internal error" not in err, err
        assert "caf\\xe9.yaml" in out or "caf\\udce9.yaml" in out, out
        if fmt in ("json", "sarif"):
            json.loads(out)


# --- deep nesting: refused before libyaml's recursive composer can crash the process ----------------------


def _icpcheck(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child (a crash cannot take pytest down); the timeout only detects hangs."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "icpcheck", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=cwd,
        env=env,
    )


DEEP = {
    "flow-seq": "foo: " + "[" * 40_000,
    "flow-map": "foo: " + "{a: " * 40_000,
    "block-seq": "- " * 40_000 + "x",
    "explicit-keys": "? " * 40_000 + "x",
}


@pytest.mark.parametrize("style", DEEP)
def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path, style: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(DEEP[style], encoding="utf-8")
    proc = _icpcheck("eligibility", path)
    _one_error_line(proc.returncode, proc.stderr)
    assert "nested deeper than 64 levels" in proc.stderr and "deep.yaml:1" in proc.stderr


def _repo(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_deep_nesting_in_the_config_file_is_refused(tmp_path: Path) -> None:
    repo = _repo(tmp_path, ".icpcheck.yaml", DEEP["flow-seq"])
    proc = _icpcheck("eligibility", EXAMPLES / "missing-data.yaml", cwd=repo)
    _one_error_line(proc.returncode, proc.stderr)
    assert ".icpcheck.yaml:1: nested deeper" in proc.stderr


def test_deep_nesting_in_pyproject_is_refused(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "pyproject.toml", "[tool.icpcheck]\nskip = " + "[" * 40_000 + "]" * 40_000)
    proc = _icpcheck("eligibility", EXAMPLES / "missing-data.yaml", cwd=repo)
    _one_error_line(proc.returncode, proc.stderr)
    assert "pyproject.toml: cannot read configuration: nested too deeply" in proc.stderr


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (".icpcheck.yaml", "skip: [1]\n", "setting 'skip' must be a list of rule ID patterns"),
        (".icpcheck.yaml", "only: [{a: b}]\n", "setting 'only' must be a list of rule ID patterns"),
        (".icpcheck.yaml", "fail_on: sometimes\n", "fail_on: 'sometimes' is not one of"),
        (".icpcheck.yaml", "province: atlantis\n", "atlantis"),
        ("pyproject.toml", "[tool]\nicpcheck = 1\n", "configuration must be a mapping"),
        ("pyproject.toml", "tool = 1\n", "[tool] must be a table"),
        ("pyproject.toml", '[tool.icpcheck]\nskip = [["x"]]\n', "setting 'skip' must be a list"),
        ("pyproject.toml", '[tool.icpcheck]\nformat = "pdf"\n', "format: 'pdf' is not one of"),
    ],
)
def test_bad_config_is_one_line_naming_the_file(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, expected: str
) -> None:
    monkeypatch.chdir(_repo(tmp_path, name, text))
    code, _, err = cli("eligibility", EXAMPLES / "missing-data.yaml")
    _one_error_line(code, err)
    assert f"{tmp_path / name}: " in err and expected in err, err


# --- a batch survives a worker that dies ------------------------------------------------------------------

_CRASHING_WORKER = """
import os, signal, sys
import icpcheck.batch as batch
original = batch.evaluate_path
def evaluate_path(path, *args):
    if path.name == "crash.yaml":  # stands for a file that crashes a C library
        os.kill(os.getpid(), signal.SIGSEGV)
    return original(path, *args)
batch.evaluate_path = evaluate_path
from icpcheck.cli.app import run
sys.exit(run(sys.argv[1:]))
"""


def test_a_dead_worker_fails_its_file_not_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(70):
        shutil.copy(EXAMPLES / "missing-data.yaml", folder / f"p{i:02}.yaml")
    shutil.copy(EXAMPLES / "missing-data.yaml", folder / "crash.yaml")
    proc = subprocess.run(
        [sys.executable, "-c", _CRASHING_WORKER, "eligibility", folder, "--jobs", "2", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,  # detects the hang; a healthy run takes seconds
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "crash.yaml: the worker process" in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    assert len({r["profile"] for r in report["results"]}) == 70
    assert [Path(e["profile"]).name for e in report["errors"]] == ["crash.yaml"]


# --- messages that say what is wrong --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'version: 1\ncompany:\n  name: x\n  "na[me": y\n',
            ":4: company.na[me: unknown field; did you mean 'name'?",
        ),
        ("version: 1\n0[: 1\ncompany: {name: x}\n", ":2: 0[: unknown field"),
    ],
)
def test_a_key_containing_a_bracket_is_named(cli: CLI, tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = cli("eligibility", path)
    assert expected in _one_error_line(code, err)


# --- outputs: never an input, replaced atomically, write errors are input errors --------------------------


def _profile(tmp_path: Path, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    shutil.copy(EXAMPLES / "missing-data.yaml", path)
    return path


@pytest.mark.parametrize("alias", ["same", "relative", "symlink", "hardlink"])
def test_output_that_is_an_input_is_refused(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alias: str
) -> None:
    profile = _profile(tmp_path)
    before = profile.read_bytes()
    monkeypatch.chdir(tmp_path)
    output = {"same": str(profile), "relative": "./sub/../p.yaml", "symlink": "link.yaml", "hardlink": "hard"}
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.yaml").symlink_to(profile)
    os.link(profile, tmp_path / "hard")
    for command in (["eligibility", str(profile)], ["materials", "-t", "filing", "--profile", str(profile)]):
        code, _, err = cli(*command, "-o", output[alias])
        assert "refusing to overwrite" in _one_error_line(code, err)
        assert profile.read_bytes() == before


def test_output_that_is_the_config_file_is_refused(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, ".icpcheck.yaml", "lang: en\n")
    monkeypatch.chdir(repo)
    code, _, err = cli("eligibility", EXAMPLES / "missing-data.yaml", "-o", ".icpcheck.yaml")
    assert "refusing to overwrite" in _one_error_line(code, err)
    assert (repo / ".icpcheck.yaml").read_text(encoding="utf-8") == "lang: en\n"


def test_a_failed_run_leaves_the_last_good_report(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import icpcheck.batch

    report = tmp_path / "report.json"
    report.write_text('{"last": "good"}\n', encoding="utf-8")
    original = icpcheck.batch.evaluate_many

    def half_then_crash(*args: Any, **kwargs: Any) -> Any:
        yield next(original(*args, **kwargs))
        raise RuntimeError("killed half-way")

    monkeypatch.setattr(icpcheck.batch, "evaluate_many", half_then_crash)
    code, _, err = cli(
        "eligibility", _profile(tmp_path), _profile(tmp_path, "q.yaml"), "-f", "json", "-o", report
    )
    assert code == 3 and "killed half-way" in err
    assert report.read_text(encoding="utf-8") == '{"last": "good"}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yaml", "q.yaml", "report.json"]  # no temp left


def test_output_replaces_the_file_a_symlink_names_and_keeps_its_mode(cli: CLI, tmp_path: Path) -> None:
    target = tmp_path / "reports" / "latest.md"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "report.md"
    link.symlink_to(target)
    cli("eligibility", _profile(tmp_path), "-f", "markdown", "-o", link)
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("## icpcheck")
    assert target.stat().st_mode & 0o777 == 0o640


def test_output_to_a_device_is_written_not_replaced(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli("eligibility", _profile(tmp_path), "-o", os.devnull)
    assert code == 1 and err == ""
    assert not Path(os.devnull).is_file()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("where", ["-o", "stdout"])
@pytest.mark.parametrize("command", [["eligibility", "-f", "json"], ["materials", "-t", "licence"]])
def test_a_full_disk_is_one_line_exit_2(tmp_path: Path, where: str, command: list[str]) -> None:
    args = [*command, "--profile" if command[0] == "materials" else "", str(_profile(tmp_path))]
    args = [a for a in args if a]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "icpcheck", *args, *(["-o", "/dev/full"] if where == "-o" else [])],
            stdout=full if where == "stdout" else subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=300,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
    _one_error_line(proc.returncode, proc.stderr)
    assert "No space left on device" in proc.stderr


def test_xlsx_survives_control_characters_and_never_overwrites_the_profile(cli: CLI, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    import io

    from icpcheck.engine import load_ruleset
    from icpcheck.materials import tailor
    from icpcheck.report.checklist import write_xlsx

    checklist = tailor("licence", "beijing", "company", load_ruleset())
    checklist.items[0].why = "\x1b]0;pwned\x07\x00"
    buffer = io.BytesIO()
    write_xlsx(checklist, "en", buffer)
    assert buffer.getvalue()[:2] == b"PK"
    profile = _profile(tmp_path)
    code, _, err = cli("materials", "-t", "licence", "-f", "xlsx", "-o", profile, "--profile", profile)
    assert "refusing to overwrite" in _one_error_line(code, err)
    assert profile.read_bytes() == (EXAMPLES / "missing-data.yaml").read_bytes()


# --- only regular files are read: FIFOs, devices, sockets, unreadable folders ------------------------------


def test_a_fifo_as_profile_or_in_a_folder_is_an_error_not_a_hang(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    folder.mkdir()
    os.mkfifo(folder / "fifo.yaml")
    _profile(folder)
    proc = _icpcheck("eligibility", folder / "fifo.yaml")  # blocked forever before the fix
    assert "fifo.yaml: is a FIFO (named pipe), not a regular file" in _one_error_line(
        proc.returncode, proc.stderr
    )
    proc = _icpcheck("eligibility", folder, "-f", "json")
    assert proc.returncode == 2 and "fifo.yaml: is a FIFO" in proc.stderr
    assert [Path(r["profile"]).name for r in json.loads(proc.stdout)["results"]] == ["p.yaml", "p.yaml"]
    proc = _icpcheck("site", folder / "fifo.yaml")
    assert "is a FIFO" in _one_error_line(proc.returncode, proc.stderr)


def test_a_device_or_socket_as_profile_is_an_error(cli: CLI, tmp_path: Path) -> None:
    import socket

    code, _, err = cli("eligibility", "/dev/zero")  # read to the size limit before the fix
    assert "/dev/zero: is a device or socket, not a regular file" in _one_error_line(code, err)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "s.yaml"))
        code, _, err = cli("eligibility", tmp_path / "s.yaml")
    assert "is a socket" in _one_error_line(code, err)


def test_an_unreadable_sub_folder_is_reported_not_skipped(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret").mkdir()
    _profile(tmp_path / "secret")
    _profile(tmp_path)
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:  # chmod 000 does not stop root: refuse the folder here
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, _, err = cli("eligibility", tmp_path, "-f", "json")
    assert code == 2
    assert f"{tmp_path / 'secret'}: folder cannot be read (Permission denied)" in err


@pytest.mark.parametrize("value", ["9" * 30, "9" * 5000, "-5", "1e9", "0"])
def test_a_bad_size_limit_is_one_line(cli: CLI, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ICPCHECK_MAX_FILE_BYTES", value)
    code, _, err = cli("eligibility", EXAMPLES / "missing-data.yaml")
    assert "ICPCHECK_MAX_FILE_BYTES=" in _one_error_line(code, err) and len(err) < 200


def test_pyproject_that_is_not_utf8_is_one_line(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.icpcheck]\nlang = "\xff"\n')
    monkeypatch.chdir(_repo(tmp_path, "README", ""))
    code, _, err = cli("eligibility", EXAMPLES / "missing-data.yaml")
    assert "pyproject.toml: cannot read configuration" in _one_error_line(code, err)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-02-15", "1899-12-31", "3000-01-01"])
@pytest.mark.parametrize(
    "command",
    [
        ["eligibility", str(ELIGIBLE), "--as-of"],
        ["timeline", "-t", "filing", "--province", "beijing", "--start"],
    ],
)
def test_dates_out_of_range_are_one_line(cli: CLI, day: str, command: list[str]) -> None:
    code, _, err = cli(*command, day)
    assert f"{day} is outside the years 1900–2999" in _one_error_line(code, err)


def test_profile_dates_at_the_calendar_limits_do_not_crash(cli: CLI, tmp_path: Path) -> None:
    text = ELIGIBLE.read_text(encoding="utf-8")
    for day in ("9999-12-31", "0001-01-01"):
        path = tmp_path / f"{day}.yaml"
        path.write_text(re.sub(r"\b20\d\d-\d\d-\d\d\b", day, text), encoding="utf-8")
        for command in (
            ["eligibility", path, "--as-of", "2026-11-22"],
            ["materials", "-t", "licence", "--profile", path],
        ):
            code, _, err = cli(*command)
            assert code in (0, 1, 2) and "internal error" not in err, err


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        ("0001-01-01", None),
        ("99999", 'not a month YYYY-MM ("99999")'),
        ("2026-13", 'not a month YYYY-MM ("2026-13")'),
    ],
)
def test_month_messages_show_the_value_as_written(
    cli: CLI, tmp_path: Path, month: str, expected: str | None
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        ELIGIBLE.read_text(encoding="utf-8").replace("month: 2026-08,", f"month: {month},"), "utf-8"
    )
    code, _, err = cli("eligibility", path, "--as-of", "2026-11-22")
    if expected is None:  # a date keeps its month, year 1 included (strftime wrote "1-01")
        assert code in (0, 1) and err == "", err
    else:
        assert expected in _one_error_line(code, err)


def test_a_5000_digit_number_is_not_echoed_in_full(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        re.sub(
            r"paid_in_capital_cny: \d+",
            "paid_in_capital_cny: " + "9" * 5000,
            ELIGIBLE.read_text(encoding="utf-8"),
        ),
        "utf-8",
    )
    code, _, err = cli("eligibility", path)
    assert "has 5,000 characters: out of range" in _one_error_line(code, err) and len(err) < 300


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be", "utf-16-le"])
def test_utf16_or_32_without_bom_is_named(cli: CLI, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(ELIGIBLE.read_text(encoding="utf-8").encode(encoding))
    code, _, err = cli("eligibility", path)
    kind = encoding[:6].upper()
    assert f"looks like {kind} without a byte-order mark" in _one_error_line(code, err)


def test_utf32_with_bom_is_read(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(ELIGIBLE.read_text(encoding="utf-8").encode("utf-32"))
    code, _, err = cli("eligibility", path, "--as-of", "2026-11-22")
    assert code == 0, err


def test_an_uppercase_url_scheme_is_a_url_not_a_file_name(cli: CLI) -> None:
    code, _, err = cli("site", "HTTP://127.0.0.1:9/")  # loopback is refused before any connection
    assert "no such file" not in _one_error_line(code, err) and "127.0.0.1" in err


# --- the nasty corpus in every human format; fuzzing of nesting, control characters and the config ----------

NASTY = sorted((ROOT / "tests" / "nasty").iterdir())


@pytest.mark.parametrize("path", NASTY, ids=[p.name for p in NASTY])
def test_nasty_corpus_never_prints_control_characters(cli: CLI, path: Path) -> None:
    for fmt in ("text", "junit", "github", "markdown"):
        _, out, err = cli("eligibility", path, "-f", fmt, "--as-of", "2026-11-22")
        assert not RAW.search(err.rstrip("\n")) and not RAW.search(out.replace("\n", "")), (fmt, err)
        if fmt == "junit":
            ET.fromstring(out.encode("utf-8"))


FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2) and "internal error" not in err and "Traceback" not in err, err
    return code, out, err


@FUZZ
@given(
    openers=st.lists(
        st.sampled_from(["[", "{a: ", "- ", "? ", "{? ", "[{", "a:\n" + " " * 2]), min_size=1, max_size=6
    ),
    depth=st.integers(1, 30_000),
    tail=st.sampled_from(["", "x", "]" * 10, "\n", "}"]),
)
def test_fuzz_deep_nesting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], openers: list[str], depth: int, tail: str
) -> None:
    path = tmp_path / "deep.yaml"
    text = "version: 1\ncompany: " + "".join(openers[i % len(openers)] for i in range(depth)) + tail
    path.write_text(text[:900_000], encoding="utf-8")
    code, _, err = _run(capsys, "eligibility", path, "-f", "json")
    if depth > 100 and code == 2:
        assert len(err) < 500


controls = st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Cs", "Lo"]), max_size=20)


@FUZZ
@given(value=controls, name=controls, fmt=st.sampled_from(["text", "junit", "github", "markdown"]))
def test_fuzz_control_characters_in_values_and_file_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, name: str, fmt: str
) -> None:
    safe_name = name.replace("/", "").replace("\x00", "")
    path = tmp_path / f"p{safe_name}.yaml"
    for key in ("province", "name", "business_scope"):
        text = (EXAMPLES / "missing-data.yaml").read_text(encoding="utf-8")
        path.write_text(text.replace("company:\n", f"company:\n  {key}: {json.dumps(value)}\n", 1), "utf-8")
        _, out, err = _run(capsys, "eligibility", path, "-f", fmt, "--as-of", "2026-11-22")
        assert not RAW.search(err.rstrip("\n")) and not RAW.search(out.replace("\n", "").replace("\t", ""))
        if fmt == "junit":
            ET.fromstring(out.encode("utf-8"))


config_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.dates(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
config_keys = st.sampled_from(
    [
        *("skip", "only", "fail_on", "fail-on", "format", "lang", "type", "province"),
        *("jobs", "within", "timeout", "show_pii", "as_of", "x"),
    ]
)


@FUZZ
@given(
    doc=st.dictionaries(config_keys, config_values, max_size=4) | config_values,
    raw=st.booleans(),
    noise=st.text(max_size=40),
)
def test_fuzz_config_file(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    doc: object,
    raw: bool,
    noise: str,
) -> None:
    repo = tmp_path_factory.mktemp("repo")
    (repo / ".git").mkdir()
    text = noise if raw else yaml.safe_dump(doc, allow_unicode=True)
    (repo / ".icpcheck.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    monkeypatch.chdir(repo)
    code, _, err = _run(capsys, "eligibility", EXAMPLES / "missing-data.yaml", "--as-of", "2026-11-22")
    if code == 2:
        assert ".icpcheck.yaml" in err and len(err.strip().splitlines()) == 1, err


def test_classify_text_escapes_the_file_name(cli: CLI, evil_profile: Path) -> None:
    _, out, _ = cli("classify", evil_profile)
    assert "\\x1b]0;pwned\\x07" in out and not RAW.search(out.replace("\n", ""))
