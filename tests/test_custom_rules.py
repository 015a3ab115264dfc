"""--rules DIR: eligibility, materials, classify and rules read a custom or amended copy of the rules."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, ROOT
from icpcheck.errors import UsageError

CLI = Callable[..., tuple[int, str, str]]
PROFILE = EXAMPLES / "beijing-licence-eligible.yaml"

CUSTOM = """
rules:
  - id: licence.house_rule
    type: licence
    severity: error
    title: {zh: 本所内部规则, en: Our house rule}
    message: {zh: 公司名称须为"nobody", en: The company must be called nobody}
    remediation: {zh: 改名, en: Rename it}
    source: "our own practice"
    check: {field: company.name, op: eq, value: nobody}
    tags: [house]
    aliases: [licence.old_house_rule]  # its ID before a rename
"""


def _amended(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "custom.yaml").write_text(CUSTOM, encoding="utf-8")
    for path, key in (
        (rules / "materials" / "licence.yaml", "items"),
        (rules / "guidance" / "classify.yaml", "conclusions"),
    ):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data[key][0]["title"]["en"] = f"Amended {key} title"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return rules


def test_every_command_reads_the_rules_directory_given(cli: CLI, tmp_path: Path) -> None:
    rules = _amended(tmp_path)
    as_of = ("--as-of", "2026-11-22")
    code, out, _ = cli("eligibility", PROFILE, "-f", "json", *as_of, "--rules", rules)
    found = {f["rule"]: f for r in json.loads(out)["results"] for f in r["findings"]}
    assert code == 1 and found["licence.house_rule"]["status"] == "fail"
    code, out, _ = cli("eligibility", PROFILE, "-f", "json", *as_of)
    assert code == 0 and "licence.house_rule" not in out  # the bundled rules by default
    _, out, _ = cli("rules", "list", "-f", "json", "--rules", rules)
    assert "licence.house_rule" in {r["id"] for r in json.loads(out)}
    code, out, _ = cli("rules", "show", "licence.house_rule", "--lang", "en", "--rules", rules)
    assert code == 0 and "Our house rule" in out
    _, out, _ = cli("materials", "-t", "licence", "--lang", "en", *as_of, "--rules", rules)
    assert "Amended items title" in out
    _, out, _ = cli("classify", PROFILE, "--lang", "en", *as_of, "--rules", rules)
    assert "Amended conclusions title" in out
    _, out, _ = cli("classify", PROFILE, "--lang", "en", *as_of)
    assert "Amended" not in out


def test_tags_select_and_aliases_keep_former_ids_working(cli: CLI, tmp_path: Path) -> None:
    rules = _amended(tmp_path)
    run = ("eligibility", PROFILE, "-f", "json", "--as-of", "2026-11-22", "--rules", rules)
    _, out, _ = cli(*run, "--only", "tag:house")
    assert [f["rule"] for r in json.loads(out)["results"] for f in r["findings"]] == ["licence.house_rule"]
    code, out, _ = cli(*run, "--skip", "licence.old_house_rule")  # the former ID still skips it
    assert code == 0 and "licence.house_rule" not in out
    profile = tmp_path / "p.yaml"
    text = PROFILE.read_text(encoding="utf-8")
    profile.write_text(
        text + "waivers:\n  - {rule: licence.old_house_rule, reason: agreed}\n", encoding="utf-8"
    )
    code, out, _ = cli("eligibility", profile, "-f", "json", "--as-of", "2026-11-22", "--rules", rules)
    found = {f["rule"]: f for r in json.loads(out)["results"] for f in r["findings"]}
    assert (
        code == 0 and found["licence.house_rule"]["status"] == "waived" and "waiver.unknown_rule" not in found
    )
    code, _, err = cli(*run, "--only", "tag:nope")
    assert code == 2 and "no rule has this tag" in err and "house" in err


def test_a_rule_alias_may_not_be_a_rule_id(cli: CLI, tmp_path: Path) -> None:
    rules = _amended(tmp_path)
    custom = rules / "custom.yaml"
    custom.write_text(custom.read_text(encoding="utf-8").replace("licence.old_house_rule", "licence.capital"))
    code, _, err = cli("rules", "validate", rules)
    assert code == 2 and "alias 'licence.capital' is already a rule ID" in err


# The other data a rules directory holds, each amended where a command shows it: (file, path to a value).
AMEND = {
    "timeline": ("guidance/timeline.yaml", ("filing", 0, "title", "en")),
    "obligations": ("guidance/obligations.yaml", ("obligations", 0, "title", "en")),
    "sources": ("sources.yaml", ("sources", 0, "title", "en")),
    "provinces": ("provinces.yaml", ("provinces", "beijing", "authority")),
    "coverage": ("ledger.yaml", ("statements", 0, "note")),
    "site": ("guidance/site.yaml", ("beian_url",)),
    "domain": ("filing.yaml", ("rules", "filing.domain_tld_approved", "message", "en")),
}


def _amend_data(rules: Path) -> None:
    for name, (file, keys) in AMEND.items():
        path = rules / file
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        node = data
        for key in keys[:-1]:  # a text key into a list: the item with that ID
            node = (
                next(r for r in node if r["id"] == key)
                if isinstance(key, str) and isinstance(node, list)
                else node[key]
            )
        node[keys[-1]] = f"https://amended.example/{name}" if name == "site" else f"Amended {name}"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


COMMANDS = {
    "timeline": (
        "timeline",
        "-t",
        "filing",
        "--province",
        "beijing",
        "--start",
        "2026-11-02",
        "--lang",
        "en",
    ),
    "obligations": ("obligations", PROFILE, "--as-of", "2026-11-22", "--lang", "en"),
    "sources": ("sources", "--lang", "en"),
    "provinces": ("provinces", "beijing", "--as-of", "2026-11-22"),
    "coverage": ("rules", "coverage", "-f", "json"),
    "site": ("site", ROOT / "tests" / "site_pages" / "good.html", "-f", "json", "--as-of", "2026-11-22"),
    "domain": ("domain", "example.cn", "--offline", "--as-of", "2026-11-22", "--lang", "en"),
}


def test_the_other_commands_read_the_rules_directory_given(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICPCHECK_CACHE_DIR", str(tmp_path / "cache"))  # domain --offline: nothing cached
    rules = _amended(tmp_path)
    _amend_data(rules)
    for name, args in COMMANDS.items():
        _, bundled, _ = cli(*args)
        code, custom, err = cli(*args, "--rules", rules)
        assert code in (0, 1), (name, err)
        assert "amended" in custom.lower() and "amended" not in bundled.lower(), (name, custom[:400])
    _, out, _ = cli("rules", "validate", rules)
    assert (
        str(rules) in out and f"ok: {len(json.loads(cli('rules', 'list', '-f', 'json')[1])) + 1} rules" in out
    )


REGISTRARS = """
where_to_check: https://domain.miit.gov.cn/
registrars:
  - name: MarkMonitor Inc.
    source: our own check in MIIT's query
