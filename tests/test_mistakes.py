"""Every mistake in one run: a profile with several mistakes reports each as `file:line: field: message`."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from icpcheck.errors import MAX_MISTAKES, ProfileError

CLI = Callable[..., tuple[int, str, str]]

THREE = (
    "version: 1\n"
    "company:\n"
    "  name: 某公司\n"
    "  registered_capital_cny: lots\n"  # line 4: a wrong type
    "  established: 2026-02-30\n"  # line 5: a malformed value (refused by the YAML reader)
    "  adress: 北京\n"  # line 6: an unknown key
)


def _errors(err: str) -> list[str]:
    lines = err.strip().splitlines()
    assert all(line.startswith("icpcheck: error: ") for line in lines), err
    return [line.removeprefix("icpcheck: error: ") for line in lines]


def test_three_mistakes_are_each_reported_on_their_own_line(
    cli: CLI, write_profile: Callable[..., Path]
) -> None:
    path = write_profile(None, THREE)
    code, out, err = cli("eligibility", path, "--as-of", "2026-11-22")
    assert code == 2 and out == "" and "Traceback" not in err
    assert _errors(err) == [
        f'{path}:4: company.registered_capital_cny: not a number ("lots")',
        f"{path}:5: company.established: invalid value '2026-02-30': day is out of range for month",
        f"{path}:6: company.adress: unknown field; did you mean 'address'?",
    ]


def test_mistakes_in_several_sections_come_in_line_order(
    cli: CLI, write_profile: Callable[..., Path]
) -> None:
    text = (
        "version: 1\ncompany:\n  name: 某公司\n  province: atlantis\n"
        "domains:\n  - {name: a.cn, registered: someday}\n  - {name: b.cn, real_name_verified: maybe}\n"
        "hosting: {location: moon}\n"
    )
    path = write_profile(None, text)
    fields = [line.split(": ")[1] for line in _errors(cli("eligibility", path)[2])]
    assert fields == [
        "company.province",
        "domains[0].registered",
        "domains[1].real_name_verified",
        "hosting.location",
    ]


def test_a_duplicate_key_and_a_wrong_type_are_both_reported(
    cli: CLI, write_profile: Callable[..., Path]
) -> None:
    text = "version: 1\ncompany:\n  name: a\n  name: b\n  paid_in_capital_cny: [1]\n"
    path = write_profile(None, text)
    errors = _errors(cli("eligibility", path)[2])
    assert errors == [
        f"{path}:4: company: duplicate key 'name' (lines 3 and 4)",
        f"{path}:5: company.paid_in_capital_cny: not a number (a list)",
    ]


def test_every_date_after_the_evaluation_date_is_reported(
    cli: CLI, write_profile: Callable[..., Path]
) -> None:
    text = (
        "version: 1\ncompany: {name: 某公司, established: 2027-01-01}\n"
        "domains:\n  - {name: a.cn, registered: 2027-02-01}\n  - {name: b.cn, registered: 2027-03-01}\n"
    )
    errors = _errors(cli("eligibility", write_profile(None, text), "--as-of", "2026-11-22")[2])
    assert [e.split(": ")[1] for e in errors] == [
        "company.established",
        "domains[0].registered",
        "domains[1].registered",
    ]


def test_personal_data_in_every_message_is_masked(cli: CLI, write_profile: Callable[..., Path]) -> None:
    text = (
        "version: 1\ncompany:\n  name: 某公司\n  established: 110101199003071233\n"
        "people:\n  site_owner: {name: 张三, mobile: [1], email: {a: 1}, office_phone: 13800138000x}\n"
        "  legal_representative: {id_number: 110101199003071233, extra: 13912345678}\n"
    )
    path = write_profile(None, text)
    code, _, err = cli("eligibility", path)
    assert code == 2 and len(_errors(err)) == 4, err
    assert "110101199003071233" not in err and "1101**********1233" in err
    code, _, err = cli("eligibility", path, "--show-pii")
    assert "110101199003071233" in err


def test_hostile_text_in_each_message_stays_on_its_line(cli: CLI, write_profile: Callable[..., Path]) -> None:
    text = 'version: 1\ncompany:\n  name: x\n  province: "\\e[2J\\nfake: line"\n  "\\u202eevil\\n": 1\n'
    code, _, err = cli("eligibility", write_profile(None, text))
    errors = _errors(err)
    assert code == 2 and len(errors) == 2, err
    assert "\x1b" not in err and "\u202e" not in err and "\\x1b[2J\\nfake" in errors[0]


def test_the_list_of_mistakes_is_capped_and_says_so(cli: CLI, write_profile: Callable[..., Path]) -> None:
    extra = MAX_MISTAKES + 7
    text = "version: 1\ncompany:\n  name: x\n" + "".join(f"  unknown{i}: 1\n" for i in range(extra))
    path = write_profile(None, text)
    errors = _errors(cli("eligibility", path)[2])
    assert len(errors) == MAX_MISTAKES + 1
    assert errors[0].startswith(f"{path}:4: company.unknown0: unknown field")
    assert errors[-1] == f"{path}: 7 more mistakes not listed (the first {MAX_MISTAKES} are above)"


def test_every_format_lists_every_mistake(cli: CLI, write_profile: Callable[..., Path]) -> None:
    path = write_profile(None, THREE)
    fields = ["company.registered_capital_cny", "company.established", "company.adress"]
    _, out, _ = cli("eligibility", path, "-f", "json")
    assert [(e["line"], e["field"]) for e in json.loads(out)["errors"]] == list(
        zip([4, 5, 6], fields, strict=True)
    )
    _, out, _ = cli("eligibility", path, "-f", "sarif")
    notes = json.loads(out)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["region"]["startLine"] for n in notes] == [4, 5, 6]
    _, out, _ = cli("eligibility", path, "-f", "github")
    assert [line.split(",line=")[1].split(",")[0] for line in out.splitlines()] == ["4", "5", "6"]
    for fmt in ("markdown", "junit", "html"):
        _, out, _ = cli("eligibility", path, "-f", fmt)
        assert all(f in out for f in fields), (fmt, out)


def test_the_mistakes_cross_process_boundaries(cli: CLI, tmp_path: Path) -> None:
    from icpcheck.profile import load_profile

    (tmp_path / "a.yaml").write_text(THREE, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(THREE, encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(tmp_path / "a.yaml")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert [str(e) for e in copy.each()] == [str(e) for e in caught.value.each()]
    assert len(copy.each()) == 3
    code, _, err = cli("eligibility", tmp_path, "-j", "2")
    assert code == 2 and len(_errors(err)) == 6, err