"""


def _registrar_status(cli: CLI, *args: str | Path) -> str:
    _, out, _ = cli("eligibility", PROFILE, "-t", "filing", "-f", "json", "--as-of", "2026-11-22", *args)
    found = {f["rule"]: f for r in json.loads(out)["results"] for f in r["findings"]}
    return str(found["filing.domain_registrar_approved"]["status"])


def test_the_registrars_of_the_rules_directory_decide(cli: CLI, tmp_path: Path) -> None:
    """domains/registrars.yaml is read from --rules DIR: a list without the profile's registrar (阿里云)
    makes it unknown; a directory without the file checks against the bundled list."""
    listed, missing, broken = (_copy(tmp_path / name) for name in ("listed", "missing", "broken"))
    (listed / "domains" / "registrars.yaml").write_text(REGISTRARS, encoding="utf-8")
    (missing / "domains" / "registrars.yaml").unlink()
    (broken / "domains" / "registrars.yaml").write_text("registrars: 1\n", encoding="utf-8")
    assert _registrar_status(cli) == "pass"
    assert _registrar_status(cli, "--rules", listed) == "unknown"
    assert _registrar_status(cli) == "pass"  # the bundled list again, in the same process
    assert _registrar_status(cli, "--rules", missing) == "pass"
    code, _, err = cli("eligibility", PROFILE, "--rules", broken)
    assert code == 2 and "registrars.yaml" in err and "Traceback" not in err


def _copy(target: Path) -> Path:
    shutil.copytree(ROOT / "rules", target)
    return target


def test_icpcheck_domain_reads_the_registrars_of_the_rules_directory(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whois_server import SAMPLES, whois_server

    assert SAMPLES.exists(), "../shared/whois-samples is not beside the repo"
    rules = _copy(tmp_path / "rules")
    (rules / "domains" / "registrars.yaml").write_text(REGISTRARS, encoding="utf-8")
    monkeypatch.setenv("ICPCHECK_CACHE_DIR", str(tmp_path / "cache"))
    with whois_server() as srv:
        monkeypatch.setenv("ICPCHECK_WHOIS_SERVER", f"127.0.0.1:{srv.server_address[1]}")
        statuses = []
        for extra in ((), ("--rules", rules)):
            _, out, _ = cli("domain", "google.com", "--as-of", "2026-11-22", "-f", "json", *extra)
            [entry] = json.loads(out)["domains"]
            assert entry["domain"]["registrar"] == "MARKMONITOR INC."  # listed as MarkMonitor Inc.
            statuses += [
                f["status"] for f in entry["findings"] if f["rule"] == "filing.domain_registrar_approved"
            ]
    assert statuses == ["unknown", "pass"]


def test_the_places_of_the_rules_directory_name_provinces(cli: CLI, tmp_path: Path) -> None:
    """divisions.tsv (the cities and districts that name a province) is read from --rules DIR by the
    province table of that directory (`icpcheck provinces NAME`); a directory without one has the bundled
    table; a malformed line is an input error naming the file and line."""
    own, missing, broken = (_copy(tmp_path / name) for name in ("own", "missing", "broken"))
    with (own / "divisions.tsv").open("a", encoding="utf-8") as fh:
        fh.write("110199\t雁栖湖新区\n")  # not in GB/T 2260: only this directory knows it
    (missing / "divisions.tsv").unlink()
    (broken / "divisions.tsv").write_text("110101\t东城区\n11x\n", encoding="utf-8")

    def province(name: str, *rules: str | Path) -> tuple[int, str]:
        code, out, err = cli("provinces", name, "-f", "json", *rules)
        assert "Traceback" not in err
        return code, json.loads(out)["key"] if code == 0 else err

    assert province("雁栖湖新区", "--rules", own) == (0, "beijing")
    assert province("雁栖湖", "--rules", own) == (0, "beijing")  # its short form too
    assert province("雁栖湖新区")[0] == 2  # the bundled table does not know it
    assert province("深圳", "--rules", missing) == (0, "guangdong")
    code, err = province("深圳", "--rules", broken)
    assert code == 2 and "divisions.tsv" in err and ":2" in err


def test_profiles_and_flags_name_places_of_the_rules_directory(
    cli: CLI, tmp_path: Path, write_profile: Callable[[Any], Path], eligible_data: dict[str, Any]
) -> None:
    """With --rules DIR, a profile's company.province and --province resolve with DIR's divisions.tsv, in
    this process and in worker processes alike; without it, or afterwards in the same process, not."""
    from icpcheck.provinces import resolve_province

    own = _copy(tmp_path / "own")
    with (own / "divisions.tsv").open("a", encoding="utf-8") as fh:
        fh.write("110199\t雁栖湖新区\n")
    eligible_data["company"]["province"] = "雁栖湖新区"
    profiles = [write_profile(eligible_data), write_profile(eligible_data)]
    as_of = ("--as-of", "2026-11-22", "-f", "json")
    for jobs in ("1", "2"):
        code, out, err = cli("eligibility", *profiles, *as_of, "-j", jobs, "--rules", own)
        results = json.loads(out)["results"]
        assert code == 0 and len(results) >= 2, err
        assert {r["province"] for r in results} == {"beijing"}
    code, _, err = cli("eligibility", profiles[0], *as_of)
    assert code == 2 and "雁栖湖新区" in err
    code, out, _ = cli("timeline", "-t", "filing", "--province", "雁栖湖", "-f", "json", "--rules", own)
    assert code == 0 and json.loads(out)["province"] == "beijing"
    with pytest.raises(UsageError):
        resolve_province("雁栖湖新区")  # the bundled table again, once the command is done
